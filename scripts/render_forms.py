#!/usr/bin/env python3
"""Renders declaration records (JSON) onto the paper declaration form as scanned images, with
truth JSON beside each, for SecondLine's form-reading tests and accuracy benchmarks.

Test data only; the product is Swift. Requires Pillow and numpy (scripts/requirements.txt)
and the CJK fonts of Debian's fonts-noto-cjk, fonts-wqy-zenhei, fonts-wqy-microhei and
fonts-arphic-uming packages.

    python3 scripts/render_forms.py --input DECL_DIR_OR_FILES... --out OUTDIR \
        --tier clean|light|hard --seed N [--format png|jpeg|tiff|pdf|pages] \
        [--blank-rate R] [--inconsistent-rate R] [--page-conflict-rate R] \
        [--missing-page-rate R] [--shuffle-pages] [--non-form N] [--nominal] [--font NAME]

See Fixtures/README.md for the truth JSON format.
"""
from __future__ import annotations

import argparse
import copy
import time
import json
import math
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_layout import CodeTables, FontSet, available_fonts, load_layout, make_geometry  # noqa: E402
from render_nonform import NON_FORM_KINDS, render_blank, render_invoice, render_photo  # noqa: E402
from render_page import PageContent, present, render_page  # noqa: E402
from render_scan import (TIERS, ScanParams, apply_scan, choose_document_dpi, choose_scan,  # noqa: E402
                         to_bilevel, transform_box)

FORMATS = ("png", "jpeg", "tiff", "pdf", "pages", "mixed")
ROWS_PER_PAGE = 6
FIXED_DATE = time.gmtime(1704067200)  # 2024-01-01: PDFs stay byte-stable

# Fields that are commonly left empty on paper (blanked at --blank-rate) and required ones that
# are sometimes forgotten (blanked at a third of the rate).
OPTIONAL_BLANKS = ["preEntryNumber", "recordNumber", "licenseNumber", "goodsLocation", "conveyance", "billOfLading",
                   "contractNumber", "loadingPort", "transitPort", "destinationPort", "entryPort", "exitPort",
                   "freight", "insurance", "otherCharges", "attachedDocuments", "marksAndRemarks", "declarantPhone",
                   "declarantCardNumber"]
REQUIRED_BLANKS = ["ieDate", "packageCount", "netWeightKg", "grossWeightKg", "tradeCountry", "transactionMode",
                   "packageType", "supervisionMode", "customsNumber", "declarantName"]
# Fields whose printed text can be altered on one page to make the pages disagree.
CONFLICT_FIELDS = ["grossWeightKg", "netWeightKg", "packageCount", "contractNumber", "billOfLading", "customsNumber"]


def load_inputs(paths: list[str]) -> list[tuple[str, dict]]:
    """(stem, declaration) for every declaration in the given files/directories."""
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files += sorted(f for f in list(path.glob("*.json")) + list(path.glob("*.jsonl"))
                            if not f.name.endswith(".truth.json"))
        elif path.exists():
            files.append(path)
        else:
            sys.exit(f"render_forms: input {p} does not exist")
    out = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
            if f.suffix == ".jsonl":  # `secondline generate` without --out writes JSON Lines
                data = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                data = json.loads(text)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            sys.exit(f"render_forms: {f} is not readable JSON ({e}); regenerate it")
        if isinstance(data, dict) and "declarations" in data:
            data = data["declarations"]
        if isinstance(data, list):
            for i, d in enumerate(data):
                out.append((f"{f.stem}-{i + 1:03d}", d))
        elif isinstance(data, dict):
            out.append((f.stem, data))
    for stem, d in out:
        if not isinstance(d, dict) or d.get("formType") not in load_layout()["titles"]:
            sys.exit(f"render_forms: {stem}: not a declaration record (missing or unknown formType)")
    return out


def clean_decl(d: dict) -> dict:
    """Drops null/empty values: absent and blank are the same on paper."""
    out = {k: v for k, v in d.items() if present(v)}
    out["items"] = [{k: v for k, v in it.items() if present(v)} for it in d.get("items", [])]
    return out


def side_of(decl: dict) -> str:
    return "import" if decl["formType"].startswith("import") else "export"


def header_code_fields(layout: dict, side: str) -> dict[str, str]:
    """field -> table for code fields of the header grid."""
    out = {}
    for row in layout["grid"]["rows"]:
        for cell in row["cells"]:
            c = cell[side]
            if c["kind"] == "code" and c["field"]:
                out[c["field"]] = c["table"]
    return out


def alter_text(value: str, rng: random.Random) -> str:
    """The same text with one character changed (a digit to another digit)."""
    s = list(str(value))
    idx = [i for i, ch in enumerate(s) if ch.isdigit()] or list(range(len(s)))
    if not idx:
        return str(value) + "1"
    i = rng.choice(idx)
    if s[i].isdigit():
        s[i] = rng.choice([d for d in "0123456789" if d != s[i]])
    else:
        s[i] = "X" if s[i] != "X" else "Y"
    return "".join(s)


def save_pages(images: list[Image.Image], page_numbers: list[int], stem: str, out: Path, fmt: str,
               tier: str, dpi: int, rng: random.Random, shuffle: bool,
               tiff_bilevel: str = "auto") -> tuple[list[dict], dict]:
    """Writes the page images; returns (files [{file, pages}], format details)."""
    files = []
    info: dict = {"format": fmt}
    jpeg_q = 85 if tier == "clean" else (rng.randint(80, 90) if tier == "light" else rng.randint(40, 75))
    if fmt in ("png", "jpeg") and len(images) > 1:
        info["note"] = "several pages in a single-page format: written as one file per page"
    if fmt == "tiff":
        bilevel = rng.random() < {"clean": 0.3, "light": 0.5, "hard": 0.6}[tier]
        if tiff_bilevel != "auto":
            bilevel = tiff_bilevel == "always"
        name = f"{stem}.tif"
        if bilevel:
            frames = [to_bilevel(im, rng) for im in images]
            kwargs = {"compression": "group4"}
        else:
            frames = images
            kwargs = {"compression": "tiff_adobe_deflate"} if tier == "clean" else {"compression": "jpeg",
                                                                                    "quality": jpeg_q}
        frames[0].save(out / name, save_all=True, append_images=frames[1:], dpi=(dpi, dpi), **kwargs)
        info.update({"bilevel": bilevel, "compression": kwargs["compression"]})
        files.append({"file": name, "pages": page_numbers})
    elif fmt == "pdf":
        name = f"{stem}.pdf"
        frames = [im.convert("RGB") if im.mode not in ("L", "RGB") else im for im in images]
        frames[0].save(out / name, "PDF", save_all=True, append_images=frames[1:], resolution=float(dpi),
                       quality=jpeg_q, creationDate=FIXED_DATE, modDate=FIXED_DATE)
        info["jpegQuality"] = jpeg_q
        files.append({"file": name, "pages": page_numbers})
    else:
        single = len(images) == 1 and fmt != "pages"
        numbers = list(range(1, len(images) + 1))
        if shuffle and not single:
            while len(numbers) > 1 and numbers == sorted(numbers):
                rng.shuffle(numbers)
        exts = []
        for im, printed, file_no in zip(images, page_numbers, numbers):
            # noisy scans make huge PNGs, so hard-tier page files are mostly JPEG
            ext = {"png": "png", "jpeg": "jpg"}.get(fmt) or ("png" if rng.random() < (0.2 if tier == "hard" else 0.5)
                                                            else "jpg")
            name = f"{stem}.{ext}" if single else f"{stem}-p{file_no}.{ext}"
            if ext == "png":
                # optimize is slow and useless on noisy scans
                im.save(out / name, optimize=(tier == "clean"), dpi=(dpi, dpi))
            else:
                im.save(out / name, quality=jpeg_q, dpi=(dpi, dpi))
            exts.append(ext)
            files.append({"file": name, "pages": [printed]})
        if "jpg" in exts:
            info["jpegQuality"] = jpeg_q
        if shuffle and not single:
            info["shuffledPageNames"] = True
        files.sort(key=lambda f: f["file"])
    return files, info


def render_declaration(stem: str, source: dict, args, layout: dict, tables: CodeTables, out: Path) -> dict:
    rng = random.Random(f"{args.seed}/{args.tier}/{stem}")
    nprng = np.random.default_rng(rng.getrandbits(64))
    decl = clean_decl(source)
    side = side_of(decl)
    dpi = args.dpi or choose_document_dpi(args.tier, rng)
    font_name = args.font or rng.choice(available_fonts())
    fonts = FontSet(font_name)
    geo = make_geometry(layout, rng, dpi, args.nominal)

    # Blank fields: taken off the printed form and out of the truth declaration.
    blank = []
    for f in OPTIONAL_BLANKS + REQUIRED_BLANKS:
        rate = args.blank_rate if f in OPTIONAL_BLANKS else args.blank_rate / 3
        if f in decl and rng.random() < rate:
            blank.append(f)
    # Inconsistent code/name pairs: the code stays, the printed name belongs to another code.
    overrides: dict[str, str] = {}
    inconsistent = []
    for f, table in header_code_fields(layout, side).items():
        if f in decl and f not in blank and rng.random() < args.inconsistent_rate:
            other = tables.other_code(table, str(decl[f]), rng)
            if other:
                overrides[f] = tables.name(table, other)
                inconsistent.append({"field": f, "printedCode": str(decl[f]), "printedName": overrides[f],
                                     "nameBelongsTo": other})
    items = decl.get("items", [])
    if items and rng.random() < args.inconsistent_rate * 2:
        i = rng.randrange(len(items))
        key = rng.choice(["originCountry", "destinationCountry"])
        code = items[i].get(key)
        other = tables.other_code("countries", str(code), rng) if code else None
        if other:
            path = f"items[{i}].{key}"
            overrides[path] = tables.name("countries", other)
            inconsistent.append({"field": path, "printedCode": str(code), "printedName": overrides[path],
                                 "nameBelongsTo": other})

    n_pages = max(1, math.ceil(len(items) / ROWS_PER_PAGE))
    item_rules = "full" if args.nominal else rng.choices(["full", "columns", "none"], [0.5, 0.3, 0.2])[0]

    # Pages that disagree on a header value (XF-PAGES) and pages lost in the mail.
    page_overrides: dict[int, dict[str, str]] = {}
    page_conflicts = []
    if n_pages > 1 and rng.random() < args.page_conflict_rate:
        candidates = [f for f in CONFLICT_FIELDS if f in decl and f not in blank]
        if candidates:
            f = rng.choice(candidates)
            page = rng.randint(2, n_pages)
            printed = alter_text(decl[f], rng)
            page_overrides[page] = {f: printed}
            page_conflicts.append({"field": f, "page": page, "printedValue": printed, "otherPagesValue": str(decl[f])})
    missing = []
    if n_pages > 2 and rng.random() < args.missing_page_rate:
        missing.append(rng.randint(2, n_pages - 1))

    blank_set = set(blank)
    stamp_text = (decl.get("declaringUnit") or {}).get("name", "") or "报关专用章"
    images, numbers, per_page = [], [], []
    boxes: dict[str, dict] = {}
    for page in range(1, n_pages + 1):
        page_items = list(enumerate(items))[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE]
        content = PageContent(page=page, pages=n_pages, decl=decl, side=side, items=page_items, blank=blank_set,
                              name_overrides=overrides, value_overrides=page_overrides.get(page, {}),
                              item_rules=item_rules)
        raw, raw_boxes, marks = render_page(content, layout, tables, geo, fonts)
        params: ScanParams = choose_scan(args.tier, dpi, rng)
        if args.rotation is not None:
            params.rotation = args.rotation
        if args.overlays != "auto" and args.tier != "clean":
            params.stamp = args.overlays in ("stamp", "both")
            params.scribble = args.overlays in ("handwriting", "both")
        avoid = [(path, b.get("box")) for path, b in raw_boxes.items()]
        final, point = apply_scan(raw, params, rng, nprng, fonts, marks, stamp_text, avoid)
        if page in missing:
            per_page.append({"page": page, "missing": True})
            continue
        images.append(final)
        numbers.append(page)
        desc = params.describe()
        desc["page"] = page
        desc["size"] = list(final.size)
        desc["gridCorners"] = [[round(c, 1) for c in point(*xy)] for xy in marks["gridCorners"]]
        per_page.append(desc)
        for path, b in raw_boxes.items():
            is_item = path.startswith("items[")
            if path == "page" or (not is_item and path in boxes):
                continue  # header boxes come from the first page that is present
            entry = {"page": page}
            for key in ("box", "cell", "codeBox", "label", "line"):
                if b.get(key):
                    entry[key] = transform_box(point, b[key])
            if "lines" in b:
                entry["printedLines"] = b["lines"]
            boxes[path] = entry

    fmt = args.format
    if fmt == "mixed":
        fmt = rng.choice(["png", "jpeg", "tiff", "pdf", "pages"] if n_pages > 1 else ["png", "jpeg", "tiff", "pdf"])
    files, fmt_info = save_pages(images, numbers, stem, out, fmt, args.tier, dpi, rng, args.shuffle_pages,
                                 args.tiff_bilevel)

    truth_decl = copy.deepcopy(decl)
    for f in blank:
        truth_decl.pop(f, None)
    empty = sorted(_empty_header_fields(layout, side, truth_decl))
    first = next((p for p in per_page if not p.get("missing")), {})
    truth = {
        "declaration": truth_decl,
        "blankFields": blank,
        "emptyFields": empty,
        "inconsistentFields": inconsistent,
        "pageConflicts": page_conflicts,
        "missingPages": missing,
        "missingItems": [i for i in range(len(items)) if (i // ROWS_PER_PAGE) + 1 in missing],
        "pages": n_pages,
        "files": files,
        "render": {
            "tier": args.tier, "seed": args.seed, "dpi": dpi, "format": fmt_info,
            "font": font_name, "scale": round(geo.scale, 4), "nominal": bool(args.nominal),
            "rotationDegrees": first.get("rotationDegrees", 0), "skewDegrees": first.get("skewDegrees", 0.0),
            "itemRules": item_rules, "offsetsMm": geo.offsets, "perPage": per_page,
            "source": stem,
        },
        "boxes": boxes,
    }
    with open(out / f"{stem}.truth.json", "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
    return truth


def _empty_header_fields(layout: dict, side: str, decl: dict) -> set[str]:
    """Header/footer fields of this variant that print blank (absent in the source or blanked)."""
    fields = {"preEntryNumber", "customsNumber", "specialRelationship", "priceInfluence", "royaltyPayment",
              "selfAssessment", "declarantName", "declarantCardNumber", "declarantPhone", "declaringUnit"}
    for row in layout["grid"]["rows"]:
        for cell in row["cells"]:
            if cell[side]["field"]:
                fields.add(cell[side]["field"])
    return {f for f in fields if f not in decl}


def render_non_forms(args, out: Path) -> list[dict]:
    truths = []
    for i in range(args.non_form):
        kind = NON_FORM_KINDS[i % len(NON_FORM_KINDS)]
        stem = f"{args.prefix}nonform-{kind}-{i + 1}"
        rng = random.Random(f"{args.seed}/{args.tier}/{stem}")
        nprng = np.random.default_rng(rng.getrandbits(64))
        dpi = args.dpi or choose_document_dpi(args.tier, rng)
        font_name = args.font or rng.choice(available_fonts())
        fonts = FontSet(font_name)
        if kind == "invoice":
            page = render_invoice(dpi, fonts, rng)
        elif kind == "blank":
            page = render_blank(dpi, rng)
        else:
            page = render_photo(dpi, nprng)
        params = ScanParams(tier=args.tier, dpi=dpi)
        if kind != "photo":
            params = choose_scan(args.tier, dpi, rng)
            params.stamp = params.scribble = False
            if kind == "blank":
                params.speckle = max(params.speckle, 0.0002)
                params.paper = min(params.paper, 248)
            page, _ = apply_scan(page, params, rng, nprng, fonts, {}, "", [])
        name = f"{stem}.jpg" if kind == "photo" else f"{stem}.png"
        if name.endswith(".jpg"):
            page.save(out / name, quality=85, dpi=(dpi, dpi))
        else:
            page.save(out / name, optimize=True, dpi=(dpi, dpi))
        truth = {"nonForm": True, "kind": kind, "pages": 1, "files": [{"file": name, "pages": [1]}],
                 "render": {"tier": args.tier, "seed": args.seed, "dpi": dpi, "font": font_name,
                            "perPage": [params.describe()]}}
        with open(out / f"{stem}.truth.json", "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
        truths.append(truth)
    return truths


def _render_job(job) -> dict:
    stem, d, args, out = job
    return render_declaration(stem, d, args, load_layout(), CodeTables(), out)


def _report(truth: dict) -> int:
    print(f"{truth['render']['source']}: {truth['pages']} page(s) -> {', '.join(f['file'] for f in truth['files'])}",
          file=sys.stderr)
    return truth["pages"] - len(truth["missingPages"])


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", nargs="*", default=[], help="declaration JSON files or directories of them")
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--tier", choices=TIERS, default="clean")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=FORMATS, default="png")
    ap.add_argument("--blank-rate", type=float, default=0.0, help="chance to blank each optional-looking field")
    ap.add_argument("--inconsistent-rate", type=float, default=0.0, help="chance per code field of a wrong name")
    ap.add_argument("--page-conflict-rate", type=float, default=0.0,
                    help="chance that one page of a multi-page declaration prints a different header value")
    ap.add_argument("--missing-page-rate", type=float, default=0.0,
                    help="chance that a middle page of a 3+ page declaration is not written")
    ap.add_argument("--shuffle-pages", action="store_true",
                    help="with one file per page: page file numbers do not follow the printed page order")
    ap.add_argument("--non-form", type=int, default=0, help="also write N non-form pages (invoice, blank, photo)")
    ap.add_argument("--nominal", action="store_true", help="no layout variation (nominal geometry, scale 1)")
    ap.add_argument("--font", choices=list(available_fonts()), help="use this font instead of a random one")
    ap.add_argument("--dpi", type=int, help="override the tier's DPI")
    ap.add_argument("--rotation", type=int, choices=(0, 90, 180, 270),
                    help="turn every page by this (counter-clockwise) instead of the tier's random choice")
    ap.add_argument("--overlays", choices=("auto", "none", "stamp", "handwriting", "both"), default="auto",
                    help="light/hard tiers: force the red stamp / handwriting on every page instead of by chance")
    ap.add_argument("--tiff-bilevel", choices=("auto", "always", "never"), default="auto",
                    help="with --format tiff: G4 bilevel always/never instead of the tier's random choice")
    ap.add_argument("--prefix", default="", help="prefix for output file stems")
    ap.add_argument("--jobs", type=int, default=1, help="render declarations in N processes (same output)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    decls = load_inputs(args.input) if args.input else []
    if not decls and not args.non_form:
        sys.exit("render_forms: nothing to render (give --input and/or --non-form)")
    pages = 0
    jobs = [(args.prefix + stem, d, args, out) for stem, d in decls]
    if args.jobs > 1 and len(jobs) > 1:
        import multiprocessing
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.imap(_render_job, jobs)
            pages = sum(_report(r) for r in results)
    else:
        pages = sum(_report(_render_job(j)) for j in jobs)
    render_non_forms(args, out)
    print(f"render_forms: {len(decls)} declaration(s), {pages} page(s), {args.non_form} non-form page(s) "
          f"in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

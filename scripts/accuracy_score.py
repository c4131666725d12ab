#!/usr/bin/env python3
"""Scores `secondline scan` result documents against the renderer's truth JSON.

    python3 scripts/accuracy_score.py TRUTH_DIR RESULT_DIR [--items] [--label NAME] [--calibration]

Prints field accuracy overall and per field key, the silent error rate (fields wrong or
missing AND not named in gaps or findings, over all fields), gap recall on blank fields,
and rejection results for non-form pages. Test tooling only; the product is Swift.
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

LAYOUT = Path(__file__).resolve().parent.parent / "Sources/SecondLineModel/Resources/form-layout.json"

PARTY_FIELDS = {"domesticParty", "endUser", "declaringUnit"}
ITEM_KEYS = ["itemNumber", "recordItemNumber", "hsCode", "name", "specification", "legalQuantity", "secondQuantity",
             "declaredQuantity", "unitPrice", "totalPrice", "currency", "originCountry", "destinationCountry",
             "domesticRegion", "dutyMode"]


def header_fields(layout: dict, form_type: str) -> list[str]:
    side = "import" if form_type.startswith("import") else "export"
    keys = [i["field"] for i in layout["topLine"]["items"] if i["field"] != "page"]
    for row in layout["grid"]["rows"]:
        for cell in row["cells"]:
            spec = cell[side]
            if spec.get("field"):
                keys.append(spec["field"])
    keys += [i["field"] for i in layout["confirmations"]["items"]]
    for line in layout["declarant"]["lines"]:
        for part in line["parts"]:
            if part.get("field"):
                keys.append(part["field"])
    out = []
    for k in keys:
        if k in PARTY_FIELDS:
            out += [k + ".name", k + ".uscc"]
        elif k == "overseasParty":
            out += [k + ".name", k + ".aeoCode"]
        else:
            out.append(k)
    return out


def norm_text(v):
    """Compare printed text fairly: width-folded, spacing ignored (OCR spacing is not content)."""
    if v is None:
        return None
    if isinstance(v, bool) or isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        s = unicodedata.normalize("NFKC", v)
        return "".join(s.split())
    if isinstance(v, list):
        return [norm_text(x) for x in v]
    if isinstance(v, dict):
        return {k: norm_text(x) for k, x in v.items() if x is not None}
    return v


def get(decl: dict | None, path: str):
    if decl is None:
        return None
    cur = decl
    for part in path.replace("]", "").replace("[", ".").split("."):
        if cur is None:
            return None
        if isinstance(cur, list):
            i = int(part)
            cur = cur[i] if i < len(cur) else None
        else:
            cur = cur.get(part)
    if cur in ("", [], {}):
        return None
    return cur


def flagged(path: str, names: set[str]) -> bool:
    """A field counts as flagged when it, its parent or one of its parts is named in gaps or findings."""
    if path.startswith("items[") and "items" in names:
        return True  # a gap or finding on the item list as a whole covers every item field
    parts = path.split(".")
    for i in range(1, len(parts) + 1):
        if ".".join(parts[:i]) in names:
            return True
    return any(n.startswith(path + ".") or n.startswith(path + "[") for n in names)


def key_of(path: str) -> str:
    if path.startswith("items["):
        return "items[]." + path.split("].", 1)[1]
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("truth_dir")
    ap.add_argument("result_dir")
    ap.add_argument("--items", action="store_true", help="score item rows too")
    ap.add_argument("--label", default="")
    ap.add_argument("--calibration", action="store_true", help="print a confidence reliability table")
    ap.add_argument("--calibration-note", default=None,
                    help="only fields whose evidence notes contain this text enter the reliability table")
    ap.add_argument("--show-errors", type=int, default=0, help="print up to N wrong fields")
    args = ap.parse_args()
    layout = json.loads(LAYOUT.read_text())

    total = correct = silent = 0
    blank_total = blank_gapped = 0
    per_key = defaultdict(lambda: [0, 0, 0])  # total, correct, silent
    nonform = nonform_rejected = 0
    missing_results = 0
    forms = forms_rejected = 0
    errors = []
    bins = defaultdict(lambda: [0, 0])
    for truth_path in sorted(Path(args.truth_dir).glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        stem = truth_path.name[: -len(".truth.json")]
        result_path = Path(args.result_dir) / f"{stem}.json"
        result = json.loads(result_path.read_text()) if result_path.exists() else None
        if truth.get("nonForm") or truth.get("declaration") is None:
            nonform += 1
            if result is not None and result.get("status") == "rejected":
                nonform_rejected += 1
            continue
        forms += 1
        if result is None:
            missing_results += 1
        elif result.get("status") == "rejected":
            forms_rejected += 1
        tdecl = truth["declaration"]
        rdecl = (result or {}).get("declaration")
        names = set()
        for g in (result or {}).get("gaps", []):
            names.add(g["field"])
        for f in (result or {}).get("findings", []):
            names.update(f.get("fields", []))
        inconsistent = {x["field"] for x in truth.get("inconsistentFields", [])}
        inconsistent |= {x["field"] if isinstance(x, dict) else x for x in truth.get("pageConflicts", [])}
        blank = set(truth.get("blankFields", [])) | set(truth.get("emptyFields", []))
        paths = header_fields(layout, tdecl.get("formType", "import-declaration"))
        if args.items:
            for i, _ in enumerate(tdecl.get("items", [])):
                paths += [f"items[{i}].{k}" for k in ITEM_KEYS]
        fields_ev = (result or {}).get("fields", {})
        for path in paths:
            t = norm_text(get(tdecl, path))
            r = norm_text(get(rdecl, path))
            is_flagged = flagged(path, names)
            top = path.split(".")[0]
            if path in inconsistent or top in inconsistent:
                ok = r is None and is_flagged
            else:
                ok = t == r
            total += 1
            pk = per_key[key_of(path)]
            pk[0] += 1
            if ok:
                correct += 1
                pk[1] += 1
            elif not is_flagged:
                silent += 1
                pk[2] += 1
            if not ok and len(errors) < args.show_errors:
                errors.append(f"{stem} {path}: truth={t!r} read={r!r} flagged={is_flagged}")
            if t is None and (path in blank or top in blank):
                blank_total += 1
                if is_flagged:
                    blank_gapped += 1
            ev = fields_ev.get(path)
            if args.calibration_note and ev is not None and not any(args.calibration_note in n for n in ev.get("notes", [])):
                ev = None
            if ev is not None and r is not None:
                b = min(19, int(ev["confidence"] * 20))
                bins[b][0] += 1
                bins[b][1] += int(t == r)

    label = f"[{args.label}] " if args.label else ""
    if total == 0:
        print(f"{label}no scored fields (no truth files in {args.truth_dir}?)")
        return 1
    print(f"{label}declarations: {forms} (rejected by mistake: {forms_rejected}, no result: {missing_results}); "
          f"non-form pages rejected: {nonform_rejected}/{nonform}")
    print(f"{label}field accuracy: {100 * correct / total:.2f} % ({correct}/{total})")
    print(f"{label}silent error rate: {100 * silent / total:.3f} % ({silent}/{total})")
    if blank_total:
        print(f"{label}gap recall on blank fields: {100 * blank_gapped / blank_total:.2f} % ({blank_gapped}/{blank_total})")
    print(f"{label}per field key (accuracy %, silent errors):")
    for k in sorted(per_key, key=lambda k: (per_key[k][1] / per_key[k][0], k)):
        n, c, s = per_key[k]
        print(f"{label}  {k:32s} {100 * c / n:6.1f} %  n={n:<5d} silent={s}")
    if args.calibration:
        print(f"{label}reliability (confidence bin: fields, observed accuracy):")
        for b in sorted(bins):
            n, c = bins[b]
            print(f"{label}  {b / 20:.2f}-{(b + 1) / 20:.2f}: {n:5d}  {100 * c / n:6.1f} %")
    for e in errors:
        print(f"{label}  wrong: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Layout, code tables, fonts and per-document geometry for the declaration form renderer.

Test-data only (see scripts/render_forms.py). Geometry follows
Sources/SecondLineModel/Resources/form-layout.json; all randomness comes from the caller's
`random.Random`, so a document renders identically for the same seed.
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import ImageFont

RESOURCES = Path(__file__).resolve().parent.parent / "Sources" / "SecondLineModel" / "Resources"
MM_PER_INCH = 25.4
PAGE_W_MM = 210.0
PAGE_H_MM = 297.0
MAX_SHIFT_MM = 6.0  # "cell boundaries up to ±6 mm from the nominal layout"


def load_layout() -> dict:
    with open(RESOURCES / "form-layout.json", encoding="utf-8") as f:
        return json.load(f)


class CodeTables:
    """code -> printed name, per table file name without extension."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = {}
        for path in sorted((RESOURCES / "codes").glob("*.csv")):
            with open(path, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
            if rows and "code" in rows[0] and "name" in rows[0]:  # skip index files
                self.tables[path.stem] = {r["code"]: r["name"] for r in rows}

    def name(self, table: str, code) -> str:
        """The printed name; an unknown code (partial tables) prints the code itself."""
        if code is None:
            return ""
        return self.tables.get(table, {}).get(str(code), str(code))

    def other_code(self, table: str, code: str, rng: random.Random) -> str | None:
        """A different code of the same table whose name differs (for inconsistent prints)."""
        own = self.name(table, code)
        choices = [c for c, n in self.tables.get(table, {}).items() if c != code and n != own]
        return rng.choice(choices) if choices else None


# name, regular (path, ttc index), bold (path, index) or None -> synthetic bold via stroke
FONTS = {
    "Noto Sans CJK SC": (("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
                         ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2)),
    "Noto Serif CJK SC": (("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
                          ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2)),
    "WenQuanYi Zen Hei": (("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0), None),
    "WenQuanYi Micro Hei": (("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0), None),
    "AR PL UMing CN": (("/usr/share/fonts/truetype/arphic/uming.ttc", 0), None),
}


def available_fonts() -> list[str]:
    return [name for name, (reg, _) in FONTS.items() if Path(reg[0]).exists()]


class FontSet:
    """One document's typeface (CJK and Latin in the same font), cached by pixel size."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.regular, self.bold = FONTS[name]
        self._cache: dict[tuple[bool, int], ImageFont.FreeTypeFont] = {}

    def get(self, px: float, bold: bool = False) -> ImageFont.FreeTypeFont:
        size = max(6, int(round(px)))
        key = (bold and self.bold is not None, size)
        if key not in self._cache:
            path, index = self.bold if key[0] else self.regular
            self._cache[key] = ImageFont.truetype(path, size=size, index=index)
        return self._cache[key]

    @property
    def has_bold(self) -> bool:
        return self.bold is not None


def _walk(rng: random.Random, count: int, start_range: float, step: float, nominal: bool) -> list[float]:
    """Offsets of consecutive boundaries: a bounded random walk, so neighbouring rows stay sane."""
    if nominal:
        return [0.0] * count
    out = [rng.uniform(-start_range, start_range)]
    for _ in range(count - 1):
        out.append(max(-MAX_SHIFT_MM, min(MAX_SHIFT_MM, out[-1] + rng.uniform(-step, step))))
    return out


@dataclass
class Geometry:
    """Printed positions (mm on the unscaled page) of every ruled line and text anchor of one document.

    `px()` maps those mm to page pixels, applying the overall scale about the page centre.
    """
    dpi: int
    scale: float
    row_tops: list[float]            # header grid rows: top of each row, plus bottom (= items header top)
    row_cols: list[list[float]]      # per header row: x boundaries (left edge, interior..., right edge)
    items_header_top: float
    items_first_row_top: float
    item_row_height: float
    item_cols: list[float]
    confirm_top: float
    declarant_top: float
    bottom: float
    declarant_split: float           # x of the vertical line between declarant and customs boxes
    title_top: float
    top_line_top: float
    x_shift: float                   # shift of text anchors outside cells (top line, confirmations)
    font_factor: float
    offsets: dict = field(default_factory=dict)

    @property
    def k(self) -> float:
        return self.dpi / MM_PER_INCH

    def page_px(self) -> tuple[int, int]:
        return int(round(PAGE_W_MM * self.k)), int(round(PAGE_H_MM * self.k))

    def px(self, x: float, y: float) -> tuple[float, float]:
        s = self.scale
        return (((x - PAGE_W_MM / 2) * s + PAGE_W_MM / 2) * self.k,
                ((y - PAGE_H_MM / 2) * s + PAGE_H_MM / 2) * self.k)

    def mm_to_px(self, mm: float) -> float:
        return mm * self.scale * self.k


def make_geometry(layout: dict, rng: random.Random, dpi: int, nominal: bool) -> Geometry:
    grid = layout["grid"]
    items = layout["items"]
    rows = grid["rows"]
    scale = 1.0 if nominal else rng.uniform(0.95, 1.05)

    # Horizontal boundaries: header rows, items header top, first item row top.
    nominal_tops = [r["topMm"] for r in rows] + [items["headerTopMm"], items["firstRowTopMm"]]
    y_off = _walk(rng, len(nominal_tops), 3.0, 1.5, nominal)
    tops = [t + o for t, o in zip(nominal_tops, y_off)]
    # Item rows share one height; keep the accumulated drift within the ±6 mm bound.
    n_rows = items["rowsPerPage"]
    row_h = items["rowHeightMm"]
    if not nominal:
        row_h += rng.uniform(-0.5, 0.5)
        drift = y_off[-1] + n_rows * (row_h - items["rowHeightMm"])
        if abs(drift) > MAX_SHIFT_MM:
            row_h = items["rowHeightMm"] + (MAX_SHIFT_MM * (1 if drift > 0 else -1) - y_off[-1]) / n_rows
    items_end_off = y_off[-1] + n_rows * (row_h - items["rowHeightMm"])
    conf = layout["confirmations"]
    decl = layout["declarant"]
    tail_nominal = [conf["topMm"], decl["topMm"], layout["bottomMm"]]
    tail_off = [items_end_off]
    for _ in range(2):
        step = 0.0 if nominal else rng.uniform(-1.0, 1.0)
        tail_off.append(max(-MAX_SHIFT_MM, min(MAX_SHIFT_MM, tail_off[-1] + step)))
    tail = [t + o for t, o in zip(tail_nominal, tail_off)]

    # Vertical boundaries: one outline for the whole grid, interior lines moved per row.
    left0 = grid["leftMm"]
    right0 = grid["leftMm"] + grid["widthMm"]
    left_off = 0.0 if nominal else rng.uniform(-3.0, 3.0)
    right_off = 0.0 if nominal else max(-MAX_SHIFT_MM, min(MAX_SHIFT_MM, left_off + rng.uniform(-2.0, 2.0)))

    def columns(nominal_bounds: list[float]) -> list[float]:
        out = []
        n = len(nominal_bounds)
        for i, b in enumerate(nominal_bounds):
            frac = (b - left0) / (right0 - left0)
            base = left_off + frac * (right_off - left_off)
            if 0 < i < n - 1 and not nominal:
                narrow = min(nominal_bounds[i] - nominal_bounds[i - 1], nominal_bounds[i + 1] - nominal_bounds[i])
                m = min(MAX_SHIFT_MM, 0.2 * narrow)
                base = max(-MAX_SHIFT_MM, min(MAX_SHIFT_MM, base + rng.uniform(-m, m)))
            out.append(b + base)
        return out

    row_cols = []
    for r in rows:
        bounds = [c["leftMm"] for c in r["cells"]] + [right0]
        row_cols.append(columns(bounds))
    item_bounds = [c["leftMm"] for c in items["columns"]] + [right0]
    item_cols = columns(item_bounds)
    split_nominal = left0 + decl["leftWidthMm"]
    split = columns([left0, split_nominal, right0])[1]

    title_top = layout["title"]["topMm"] + (0.0 if nominal else y_off[0] * rng.uniform(0.3, 1.0))
    top_line = layout["topLine"]["topMm"] + (0.0 if nominal else y_off[0] + rng.uniform(-0.8, 0.8))
    geo = Geometry(
        dpi=dpi, scale=scale,
        row_tops=tops[: len(rows) + 1],
        row_cols=row_cols,
        items_header_top=tops[len(rows)],
        items_first_row_top=tops[len(rows) + 1],
        item_row_height=row_h,
        item_cols=item_cols,
        confirm_top=tail[0], declarant_top=tail[1], bottom=tail[2],
        declarant_split=split,
        title_top=title_top, top_line_top=top_line,
        x_shift=left_off,
        font_factor=1.0 if nominal else rng.uniform(0.95, 1.05),
    )
    geo.offsets = {
        "rowTopOffsetsMm": [round(o, 2) for o in y_off],
        "itemRowHeightMm": round(row_h, 2),
        "tailOffsetsMm": [round(o, 2) for o in tail_off],
        "leftEdgeOffsetMm": round(left_off, 2),
        "rightEdgeOffsetMm": round(right_off, 2),
        "headerColumnBoundsMm": [[round(x, 2) for x in r] for r in row_cols],
        "itemColumnBoundsMm": [round(x, 2) for x in item_cols],
        "fontFactor": round(geo.font_factor, 3),
    }
    return geo

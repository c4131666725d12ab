"""Draws one page of the paper declaration form (grid, labels, values) onto a grayscale image.

Test-data only (see scripts/render_forms.py). Positions come from a per-document Geometry
(scripts/render_layout.py); each drawn value's box is recorded in pre-scan page pixels.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from render_layout import CodeTables, FontSet, Geometry

INK = 0
PAPER = 255
# Latin runs, numbers and punctuation stay together when wrapping; CJK wraps per character.
TOKEN = re.compile(r"[A-Za-z0-9.,:;/\-_'&#()+*%@]+\|?\s?|\s+|.")
ASCENT = 0.88  # CJK ideographic em box: the baseline sits 0.88 em below the top of the box


def charge_text(charge: dict) -> str:
    mark = int(charge.get("mark", 3))
    amount = str(charge.get("amount", ""))
    if mark == 1:
        return f"{amount}/1"
    return f"{charge.get('currency') or ''}/{amount}/{mark}"


def date_text(value: str) -> str:
    return str(value).replace("-", "")


def present(value) -> bool:
    return value is not None and value != "" and value != [] and value != {}


@dataclass
class PageContent:
    """What one page prints: header values (possibly overridden) and its slice of items."""
    page: int
    pages: int
    decl: dict
    side: str                       # "import" or "export"
    items: list[tuple[int, dict]]   # (index in declaration, item)
    blank: set[str]
    name_overrides: dict[str, str]  # field path -> printed name (inconsistent code/name)
    value_overrides: dict[str, str] = field(default_factory=dict)  # field -> printed value (page conflicts)
    item_rules: str = "full"        # full | columns | none


class PageCanvas:
    def __init__(self, geo: Geometry, fonts: FontSet) -> None:
        self.geo = geo
        self.fonts = fonts
        w, h = geo.page_px()
        self.image = Image.new("L", (w, h), PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.line_px = max(1.0, geo.mm_to_px(0.3))

    # -- primitives -------------------------------------------------------------------------
    def hline(self, x0: float, x1: float, y: float) -> None:
        (a, b), (c, _) = self.geo.px(x0, y), self.geo.px(x1, y)
        half = self.line_px / 2
        self.draw.rectangle([round(a - half), round(b - half), round(c + half), round(b + half) - 1], fill=INK)

    def vline(self, x: float, y0: float, y1: float) -> None:
        (a, b), (_, d) = self.geo.px(x, y0), self.geo.px(x, y1)
        half = self.line_px / 2
        self.draw.rectangle([round(a - half), round(b - half), round(a + half) - 1, round(d + half)], fill=INK)

    def font_px(self, size_mm: float) -> float:
        return self.geo.mm_to_px(size_mm * self.geo.font_factor)

    def width_mm(self, text: str, size_mm: float, bold: bool = False) -> float:
        font = self.fonts.get(self.font_px(size_mm), bold)
        return font.getlength(text) / (self.geo.k * self.geo.scale)

    def text(self, x: float, top: float, text: str, size_mm: float, bold: bool = False,
             anchor_x: str = "l") -> tuple[int, int, int, int] | None:
        """Draws text whose em box top is at `top` mm; returns the ink box in page pixels."""
        if not text:
            return None
        px = self.font_px(size_mm)
        font = self.fonts.get(px, bold)
        X, Y = self.geo.px(x, top)
        Y += ASCENT * font.size
        anchor = ("m" if anchor_x == "m" else "l") + "s"
        stroke = 0
        if bold and not self.fonts.has_bold:
            stroke = max(1, int(round(font.size / 28)))
        self.draw.text((X, Y), text, font=font, fill=INK, anchor=anchor, stroke_width=stroke, stroke_fill=INK)
        return self.draw.textbbox((X, Y), text, font=font, anchor=anchor, stroke_width=stroke)

    def text_part_box(self, x: float, top: float, prefix: str, part: str, size_mm: float) -> tuple | None:
        """Box of `part` when drawn right after `prefix` at x (prefix + part drawn as one string)."""
        if not part:
            return None
        font = self.fonts.get(self.font_px(size_mm))
        X, Y = self.geo.px(x, top)
        Y += ASCENT * font.size
        X += font.getlength(prefix)
        return self.draw.textbbox((X, Y), part, font=font, anchor="ls")

    # -- fitting ------------------------------------------------------------------------------
    def wrap(self, text: str, size_mm: float, width_mm: float) -> list[str]:
        lines: list[str] = []
        cur = ""
        tokens: list[str] = []
        for tok in TOKEN.findall(text):
            if self.width_mm(tok, size_mm) > width_mm:
                tokens.extend(tok)  # a run longer than the line breaks per character
            else:
                tokens.append(tok)
        for tok in tokens:
            if cur and self.width_mm((cur + tok).rstrip(), size_mm) > width_mm:
                lines.append(cur.rstrip())
                cur = tok.lstrip()
            else:
                cur += tok
        if cur.strip():
            lines.append(cur.rstrip())
        return lines

    def fit(self, text: str, size_mm: float, width_mm: float, max_lines: int) -> tuple[list[str], float]:
        """Lines and font size so that `text` fits the width in at most max_lines lines.

        Like declaration software: shrink a little first, then wrap, then shrink more.
        """
        for f in (1.0, 0.95, 0.9, 0.85):
            if self.width_mm(text, size_mm * f) <= width_mm:
                return [text], size_mm * f
        if max_lines > 1:
            f = 1.0
            while f > 0.45:
                lines = self.wrap(text, size_mm * f, width_mm)
                if len(lines) <= max_lines:
                    return lines, size_mm * f
                f -= 0.05
        f = 0.85
        while f > 0.3 and self.width_mm(text, size_mm * f) > width_mm:
            f -= 0.05
        return [text], size_mm * f


def union(boxes) -> tuple[int, int, int, int] | None:
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def rect_px(geo: Geometry, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    a, b = geo.px(x0, y0)
    c, d = geo.px(x1, y1)
    return (int(round(a)), int(round(b)), int(round(c)), int(round(d)))


def header_value(content: PageContent, cell: dict, tables: CodeTables) -> tuple[str, str, int]:
    """(label suffix in parentheses, value text, max lines) for one header cell."""
    fld = cell["field"]
    kind = cell["kind"]
    value = content.decl.get(fld)
    if fld in content.blank or not present(value):
        return "", "", 1
    if fld in content.value_overrides:
        return "", content.value_overrides[fld], 2
    if kind == "party":
        return value.get("uscc") or "", value.get("name") or "", 2
    if kind == "overseasParty":
        text = value.get("name") or ""
        if value.get("aeoCode"):
            text += f" ({value['aeoCode']})"
        return "", text, 2
    if kind == "code":
        name = content.name_overrides.get(fld, tables.name(cell["table"], value))
        return str(value), name, 2
    if kind == "date":
        return "", date_text(value), 1
    if kind == "charge":
        return "", charge_text(value), 1
    if kind == "documents":
        parts = [f"随附单证{i + 1}：{d.get('code', '')}:{d.get('number', '')}" for i, d in enumerate(value[:2])]
        return "", "  ".join(parts), 1
    if kind == "text":
        return "", str(value), cell.get("maxLines", 2)
    return "", str(value), 1


def render_page(content: PageContent, layout: dict, tables: CodeTables, geo: Geometry,
                fonts: FontSet) -> tuple[Image.Image, dict, dict]:
    """Returns (image, boxes, marks). boxes: field path -> dict of pre-scan pixel rects."""
    cv = PageCanvas(geo, fonts)
    txt = layout["text"]
    boxes: dict[str, dict] = {}
    side = content.side

    # Title and top line.
    title = layout["titles"][content.decl["formType"]]
    cv.text(layout["title"]["centerXMm"] + geo.x_shift, geo.title_top, title, layout["title"]["fontMm"],
            bold=layout["title"].get("bold", False), anchor_x="m")
    tl = layout["topLine"]
    for item in tl["items"]:
        fld = item["field"]
        if fld == "page":
            value = f"{content.page}/{content.pages}"
        else:
            value = content.decl.get(fld)
            value = "" if (fld in content.blank or not present(value)) else str(value)
            value = content.value_overrides.get(fld, value)
        x = item["xMm"] + geo.x_shift
        cv.text(x, geo.top_line_top, item["label"] + value, tl["fontMm"])
        b = cv.text_part_box(x, geo.top_line_top, item["label"], value, tl["fontMm"])
        lab_w = cv.width_mm(item["label"], tl["fontMm"])
        line_box = rect_px(geo, x + lab_w, geo.top_line_top, x + lab_w + 45, geo.top_line_top + tl["fontMm"])
        boxes[fld] = {"box": b or line_box, "line": line_box}

    # Header grid.
    rows = layout["grid"]["rows"]
    left, right = geo.row_cols[0][0], geo.row_cols[0][-1]
    top, bottom = geo.row_tops[0], geo.bottom
    inset_x, inset_y = txt["labelInsetMm"]
    for r, row in enumerate(rows):
        y0, y1 = geo.row_tops[r], geo.row_tops[r + 1]
        cv.hline(left, right, y0)
        bounds = geo.row_cols[r]
        for c, cell_def in enumerate(row["cells"]):
            x0, x1 = bounds[c], bounds[c + 1]
            if c > 0:
                cv.vline(x0, y0, y1)
            cell = cell_def[side]
            if cell["kind"] == "empty" or not cell["field"]:
                continue
            code, value, max_lines = header_value(content, cell, tables)
            label = cell["label"] + (f" ({code})" if code else "")
            lab_lines, lab_size = cv.fit(label, txt["labelFontMm"], x1 - x0 - 2 * inset_x, 1)
            lab_box = cv.text(x0 + inset_x, y0 + inset_y, lab_lines[0], lab_size)
            entry: dict = {"cell": rect_px(geo, x0, y0, x1, y1), "label": lab_box}
            if code:
                entry["codeBox"] = _part_box(cv, x0 + inset_x, y0 + inset_y, cell["label"] + " ", f"({code})", lab_size)
            vtop = y0 + txt["firstValueLineTopMm"]
            if value:
                lines, size = cv.fit(value, txt["valueFontMm"], x1 - x0 - 2 * inset_x, max_lines)
                step = txt["valueLineStepMm"] * min(1.0, size / txt["valueFontMm"] + 0.1)
                drawn = [cv.text(x0 + inset_x, vtop + i * step, ln, size) for i, ln in enumerate(lines)]
                entry["box"] = union(drawn)
                entry["lines"] = lines
            else:
                entry["box"] = rect_px(geo, x0 + inset_x, vtop, x1 - inset_x, vtop + txt["valueFontMm"])
                entry["lines"] = []
            boxes[cell["field"]] = entry

    # Items header row.
    items = layout["items"]
    icols = geo.item_cols
    hy0, hy1 = geo.items_header_top, geo.items_first_row_top
    cv.hline(left, right, hy0)
    cv.hline(left, right, hy1)
    for c, col in enumerate(items["columns"]):
        x0, x1 = icols[c], icols[c + 1]
        if c > 0:
            cv.vline(x0, hy0, hy1)
        label = col["label"] if side == "import" else col.get("exportLabel", col["label"])
        lines, size = cv.fit(label, txt["labelFontMm"], x1 - x0 - 1.0, 1)
        if cv.width_mm(label, txt["labelFontMm"]) > x1 - x0 - 1.0 and "（" in label:
            # "原产国（地区）" breaks before the bracket, as printed forms do
            head, tail = label.split("（", 1)
            lines = [head, "（" + tail]
            size = txt["labelFontMm"]
            while size > 1.2 and max(cv.width_mm(ln, size) for ln in lines) > x1 - x0 - 1.0:
                size *= 0.95
        elif len(lines) == 1 and size < txt["labelFontMm"] * 0.85:
            lines, size = cv.fit(label, txt["labelFontMm"], x1 - x0 - 1.0, 2)
        step = size * 1.2
        y = hy0 + max(0.6, (hy1 - hy0 - step * len(lines)) / 2)
        for i, ln in enumerate(lines):
            cv.text((x0 + x1) / 2, y + i * step, ln, size, anchor_x="m")

    # Item rows.
    rh = geo.item_row_height
    n_rows = items["rowsPerPage"]
    ifont = txt["itemFontMm"]
    line_tops = [t * rh / items["rowHeightMm"] for t in items["lineTopsInRowMm"]]
    for r in range(n_rows):
        ry0 = hy1 + r * rh
        if r > 0 and content.item_rules == "full":
            cv.hline(left, right, ry0)
        if r >= len(content.items):
            continue
        index, it = content.items[r]
        for c, col in enumerate(items["columns"]):
            x0, x1 = icols[c], icols[c + 1]
            width = x1 - x0 - 1.6
            for path, lines in _item_column_lines(col["key"], index, it, tables, content.name_overrides):
                drawn = []
                next_line = 0
                for line_no, text in lines:
                    if not text:
                        continue
                    if line_no == "name":  # country name: one line, or two when it is too long
                        wl, size = _fit_short_name(cv, text, ifont, width)
                        for j, wtext in enumerate(wl):
                            drawn.append(cv.text(x0 + 0.8, ry0 + line_tops[j], wtext, size))
                        next_line = len(wl)
                    elif line_no == "next":  # the (ISO3) line right under the name
                        wl, size = cv.fit(text, ifont, width, 1)
                        drawn.append(cv.text(x0 + 0.8, ry0 + line_tops[next_line], wl[0], size))
                    elif line_no == "spec":  # specification: lines 2-3, wrapped
                        wl, size = cv.fit(text, ifont, width, 2)
                        for j, wtext in enumerate(wl):
                            drawn.append(cv.text(x0 + 0.8, ry0 + line_tops[1 + j], wtext, size))
                    else:
                        wl, size = cv.fit(text, ifont, width, 1)
                        drawn.append(cv.text(x0 + 0.8, ry0 + line_tops[line_no], wl[0], size))
                if drawn and path:
                    boxes[path] = {"box": union(drawn)}
    iy1 = hy1 + n_rows * rh
    if content.item_rules in ("full", "columns"):
        for c in range(1, len(items["columns"])):
            cv.vline(icols[c], hy1, iy1)

    # Confirmations.
    conf = layout["confirmations"]
    cv.hline(left, right, geo.confirm_top)
    cfont = layout["topLine"]["fontMm"]
    cy = geo.confirm_top + (geo.declarant_top - geo.confirm_top - cfont) / 2
    values = conf["values"]
    for item in conf["items"]:
        fld = item["field"]
        v = content.decl.get(fld)
        text = "" if (fld in content.blank or v is None) else values["true" if v else "false"]
        x = item["xMm"] + geo.x_shift
        cv.text(x, cy, item["label"] + text, cfont)
        b = cv.text_part_box(x, cy, item["label"], text, cfont)
        lab_w = cv.width_mm(item["label"], cfont)
        boxes[fld] = {"box": b or rect_px(geo, x + lab_w, cy, x + lab_w + cfont, cy + cfont)}

    # Declarant block and customs box.
    dec = layout["declarant"]
    cv.hline(left, right, geo.declarant_top)
    cv.vline(geo.declarant_split, geo.declarant_top, bottom)
    for line in dec["lines"]:
        ly = geo.declarant_top + line["topOffsetMm"]
        parts = line["parts"]
        for p_i, part in enumerate(parts):
            x = part["xMm"] + geo.x_shift
            limit = (parts[p_i + 1]["xMm"] + geo.x_shift - 1.5) if p_i + 1 < len(parts) else geo.declarant_split - 1.0
            if "text" in part:
                lines, size = cv.fit(part["text"], cfont, limit - x, 1)
                cv.text(x, ly, lines[0], size)
                continue
            fld = part["field"]
            v = content.decl.get(fld)
            if fld in content.blank or not present(v):
                value = ""
            elif isinstance(v, dict):
                value = part.get("format", "{name} ({uscc})").format(name=v.get("name", ""), uscc=v.get("uscc", ""))
            else:
                value = str(v)
            value = content.value_overrides.get(fld, value)
            lines, size = cv.fit(part["label"] + value, cfont, limit - x, 1)
            cv.text(x, ly, lines[0], size)
            b = cv.text_part_box(x, ly, part["label"], value, size)
            lab_w = cv.width_mm(part["label"], size)
            boxes[fld] = {"box": b or rect_px(geo, x + lab_w, ly, limit, ly + cfont)}
    rt = dec["right"]
    cv.text(geo.declarant_split + (rt["xMm"] - 140.0), geo.declarant_top + rt["topOffsetMm"], rt["text"], cfont)

    # Outline last so it sits on top of everything.
    cv.hline(left, right, bottom)
    cv.vline(left, top, bottom)
    cv.vline(right, top, bottom)

    marks = {
        "gridCorners": [geo.px(left, top), geo.px(right, top), geo.px(right, bottom), geo.px(left, bottom)],
        "declarantStampArea": rect_px(geo, geo.declarant_split - 40, geo.declarant_top, geo.declarant_split, bottom),
        "customsArea": rect_px(geo, geo.declarant_split, geo.declarant_top, right, bottom),
        "headerArea": rect_px(geo, left, top, right, geo.items_header_top),
        "scribbleArea": rect_px(geo, left, top, right, bottom),
    }
    return cv.image, boxes, marks


def _fit_short_name(cv: PageCanvas, text: str, size: float, width: float) -> tuple[list[str], float]:
    """A name in a narrow item column: shrink to 60 % at most, else wrap onto two lines."""
    for f in (1.0, 0.9, 0.8, 0.7, 0.6):
        if cv.width_mm(text, size * f) <= width:
            return [text], size * f
    for f in (0.8, 0.7, 0.6, 0.5):
        half = (len(text) + 1) // 2
        lines = [text[:half], text[half:]]
        if max(cv.width_mm(ln, size * f) for ln in lines) <= width:
            return lines, size * f
    return [text[:(len(text) + 1) // 2], text[(len(text) + 1) // 2:]], size * 0.45


def _part_box(cv: PageCanvas, x: float, top: float, prefix: str, part: str, size: float):
    return cv.text_part_box(x, top, prefix, part, size)


def _item_column_lines(key: str, index: int, it: dict, tables: CodeTables, overrides: dict[str, str]):
    """Yields (field path, [(line number or 'spec', text)]) for one item column."""
    p = f"items[{index}]"

    def qty(q):
        if not present(q):
            return ""
        return f"{q.get('value', '')}{tables.name('units', q.get('unit'))}"

    def opt(v):
        return "" if v is None else str(v)

    if key == "itemNumber":
        yield f"{p}.itemNumber", [(0, opt(it.get("itemNumber")))]
        yield f"{p}.recordItemNumber", [(1, opt(it.get("recordItemNumber")))]
    elif key == "hsCode":
        yield f"{p}.hsCode", [(0, opt(it.get("hsCode")))]
    elif key == "name":
        yield f"{p}.name", [(0, opt(it.get("name")))]
        yield f"{p}.specification", [("spec", opt(it.get("specification")))]
    elif key == "quantities":
        yield f"{p}.legalQuantity", [(0, qty(it.get("legalQuantity")))]
        yield f"{p}.secondQuantity", [(1, qty(it.get("secondQuantity")))]
        yield f"{p}.declaredQuantity", [(2, qty(it.get("declaredQuantity")))]
    elif key == "prices":
        yield f"{p}.unitPrice", [(0, opt(it.get("unitPrice")))]
        yield f"{p}.totalPrice", [(1, opt(it.get("totalPrice")))]
        cur = it.get("currency")
        yield f"{p}.currency", [(2, tables.name("currencies", cur) if cur else "")]
    elif key in ("originCountry", "destinationCountry"):
        code = it.get(key)
        if code:
            name = overrides.get(f"{p}.{key}", tables.name("countries", code))
            yield f"{p}.{key}", [("name", name), ("next", f"({code})")]
    elif key == "domesticRegion":
        code = it.get(key)
        if code:
            yield f"{p}.domesticRegion", [(0, f"({code})"), (1, tables.name("domestic-regions", code))]
    elif key == "dutyMode":
        code = it.get(key)
        if code is not None:
            yield f"{p}.dutyMode", [(0, tables.name("duty-modes", code))]

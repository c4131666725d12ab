#!/usr/bin/env python3
"""Writes the small OCR test images in Fixtures/ocr/ plus truth.json.

Run from the package root:  python3 scripts/ocr-make-test-images.py
Pages are A4-shaped so DPI estimation (which assumes A4 forms) is exercised honestly.
Rotated and skewed variants are produced inside the Swift tests from page-eng.png, so only
the base pages are committed here.
"""
import io, json, os, struct, zlib
from PIL import Image, ImageDraw, ImageFont

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "ocr")
LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
A4_MM = (210.0, 297.0)

ENGLISH_LINES = [
    "CUSTOMS DECLARATION 2024",
    "Consignee Shanghai Trading Company",
    "Invoice number INV 58213 dated 12 March",
    "Gross weight 1250 kg net weight 1180 kg",
    "Total value USD 48750",
]


def a4_pixels(dpi):
    return (round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi))


def draw_page(dpi, lines, font_path, points=14, mode="L"):
    """Renders lines of text; returns the image and the word truth boxes (x, y, w, h in pixels)."""
    width, height = a4_pixels(dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(font_path, round(points * dpi / 72))
    words = []
    y = round(height * 0.08)
    left = round(width * 0.08)
    for line in lines:
        x = left
        for index, word in enumerate(line.split(" ")):
            if index:
                x += draw.textlength(" ", font=font)
            draw.text((x, y), word, font=font, fill=0)
            l, t, r, b = draw.textbbox((x, y), word, font=font)
            words.append({"text": word, "box": [int(l), int(t), int(r - l), int(b - t)]})
            x += draw.textlength(word, font=font)
        y += round(points * dpi / 72 * 2.2)
    if mode == "1":
        image = image.point(lambda v: 255 if v > 128 else 0).convert("1")
    return image, words


def png_claiming(width, height):
    """A valid-looking PNG signature + IHDR that claims a huge size, with no pixel data."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def main():
    os.makedirs(OUT, exist_ok=True)
    truth = {}

    page, words = draw_page(300, ENGLISH_LINES, LATIN, mode="1")
    page.save(os.path.join(OUT, "page-eng.png"), dpi=(300, 300), optimize=True)
    truth["page-eng.png"] = {"dpi": 300, "size": list(page.size), "words": words}

    # Grayscale JPEG at 150 DPI: exercises JPEG intake and upscaling to ~300 DPI.
    page, words = draw_page(150, ENGLISH_LINES[:3], LATIN)
    page.save(os.path.join(OUT, "page-eng-150dpi.jpg"), dpi=(150, 150), quality=60)
    truth["page-eng-150dpi.jpg"] = {"dpi": 150, "size": list(page.size), "words": words}

    # No resolution metadata at all: DPI must be estimated from the A4 pixel size (200 DPI).
    page, words = draw_page(200, ENGLISH_LINES[:2], LATIN, mode="1")
    page.save(os.path.join(OUT, "page-nodpi.png"), optimize=True)
    truth["page-nodpi.png"] = {"dpi": 200, "size": list(page.size), "words": words}

    # Chinese + Latin line, as on the customs form.
    chinese = ["中华人民共和国海关出口货物报关单", "境内发货人 上海贸易有限公司"]
    page, words = draw_page(300, chinese, CJK, points=16, mode="1")
    page.save(os.path.join(OUT, "page-chi.png"), dpi=(300, 300), optimize=True)
    truth["page-chi.png"] = {"dpi": 300, "size": list(page.size), "lines": chinese, "words": words}

    # Two-page CCITT G4 bilevel TIFF, the usual office-scanner output.
    first, w1 = draw_page(300, ENGLISH_LINES[:2], LATIN, mode="1")
    second, w2 = draw_page(300, ENGLISH_LINES[2:4], LATIN, mode="1")
    first.save(os.path.join(OUT, "multi-g4.tif"), compression="group4", dpi=(300, 300),
               save_all=True, append_images=[second])
    truth["multi-g4.tif"] = {"dpi": 300, "pages": [{"words": w1}, {"words": w2}]}

    # Two-page PDF with 150-DPI raster pages placed on A4; pdftoppm renders it at 300 DPI.
    first, w1 = draw_page(150, ENGLISH_LINES[:2], LATIN, mode="1")
    second, w2 = draw_page(150, ENGLISH_LINES[3:5], LATIN, mode="1")
    first.save(os.path.join(OUT, "doc.pdf"), resolution=150, save_all=True, append_images=[second])
    truth["doc.pdf"] = {"dpi": 300, "pages": [{"words": w1}, {"words": w2}]}

    with open(os.path.join(OUT, "huge-header.png"), "wb") as f:
        f.write(png_claiming(60000, 60000))

    with open(os.path.join(OUT, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()

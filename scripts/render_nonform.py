"""Pages that are NOT a declaration form, for rejection tests: an invoice, a blank page, a photo.
Test-data only (see scripts/render_forms.py)."""
from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from render_layout import FontSet, PAGE_H_MM, PAGE_W_MM

NON_FORM_KINDS = ("invoice", "blank", "photo")


def _page(dpi: int, mode: str = "L", color=255) -> Image.Image:
    k = dpi / 25.4
    return Image.new(mode, (int(round(PAGE_W_MM * k)), int(round(PAGE_H_MM * k))), color)


def render_invoice(dpi: int, fonts: FontSet, rng: random.Random) -> Image.Image:
    """A commercial invoice: ruled table, Latin and Chinese text, but not the customs form."""
    img = _page(dpi)
    d = ImageDraw.Draw(img)
    k = dpi / 25.4

    def t(x, y, s, size, bold=False):
        d.text((x * k, y * k), s, font=fonts.get(size * k, bold), fill=0)

    def hl(x0, x1, y, w=0.3):
        d.rectangle([x0 * k, y * k, x1 * k, (y + w) * k], fill=0)

    def vl(x, y0, y1, w=0.3):
        d.rectangle([x * k, y0 * k, (x + w) * k, y1 * k], fill=0)

    seller = rng.choice(["SHENZHEN BRIGHT STAR ELECTRONICS CO., LTD.", "NINGBO OCEAN TEXTILE IMP. & EXP. CO., LTD.",
                         "上海恒通国际贸易有限公司"])
    buyer = rng.choice(["ACME DISTRIBUTION INC., LOS ANGELES, CA", "NORDIC HOME AB, GOTHENBURG, SWEDEN",
                        "TANAKA TRADING K.K., OSAKA, JAPAN"])
    t(20, 15, seller, 4.5, True)
    t(20, 23, "No. 88 Industrial Road, Futian District, Shenzhen, China  Tel: +86 755 8888 1234", 2.8)
    t(70, 36, "COMMERCIAL INVOICE 商业发票", 6, True)
    t(20, 52, f"Invoice No.: INV-{rng.randint(2023, 2025)}-{rng.randint(1000, 9999)}", 3.2)
    t(120, 52, f"Date: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024", 3.2)
    t(20, 59, f"To: {buyer}", 3.2)
    t(20, 66, "Terms: FOB SHENZHEN   Payment: T/T 30 days   Shipped per: MSC AURORA V.412E", 3.0)
    x = [15, 30, 110, 135, 162, 195]
    top = 76
    hl(15, 195, top)
    heads = ["No.", "Description of Goods 品名", "Qty", "Unit Price", "Amount (USD)"]
    for i, h in enumerate(heads):
        t(x[i] + 1.5, top + 2, h, 3.0, True)
    hl(15, 195, top + 8)
    goods = ["LED desk lamp, model DL-220", "USB-C charger 65W", "Bluetooth speaker BS-10", "Cotton T-shirt, men, M",
             "Stainless steel bottle 500ml", "Wireless mouse WM-3", "Ceramic mug 350ml", "Phone case, TPU"]
    total = 0.0
    n = rng.randint(4, 8)
    y = top + 8
    for i in range(n):
        qty = rng.randint(50, 2000)
        price = rng.randint(50, 3000) / 100
        amount = qty * price
        total += amount
        for j, s in enumerate([str(i + 1), rng.choice(goods), f"{qty} PCS", f"{price:.2f}", f"{amount:,.2f}"]):
            t(x[j] + 1.5, y + 2.5, s, 3.0)
        y += 9
        hl(15, 195, y, 0.15)
    hl(15, 195, y + 0.2)
    t(x[3] + 1.5, y + 3, "TOTAL", 3.2, True)
    t(x[4] + 1.5, y + 3, f"{total:,.2f}", 3.2, True)
    for xx in x:
        vl(xx, top, y + 10)
    hl(15, 195, y + 10)
    t(20, y + 22, "We hereby certify that the above goods are of Chinese origin.", 3.0)
    t(130, y + 45, "Authorized signature", 3.0)
    hl(125, 190, y + 43, 0.2)
    return img


def render_blank(dpi: int, rng: random.Random) -> Image.Image:
    return _page(dpi, "L", 255)


def render_photo(dpi: int, nprng: np.random.Generator) -> Image.Image:
    """A photo-like page: smooth colour fields, a few shapes, sensor noise."""
    img = _page(dpi, "RGB", (0, 0, 0))
    W, H = img.size
    low = (nprng.random((6, 5, 3)) * 255).astype(np.uint8)
    base = Image.fromarray(low, "RGB").resize((W, H), Image.BICUBIC)
    d = ImageDraw.Draw(base)
    for _ in range(int(nprng.integers(4, 10))):
        x0, y0 = int(nprng.integers(0, W)), int(nprng.integers(0, H))
        r = int(nprng.integers(W // 20, W // 4))
        color = tuple(int(c) for c in nprng.integers(0, 255, 3))
        if nprng.random() < 0.5:
            d.ellipse([x0 - r, y0 - r, x0 + r, y0 + r], fill=color)
        else:
            d.rectangle([x0 - r, y0 - r // 2, x0 + r, y0 + r // 2], fill=color)
    base = base.filter(ImageFilter.GaussianBlur(W / 300))
    arr = np.asarray(base, dtype=np.int16) + nprng.normal(0, 8, (H, W, 1)).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")

#!/usr/bin/env python3
"""Writes dense, form-like A4 pages (300 DPI, bilevel PNG) for scripts/ocr-benchmark.sh and ocr-soak.sh.

usage: python3 scripts/ocr-make-bench-pages.py OUTDIR [COUNT]
Each page: a Chinese title, then ~30 lines of "Chinese label: Latin/digit value" pairs, like the
customs declaration. Deterministic (seeded) so runs are comparable.
"""
import os, random, sys
from PIL import Image, ImageDraw, ImageFont

CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LABELS = ["境内收发货人", "境外收发货人", "运输方式", "运输工具名称", "提运单号", "申报单位", "监管方式", "征免性质",
          "许可证号", "启运国", "经停港", "成交方式", "运费", "保费", "杂费", "件数", "包装种类", "毛重", "净重",
          "集装箱号", "随附单证", "商品编号", "商品名称", "规格型号", "数量及单位", "单价", "总价", "币制", "原产国"]
WORDS = ["Shanghai", "Trading", "Co", "Ltd", "Hamburg", "Container", "Invoice", "Steel", "Pipes", "Cotton", "Fabric",
         "Machine", "Parts", "Ningbo", "Port", "USD", "EUR", "FOB", "CIF", "kg"]


def page(seed):
    rng = random.Random(seed)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(CJK, 70)
    body = ImageFont.truetype(CJK, 42)
    draw.text((600, 180), "中华人民共和国海关出口货物报关单", font=title, fill=0)
    y = 380
    for _ in range(30):
        label = rng.choice(LABELS)
        value = " ".join(rng.choice(WORDS) if rng.random() < 0.6 else str(rng.randint(10, 99999)) for _ in range(rng.randint(2, 5)))
        draw.text((200, y), label + "：", font=body, fill=0)
        draw.text((720, y), value, font=body, fill=0)
        draw.line((180, y + 80, 2300, y + 80), fill=0, width=3)
        y += 100
    return image.point(lambda v: 255 if v > 128 else 0).convert("1")


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    os.makedirs(out, exist_ok=True)
    for index in range(count):
        page(index).save(os.path.join(out, f"bench-{index + 1}.png"), dpi=(300, 300), optimize=True)


if __name__ == "__main__":
    main()

"""Scan effects for rendered pages: toner, paper tone, stamps, handwriting, skew, blur, noise,
90° rotations, JPEG artefacts, bilevel conversion. Test-data only (see scripts/render_forms.py).

Every effect records what it did, and `transform_box` maps pre-scan pixel boxes onto the
final image, so truth boxes stay correct after skew and rotation.
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from render_layout import FontSet

TIERS = ("clean", "light", "hard")
SCAN_DPIS = (200, 240, 300, 360, 400)
STAMP_RED = (205, 35, 45)
PEN_COLORS = ((25, 35, 120), (20, 20, 20), (30, 60, 150))


@dataclass
class ScanParams:
    tier: str
    dpi: int
    skew: float = 0.0                 # degrees, counter-clockwise as seen on the final image
    rotation: int = 0                 # 0/90/180/270, counter-clockwise; rotate clockwise by this to upright
    toner: str = "normal"             # normal | faint | heavy
    toner_level: float = 1.0
    paper: int = 255
    paper_gradient: float = 0.0
    blur: float = 0.0                 # Gaussian radius in pixels
    noise_sigma: float = 0.0
    speckle: float = 0.0              # fraction of pixels turned into dark specks
    dropouts: float = 0.0             # fraction of ink pixels lost
    jpeg_roundtrip: int | None = None  # quality of a JPEG pass before saving (artefacts)
    background_cleanup: bool = False  # scanner whitens near-paper pixels (keeps PNGs small)
    stamp: bool = False
    scribble: bool = False
    overlays: list = field(default_factory=list)

    def describe(self) -> dict:
        return {
            "dpi": self.dpi, "skewDegrees": round(self.skew, 3), "rotationDegrees": self.rotation,
            "toner": self.toner, "tonerLevel": round(self.toner_level, 3), "paper": self.paper,
            "blurPx": round(self.blur, 2), "noiseSigma": round(self.noise_sigma, 2),
            "speckle": round(self.speckle, 5), "dropouts": round(self.dropouts, 5),
            "jpegRoundtripQuality": self.jpeg_roundtrip, "backgroundCleanup": self.background_cleanup,
            "overlays": self.overlays,
        }


def choose_document_dpi(tier: str, rng: random.Random) -> int:
    return 300 if tier == "clean" else rng.choice(SCAN_DPIS)


def choose_scan(tier: str, dpi: int, rng: random.Random) -> ScanParams:
    """Per-page scan parameters for a tier (a document's pages share the DPI, not the skew)."""
    p = ScanParams(tier=tier, dpi=dpi)
    if tier == "clean":
        return p
    scale = dpi / 300.0
    if tier == "light":
        p.skew = rng.uniform(-1.0, 1.0)
        p.blur = rng.uniform(0.2, 0.7) * scale
        p.noise_sigma = rng.uniform(1.0, 4.0)
        p.speckle = rng.uniform(0.00005, 0.0004)
        p.paper = rng.randint(240, 255)
        p.paper_gradient = rng.uniform(0, 6)
        if rng.random() < 0.3:
            p.jpeg_roundtrip = rng.randint(80, 92)
        p.background_cleanup = rng.random() < 0.5
        return p
    # hard
    p.skew = rng.uniform(-3.0, 3.0)
    if rng.random() < 0.3:
        p.rotation = rng.choice((90, 180, 270))
    p.blur = rng.uniform(0.4, 1.2) * scale
    p.noise_sigma = rng.uniform(3.0, 10.0)
    p.speckle = rng.uniform(0.0002, 0.001)
    p.paper = rng.randint(225, 250)
    p.paper_gradient = rng.uniform(4, 18)
    r = rng.random()
    if r < 0.3:
        p.toner, p.toner_level = "faint", rng.uniform(0.55, 0.8)
        p.dropouts = rng.uniform(0.02, 0.08)
    elif r < 0.55:
        p.toner, p.toner_level = "heavy", 1.0
    if rng.random() < 0.5:
        p.jpeg_roundtrip = rng.randint(30, 65)
    p.background_cleanup = rng.random() < 0.2
    p.stamp = rng.random() < 0.55
    p.scribble = rng.random() < 0.45
    return p


# -- overlays ----------------------------------------------------------------------------------

def draw_stamp(img: Image.Image, center: tuple[float, float], radius: float, text: str, fonts: FontSet,
               rng: random.Random, nprng: np.random.Generator) -> tuple[int, int, int, int]:
    """A round red company seal multiplied onto `img` (RGB). Returns its box."""
    size = int(radius * 2 + 8)
    mask = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(mask)
    c = size / 2
    ring = max(2, int(radius * 0.06))
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=ring)
    # five-pointed star in the middle
    star_r = radius * 0.28
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = star_r if i % 2 == 0 else star_r * 0.4
        pts.append((c + rr * math.cos(a), c + rr * math.sin(a)))
    d.polygon(pts, fill=255)
    # company name along the upper arc, characters upright towards the outside
    chars = list(text[:16]) or ["章"]
    font = fonts.get(radius * 0.26)
    span = 240.0
    for i, ch in enumerate(chars):
        phi = 270 - span / 2 + span * (i + 0.5) / len(chars)
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size, font.size), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-(phi + 90), resample=Image.BICUBIC)
        rr = radius * 0.74
        x = c + rr * math.cos(math.radians(phi)) - glyph.width / 2
        y = c + rr * math.sin(math.radians(phi)) - glyph.height / 2
        mask.paste(255, (int(x), int(y)), glyph)
    small = fonts.get(radius * 0.2)
    d.text((c, c + radius * 0.55), "报关专用章", font=small, fill=255, anchor="mm")
    # uneven ink: the seal is never stamped evenly
    arr = np.asarray(mask, dtype=np.float32) / 255.0
    blotch = nprng.random((max(2, size // 24), max(2, size // 24))).astype(np.float32)
    blotch = np.asarray(Image.fromarray((blotch * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC),
                        dtype=np.float32) / 255.0
    alpha = arr * (0.45 + 0.5 * blotch) * rng.uniform(0.75, 0.95)
    angle = rng.uniform(-25, 25)
    alpha_img = Image.fromarray((np.clip(alpha, 0, 1) * 255).astype(np.uint8)).rotate(angle, resample=Image.BICUBIC)
    x0, y0 = int(center[0] - size / 2), int(center[1] - size / 2)
    _multiply(img, alpha_img, (x0, y0), STAMP_RED)
    return (x0, y0, x0 + size, y0 + size)


def draw_scribble(img: Image.Image, box: tuple[float, float, float, float], pen: float,
                  rng: random.Random) -> tuple[int, int, int, int]:
    """A cursive-looking handwritten stroke (loops along a baseline) drawn with a pen colour."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    loops = rng.randint(4, 12)
    pts = []
    n = 60 * loops
    drift = rng.uniform(-0.3, 0.3) * h
    phase = rng.uniform(0, math.tau)
    for i in range(n + 1):
        t = i / n
        a = t * loops * math.tau + phase
        r = h * (0.25 + 0.2 * math.sin(a * 0.37 + phase))
        x = x0 + w * t + r * 0.6 * math.cos(a)
        y = y0 + h / 2 + drift * (t - 0.5) * 2 + r * math.sin(a)
        pts.append((x, y))
    color = rng.choice(PEN_COLORS)
    layer = Image.new("L", img.size, 0)
    ImageDraw.Draw(layer).line(pts, fill=255, width=max(1, int(round(pen))), joint="curve")
    _multiply(img, layer, (0, 0), color)
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (int(min(xs) - pen), int(min(ys) - pen), int(max(xs) + pen), int(max(ys) + pen))


def _multiply(img: Image.Image, alpha: Image.Image, offset: tuple[int, int], color: tuple[int, int, int]) -> None:
    """Multiplies coloured ink (alpha 0..255) onto an RGB image in place, like ink on paper."""
    ox, oy = offset
    W, H = img.size
    ax0, ay0 = max(0, -ox), max(0, -oy)
    bx0, by0 = max(0, ox), max(0, oy)
    bx1, by1 = min(W, ox + alpha.width), min(H, oy + alpha.height)
    if bx1 <= bx0 or by1 <= by0:
        return
    region = np.asarray(img.crop((bx0, by0, bx1, by1)), dtype=np.float32)
    a = np.asarray(alpha.crop((ax0, ay0, ax0 + bx1 - bx0, ay0 + by1 - by0)), dtype=np.float32)[..., None] / 255.0
    ink = np.array(color, dtype=np.float32)[None, None, :] / 255.0
    region = region * (1 - a * (1 - ink))
    img.paste(Image.fromarray(np.clip(region, 0, 255).astype(np.uint8), "RGB"), (bx0, by0))


# -- the scan ----------------------------------------------------------------------------------

def make_transform(size: tuple[int, int], skew: float, rotation: int):
    """Maps a pre-scan pixel point to the final image: skew about the centre, then a 90° turn."""
    W, H = size
    cx, cy = W / 2, H / 2
    t = math.radians(skew)
    cos_t, sin_t = math.cos(t), math.sin(t)

    def point(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        x, y = cx + dx * cos_t + dy * sin_t, cy - dx * sin_t + dy * cos_t
        if rotation == 90:
            return y, W - x
        if rotation == 180:
            return W - x, H - y
        if rotation == 270:
            return H - y, x
        return x, y

    return point


def transform_box(point, box) -> list[int] | None:
    """[x, y, w, h] of the axis-aligned hull of a transformed (x0, y0, x1, y1) box."""
    if not box:
        return None
    x0, y0, x1, y1 = box
    pts = [point(x0, y0), point(x1, y0), point(x1, y1), point(x0, y1)]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    ax, ay = int(math.floor(min(xs))), int(math.floor(min(ys)))
    return [ax, ay, int(math.ceil(max(xs))) - ax, int(math.ceil(max(ys))) - ay]


def apply_scan(page: Image.Image, p: ScanParams, rng: random.Random, nprng: np.random.Generator,
               fonts: FontSet, marks: dict, stamp_text: str, avoid: list) -> tuple[Image.Image, object]:
    """Returns (final image in mode L or RGB, point transform)."""
    img = page
    k = p.dpi / 25.4
    # Toner: faint lightens ink and thins strokes, heavy thickens them.
    if p.toner == "faint":
        arr = np.asarray(img, dtype=np.float32)
        img = Image.fromarray((255 - (255 - arr) * p.toner_level).astype(np.uint8), "L")
    elif p.toner == "heavy" and p.dpi >= 240:
        img = img.filter(ImageFilter.MinFilter(3))

    # Stamp and handwriting are on the paper, so they skew and rotate with it.
    if p.stamp or p.scribble:
        img = img.convert("RGB")
    if p.stamp:
        r = rng.random()
        if r < 0.65:
            area = marks["declarantStampArea"]
        elif r < 0.85:
            area = marks["customsArea"]
        else:
            area = marks["headerArea"]
        cx = rng.uniform(area[0], area[2])
        cy = rng.uniform(area[1], area[3])
        box = draw_stamp(img, (cx, cy), rng.uniform(19, 22) * k, stamp_text, fonts, rng, nprng)
        p.overlays.append({"kind": "stamp", "preScanBox": list(box)})
    if p.scribble:
        area = marks["scribbleArea"]
        w = rng.uniform(30, 60) * k
        h = rng.uniform(6, 12) * k
        x0 = rng.uniform(area[0], max(area[0] + 1, area[2] - w))
        y0 = rng.uniform(area[1], max(area[1] + 1, area[3] - h))
        box = draw_scribble(img, (x0, y0, x0 + w, y0 + h), rng.uniform(0.35, 0.7) * k, rng)
        p.overlays.append({"kind": "handwriting", "preScanBox": list(box)})

    # Paper tone with uneven illumination (multiplied, so ink stays dark).
    if p.paper < 255 or p.paper_gradient > 0:
        W, H = img.size
        gx = np.linspace(-1, 1, W, dtype=np.float32)[None, :]
        gy = np.linspace(-1, 1, H, dtype=np.float32)[:, None]
        a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
        tone = (p.paper + p.paper_gradient * (a * gx + b * gy)) / 255.0
        arr = np.asarray(img, dtype=np.float32)
        arr = arr * (tone[..., None] if arr.ndim == 3 else tone)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode)

    fill = p.paper if img.mode == "L" else (p.paper,) * 3
    if abs(p.skew) > 1e-3:
        img = img.rotate(p.skew, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    if p.blur > 0.05:
        img = img.filter(ImageFilter.GaussianBlur(p.blur))

    if p.noise_sigma > 0 or p.speckle > 0 or p.dropouts > 0:
        arr = np.asarray(img, dtype=np.int16)
        shape2 = arr.shape[:2]
        if p.dropouts > 0:
            gray = arr if arr.ndim == 2 else arr.mean(axis=2)
            lost = (nprng.random(shape2) < p.dropouts) & (gray < 128)
            arr = arr.copy()
            arr[lost] = p.paper
        if p.noise_sigma > 0:
            noise = nprng.normal(0, p.noise_sigma, shape2).astype(np.int16)
            arr = arr + (noise[..., None] if arr.ndim == 3 else noise)
        if p.speckle > 0:
            specks = nprng.random(shape2) < p.speckle
            dark = nprng.integers(0, 90, shape2).astype(np.int16)
            if arr.ndim == 3:
                arr[specks] = dark[specks][:, None]
            else:
                arr[specks] = dark[specks]
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode)
        if p.speckle > 0 and p.dpi >= 300:
            # specks from dust are bigger than one pixel at high resolution
            img = img.filter(ImageFilter.MinFilter(3)) if p.tier == "hard" and rng.random() < 0.2 else img

    if p.background_cleanup:
        cut = p.paper - 12 - int(p.paper_gradient)
        arr = np.asarray(img).copy()
        light = (arr.min(axis=2) if arr.ndim == 3 else arr) > cut
        arr[light] = 255
        img = Image.fromarray(arr, img.mode)

    if p.jpeg_roundtrip:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=p.jpeg_roundtrip)
        buf.seek(0)
        img = Image.open(buf)
        img.load()

    size = page.size
    if p.rotation == 90:
        img = img.transpose(Image.Transpose.ROTATE_90)
    elif p.rotation == 180:
        img = img.transpose(Image.Transpose.ROTATE_180)
    elif p.rotation == 270:
        img = img.transpose(Image.Transpose.ROTATE_270)

    point = make_transform(size, p.skew, p.rotation)
    for ov in p.overlays:
        ov["box"] = transform_box(point, ov["preScanBox"])
        ov["obscures"] = [path for path, b in avoid if _overlaps(ov["preScanBox"], b)]
        del ov["preScanBox"]
    return img, point


def _overlaps(a, b) -> bool:
    return bool(b) and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def to_bilevel(img: Image.Image, rng: random.Random) -> Image.Image:
    """Thresholded 1-bit page, as a fax-mode / B&W office scanner produces."""
    gray = img.convert("L")
    threshold = rng.randint(140, 175)
    return gray.point(lambda v: 255 if v > threshold else 0, mode="1")

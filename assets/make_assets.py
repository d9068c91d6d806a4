"""Draw the example conference's images with Pillow (no image is copied from elsewhere).

Run from the repository root: ``python assets/make_assets.py``. The output is
deterministic, so re-running it changes nothing unless this script changes.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "signage" / "fonts" / "DejaVuSans-Bold.ttf"

NAVY = (12, 35, 78)
BLUE = (0, 120, 212)
CYAN = (80, 200, 240)
ORANGE = (255, 140, 40)
CREAM = (250, 244, 230)


def gradient(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    _, height = size
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size)


def amphitheatre(path: Path) -> None:
    """The Amphithéâtre Grand Bleu, seen from the back rows: blue seats curving to a stage."""
    w, h = 1920, 1280
    img = gradient((w, h), (8, 22, 54), (0, 70, 140))
    draw = ImageDraw.Draw(img)
    cx, stage_y = w // 2, int(h * 0.34)
    draw.rectangle((cx - 520, stage_y - 260, cx + 520, stage_y - 20), fill=(235, 240, 250))
    draw.rectangle((cx - 500, stage_y - 245, cx + 500, stage_y - 35), fill=(30, 110, 200))
    font = ImageFont.truetype(str(FONT), 44)
    draw.text(
        (cx, stage_y - 140),
        "Rencontres de la communication numérique",
        font=font,
        fill=(255, 255, 255),
        anchor="mm",
    )
    draw.rectangle((cx - 620, stage_y - 20, cx + 620, stage_y + 30), fill=(20, 30, 60))
    rng = random.Random(8)
    for row in range(14):
        radius = 700 + row * 90
        y0 = stage_y + 60 + row * 58
        seats = 16 + row * 3
        for i in range(seats):
            angle = math.pi * (0.15 + 0.7 * i / (seats - 1))
            x = cx - math.cos(angle) * radius
            y = y0 + math.sin(angle) * 40
            shade = 0.55 + 0.45 * row / 13
            colour = tuple(round(c * shade) for c in (20, 90, 200))
            s = 22 + row * 2
            draw.rounded_rectangle((x - s, y - s * 0.6, x + s, y + s * 0.9), radius=6, fill=colour)
            if rng.random() < 0.55:  # a person sitting there
                draw.ellipse(
                    (x - s * 0.45, y - s * 1.5, x + s * 0.45, y - s * 0.6),
                    fill=(rng.randint(40, 90),) * 3,
                )
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    img.save(path, quality=86, optimize=True)


def hall(path: Path) -> None:
    """The welcome hall: light wells, a reception desk, people as soft shapes."""
    w, h = 1920, 1280
    img = gradient((w, h), (245, 247, 250), (200, 210, 225))
    draw = ImageDraw.Draw(img)
    for i in range(7):
        x = 140 + i * 280
        draw.rectangle((x, 0, x + 150, 700), fill=(225, 236, 248))
        draw.line((x, 0, x, 700), fill=(180, 190, 205), width=4)
    draw.rectangle((0, 700, w, h), fill=(176, 184, 196))
    draw.rounded_rectangle((560, 640, 1360, 860), radius=30, fill=BLUE)
    font = ImageFont.truetype(str(FONT), 70)
    draw.text((960, 750), "Accueil · Cap’Com", font=font, fill=(255, 255, 255), anchor="mm")
    rng = random.Random(3)
    for _ in range(26):
        x = rng.randint(40, w - 40)
        y = rng.randint(880, 1180)
        s = rng.randint(28, 46)
        colour = rng.choice([NAVY, ORANGE, (90, 90, 100), (160, 60, 60), (40, 120, 90)])
        draw.ellipse((x - s * 0.5, y - s * 2.6, x + s * 0.5, y - s * 1.6), fill=(90, 70, 60))
        draw.rounded_rectangle(
            (x - s * 0.8, y - s * 1.6, x + s * 0.8, y + s), radius=18, fill=colour
        )
    img.filter(ImageFilter.GaussianBlur(1.2)).save(path, quality=86, optimize=True)


def riverside(path: Path) -> None:
    """Issy-les-Moulineaux by the Seine at dusk: office towers reflected in the river."""
    w, h = 1920, 1280
    img = gradient((w, h), (30, 40, 90), (250, 150, 90))
    draw = ImageDraw.Draw(img)
    rng = random.Random(92)
    x = 0
    river = 900
    while x < w:
        bw = rng.randint(90, 220)
        bh = rng.randint(220, 640)
        shade = rng.randint(20, 60)
        draw.rectangle((x, river - bh, x + bw, river), fill=(shade, shade + 10, shade + 35))
        for wy in range(river - bh + 20, river - 20, 36):
            for wx in range(x + 12, x + bw - 16, 28):
                if rng.random() < 0.45:
                    draw.rectangle((wx, wy, wx + 14, wy + 18), fill=(255, 214, 140))
        x += bw + rng.randint(6, 30)
    upper = img.crop((0, river - 380, w, river))
    img.paste(gradient((w, h - river), (60, 70, 120), (20, 30, 70)), (0, river))
    reflection = upper.transpose(Image.Transpose.FLIP_TOP_BOTTOM).filter(
        ImageFilter.GaussianBlur(6)
    )
    img.paste(
        Image.blend(reflection, Image.new("RGB", reflection.size, (20, 30, 70)), 0.55), (0, river)
    )
    for y in range(river + 10, h, 22):
        draw.line((0, y, w, y), fill=(90, 100, 150), width=1)
    img.save(path, quality=86, optimize=True)


def workshop(path: Path) -> None:
    """A workshop room: a wall screen with charts, tables with laptops."""
    w, h = 1920, 1280
    img = gradient((w, h), (60, 64, 80), (25, 28, 38))
    draw = ImageDraw.Draw(img)
    draw.rectangle((360, 120, 1560, 760), fill=(245, 245, 250))
    bars = [0.35, 0.6, 0.45, 0.8, 0.7, 0.95]
    for i, v in enumerate(bars):
        x = 460 + i * 170
        draw.rectangle((x, 700 - v * 480, x + 110, 700), fill=[BLUE, CYAN, ORANGE][i % 3])
    for row in range(3):
        y = 860 + row * 140
        draw.rounded_rectangle(
            (140 + row * 40, y, 1780 - row * 40, y + 70), radius=12, fill=(120, 86, 60)
        )
        for i in range(6):
            x = 260 + i * 260
            draw.polygon(
                [(x, y + 8), (x + 120, y + 8), (x + 110, y - 60), (x + 10, y - 60)],
                fill=(190, 195, 205),
            )
    img.filter(ImageFilter.GaussianBlur(0.8)).save(path, quality=86, optimize=True)


def portrait(
    path: Path,
    initials: str,
    background: tuple[int, int, int],
    jacket: tuple[int, int, int],
    hair: tuple[int, int, int],
    skin: tuple[int, int, int],
    long_hair: bool,
) -> None:
    """A stylised portrait (not a likeness): head and shoulders on a coloured backdrop."""
    size = 900
    img = gradient((size, size), background, tuple(max(0, c - 60) for c in background))
    draw = ImageDraw.Draw(img)
    cx = size // 2
    if long_hair:
        draw.rounded_rectangle((cx - 190, 170, cx + 190, 640), radius=160, fill=hair)
    draw.ellipse((cx - 330, 600, cx + 330, 1250), fill=jacket)
    draw.polygon([(cx - 70, 610), (cx + 70, 610), (cx, 760)], fill=(245, 245, 245))
    draw.rectangle((cx - 55, 470, cx + 55, 620), fill=skin)
    draw.ellipse((cx - 150, 190, cx + 150, 540), fill=skin)
    draw.chord((cx - 160, 160, cx + 160, 420), 180, 360, fill=hair)
    font = ImageFont.truetype(str(FONT), 90)
    draw.text((size - 40, 40), initials, font=font, fill=(255, 255, 255, 180), anchor="ra")
    img.save(path, optimize=True)


def logo(path: Path) -> None:
    """The event's mark: a rounded square with "8", and the words beside it."""
    img = Image.new("RGBA", (1200, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, 300, 300), radius=60, fill=ORANGE)
    big = ImageFont.truetype(str(FONT), 220)
    draw.text((150, 150), "8", font=big, fill=(255, 255, 255), anchor="mm")
    font = ImageFont.truetype(str(FONT), 70)
    draw.text((340, 70), "Rencontres", font=font, fill=(255, 255, 255))
    draw.text((340, 160), "numériques", font=font, fill=CYAN)
    img.save(path, optimize=True)


def main() -> None:
    photos = HERE / "photos"
    speakers = HERE / "speakers"
    photos.mkdir(exist_ok=True)
    speakers.mkdir(exist_ok=True)
    amphitheatre(HERE / "amphi-grand-bleu.jpg")
    hall(photos / "01-hall-accueil.jpg")
    riverside(photos / "02-issy-seine.jpg")
    workshop(photos / "03-atelier.jpg")
    portrait(
        speakers / "andre-santini.png",
        "AS",
        (0, 90, 170),
        (30, 32, 40),
        (200, 200, 205),
        (228, 190, 160),
        long_hair=False,
    )
    portrait(
        speakers / "bernard-deljarrie.png",
        "BD",
        (230, 120, 30),
        (40, 60, 100),
        (90, 80, 75),
        (220, 180, 150),
        long_hair=False,
    )
    portrait(
        speakers / "laurence-lafont.png",
        "LL",
        (20, 150, 140),
        (120, 30, 60),
        (120, 70, 40),
        (235, 196, 170),
        long_hair=True,
    )
    logo(HERE / "logo.png")


if __name__ == "__main__":
    main()

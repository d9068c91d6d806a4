"""Drawing helpers shared by slide renderers (Pillow only)."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFilter

from signage.draw.canvas import Canvas
from signage.draw.images import circle_mask, cover

RGB = tuple[int, int, int]


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def badge(canvas: Canvas, name: str, size: int, shape: str = "circle") -> Image.Image:
    """An initials badge where a portrait is missing or broken."""
    colours = canvas.theme.colours
    tile = Image.new("RGBA", (size, size), (*colours.accent, 255))
    draw = ImageDraw.Draw(tile)
    face = canvas.fonts.get(max(8, int(size * 0.38)), bold=True)
    draw.text((size / 2, size / 2), initials(name), font=face, fill=colours.background, anchor="mm")
    tile.putalpha(circle_mask(size, shape))
    return tile


def portrait_tile(canvas: Canvas, image: Image.Image, size: int, shape: str) -> Image.Image:
    tile = cover(image.convert("RGB"), (size, size)).convert("RGBA")
    tile.putalpha(circle_mask(size, shape))
    return tile


def ring(canvas: Canvas, target: Image.Image, box: tuple[int, int, int, int], shape: str) -> None:
    """An accent ring around a portrait."""
    draw = ImageDraw.Draw(target)
    width = canvas.px(6)
    x0, y0, x1, y1 = box
    grown = (x0 - width, y0 - width, x1 + width, y1 + width)
    if shape == "circle":
        draw.ellipse(grown, outline=canvas.theme.colours.accent, width=width)
    else:
        draw.rounded_rectangle(
            grown, radius=(x1 - x0) // 6 + width, outline=canvas.theme.colours.accent, width=width
        )


def darken(image: Image.Image, colour: RGB, amount: float) -> Image.Image:
    return Image.blend(image.convert("RGB"), Image.new("RGB", image.size, colour), amount)


def soft_background(image: Image.Image, size: tuple[int, int], colour: RGB) -> Image.Image:
    """A blurred, darkened cover of the image, to fill around a contained photo."""
    small = cover(image.convert("RGB"), (max(1, size[0] // 8), max(1, size[1] // 8)))
    blurred = small.filter(ImageFilter.GaussianBlur(6)).resize(size)
    return darken(blurred, colour, 0.55)

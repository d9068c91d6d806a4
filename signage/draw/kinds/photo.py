"""``type: photo`` (one image) and ``type: photos`` (every image of a folder, by name): drawn (the keys and the model are :mod:`signage.slides.photo`)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from signage.core.colour import MIN_CONTRAST
from signage.draw.canvas import Canvas, Frame
from signage.draw.images import MIN_KEPT, contain, cover, kept_by_cover, open_image
from signage.draw.legible import SECONDARY
from signage.draw.portraits import soft_background
from signage.draw.text import draw
from signage.slides.photo import (
    GRADIENTS,
    PAN_SCALE,
    PhotoSlide,
)


def render(slide: PhotoSlide, canvas: Canvas) -> Frame:
    """The photo full screen (cover) or whole (contain), a caption, the header over it.

    Raises ImageError when the file cannot be read: the player skips the slide.
    """
    photo = open_image(canvas.root / Path(slide.image), canvas.size)
    # a cover that would crop most of the picture (a landscape photo on a portrait screen)
    # shows it whole on its soft background instead
    covering = slide.fit == "cover" and kept_by_cover(photo.size, canvas.size) >= MIN_KEPT
    pan = slide.pan and covering  # a picture shown whole does not pan: nothing lies beyond it
    if covering:
        size = canvas.size
        if pan:
            size = (round(canvas.width * PAN_SCALE), round(canvas.height * PAN_SCALE))
        image = cover(photo, size)
    else:
        image = soft_background(photo, canvas.size, canvas.theme.colours.background)
        inner = contain(photo, canvas.size)
        box = ((canvas.width - inner.width) // 2, (canvas.height - inner.height) // 2)
        image.paste(inner, box, inner if inner.mode == "RGBA" else None)
    if image.mode != "RGB":
        image = image.convert("RGB")
    # what shows on screen at the slide's start: a panning photo starts at its centre
    seen = _start_view(image, canvas.size)
    if slide.caption:
        overlay = caption_layer(seen, slide.caption, canvas)
        if pan:
            return canvas.finish(
                image, translucent=True, pan=True, overlay=chrome_layer(canvas, overlay, seen)
            )
        image.paste(overlay, (0, 0), overlay)
    if pan:
        return canvas.finish(
            image, translucent=True, pan=True, overlay=chrome_layer(canvas, None, seen)
        )
    return canvas.finish(image, translucent=True)


def _start_view(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    left, top = (image.width - size[0]) // 2, (image.height - size[1]) // 2
    return image.crop((left, top, left + size[0], top + size[1]))


def chrome_layer(canvas: Canvas, overlay: Image.Image | None, backdrop: Image.Image) -> Image.Image:
    layer = overlay or Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    canvas.draw_chrome(layer, backdrop=backdrop)
    return layer


def caption_layer(photo: Image.Image, text: str, canvas: Canvas) -> Image.Image:
    """A caption at the bottom, above the footer, on a dark gradient only when the photo
    under it would make it hard to read (and only as dark as needed)."""
    placed = canvas.wrap(text, canvas.width - 2 * canvas.margin, 40, SECONDARY, max_lines=3)
    bottom = canvas.height - canvas.footer_height
    top = bottom - canvas.px(28) - int(placed.height)  # a long caption wraps upwards
    band = max(canvas.px(130 * canvas.scale), bottom - top + canvas.px(40))
    colour = canvas.theme.colours.text
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    probe = canvas.pen(layer)
    probe.backdrop = photo
    box = (canvas.margin, top, canvas.margin + int(placed.width), bottom)
    for darkest in GRADIENTS:  # the lightest gradient under which the caption reads
        if darkest:
            _gradient(layer, bottom - band, band, darkest)
        if probe.measure(box, colour) >= MIN_CONTRAST or darkest == GRADIENTS[-1]:
            break
    pen = canvas.pen(layer, scrim=True)
    pen.backdrop = photo
    draw(pen, placed, canvas.fonts, (canvas.margin, top), colour, role=SECONDARY)
    return layer


def _gradient(layer: Image.Image, top: int, band: int, darkest: int) -> None:
    """A soft black gradient over the band (replacing one drawn before), not a hard box."""
    strip = Image.new("RGBA", (1, band), (0, 0, 0, 0))
    for i in range(band):
        strip.putpixel((0, i), (0, 0, 0, int(darkest * (i / band) ** 1.4)))
    layer.paste(strip.resize((layer.width, band)), (0, top))

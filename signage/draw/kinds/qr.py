"""``type: qr``: a QR code of a URL (the programme, the stream) with a caption: drawn (the keys and the model are :mod:`signage.slides.qr`)."""

from __future__ import annotations

from PIL import Image

from signage.draw.canvas import Canvas, Frame
from signage.draw.legible import SECONDARY
from signage.draw.text import Layout, draw, fit, parse_markdown, wrap_line
from signage.slides.qr import QrSlide

QUIET_MODULES = 2  # white border around the code, in modules (phones read 2 well on screens)


def code_image(url: str, side: int) -> Image.Image:
    """The QR code as a black-on-white image of whole modules, at most ``side`` pixels wide."""
    # Imported when a code is drawn: segno's import costs 57 ms, which every player and
    # worker would pay at start-up (time to first frame) whether it shows a code or not.
    import segno

    code = segno.make(url, error="m", micro=False)
    modules = int(code.symbol_size(scale=1, border=QUIET_MODULES)[0])
    scale = max(1, side // modules)
    image = Image.new("L", (modules, modules), 255)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(code.matrix_iter(scale=1, border=QUIET_MODULES)):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    # nearest neighbour: every module stays a sharp square
    return image.resize((modules * scale, modules * scale), Image.Resampling.NEAREST).convert("RGB")


def render(slide: QrSlide, canvas: Canvas) -> Frame:
    """The code as large as the area allows; the caption under it, or beside it in a
    wide area (a band at a door screen's side)."""
    colours = canvas.theme.colours
    image = canvas.blank(colours.panel)
    pen = canvas.pen(image)
    fonts = canvas.fonts
    width, height = canvas.size
    floor = canvas.floor(SECONDARY, True)
    pad = max(4, min(width, height) // 16)
    if slide.caption and width > 1.6 * height:
        code = code_image(slide.url, max(21, height - 2 * pad))
        image.paste(code, (pad, (height - code.height) // 2))
        left = 2 * pad + code.width
        placed = fit(
            parse_markdown(f"**{slide.caption}**"), fonts, (width - left - pad, height - 2 * pad),
            max(floor, height // 6), floor, max_lines=4, cut=False,
        )  # fmt: skip
        top = (height - int(placed.height)) // 2
        draw(
            pen, placed, fonts, (left, top), colours.text, colours.text, "left",
            width - left - pad, role=SECONDARY,
        )  # fmt: skip
        return Frame(image)
    caption: Layout | None = None
    caption_h = 0
    if slide.caption:  # the caption first, wrapped whole; the code takes what is left
        largest = max(floor, int(max(int(height * 0.16), int(floor * 1.5)) * 0.7))
        caption = wrap_line(slide.caption, fonts, width - 2 * pad, largest, floor, True, 2)
        caption_h = int(caption.height) + pad
    side = min(width - 2 * pad, height - 2 * pad - caption_h)
    code = code_image(slide.url, max(21, side))
    x = (width - code.width) // 2
    y = pad + (height - 2 * pad - caption_h - code.height) // 2
    image.paste(code, (x, y))
    if caption is not None:
        draw(
            pen, caption, fonts, (pad, y + code.height + pad), colours.text, colours.text,
            "center", width - 2 * pad, role=SECONDARY,
        )  # fmt: skip
    return Frame(image)

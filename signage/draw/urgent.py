"""An urgent message drawn: the full-screen takeover, or the banner strip."""

from __future__ import annotations

from PIL import Image

from signage.content.urgent import UrgentMessage
from signage.core import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.legible import SECONDARY
from signage.draw.text import draw, fit, parse_markdown


def render_message(message: UrgentMessage, canvas: Canvas) -> Frame:
    """Full screen: the text large on the accent colour. Banner: an RGBA strip for the bottom."""
    colours = canvas.theme.colours
    fonts = canvas.fonts
    if message.style == "banner":
        floor = canvas.floor()
        margin = canvas.margin
        least = max(canvas.px(150 * canvas.scale), int(floor * 1.25 * 2 + canvas.px(36)))
        # two lines as large as they fit; a longer message makes the strip taller, never cut
        placed = fit(parse_markdown(message.text), fonts, (canvas.width - 2 * margin, least - canvas.px(36)),
                     canvas.font_px(52), floor, max_lines=2, cut=False)  # fmt: skip
        height = max(least, int(placed.height) + canvas.px(36))
        strip = Image.new("RGBA", (canvas.width, height), (*colours.accent, 245))
        pen = canvas.pen(strip)
        draw(pen, placed, fonts, (margin, (height - placed.height) / 2), colours.background)
        return Frame(strip, marks=canvas.marks)
    image = Image.new("RGB", canvas.size, colours.accent)
    pen = canvas.pen(image)
    margin = canvas.margin
    label = fonts.get(canvas.font_px(40, SECONDARY, True), bold=True)
    pen.text(
        (margin, margin),
        i18n.label("urgent", canvas.locale).upper(),
        font=label,
        fill=colours.background,
        role=SECONDARY,
    )
    box = (canvas.width - 2 * margin, canvas.height - 4 * margin)
    placed = fit(parse_markdown(f"**{message.text}**"), fonts, box, canvas.font_px(130, bold=True),
                 canvas.floor(bold=True), cut=False)  # fmt: skip
    top = (canvas.height - placed.height) / 2
    draw(pen, placed, fonts, (margin, top), colours.background, align="center", box_width=box[0])
    return Frame(image, marks=canvas.marks)

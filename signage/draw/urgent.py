"""An urgent message drawn: the full-screen takeover, or the banner strip."""

from __future__ import annotations

from typing import Any

from PIL import Image

from signage.content.urgent import UrgentMessage
from signage.core import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.legible import SECONDARY
from signage.draw.text import draw, fit, parse_markdown

# an emergency is not the brand: white on red; a warning black on yellow (never translucent)
LOOKS = {"emergency": ((178, 18, 28), (255, 255, 255)), "warning": ((255, 204, 0), (0, 0, 0))}


def render_message(message: UrgentMessage, canvas: Canvas) -> Frame:
    """Full screen: the text large on the accent colour. Banner: an RGBA strip for the bottom.
    A warning or an emergency (a public alert among them) takes the whole screen in its
    own colours, whatever the style asked."""
    if message.level in LOOKS:
        return _emergency(message, canvas)
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


def _emergency(message: UrgentMessage, canvas: Canvas) -> Frame:
    """A pictogram and what the alert is, the instruction largest, what happens under it,
    and who sent it when, small at the bottom."""
    ground, ink = LOOKS[message.level]
    fonts = canvas.fonts
    image = Image.new("RGB", canvas.size, ground)
    pen = canvas.pen(image)
    margin = canvas.margin
    width = canvas.width - 2 * margin
    alert = message.alert
    kicker = i18n.label(message.level, canvas.locale).upper()
    if alert is not None:
        kicker = f"{kicker} · {alert.event}"
    side = canvas.px(120)
    _pictogram(pen, (margin, margin), side, ink, ground)
    head = canvas.wrap(kicker, width - side - canvas.px(32), 64, bold=True, max_lines=2)
    draw(pen, head, fonts, (margin + side + canvas.px(32), margin + (side - head.height) / 2), ink)
    top = margin + max(side, int(head.height)) + canvas.px(40)
    footer = ""
    if alert is not None:
        when = i18n.clock(canvas.local(alert.sent), canvas.locale)
        footer = i18n.label(
            "issued", canvas.locale, sender=alert.sender_name or alert.sender, t=when
        )
    foot = canvas.wrap(footer, width, 30, SECONDARY) if footer else None
    bottom = canvas.height - margin - (int(foot.height) + canvas.px(16) if foot else 0)
    room = bottom - top
    instruction = message.text
    details = ""
    if alert is not None:
        details = "\n\n".join(
            t for t in (alert.headline, alert.description) if t and t != instruction
        )
    # the instruction first and largest; what happens under it, smaller, when there is room
    share = 0.62 if details else 1.0
    said = fit(parse_markdown(f"**{instruction}**"), fonts, (width, int(room * share)),
               canvas.font_px(110, bold=True), canvas.floor(bold=True), cut=False)  # fmt: skip
    draw(pen, said, fonts, (margin, top), ink)
    below = top + int(said.height) + canvas.px(36)
    if details and bottom - below > canvas.floor() * 1.3:
        rest = fit(parse_markdown(details), fonts, (width, bottom - below),
                   canvas.font_px(52), canvas.floor())  # fmt: skip
        draw(pen, rest, fonts, (margin, below), ink)
    if foot is not None:
        draw(pen, foot, fonts, (margin, canvas.height - margin - foot.height), ink, role=SECONDARY)
    return Frame(image, marks=canvas.marks)


def _pictogram(pen: Any, corner: tuple[int, int], side: int, ink: Any, ground: Any) -> None:
    """A warning triangle with an exclamation mark (ISO 7010 W001's shape)."""
    x, y = corner
    pen.polygon([(x + side / 2, y), (x + side, y + side * 0.9), (x, y + side * 0.9)], fill=ink)
    bar = max(2, side // 10)
    cx = x + side / 2
    pen.rectangle((cx - bar / 2, y + side * 0.3, cx + bar / 2, y + side * 0.62), fill=ground)
    pen.rectangle((cx - bar / 2, y + side * 0.7, cx + bar / 2, y + side * 0.7 + bar), fill=ground)

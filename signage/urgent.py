"""Urgent messages pushed by operators: a full-screen takeover or a banner, ending by themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PIL import Image

from signage import i18n
from signage.core.text import text_problem
from signage.draw.canvas import Canvas, Frame
from signage.draw.legible import SECONDARY
from signage.draw.text import draw, fit, parse_markdown

STYLES = ("fullscreen", "banner")
MAX_TEXT = 500
MAX_EXPIRES_S = 24 * 3600


class MessageError(ValueError):
    """A message body that cannot be shown; the text says why (a 400 for the API)."""


@dataclass(frozen=True)
class UrgentMessage:
    id: int
    text: str
    style: str
    started: dt.datetime
    expires: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "style": self.style,
            "started": self.started.isoformat(timespec="seconds"),
            "expires": self.expires.isoformat(timespec="seconds"),
        }


def validate(body: Any) -> tuple[str, str, float]:
    """(text, style, expires_in seconds) from a POST /message body, or MessageError."""
    if not isinstance(body, dict):
        raise MessageError(
            'expected a JSON object like {"text": "...", "style": "banner", "expires_in": 300}'
        )
    unknown = set(body) - {"text", "style", "expires_in"}
    if unknown:
        raise MessageError(f"unknown field(s): {', '.join(sorted(unknown))}")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MessageError("'text' must be a non-empty string")
    if len(text) > MAX_TEXT:
        raise MessageError(f"'text' is {len(text)} characters; the limit is {MAX_TEXT}")
    problem = text_problem(text)
    if problem is not None:
        raise MessageError(f"'text' {problem}")
    style = body.get("style", "fullscreen")
    if style not in STYLES:
        raise MessageError(f"'style' must be one of {', '.join(STYLES)}")
    expires = body.get("expires_in", 300)
    if (
        not isinstance(expires, int | float)
        or isinstance(expires, bool)
        or not 1 <= expires <= MAX_EXPIRES_S
    ):
        raise MessageError(f"'expires_in' must be a number of seconds from 1 to {MAX_EXPIRES_S}")
    return text.strip(), style, float(expires)


def render_message(message: UrgentMessage, canvas: Canvas) -> Frame:
    """Full screen: the text large on the accent colour. Banner: an RGBA strip for the bottom."""
    colours = canvas.theme.colours
    fonts = canvas.fonts
    if message.style == "banner":
        floor = canvas.floor()
        height = max(canvas.px(150 * canvas.scale), int(floor * 1.25 * 2 + canvas.px(36)))
        strip = Image.new("RGBA", (canvas.width, height), (*colours.accent, 245))
        pen = canvas.pen(strip)
        margin = canvas.margin
        placed = fit(parse_markdown(message.text), fonts, (canvas.width - 2 * margin, height - canvas.px(36)),
                     canvas.font_px(52), floor, max_lines=2)  # fmt: skip
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
                 canvas.floor(bold=True))  # fmt: skip
    top = (canvas.height - placed.height) / 2
    draw(pen, placed, fonts, (margin, top), colours.background, align="center", box_width=box[0])
    return Frame(image, marks=canvas.marks)

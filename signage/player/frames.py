"""Turning a slide into a :class:`Frame`, off the render thread: the registry picks the renderer."""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

from signage.core import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.images import ImageError
from signage.draw.kinds import RENDERERS
from signage.draw.legible import CLOCK, SECONDARY
from signage.live.model import LiveError
from signage.slides import Slide


class SlideError(Exception):
    """A slide that cannot be shown (its photo is unreadable, ...): skip it and report."""


def prepare(slide: Slide, canvas: Canvas) -> Frame:
    """Draw ``slide`` for ``canvas``; raises :class:`SlideError` when it cannot be shown."""
    render = RENDERERS.get(slide.type)
    if render is None:
        raise SlideError(f"{slide.origin}: no renderer for slide type {slide.type!r}")
    canvas = replace(canvas, marks=[])  # this drawing's own record of its text
    try:
        frame: Frame = render(slide, canvas)
    except (ImageError, OSError, LiveError) as exc:
        raise SlideError(f"{slide.origin}: {exc}") from exc
    frame.marks = canvas.marks
    return frame


def fallback(canvas: Canvas, status: str) -> Frame:
    """Never black: the venue, the clock, the date and what is wrong, on the theme's colours."""
    canvas = replace(canvas, marks=[])
    colours = canvas.theme.colours
    image = canvas.blank()
    draw = canvas.pen(image)
    fonts = canvas.fonts
    cx = canvas.width // 2
    cy = canvas.height // 2
    venue = canvas.theme.venue or i18n.label("welcome", canvas.locale)
    line, size = canvas.fit_line(venue, canvas.width - 2 * canvas.margin, 72, bold=True)
    draw.text(
        (cx, cy - canvas.px(200)), line, font=fonts.get(size, True), fill=colours.text, anchor="mm"
    )
    draw.text(
        (cx, cy), i18n.clock(canvas.at, canvas.locale),
        font=fonts.get(canvas.font_px(200, CLOCK, True), True),
        fill=colours.accent, anchor="mm", role=CLOCK,
    )  # fmt: skip
    date = i18n.long_date(canvas.at.date(), canvas.locale)
    draw.text(
        (cx, cy + canvas.px(150)),
        date,
        font=fonts.get(canvas.font_px(48, SECONDARY)),
        fill=colours.muted,
        anchor="mm",
        role=SECONDARY,
    )
    if status:
        text, small = canvas.fit_line(status, canvas.width - 2 * canvas.margin, 30, SECONDARY)
        draw.text(
            (cx, canvas.height - canvas.px(60)),
            text,
            font=fonts.get(small),
            fill=colours.muted,
            anchor="mm",
            role=SECONDARY,
        )
    return Frame(image, valid_until=canvas.next_minute(), marks=canvas.marks)


def flatten(frame: Frame, size: tuple[int, int]) -> Image.Image:
    """The frame as the player shows it at the start of the slide (pan at its origin)."""
    image = frame.image
    if image.size != size:
        left = (image.width - size[0]) // 2
        top = (image.height - size[1]) // 2
        image = image.crop((left, top, left + size[0], top + size[1]))
    image = image.convert("RGB")
    if frame.overlay is not None:
        image.paste(frame.overlay, (0, 0), frame.overlay)
    if frame.ticker is not None:
        strip = frame.ticker.crop((0, 0, size[0], frame.ticker.height))
        image.paste(strip, (0, size[1] - strip.height), strip)
    return image

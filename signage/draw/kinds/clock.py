"""``type: clock``: the time in large figures and the date under it (a layout's clock widget): drawn (the keys and the model are :mod:`signage.slides.clock`)."""

from __future__ import annotations

from signage.core import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.legible import CLOCK, SECONDARY
from signage.draw.text import fit_line
from signage.slides.clock import ClockSlide


def render(slide: ClockSlide, canvas: Canvas) -> Frame:
    """The time as large as the area allows, the date below when there is room for it."""
    colours = canvas.theme.colours
    image = canvas.blank(colours.panel)
    pen = canvas.pen(image)
    fonts = canvas.fonts
    width, height = canvas.size
    inner = width - 2 * max(4, height // 10)
    time_text = i18n.clock(canvas.at, canvas.locale)
    floor, date_floor = canvas.floor(CLOCK, True), canvas.floor(SECONDARY)
    date = i18n.long_date(canvas.at.date(), canvas.locale) if slide.date else ""
    # the date only where it fits at its floor beside a clock at least at its own
    if date and (
        height * 0.16 < date_floor
        or fonts.get(date_floor).getlength(date) > inner
        or height * 0.62 < floor
    ):
        date = ""
    share = 0.62 if date else 0.85
    line, size = fit_line(time_text, fonts, inner, max(floor, int(height * share)), floor, True)
    pen.text(
        (width // 2, height * (0.4 if date else 0.5)), line,
        font=fonts.get(size, True), fill=colours.text, anchor="mm", role=CLOCK,
    )  # fmt: skip
    if date:
        small_line, small = fit_line(
            date, fonts, inner, max(date_floor, int(height * 0.16)), date_floor
        )
        pen.text(
            (width // 2, height * 0.8), small_line, font=fonts.get(small),
            fill=colours.muted, anchor="mm", role=SECONDARY,
        )  # fmt: skip
    return Frame(image, valid_until=canvas.next_minute())

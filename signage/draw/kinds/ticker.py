"""``type: ticker``: messages scrolling in a strip (a layout's ticker widget): drawn (the keys and the model are :mod:`signage.slides.ticker`)."""

from __future__ import annotations

from signage.draw.canvas import Canvas, Frame
from signage.draw.legible import CLOCK
from signage.slides.ticker import TickerSlide


def render(slide: TickerSlide, canvas: Canvas) -> Frame:
    items = slide.items or canvas.messages(canvas.theme.ticker) or (canvas.theme.venue or " ",)
    # a strip's height sets the type (up to the screen's 60 design px: a full-screen
    # ticker is still a line of text), never under the floor
    design = canvas.screen_font_px(60, CLOCK)
    size = max(canvas.floor(CLOCK), min(round(canvas.height * 0.42), design))
    strip = canvas.strip(items, canvas.height, size)
    return Frame(canvas.blank(canvas.theme.colours.header), ticker=strip)

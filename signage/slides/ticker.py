"""``type: ticker``: messages scrolling in a strip (a layout's ticker widget)."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Field, ListOf, Text
from signage.draw.canvas import Canvas, Frame
from signage.draw.legible import CLOCK
from signage.slides import Common, Slide, SlideKind, register


@dataclass(frozen=True, kw_only=True)
class TickerSlide(Slide):
    type = "ticker"
    items: tuple[str, ...] = ()  # empty: the theme's ticker

    @property
    def title(self) -> str:
        return "ticker"


def _build(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    return [TickerSlide(**common.kwargs(slide_id), items=tuple(values.get("items") or ()))]


def render(slide: TickerSlide, canvas: Canvas) -> Frame:
    items = slide.items or canvas.theme.ticker or (canvas.theme.venue or " ",)
    # a strip's height sets the type (up to the design's 60 px: a full-screen ticker is
    # still a line of text), never under the floor
    size = max(canvas.floor(CLOCK), min(round(canvas.height * 0.42), canvas.font_px(60, CLOCK)))
    strip = canvas.strip(items, canvas.height, size)
    return Frame(canvas.blank(canvas.theme.colours.header), ticker=strip)


KIND = register(
    SlideKind(
        type="ticker",
        doc="Messages scrolling in a strip; without items, the theme's ticker.",
        fields={
            "items": Field(
                ListOf(Text(max_len=500), single_ok=True), doc="The messages; default the theme's"
            )
        },
        build=_build,
        render=render,
    )
)

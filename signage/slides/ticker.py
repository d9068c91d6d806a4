"""``type: ticker``: messages scrolling in a strip (a layout's ticker widget)."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Field, ListOf, Text
from signage.slides.base import Slide, SlideKind


@dataclass(frozen=True, kw_only=True)
class TickerSlide(Slide):
    type = "ticker"
    items: tuple[str, ...] = ()  # empty: the theme's ticker

    @property
    def title(self) -> str:
        return "ticker"


KIND = SlideKind(
    type="ticker",
    doc="Messages scrolling in a strip; without items, the theme's ticker.",
    fields={
        "items": Field(
            ListOf(Text(max_len=500), single_ok=True), doc="The messages; default the theme's"
        )
    },
    model=TickerSlide,
)

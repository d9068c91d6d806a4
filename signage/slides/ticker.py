"""``type: ticker``: messages scrolling in a strip (a layout's ticker widget)."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Field, ListOf, Text
from signage.slides.base import Common, Slide, SlideKind


@dataclass(frozen=True, kw_only=True)
class TickerSlide(Slide):
    type = "ticker"
    items: tuple[str, ...] = ()  # empty: the theme's ticker

    @property
    def title(self) -> str:
        return "ticker"


def _build(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    return [TickerSlide(**common.kwargs(slide_id), items=tuple(values.get("items") or ()))]


KIND = SlideKind(
    type="ticker",
    doc="Messages scrolling in a strip; without items, the theme's ticker.",
    fields={
        "items": Field(
            ListOf(Text(max_len=500), single_ok=True), doc="The messages; default the theme's"
        )
    },
    build=_build,
)

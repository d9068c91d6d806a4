"""``type: clock``: the time in large figures and the date under it (a layout's clock widget)."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Boolean, Field
from signage.slides.base import Slide, SlideKind


@dataclass(frozen=True, kw_only=True)
class ClockSlide(Slide):
    type = "clock"
    date: bool = True

    @property
    def title(self) -> str:
        return "clock"


KIND = SlideKind(
    type="clock",
    doc="The time in large figures, with the date under it.",
    fields={"date": Field(Boolean(), default=True, doc="Show the date under the time")},
    model=ClockSlide,
)

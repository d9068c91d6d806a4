"""``type: speakers``: cards for the speakers of the talks on now or next (or all day), from the programme."""

from __future__ import annotations

from dataclasses import dataclass, replace

from signage.core.schema import Choice, Field, Text
from signage.core.values import is_url
from signage.slides.base import Slide, SlideKind
from signage.slides.schedule import REFRESH, SOURCE


@dataclass(frozen=True, kw_only=True)
class SpeakersSlide(Slide):
    type = "speakers"
    source: str
    room: str | None = None  # None: every room; "auto": the screen's room
    scope: str = "now-next"  # now-next | day
    heading: str = ""
    refresh_s: float = 300.0

    @property
    def title(self) -> str:
        return self.heading or "Speakers"

    def files(self) -> tuple[str, ...]:
        return () if is_url(self.source) else (self.source,)

    def programmes(self) -> dict[str, float]:
        return {self.source: self.refresh_s}


KIND = SlideKind(
    type="speakers",
    doc="Speaker cards for the talks on now and next in a room (or every room), or all day, "
    "with the photos the programme links to.",
    fields={
        "source": SOURCE,
        "room": Field(
            Text(max_len=200),
            doc="A room name, or 'auto' for the screen's room; default every room",
        ),
        "scope": Field(
            Choice(("now-next", "day")),
            default="now-next",
            doc="Talks now and next, or the rest of the day",
        ),
        "title": Field(Text(max_len=200), doc="Heading", attr="heading"),
        "refresh": replace(REFRESH, attr="refresh_s"),
    },
    model=SpeakersSlide,
)

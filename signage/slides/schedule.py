"""``type: schedule``: the conference programme, for a room, every room, or the day."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Choice, Field, Text
from signage.core.values import Asset, Duration, is_url
from signage.slides.base import Common, Slide, SlideKind

PROGRAMME_EXTENSIONS = (".xml", ".json", ".ics")


@dataclass(frozen=True, kw_only=True)
class ScheduleSlide(Slide):
    type = "schedule"
    source: str  # a file in the content folder, or an http(s) URL
    room: str | None = None  # None: every room; "auto": the screen's room
    view: str = "now-next"  # room | now-next | day | door
    heading: str = ""
    refresh_s: float = 300.0
    closing: str = ""  # shown once the whole programme is over (default: the locale's)
    credentials_file: str | None = None  # user:password for a published calendar URL

    @property
    def title(self) -> str:
        # "auto" is resolved per screen when drawn; a label cannot know it
        named = self.room and self.room != "auto"
        return self.heading or (f"Programme — {self.room}" if named else "Programme")

    def files(self) -> tuple[str, ...]:
        return () if is_url(self.source) else (self.source,)

    def programmes(self) -> dict[str, float]:
        return {self.source: self.refresh_s}

    def credentials(self) -> dict[str, str]:
        return {self.source: self.credentials_file} if self.credentials_file else {}


def _build(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    view = values["view"] or ("room" if values.get("room") else "now-next")
    return [
        ScheduleSlide(
            **common.kwargs(slide_id),
            source=values["source"],
            room=values.get("room"),
            view=view,
            heading=values.get("title", ""),
            refresh_s=values["refresh"],
            closing=values.get("closing", ""),
            credentials_file=values.get("credentials"),
        )
    ]


SOURCE = Field(
    Asset("file", PROGRAMME_EXTENSIONS, urls=True),
    required=True,
    doc="Programme file in the content folder (frab XML, schedule.json, pretalx, Sessionize, "
    "iCalendar) or an http(s) URL",
)
REFRESH = Field(
    Duration(30, 86400), default=300.0, doc="How often a URL source is fetched again (seconds)"
)

KIND = SlideKind(
    type="schedule",
    doc="The programme: what is on now and next in a room, in every room, or the rest of the day.",
    fields={
        "source": SOURCE,
        "room": Field(
            Text(max_len=200),
            doc="Room name as in the programme, or 'auto' for the screen's configured room",
        ),
        "view": Field(
            Choice(("room", "now-next", "day", "door")),
            doc="room: this room now and next; now-next: every room; day: rest of today; "
            "door: a meeting-room door sign (free or busy, until when, the next meetings). "
            "Default: room when a room is given, else now-next",
        ),
        "title": Field(Text(max_len=200), doc="Heading shown above the programme"),
        "refresh": REFRESH,
        "credentials": Field(
            Text(max_len=500),
            doc="A file on the screen's machine with one line user:password, for a "
            "calendar URL behind HTTP basic auth (Nextcloud, a protected export); keep it "
            "out of the content folder, e.g. /etc/signage/salle-seine.credentials",
        ),
        "closing": Field(
            Text(max_len=200),
            doc='Shown after the last talk of the programme, e.g. "Fin des Rencontres — '
            'merci !" (default: "Fin du programme — merci !")',
        ),
    },
    build=_build,
)

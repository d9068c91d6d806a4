"""The conference programme, whatever tool exported it: rooms, events, speakers, time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class ProgrammeError(Exception):
    """A programme that cannot be read; the message names the source and what is wrong."""


@dataclass(frozen=True)
class Speaker:
    name: str
    bio: str = ""
    photo: str | None = None  # URL or file
    role: str = ""


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    room: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    subtitle: str = ""
    track: str = ""
    language: str = ""
    abstract: str = ""
    speakers: tuple[Speaker, ...] = ()
    order: int = 0  # position in the source, for ties
    private: bool = False  # CLASS:PRIVATE/CONFIDENTIAL: door signs show "Réservé", never the title
    also: str = ""  # another name of its room (frab: the event's own <room> when it differs)

    def to_json(self, zone: dt.tzinfo | None = None) -> dict[str, object]:
        start, end = (
            (self.start, self.end)
            if zone is None
            else (self.start.astimezone(zone), self.end.astimezone(zone))
        )
        return {
            "id": self.id,
            "title": self.title,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "speakers": [s.name for s in self.speakers],
            "track": self.track or None,
        }


@dataclass(frozen=True)
class Programme:
    format: str
    timezone: str  # IANA name, or an offset like +01:00 when the source only has offsets
    events: tuple[Event, ...]
    rooms: tuple[str, ...] = ()  # in the source's order
    title: str = ""
    warnings: tuple[str, ...] = field(default=())

    def room_names(self) -> list[str]:
        """Every room that has events, in the source's order."""
        with_events = {e.room for e in self.events}
        ordered = [r for r in self.rooms if r in with_events]
        for event in sorted(self.events, key=lambda e: e.order):
            if event.room not in ordered:
                ordered.append(event.room)
        return ordered

    def in_room(self, room: str) -> list[Event]:
        return [e for e in self.events if e.room == room]

    def now(self, room: str, at: dt.datetime) -> Event | None:
        """The event with start <= at < end; the latest start wins, then the first in the source."""
        running = [e for e in self.in_room(room) if e.start <= at < e.end]
        if not running:
            return None
        return min(running, key=lambda e: (-e.start.timestamp(), e.order))

    def next(self, room: str, at: dt.datetime) -> Event | None:
        """The event with the earliest start after ``at``, then the first in the source."""
        coming = [e for e in self.in_room(room) if e.start > at]
        if not coming:
            return None
        return min(coming, key=lambda e: (e.start.timestamp(), e.order))

    def find_room(self, name: str) -> str | None:
        """The room called ``name``, ignoring case and accents' absence; None if there is none."""
        wanted = fold(name)
        for room in self.room_names():
            if fold(room) == wanted:
                return room
        for event in self.events:  # a room's other name (frab: an event's own <room>)
            if event.also and fold(event.also) == wanted:
                return event.room
        return None


def fold(text: str) -> str:
    """A room name for comparison: case and accents ignored."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()

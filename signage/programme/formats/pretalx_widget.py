"""pretalx's schedule widget JSON: talks, rooms, speakers (names may be per-language objects)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage.programme.formats.common import parse_instant, zone_named
from signage.programme.model import Event, Programme, ProgrammeError, Speaker
from signage.programme.text import clean, one_line

FORMAT = "pretalx-widget"


def localised(value: Any, locale: str = "fr") -> str:
    """A plain string, or the best language of ``{"en": ..., "fr": ...}``."""
    if isinstance(value, dict):
        for key in (locale, "en", *value.keys()):
            if value.get(key):
                return str(value[key])
        return ""
    return "" if value is None else str(value)


def parse(data: Any, source: str, fallback_zone: dt.tzinfo | None, locale: str = "fr") -> Programme:
    if not isinstance(data, dict) or not isinstance(data.get("talks"), list):
        raise ProgrammeError(f"{source}: expected pretalx widget JSON with 'talks'")
    declared = data.get("timezone")
    zone = zone_named(declared) or fallback_zone
    rooms = {
        r.get("id"): one_line(localised(r.get("name"), locale))
        for r in data.get("rooms") or []
        if isinstance(r, dict)
    }
    tracks = {
        t.get("id"): one_line(localised(t.get("name"), locale))
        for t in data.get("tracks") or []
        if isinstance(t, dict)
    }
    speakers = {
        s.get("code"): Speaker(one_line(localised(s.get("name"), locale)), clean(localised(s.get("biography"), locale)),
                               s.get("avatar") or s.get("avatar_url") or None)
        for s in data.get("speakers") or [] if isinstance(s, dict)
    }  # fmt: skip
    events: list[Event] = []
    for order, talk in enumerate(data["talks"], start=1):
        if not isinstance(talk, dict):
            continue
        start = parse_instant(talk.get("start"), zone)
        end = parse_instant(talk.get("end"), zone)
        if start is None:
            continue
        if end is None and talk.get("duration"):
            end = start + dt.timedelta(minutes=float(talk["duration"]))
        people = []
        for entry in talk.get("speakers") or []:
            if isinstance(entry, dict):
                people.append(
                    Speaker(
                        one_line(localised(entry.get("name"), locale)),
                        clean(localised(entry.get("biography"), locale)),
                        entry.get("avatar") or None,
                    )
                )
            elif entry in speakers:
                people.append(speakers[entry])
        room = talk.get("room")
        events.append(
            Event(
                id=str(talk.get("code") or talk.get("id") or f"talk-{order}"),
                title=one_line(localised(talk.get("title"), locale)) or "(untitled)",
                room=rooms.get(room)
                or (one_line(localised(room, locale)) if isinstance(room, dict | str) else "?"),
                start=start,
                end=end or start,
                track=tracks.get(talk.get("track"), "")
                if not isinstance(talk.get("track"), dict)
                else one_line(localised(talk["track"], locale)),
                abstract=clean(localised(talk.get("abstract"), locale)),
                speakers=tuple(people),
                order=order,
            )
        )
    if zone is None and events and all(e.start.tzinfo for e in events):
        declared = None
    name = declared if zone_named(declared) else (getattr(fallback_zone, "key", None) or "UTC")
    return Programme(FORMAT, str(name), tuple(events), tuple(rooms.values()))

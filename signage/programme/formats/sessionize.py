"""Sessionize API "All" view: sessions, speakers, rooms, categories. No time zone inside."""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage.programme.formats.common import parse_instant
from signage.programme.model import Event, Programme, ProgrammeError, Speaker
from signage.programme.text import clean, one_line

FORMAT = "sessionize"


def parse(data: Any, source: str, zone: dt.tzinfo | None) -> Programme:
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        raise ProgrammeError(f"{source}: expected a Sessionize 'All' export with sessions")
    if zone is None:
        raise ProgrammeError(
            f"{source}: Sessionize times have no time zone; give one with --tz (e.g. --tz Europe/Paris)"
        )
    rooms = {
        r.get("id"): one_line(r.get("name")) for r in data.get("rooms") or [] if isinstance(r, dict)
    }
    room_order = [one_line(r.get("name")) for r in sorted(
        (r for r in data.get("rooms") or [] if isinstance(r, dict)), key=lambda r: r.get("sort", 0))]  # fmt: skip
    speakers: dict[str, Speaker] = {}
    for person in data.get("speakers") or []:
        if not isinstance(person, dict):
            continue
        name = (
            person.get("fullName") or f"{person.get('firstName', '')} {person.get('lastName', '')}"
        )
        speakers[str(person.get("id"))] = Speaker(
            one_line(name),
            clean(person.get("bio")),
            person.get("profilePicture") or None,
            one_line(person.get("tagLine")),
        )
    tracks = _track_names(data)
    events: list[Event] = []
    for order, session in enumerate(data["sessions"], start=1):
        if not isinstance(session, dict):
            continue
        start = parse_instant(session.get("startsAt"), zone)
        end = parse_instant(session.get("endsAt"), zone)
        if start is None:
            continue
        track = next((tracks[i] for i in session.get("categoryItems") or [] if i in tracks), "")
        events.append(
            Event(
                id=str(session.get("id") or f"session-{order}"),
                title=one_line(session.get("title")) or "(untitled)",
                room=rooms.get(session.get("roomId")) or "?",
                start=start,
                end=end or start,
                track=track,
                abstract=clean(session.get("description")),
                speakers=tuple(
                    speakers[str(s)] for s in session.get("speakers") or [] if str(s) in speakers
                ),
                order=order,
            )
        )
    name = getattr(zone, "key", None) or str(zone)
    return Programme(FORMAT, name, tuple(events), tuple(room_order))


def _track_names(data: dict[str, Any]) -> dict[Any, str]:
    """Category items of the category that looks like a track (else of any category)."""
    names: dict[Any, str] = {}
    for category in data.get("categories") or []:
        if not isinstance(category, dict):
            continue
        is_track = "track" in str(category.get("title", "")).lower()
        for item in category.get("items") or []:
            if isinstance(item, dict) and (is_track or item.get("id") not in names):
                names[item.get("id")] = one_line(item.get("name"))
    return names

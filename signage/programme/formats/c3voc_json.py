"""c3voc ``schedule.json`` as written by frab and pretalx."""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage.programme.formats.common import (
    parse_duration,
    parse_instant,
    settle_timezone,
    zone_named,
)
from signage.programme.model import Event, Programme, ProgrammeError, Speaker
from signage.programme.text import clean, one_line

FORMAT = "c3voc-json"


def parse(data: Any, source: str, fallback_zone: dt.tzinfo | None) -> Programme:
    schedule = data.get("schedule") if isinstance(data, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict) or not isinstance(conference.get("days"), list):
        raise ProgrammeError(f"{source}: expected schedule.conference.days in this schedule.json")
    declared = conference.get("time_zone_name") or None
    zone = zone_named(declared) or fallback_zone
    rooms: list[str] = [
        r["name"] for r in conference.get("rooms") or [] if isinstance(r, dict) and r.get("name")
    ]
    events: list[Event] = []
    offsets_given = False
    order = 0
    for day in conference["days"]:
        if not isinstance(day, dict) or not isinstance(day.get("rooms"), dict):
            continue
        day_start = parse_instant(day.get("day_start"), zone)
        for room_name, items in day["rooms"].items():
            if room_name not in rooms:
                rooms.append(room_name)
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                order += 1
                start = parse_instant(item.get("date"), None)
                if start is not None:
                    offsets_given = True
                else:
                    start = parse_instant(item.get("date"), zone) or _from_day(
                        day, item.get("start"), day_start, zone
                    )
                if start is None:
                    continue
                duration = parse_duration(item.get("duration")) or dt.timedelta(0)
                events.append(
                    Event(
                        id=str(item.get("guid") or item.get("id") or f"event-{order}"),
                        title=one_line(item.get("title")) or "(untitled)",
                        room=str(item.get("room") or room_name),
                        start=start,
                        end=start + duration,
                        subtitle=one_line(item.get("subtitle")),
                        track=one_line(item.get("track")),
                        language=str(item.get("language") or ""),
                        abstract=clean(item.get("abstract") or item.get("description")),
                        speakers=tuple(
                            _person(p) for p in item.get("persons") or [] if _person(p).name
                        ),
                        order=order,
                    )
                )
    timezone, warnings = settle_timezone(declared, events, offsets_given)
    return Programme(
        FORMAT,
        timezone,
        tuple(events),
        tuple(rooms),
        one_line(conference.get("title")),
        tuple(warnings),
    )


def _person(person: Any) -> Speaker:
    if isinstance(person, str):
        return Speaker(one_line(person))
    if not isinstance(person, dict):
        return Speaker("")
    name = person.get("public_name") or person.get("name") or person.get("full_public_name") or ""
    return Speaker(one_line(name), clean(person.get("biography")), person.get("avatar") or None)


def _from_day(
    day: dict[str, Any], start: Any, day_start: dt.datetime | None, zone: dt.tzinfo | None
) -> dt.datetime | None:
    if not start or zone is None or not day.get("date"):
        return None
    try:
        clock = dt.time.fromisoformat(str(start).zfill(5))
        moment = dt.datetime.combine(dt.date.fromisoformat(day["date"]), clock, tzinfo=zone)
    except ValueError:
        return None
    if day_start is not None and moment < day_start:
        moment += dt.timedelta(days=1)
    return moment

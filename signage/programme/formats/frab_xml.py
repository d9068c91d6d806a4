"""frab / pretalx / pentabarf / wafer ``schedule.xml`` (the c3voc schema)."""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from signage.programme.formats.common import (
    parse_duration,
    parse_instant,
    settle_timezone,
    zone_named,
)
from signage.programme.model import Event, Programme, ProgrammeError, Speaker
from signage.programme.text import clean, one_line

FORMAT = "frab-xml"


def _text(element: Element | None, tag: str) -> str:
    if element is None:
        return ""
    child = element.find(tag)
    return (child.text or "").strip() if child is not None and child.text else ""


def parse(data: bytes, source: str, fallback_zone: dt.tzinfo | None) -> Programme:
    try:
        # defusedxml refuses entity declarations: no billion laughs, no external entities.
        root = SafeET.fromstring(data, forbid_dtd=False)
    except DefusedXmlException as exc:
        raise ProgrammeError(
            f"{source}: refused unsafe XML ({type(exc).__name__}: entities are not allowed)"
        ) from exc
    except ParseError as exc:
        raise ProgrammeError(f"{source}: not valid XML ({exc})") from exc
    if root.tag != "schedule":
        raise ProgrammeError(
            f"{source}: XML root is <{root.tag}>, expected <schedule> (frab schedule.xml)"
        )
    conference = root.find("conference")
    declared = _text(conference, "time_zone_name") or None
    zone = zone_named(declared) or fallback_zone
    events: list[Event] = []
    rooms: list[str] = []
    offsets_given = False
    order = 0
    for day in root.iter("day"):
        day_date = day.get("date", "")
        day_start = parse_instant(day.get("start"), zone)
        for room in day.findall("room"):
            room_name = (room.get("name") or "").strip()
            if room_name and room_name not in rooms:
                rooms.append(room_name)
            for node in room.findall("event"):
                order += 1
                absolute = _text(node, "date")
                start = parse_instant(absolute, None)  # with its own offset, it is absolute
                if start is not None:
                    offsets_given = True
                elif absolute:
                    start = parse_instant(absolute, zone)
                if start is None:
                    start = _from_day(day_date, _text(node, "start"), day_start, zone)
                if start is None:
                    continue  # an event without a usable time cannot be placed; skip it
                duration = parse_duration(_text(node, "duration")) or dt.timedelta(0)
                # One rule when they disagree (merged exports): the event's own <room> wins
                # (it is what the event says of itself, and what changes when a talk moves);
                # the <room name> that holds it is kept as another name of that room, which
                # --room and room: also match.
                own = _text(node, "room")
                event_room = own or room_name or "?"
                if event_room not in rooms:
                    rooms.append(event_room)
                events.append(
                    Event(
                        id=node.get("guid") or node.get("id") or f"event-{order}",
                        title=one_line(_text(node, "title")) or "(sans titre)",
                        room=event_room,
                        start=start,
                        end=start + duration,
                        subtitle=one_line(_text(node, "subtitle")),
                        track=one_line(_text(node, "track")),
                        language=_text(node, "language"),
                        abstract=clean(_text(node, "abstract") or _text(node, "description")),
                        speakers=tuple(
                            Speaker(one_line(p.text))
                            for p in node.iter("person")
                            if p.text and p.text.strip()
                        ),
                        order=order,
                        also=room_name if room_name and room_name != event_room else "",
                    )
                )
    if not events and root.find("day") is None:
        raise ProgrammeError(f"{source}: no <day> in this schedule.xml")
    timezone, warnings = settle_timezone(declared, events, offsets_given)
    return Programme(
        FORMAT, timezone, tuple(events), tuple(rooms), _text(conference, "title"), tuple(warnings)
    )


def _from_day(
    day_date: str, start: str, day_start: dt.datetime | None, zone: dt.tzinfo | None
) -> dt.datetime | None:
    """Only when there is no absolute date: the day plus the start time; after midnight is the next day."""
    if not day_date or not start or zone is None:
        return None
    try:
        day = dt.date.fromisoformat(day_date)
        clock = dt.time.fromisoformat(start if len(start) > 4 else "0" + start)
    except ValueError:
        return None
    moment = dt.datetime.combine(day, clock, tzinfo=zone)
    if day_start is not None and moment < day_start:
        moment += dt.timedelta(days=1)  # 00:15 inside a day that started at 10:00
    return moment

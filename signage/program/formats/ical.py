"""iCalendar ``.ics``: room from LOCATION, speakers from ATTENDEE;CN or "von:/by:" lines."""

from __future__ import annotations

import datetime as dt
import re

from signage.program.formats.common import zone_named
from signage.program.model import Event, Programme, ProgrammeError, Speaker
from signage.program.text import clean, one_line

FORMAT = "ical"


def unfold(data: bytes) -> list[str]:
    """Content lines, unfolded on bytes before decoding.

    Exporters fold at 75 octets, which can split a UTF-8 sequence in two; joining
    the bytes first puts it back together (jres-2022.ics does this).
    """
    raw = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    joined = re.sub(rb"\n[ \t]", b"", raw)
    return [line.decode("utf-8", errors="replace") for line in joined.split(b"\n")]


_PARAM_RE = re.compile(r'([A-Za-z0-9-]+)=("[^"]*"|[^;:]*)')


def split(line: str) -> tuple[str, dict[str, str], str]:
    """``NAME;P=V;Q="W":value`` -> (NAME, {P: V, Q: W}, value)."""
    name_end = re.search(r"[;:]", line)
    if not name_end:
        return line.upper(), {}, ""
    name = line[: name_end.start()].upper()
    rest = line[name_end.start() :]
    params: dict[str, str] = {}
    while rest.startswith(";"):
        match = _PARAM_RE.match(rest, 1)
        if not match:
            break
        params[match.group(1).upper()] = match.group(2).strip('"')
        rest = rest[match.end() :]
    value = rest[1:] if rest.startswith(":") else rest
    return name, params, value


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_when(value: str, params: dict[str, str], default: dt.tzinfo | None) -> dt.datetime | None:
    text = value.strip()
    try:
        if len(text) == 8:  # a date: all day
            day = dt.datetime.strptime(text, "%Y%m%d")
            return day.replace(tzinfo=zone_named(params.get("TZID")) or default or dt.UTC)
        utc = text.endswith("Z")
        moment = dt.datetime.strptime(text.rstrip("Z")[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    if utc:
        return moment.replace(tzinfo=dt.UTC)
    zone = zone_named(params.get("TZID")) or default
    return moment.replace(tzinfo=zone) if zone else None


_ISO_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def parse_iso_duration(value: str) -> dt.timedelta | None:
    match = _ISO_DURATION.fullmatch(value.strip())
    if not match:
        return None
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)


_BY_RE = re.compile(r"^\s*(?:von|by|par|speakers?|intervenants?)\s*:\s*(.+)$", re.IGNORECASE)


def parse(data: bytes, source: str, fallback_zone: dt.tzinfo | None) -> Programme:
    lines = unfold(data)
    if not any(line.strip().upper() == "BEGIN:VCALENDAR" for line in lines[:5]):
        raise ProgrammeError(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")
    calendar_zone = None
    title = ""
    for line in lines:
        name, _, value = split(line)
        if name == "X-WR-TIMEZONE":
            calendar_zone = value.strip()
        elif name == "X-WR-CALNAME":
            title = value.strip()
        elif name == "BEGIN" and value.upper() == "VEVENT":
            break
    zone = zone_named(calendar_zone) or fallback_zone
    events: list[Event] = []
    rooms: list[str] = []
    current: dict[str, tuple[dict[str, str], str]] | None = None
    attendees: list[str] = []
    tzids: list[str] = []
    for line in lines:
        name, params, value = split(line)
        if name == "BEGIN" and value.strip().upper() == "VEVENT":
            current, attendees = {}, []
        elif name == "END" and value.strip().upper() == "VEVENT" and current is not None:
            event = _event(current, attendees, zone, len(events) + 1)
            if event is not None:
                events.append(event)
                if event.room not in rooms:
                    rooms.append(event.room)
            current = None
        elif current is not None:
            if name == "ATTENDEE" and params.get("CN"):
                attendees.append(params["CN"])
            elif name not in current:
                current[name] = (params, value)
            if name == "DTSTART" and params.get("TZID"):
                tzids.append(params["TZID"])
    declared = calendar_zone or (tzids[0] if tzids and zone_named(tzids[0]) else None)
    name = declared or getattr(fallback_zone, "key", None) or "UTC"
    return Programme(FORMAT, str(name), tuple(events), tuple(rooms), unescape(title))


def _event(
    fields: dict[str, tuple[dict[str, str], str]],
    attendees: list[str],
    zone: dt.tzinfo | None,
    order: int,
) -> Event | None:
    if "DTSTART" not in fields:
        return None
    params, value = fields["DTSTART"]
    start = parse_when(value, params, zone)
    if start is None:
        return None
    end = None
    if "DTEND" in fields:
        end = parse_when(fields["DTEND"][1], fields["DTEND"][0], zone)
    elif "DURATION" in fields:
        span = parse_iso_duration(fields["DURATION"][1])
        end = start + span if span else None
    description = unescape(fields.get("DESCRIPTION", ({}, ""))[1])
    names = list(attendees)
    body_lines = description.split("\n")
    if body_lines and _BY_RE.match(body_lines[0]):
        by = _BY_RE.match(body_lines[0])
        assert by is not None
        if not names:
            names = [n.strip() for n in re.split(r",| und | and | et ", by.group(1)) if n.strip()]
        description = "\n".join(body_lines[1:])
    categories = unescape(fields.get("CATEGORIES", ({}, ""))[1]).split(",")[0]
    return Event(
        id=fields.get("UID", ({}, f"event-{order}"))[1].strip() or f"event-{order}",
        title=one_line(unescape(fields.get("SUMMARY", ({}, ""))[1])) or "(sans titre)",
        room=one_line(unescape(fields.get("LOCATION", ({}, ""))[1])) or "?",
        start=start,
        end=end or start,
        track=one_line(categories),
        abstract=clean(description),
        speakers=tuple(Speaker(one_line(n)) for n in names if one_line(n)),
        order=order,
    )

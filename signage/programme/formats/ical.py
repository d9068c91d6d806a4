"""iCalendar ``.ics`` (Google Calendar, Outlook/Exchange, Thunderbird, Nextcloud, conference
tools): parsed by ``icalendar``, recurrences expanded by ``recurring-ical-events``.

Every occurrence is an event: RRULE, RDATE, EXDATE and RECURRENCE-ID overrides (moved and
re-timed occurrences) are honoured, cancelled occurrences (STATUS:CANCELLED) are not events.
Zones: a TZID with its VTIMEZONE, an IANA name or a Windows name (Exchange writes
``W. Europe Standard Time``); ``X-WR-TIMEZONE`` (Google) for floating times; a date-only
event runs midnight to midnight in the calendar's zone. Room from LOCATION, speakers from
ATTENDEE;CN or a "by:"/"par:" first line of the description; CLASS:PRIVATE and
CONFIDENTIAL events are marked private (door signs show "Réservé", never their title).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from typing import Any

import icalendar
import recurring_ical_events
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from signage.programme.formats.common import zone_named
from signage.programme.model import Event, Programme, ProgrammeError, Speaker
from signage.programme.text import as_text, clean, one_line

FORMAT = "ical"
# Recurrences are expanded this far past the calendar's last DTSTART, so that "next" is
# found at any instant up to then (a weekly meeting with no end goes on for two years).
HORIZON = dt.timedelta(days=2 * 366)
MAX_OCCURRENCES = 50_000  # a rule every minute for two years would not fit in memory

_BY_RE = re.compile(r"^\s*(?:von|by|par|speakers?|intervenants?)\s*:\s*(.+)$", re.IGNORECASE)


def unfold(data: bytes) -> bytes:
    """Content lines unfolded on bytes, before anything decodes them.

    Exporters fold at 75 octets, which can split a UTF-8 sequence in two; joining the
    bytes first puts it back together (jres-2022.ics does this). ``icalendar`` unfolds
    after decoding, which would leave two replacement characters instead.
    """
    raw = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return re.sub(rb"\n[ \t]", b"", raw)


def parse(data: bytes, source: str, fallback_zone: dt.tzinfo | None) -> Programme:
    text = unfold(data).decode("utf-8", errors="replace")
    if "BEGIN:VCALENDAR" not in text[:2000].upper():
        raise ProgrammeError(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        raise ProgrammeError(f"{source}: not a readable iCalendar file ({exc})") from exc
    declared = _declared_zone(calendar)
    zone = zone_named(declared) or fallback_zone or dt.UTC
    starts = [
        _moment(c.get("DTSTART").dt, zone) for c in calendar.walk("VEVENT") if c.get("DTSTART")
    ]
    if not starts:
        return Programme(FORMAT, _zone_name(declared, fallback_zone), (), (), _title(calendar))
    first, last = min(starts), max(starts)
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        expanded = _occurrences(query, first - dt.timedelta(days=1), last + HORIZON)
        occurrences = list(itertools.islice(expanded, MAX_OCCURRENCES + 1))
    except (ValueError, TypeError) as exc:
        raise ProgrammeError(f"{source}: cannot expand its recurring events ({exc})") from exc
    if len(occurrences) > MAX_OCCURRENCES:
        raise ProgrammeError(
            f"{source}: more than {MAX_OCCURRENCES:,} occurrences within two years of its last "
            "event (is a rule repeating every minute?)"
        )
    details: dict[int, Event | None] = {}  # per source component: occurrences share its text
    timed: list[tuple[Event, dt.datetime, dt.datetime]] = []
    for component, start, end in occurrences:
        key = id(component)
        if key not in details:
            found = _details(component, len(details) + 1)
            details[key] = as_text(found) if found is not None else None
        template = details[key]
        if template is not None:
            begins = _moment(start, zone)
            timed.append((template, begins, max(_moment(end, zone), begins)))
    # the occurrences of a recurring event share its UID: they are told apart by their start
    per_uid: dict[str, int] = {}
    for template, _, _ in timed:
        per_uid[template.id] = per_uid.get(template.id, 0) + 1
    events = []
    rooms: list[str] = []
    for template in details.values():
        if template is not None and template.room not in rooms:
            rooms.append(template.room)
    for t, begins, ends in timed:
        uid = t.id if per_uid[t.id] == 1 else f"{t.id}@{begins.isoformat()}"
        # a copy of the template's fields (dataclasses.replace costs 15 µs an occurrence)
        events.append(Event(**{**vars(t), "id": uid, "start": begins, "end": ends}))
    events.sort(key=lambda e: (e.start, e.order))
    return Programme(
        FORMAT, _zone_name(declared, fallback_zone), tuple(events), tuple(rooms), _title(calendar)
    )


def _title(calendar: Any) -> str:
    return one_line(str(calendar.get("X-WR-CALNAME", "")))


def _declared_zone(calendar: Any) -> str | None:
    """The calendar's own zone: X-WR-TIMEZONE, else its first event's TZID (as IANA)."""
    named = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    if zone_named(named):
        return named
    for component in calendar.walk("VEVENT"):
        start = component.get("DTSTART")
        tzid = start.params.get("TZID") if start is not None else None
        tzinfo = getattr(getattr(start, "dt", None), "tzinfo", None)
        # an IANA zone, or a Windows name (Exchange) whose own VTIMEZONE icalendar used
        for given in (getattr(tzinfo, "key", None), tzid):
            name = WINDOWS_TO_OLSON.get(str(given), given)
            if name and zone_named(str(name)):
                return str(name)
    return None


def _zone_name(declared: str | None, fallback: dt.tzinfo | None) -> str:
    return declared or str(getattr(fallback, "key", None) or "UTC")


def _moment(value: dt.date | dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """An aware instant: a date is its midnight, a floating time is in the calendar's zone."""
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), zone)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _occurrences(
    query: Any, start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[Any, Any, Any]]:
    """(source component, start, end) of every occurrence between ``start`` and ``end``.

    The occurrences of a series share their source component (the event, or the override
    of a moved one); ``between()`` would copy it for each of them, which was 60 % of the
    import of a calendar with 17,000 occurrences. The library's occurrence objects are
    used when it has them, its public API otherwise.
    """
    between = getattr(query, "_occurrences_between", None)
    if between is None:
        for component in query.between(start, end):
            yield component, component.start, component.end
        return
    for occurrence in between(start, end):
        component = getattr(getattr(occurrence, "_adapter", None), "_component", None)
        if component is None:
            component = occurrence.as_component(False)
        yield component, occurrence.start, occurrence.end


def _details(component: Any, order: int) -> Event | None:
    """What an event says besides its times (None: cancelled or without a start)."""
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return None
    if component.get("DTSTART") is None:
        return None
    description = str(component.get("DESCRIPTION", ""))
    names = [
        str(a.params.get("CN")) for a in _as_list(component.get("ATTENDEE")) if a.params.get("CN")
    ]
    body_lines = description.split("\n")
    by = _BY_RE.match(body_lines[0]) if body_lines else None
    if by is not None:
        if not names:
            names = [n.strip() for n in re.split(r",| und | and | et ", by.group(1)) if n.strip()]
        description = "\n".join(body_lines[1:])
    categories = component.get("CATEGORIES")
    track = ""
    if categories is not None:
        first = _as_list(categories)[0]
        cats = getattr(first, "cats", None)
        track = str(cats[0]) if cats else str(first)
    uid = one_line(str(component.get("UID", ""))) or f"event-{order}"
    private = str(component.get("CLASS", "")).upper() in ("PRIVATE", "CONFIDENTIAL")
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # replaced by each occurrence's times
    return Event(
        id=uid,
        title=one_line(str(component.get("SUMMARY", ""))) or "(sans titre)",
        room=one_line(str(component.get("LOCATION", ""))) or "?",
        start=epoch,
        end=epoch,
        track=one_line(track),
        abstract=clean(description),
        speakers=tuple(Speaker(one_line(n)) for n in names if one_line(n)),
        order=order,
        private=private,
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]

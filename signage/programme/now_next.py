"""``signage program``: what is on now and next in every room, as a table or as JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from signage.core.values import is_url
from signage.programme.formats.common import zone_named
from signage.programme.model import Event, Programme, ProgrammeError
from signage.programme.store import ProgrammeServices


def display_zone(programme: Programme, fallback: dt.tzinfo) -> dt.tzinfo:
    zone = zone_named(programme.timezone)
    if zone is not None:
        return zone
    if programme.events:
        offset = programme.events[0].start.utcoffset()
        if offset is not None:
            return dt.timezone(offset)
    return fallback


def rooms_now_next(
    programme: Programme, at: dt.datetime, room: str | None = None
) -> list[tuple[str, Event | None, Event | None]]:
    names = programme.room_names()
    if room is not None:
        found = programme.find_room(room)
        names = [found] if found else []
    return [(name, programme.now(name, at), programme.next(name, at)) for name in names]


def as_json(
    programme: Programme, at: dt.datetime, room: str | None, zone: dt.tzinfo
) -> dict[str, Any]:
    return {
        "format": programme.format,
        "timezone": programme.timezone,
        "at": at.astimezone(zone).isoformat(),
        "rooms": [
            {
                "room": name,
                "now": now.to_json(zone) if now else None,
                "next": nxt.to_json(zone) if nxt else None,
            }
            for name, now, nxt in rooms_now_next(programme, at, room)
        ],
    }


def as_table(programme: Programme, at: dt.datetime, room: str | None, zone: dt.tzinfo) -> str:
    local = at.astimezone(zone)
    lines = [
        f"{programme.title or programme.format} · {programme.format} · {programme.timezone} · at {local:%Y-%m-%d %H:%M}"
    ]
    rows = rooms_now_next(programme, at, room)
    if not rows:
        lines.append("no room matches" if room else "no events")
    width = max((len(name) for name, _, _ in rows), default=4)
    for name, now, nxt in rows:
        lines.append(f"{name:<{width}}  now   {_cell(now, zone, local.date())}")
        lines.append(f"{'':<{width}}  next  {_cell(nxt, zone, local.date())}")
    return "\n".join(lines)


def _cell(event: Event | None, zone: dt.tzinfo, today: dt.date) -> str:
    if event is None:
        return "-"
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    day = f"{start:%Y-%m-%d} " if start.date() != today else ""
    who = f" ({', '.join(s.name for s in event.speakers)})" if event.speakers else ""
    return f"{day}{start:%H:%M}-{end:%H:%M}  {event.title}{who}"


def summary(
    content: Any, cache_dir: str | None, at: dt.datetime, store: Any
) -> dict[str, Any] | None:
    """Now and next for the first programme the content's slides show (for the operator's page)."""
    if content is None:
        return None
    services = ProgrammeServices.of(content, cache_dir)
    for slide in content.slides():
        for source in slide.programmes():  # as each slide kind declares them
            shown = _programme_at(source, content.root, services, store, at)
            if shown is not None:
                return shown
    return None


def _programme_at(
    source: str, root: str, services: Any, store: Any, at: dt.datetime
) -> dict[str, Any] | None:
    """The programme ``source`` as ``/programme`` shows it, or None if it cannot be read."""

    path = services.cached(source) if is_url(source) else Path(root) / source
    if path is None:
        return None
    try:
        shown = store.shown(str(path), path, services, at)
    except ProgrammeError:
        return None
    return as_json(shown.programme, at, None, at.tzinfo or dt.UTC)

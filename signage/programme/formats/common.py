"""Helpers shared by the formats: durations, instants, time zones."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from signage.programme.model import Event, ProgrammeError

_DURATION_RE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?::(\d{2}))?$")  # [D:]H:MM[:SS]


def parse_duration(text: object) -> dt.timedelta | None:
    """``0:30``, ``00:30``, ``1:02:00`` (D:HH:MM), ``00:30:00`` (HH:MM:SS); None if absent or odd."""
    if text is None:
        return None
    value = str(text).strip()
    match = _DURATION_RE.match(value)
    if not match:
        return None
    first, middle, last, extra = match.groups()
    if extra is not None:  # four parts: D:HH:MM:SS
        return dt.timedelta(
            days=int(first), hours=int(middle), minutes=int(last), seconds=int(extra)
        )
    if first is None:  # H:MM or HH:MM
        return dt.timedelta(hours=int(middle), minutes=int(last))
    if int(middle) > 23:  # not D:HH:MM, so HH:MM:SS ("01:30:00")
        return dt.timedelta(hours=int(first), minutes=int(middle), seconds=int(last))
    return dt.timedelta(days=int(first), hours=int(middle), minutes=int(last))  # frab's D:HH:MM


def zone_named(name: str | None) -> dt.tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_instant(text: object, zone: dt.tzinfo | None) -> dt.datetime | None:
    """An ISO 8601 instant; naive ones are read in ``zone`` (None when there is no zone)."""
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        if zone is None:
            return None
        moment = moment.replace(tzinfo=zone)
    return moment


def offset_name(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def settle_timezone(
    declared: str | None, events: list[Event], offsets_given: bool
) -> tuple[str, list[str]]:
    """The programme's time zone: the declared name unless the events' own offsets contradict it.

    pretalx's test event says ``UTC`` while every time carries +01:00; the
    offsets are what the organisers typed, so they win.
    """
    warnings: list[str] = []
    zone = zone_named(declared)
    if not events:
        return declared or "UTC", warnings
    if zone is not None and offsets_given:
        # Times in UTC are absolute and fine beside a local zone name (wafer writes
        # <date> in UTC); other offsets that the named zone would not give contradict it.
        disagree = [
            e for e in events
            if e.start.utcoffset() != dt.timedelta(0)
            and e.start.utcoffset() != e.start.astimezone(zone).utcoffset()
        ]  # fmt: skip
        if disagree:
            common = Counter(offset_name(e.start) for e in events).most_common(1)[0][0]
            warnings.append(
                f"time_zone_name says {declared} but the times carry {common}; using the times' offsets"
            )
            return common, warnings
        return str(declared), warnings
    if zone is not None:
        return str(declared), warnings
    common = Counter(offset_name(e.start) for e in events).most_common(1)[0][0]
    return common, warnings


def require(condition: bool, source: str, message: str) -> None:
    if not condition:
        raise ProgrammeError(f"{source}: {message}")

"""Clocks: the real one, one started at a chosen instant (``--at``), and a fake one for tests."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware, in the player's zone."""
        ...


class SystemClock:
    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.zone)


class StartedAt:
    """Runs from a chosen instant at real speed (``--at``), times ``speed`` for soak runs."""

    def __init__(self, start: dt.datetime, zone: dt.tzinfo, speed: float = 1.0) -> None:
        self.start = start.astimezone(zone)
        self.zone = zone
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> dt.datetime:
        elapsed = (time.monotonic() - self._origin) * self.speed
        return (self.start + dt.timedelta(seconds=elapsed)).astimezone(self.zone)


CLOCK_BACK = dt.timedelta(seconds=2)  # the wall clock going back by more than this is a jump


class BackJumps:
    """Notices the wall clock going back (an NTP correction, a wrong RTC fixed)."""

    def __init__(self) -> None:
        self._last: dt.datetime | None = None

    def went_back(self, now: dt.datetime) -> bool:
        last, self._last = self._last, now
        if last is None or now >= last - CLOCK_BACK:
            return False
        log.warning(
            "the clock went back by %s; re-planning from %s",
            last - now,
            now.isoformat(timespec="seconds"),
        )
        return True


STEPPED_BY_ENV = "SIGNAGE_CLOCK_OFFSET_FILE"  # the chaos soak's wall-clock steps


class SteppedClock:
    """Another clock plus an offset read from a file (seconds, a number) by a thread of its
    own, 5 times a second: the chaos soak steps a running player's wall clock by an hour
    through it (an NTP correction, a wrong RTC at boot) without touching the machine's.
    Set by the environment variable ``SIGNAGE_CLOCK_OFFSET_FILE`` only; never in use."""

    def __init__(self, base: Clock, path: str) -> None:
        self.base = base
        self.path = path
        self._offset = dt.timedelta()
        threading.Thread(target=self._follow, name="clock-offset", daemon=True).start()

    @property
    def zone(self) -> dt.tzinfo:
        return self.base.zone  # type: ignore[attr-defined, no-any-return]

    @zone.setter
    def zone(self, zone: dt.tzinfo) -> None:
        self.base.zone = zone  # type: ignore[attr-defined]

    def _follow(self) -> None:
        while True:
            try:
                with open(self.path, encoding="utf-8") as file:  # noqa: PTH123
                    self._offset = dt.timedelta(seconds=float(file.read().strip() or 0))
            except (OSError, ValueError):
                pass
            time.sleep(0.2)

    def now(self) -> dt.datetime:
        return self.base.now() + self._offset


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> dt.datetime:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)
            return self._now

    def set(self, moment: dt.datetime) -> None:
        with self._lock:
            self._now = moment


def parse_instant(text: str, zone: dt.tzinfo) -> dt.datetime:
    """ISO 8601 (``2026-11-30T10:05``, with or without offset; naive is read in ``zone``).

    Raises ValueError with a readable message.
    """
    cleaned = text.strip().replace(" ", "T", 1)
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        try:
            day = dt.date.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(
                f"'{text}' is not a date and time like 2026-11-30T10:05 or 2026-11-30T10:05+01:00"
            ) from None
        moment = dt.datetime.combine(day, dt.time(0, 0))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def follow_zone(clock: Any, content: str | None) -> bool:
    """``clock`` (one with a zone) shows the content's zone (``theme.yaml``'s, else the
    machine's); True when that changed it."""
    if not hasattr(clock, "zone"):
        return False
    wanted = venue_zone(None, content)
    if wanted == clock.zone:
        return False
    log.info("time zone %s (%s)", wanted, "theme.yaml" if content else "machine")
    clock.zone = wanted
    return True


def venue_zone(configured: str | None, content: str | None) -> dt.tzinfo:
    """The zone a screen shows its clock, programme and ``when`` windows in: the screen's
    configured zone, else the content's (``theme.yaml`` ``timezone``), else the machine's."""
    return zone(configured or content)


def zone(name: str | None) -> dt.tzinfo:
    """A time zone by IANA name; the machine's local zone when None."""
    if name:
        return ZoneInfo(name)
    local = dt.datetime.now().astimezone().tzinfo
    return local or dt.UTC

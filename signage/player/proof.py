"""Proof of play on the render side: the entry of the slide on screen, closed when it goes."""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable
from typing import Any


class PlayTracker:
    """Opens an entry when a slide appears and hands it, closed, to ``on_play``."""

    def __init__(self, on_play: Callable[[dict[str, Any]], None] | None) -> None:
        self.on_play = on_play
        self.entries: dict[str, dict[str, Any]] = {}  # region -> the play it shows

    @property
    def open(self) -> dict[str, Any] | None:
        """The main region's open entry (or the only one)."""
        return self.entries.get("main") or next(iter(self.entries.values()), None)

    def is_open(self, region: str) -> bool:
        return region in self.entries

    def started(
        self,
        now: dt.datetime,
        screen: str,
        playing: Any,
        version: str | None,
        region: str = "main",
        overstay_s: float | None = None,
    ) -> None:
        """A play begins in ``region``; the one it replaces ends (``overstay_s``: that
        long past its end)."""
        self.closed(now, region, overstay_s)
        slide = playing.slide if playing is not None else None
        if slide is None or playing.playlist is None:
            return
        self.entries[region] = {
            "screen": screen,
            "slide": slide.id,
            "type": slide.type,
            "title": slide.title,
            "playlist": playing.playlist.name,
            "region": region,
            "started": now.isoformat(timespec="milliseconds"),  # its first frame presented
            "due": playing.started.isoformat(timespec="milliseconds"),  # as planned
            "late_s": round((now - playing.started).total_seconds(), 3),
            "version": version,
        }

    def closed(
        self, now: dt.datetime, region: str | None = None, overstay_s: float | None = None
    ) -> None:
        """Close the play of ``region`` (None: of every region) and hand it on;
        ``overstay_s``: it stayed this long past its end (the next one was not ready)."""
        for name in [region] if region is not None else list(self.entries):
            entry = self.entries.pop(name, None)
            if entry is not None and self.on_play is not None:
                shown = now - dt.datetime.fromisoformat(entry["started"])
                late = {"overstay_s": round(overstay_s, 3)} if overstay_s is not None else {}
                self.on_play(
                    {
                        **entry,
                        "ended": now.isoformat(timespec="milliseconds"),
                        "duration_s": round(shown.total_seconds(), 3),  # seconds on screen
                        **late,
                    }
                )


OVERSTAY_S = 1.0  # past its end by more than this, a slide overstayed (a frame's jitter is not)


class Overstays:
    """Slides of the main region that stayed on screen past their end, counted."""

    def __init__(self) -> None:
        self.count = 0
        self.longest_s = 0.0
        # every hand-over's lateness, ms (negative: early, a slide skipped past): the bench's
        self.lateness_ms: collections.deque[float] = collections.deque(maxlen=2000)

    def ended(self, playing: Any, now: dt.datetime, paused: bool) -> float | None:
        """``playing`` leaves the screen at ``now``: seconds it overstayed, or None."""
        if playing is None or paused:
            return None
        late: float = (now - playing.ends).total_seconds()
        self.lateness_ms.append(late * 1000)
        if late <= OVERSTAY_S:
            return None
        self.count += 1
        self.longest_s = max(self.longest_s, late)
        return late

    def status(self) -> dict[str, Any]:
        return {"overstays": self.count, "longest_overstay_ms": round(self.longest_s * 1000)}

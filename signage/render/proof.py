"""Proof of play on the render side: the entry of the slide on screen, closed when it goes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any


class PlayTracker:
    """Opens an entry when a slide appears and hands it, closed, to ``on_play``."""

    def __init__(self, on_play: Callable[[dict[str, Any]], None] | None) -> None:
        self.on_play = on_play
        self.open: dict[str, Any] | None = None

    def started(
        self,
        now: dt.datetime,
        screen: str,
        playing: Any,
        version: str | None,
        region: str = "main",
    ) -> None:
        self.closed(now)
        slide = playing.slide if playing is not None else None
        if slide is None or playing.playlist is None:
            return
        self.open = {
            "screen": screen,
            "slide": slide.id,
            "type": slide.type,
            "title": slide.title,
            "playlist": playing.playlist.name,
            "region": region,
            "started": now.isoformat(timespec="milliseconds"),
            "version": version,
        }

    def closed(self, now: dt.datetime) -> None:
        if self.open is not None and self.on_play is not None:
            self.on_play({**self.open, "ended": now.isoformat(timespec="milliseconds")})
        self.open = None

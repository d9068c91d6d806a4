"""The player's status as other threads read it (``/status``, the overlay, the fleet)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from signage.core.urls import redact_tree
from signage.player.stats import FrameStats
from signage.programme.model import fold


@dataclass
class StatusBoard:
    """The player's status for other threads: replaced whole, read without locks."""

    started: float = field(default_factory=time.monotonic)
    data: dict[str, Any] = field(default_factory=dict)
    stats: FrameStats = field(default_factory=FrameStats)
    extra: dict[str, Callable[[], Any]] = field(default_factory=dict)
    clock: Any = None
    live: Callable[[dict[str, Any]], None] | None = None  # figures read at each request

    def read(self) -> dict[str, Any]:
        data = dict(self.data)
        stats = self.stats.snapshot()
        data["render"] = {
            "fps": stats["fps"],
            "frame_ms_p50": stats["frame_ms_p50"],
            "frame_ms_p99": stats["frame_ms_p99"],
            "frame_ms_max": stats["frame_ms_max"],
            "pass_ms_max": stats["pass_ms_max"],
            "frames": int(stats["frames"]),
            "frames_over_budget": int(stats["frames_over_budget"]),
        }
        data["uptime_s"] = round(time.monotonic() - self.started, 1)
        if self.clock is not None:
            data["now"] = self.clock.now().isoformat(timespec="milliseconds")
        # a copy: parts register their figures while other threads read (the fleet's
        # presence thread started before the control API adds its address)
        for name, getter in list(self.extra.items()):
            data[name] = getter()
        if self.live is not None:
            self.live(data)
        # /status is readable without the token: no password of a URL leaves through it
        redacted: dict[str, Any] = redact_tree(data)
        return redacted


def player_status(player: Any) -> dict[str, Any]:
    """The status of what a player shows: screen, content, the slide on screen, message."""
    # the slide whose frame is on screen; the sequencer may be a step ahead while
    # the next frame is prepared (and before the first frame nothing is on screen)
    playing = player.seen.playing
    content = player.content
    shown = _shown(playing, player.seen.shown_at)
    return {
        "screen": player.screen.id,
        "room": player.screen.room,
        "content": {
            "version": content.version if content else None,
            "loaded_at": player.loaded_at.isoformat(timespec="seconds"),
            "source": player.source,
            "slides": content.slide_count() if content else 0,
            "errors": list(player.errors),
            "warnings": list(player.warnings),
            "skipped": sorted(player.timeline.slide_errors.values()),
        },
        "slide": {
            "index": playing.index if playing is not None else -1,
            **shown,
            "playlist": playing.playlist.name if playing is not None and playing.playlist else None,
        },
        # the screen's regions and what each shows (no layout: one region, "main")
        "regions": [
            _region(view, shown if view is player.regions.main else None)
            for view in player.regions.views
        ],
        "layout": player.regions.layout.origin if player.regions.layout is not None else None,
        "paused": player.paused,
        "message": player.message.to_json() if player.message is not None else None,
        "display": "on" if player.power.on else "off",
        "room_state": _room_state(player),
    }


def render_health(player: Any) -> dict[str, Any]:
    """``/status.health.render`` beside the supervisor's: the loop's stalls (seen from its
    watch thread), frozen output, dark frames and overstays (as a viewer saw them)."""
    watched: dict[str, Any] = player.watch.status()
    return {**watched, **player.seen.health()}


def _room_state(player: Any) -> dict[str, Any] | None:
    """The fleet's state of this screen's own room (None: none said)."""
    room = player.screen.room
    if not room:
        return None
    wanted = fold(room)
    for name, state in player.room_states.items():
        if fold(name) == wanted:
            data: dict[str, Any] = state.to_json()
            return data
    return None


def _shown(playing: Any, shown_at: Any = None) -> dict[str, Any]:
    """A slide on screen; ``shown_at``: when its first frame was presented (the plan's
    start until then, and for regions, whose frames go out with the main one's)."""
    slide = playing.slide if playing is not None else None
    nothing = "fallback" if playing is not None else None
    at = shown_at or (playing.started if playing is not None else None)
    return {
        "id": slide.id if slide else nothing,
        "type": slide.type if slide else nothing,
        "title": slide.title if slide else "",
        "shown_at": at.isoformat(timespec="milliseconds") if at is not None else None,
        "ends_at": playing.ends.isoformat(timespec="milliseconds") if playing else None,
    }


def _region(view: Any, shown: dict[str, Any] | None) -> dict[str, Any]:
    """A region: its name, place, what it shows (the slide whose frame is on screen)."""
    timeline = view.timeline
    playing = timeline.playing if timeline.current is not None else None
    return {
        "name": view.name,
        "rect": [view.rect.x, view.rect.y, view.rect.w, view.rect.h],
        "widget": view.widget,
        "slide": shown if shown is not None else _shown(playing),
    }

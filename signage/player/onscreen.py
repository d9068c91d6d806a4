"""What the main region shows, as a viewer sees it.

The slide whose frame is on screen (not the one the sequencer plans next), when its first
frame was presented, whether the slide before it left on time, and what the presented
picture did: frozen while it should move, black while its content is not, frames per
crossfade. ``/status`` and the benches read it; the render thread alone writes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pygame

from signage.content.sequencer import Playing
from signage.player.proof import Overstays
from signage.player.regions import RegionView
from signage.player.timeline import Timeline
from signage.player.watch import OutputWatch, Transitions


class OnScreen:
    """The main region's slide on screen and the picture presented."""

    def __init__(self) -> None:
        self.playing: Playing | None = None  # the slide whose frame is on screen
        self.shown_at: dt.datetime | None = None  # when its first frame was presented
        self._presenting = False  # a new slide's first frame goes out with this pass
        self.overstays = Overstays()
        self.output = OutputWatch()
        self.transitions = Transitions()

    def leaving(self, now: dt.datetime, paused: bool) -> float | None:
        """The slide on screen gives way at ``now``: seconds past its end, when over 1 s."""
        return self.overstays.ended(self.playing, now, paused)

    def shown(self, playing: Playing | None, now: dt.datetime) -> None:
        """A slide's frame goes on screen with this pass (stamped again once presented)."""
        self.playing = playing
        self.shown_at = now
        self._presenting = True

    def follow(self, timeline: Timeline) -> bool:
        """The slide on screen as the main region's timeline now plans it (held for
        reading, a synced slot held, re-timed after a late frame): ``/status`` says when it
        really ends. True when that changed."""
        playing, current, here = timeline.playing, timeline.current, self.playing
        if (
            playing is None
            or current is None
            or here is None
            or current.key != timeline.frame_key(playing)
            or playing.key != here.key
            or playing == here
        ):
            return False
        self.playing = playing
        return True

    def presented(
        self,
        now: dt.datetime,
        screen: pygame.Surface,
        main: RegionView,
        moving: bool,
        on: bool,
        progress: int,
    ) -> bool:
        """A frame went out: stamp a new slide's first frame, count the crossfade's
        frames, sample the picture against what ``main`` means to show. True when a
        slide's first frame was stamped."""
        first = self._presenting
        if first:
            self._presenting = False
            self.shown_at = now
        self.transitions.presented(main.compositor.transition)
        current = main.timeline.current
        intended = current.base if current is not None else None
        self.output.presented(screen, intended, moving, on, progress, first)
        return first

    def health(self) -> dict[str, Any]:
        return {**self.output.status(), **self.overstays.status()}

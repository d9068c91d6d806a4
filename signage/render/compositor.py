"""Composing the picture on the render thread: the slide on screen (panning, its ticker
scrolling), the transition from the one before, and the last complete frame kept as the
next transition's outgoing picture. Only the render thread calls it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pygame

from signage.render.urgent_layer import UrgentLayer

TICKER_SPEED = 110  # pixels per second at 1080 lines


@dataclass
class Shown:
    """A prepared frame as pygame surfaces."""

    key: Any  # FrameKey: (content version, slide key)
    base: pygame.Surface
    overlay: pygame.Surface | None
    ticker: pygame.Surface | None
    pan: bool
    valid_until: dt.datetime | None
    stamp: dt.datetime
    notes: tuple[str, ...] = ()


@dataclass
class Transition:
    kind: str
    duration_s: float
    started: float  # monotonic
    outgoing: pygame.Surface


def _ease(p: float) -> float:
    return p * p * (3 - 2 * p)


class Compositor:
    """Draws a :class:`Shown` frame and the transitions between frames on a target surface."""

    def __init__(self, size: tuple[int, int], background: tuple[int, int, int]) -> None:
        self.size = size
        self.transition: Transition | None = None
        self.shown_mono = time.monotonic()  # when the frame on screen appeared
        # Allocated up front (and blitted once, which warms SDL's blitters) so that
        # no frame pays for it later.
        self.last_frame = pygame.Surface(size).convert()
        # The previous "last frame" becomes a transition's outgoing picture: two
        # buffers swap instead of copying a full screen at every slide change.
        self._spare_frame = pygame.Surface(size).convert()
        self._scratch = pygame.Surface(size).convert()
        self.last_frame.fill(background)
        self._scratch.blit(self.last_frame, (0, 0))
        self._scratch.set_alpha(128)
        self.last_frame.blit(self._scratch, (0, 0))
        self._scratch.set_alpha(None)
        self.have_frame = False

    def begin(self, kind: str, duration_s: float, animate: bool) -> None:
        """A new frame is on screen: start a transition to it from the last complete frame."""
        self.shown_mono = time.monotonic()
        if animate and self.have_frame and kind != "cut" and duration_s > 0:
            outgoing = self.last_frame
            self.last_frame, self._spare_frame = self._spare_frame, outgoing
            self.last_frame.blit(outgoing, (0, 0))  # still the latest complete frame
            self.transition = Transition(kind, duration_s, time.monotonic(), outgoing)
        else:
            self.transition = None

    def compose(self, target: pygame.Surface, shown: Shown, playing: Any, elapsed: float) -> None:
        """The frame alone: its base (panned), its overlay and its ticker."""
        width, height = self.size
        base = shown.base
        if shown.pan and playing is not None and playing.slide is not None:
            duration = max(1.0, playing.slide.duration_s)
            progress = min(1.0, elapsed / duration)
            if playing.index % 2:
                progress = 1 - progress
            dx = base.get_width() - width
            dy = base.get_height() - height
            target.blit(base, (-round(dx * progress), -round(dy * (0.3 + 0.4 * progress))))
        else:
            target.blit(base, (0, 0))
        if shown.overlay is not None:
            target.blit(shown.overlay, (0, 0))
        if shown.ticker is not None:
            self.scroll(target, shown.ticker, elapsed)

    def draw(self, surface: pygame.Surface, shown: Shown, playing: Any) -> None:
        """The frame with its transition, if one runs; the result is remembered when none does."""
        elapsed = time.monotonic() - self.shown_mono
        transition = self.transition
        if transition is not None:
            progress = min(1.0, (time.monotonic() - transition.started) / transition.duration_s)
            eased = _ease(progress)
            width = self.size[0]
            if transition.kind == "slide":
                surface.blit(transition.outgoing, (-round(width * eased), 0))
                self.compose(self._scratch, shown, playing, elapsed)
                surface.blit(self._scratch, (round(width * (1 - eased)), 0))
            else:  # fade: the outgoing frame, the incoming one over it with rising alpha
                alpha = round(255 * eased)
                if alpha >= 255:
                    # SDL takes a slow generic path for surface alpha 255 (about 30 ms
                    # at 1080p, against 3 ms below it): draw the incoming frame plainly.
                    self.compose(surface, shown, playing, elapsed)
                else:
                    surface.blit(transition.outgoing, (0, 0))
                    self.compose(self._scratch, shown, playing, elapsed)
                    self._scratch.set_alpha(alpha)
                    surface.blit(self._scratch, (0, 0))
                    self._scratch.set_alpha(None)
            if progress >= 1.0:
                self.transition = None
        else:
            self.compose(surface, shown, playing, elapsed)
        if self.transition is None:
            # the last complete frame: the outgoing picture of the next transition
            self.last_frame.blit(surface, (0, 0))
            self.have_frame = True

    def draw_screen(
        self,
        surface: pygame.Surface,
        shown: Shown | None,
        playing: Any,
        background: tuple[int, int, int],
        urgent: UrgentLayer,
        overlay: Callable[[pygame.Surface], None] | None = None,
    ) -> None:
        """The whole screen: the slide with its transition, then the layers above it (the
        urgent message, the technician's overlay)."""
        if shown is None:
            surface.fill(background)
            return
        self.draw(surface, shown, playing)
        urgent.draw(surface, shown.ticker.get_height() if shown.ticker is not None else 0)
        if overlay is not None:
            overlay(surface)

    def animating(self, shown: Shown | None, urgent: UrgentLayer) -> bool:
        """Whether frames must be drawn continuously (a transition, a pan, a ticker)."""
        if urgent.covers_screen:
            return False
        return self.transition is not None or (
            shown is not None and (shown.pan or shown.ticker is not None)
        )

    def ticker_only(self, shown: Shown | None, urgent: UrgentLayer) -> list[pygame.Rect] | None:
        """The footer's rectangle when the scrolling ticker is all that moves."""
        if shown is None or urgent.fullscreen:
            return None
        rect = self.ticker_rect(shown)
        return [rect] if rect is not None else None

    def ticker_rect(self, shown: Shown) -> pygame.Rect | None:
        """The footer's rectangle, when the ticker may be redrawn alone (nothing else moves)."""
        if self.transition is not None or shown.pan or shown.ticker is None:
            return None
        height = shown.ticker.get_height()
        return pygame.Rect(0, self.size[1] - height, self.size[0], height)

    def draw_ticker(self, surface: pygame.Surface, shown: Shown) -> None:
        assert shown.ticker is not None
        self.scroll(surface, shown.ticker, time.monotonic() - self.shown_mono)

    def scroll(self, target: pygame.Surface, strip: pygame.Surface, elapsed: float) -> None:
        width, height = self.size
        offset = int(elapsed * TICKER_SPEED * min(self.size) / 1080) % strip.get_width()
        x = -offset
        while x < width:
            target.blit(strip, (x, height - strip.get_height()))
            x += strip.get_width()

"""Composing a region's picture on the render thread: the frame on screen (panning, its
ticker scrolling) and the transition from the one before. Only the render thread calls it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import pygame

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
    block: str | None = None  # the shared-memory block the base wraps (see buffers.py)


@dataclass
class Transition:
    kind: str
    duration_s: float
    started: float  # monotonic
    outgoing: Shown  # the frame going away (its block stays lent until the transition ends)
    outgoing_playing: Any
    outgoing_elapsed: float  # where its pan and ticker were when it went
    blended: float = 0.0  # share of the incoming frame already in the target (a fade)


def _ease(p: float) -> float:
    return p * p * (3 - 2 * p)


class Compositor:
    """Draws one region's frame, and the transitions between its frames, on its target.

    A fade is drawn in place: each frame blends the incoming picture over what the target
    already holds with the alpha that brings it to the eased progress, so a step costs one
    blit (8 ms for a 4K screen on a 2-core machine, against three blits and a copy of the
    whole screen before). When something else drew over the target (the overlay, a banner),
    the fade is drawn whole from the outgoing frame instead.
    """

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.transition: Transition | None = None
        self.shown_mono = time.monotonic()  # when the frame on screen appeared

    def begin(
        self, kind: str, duration_s: float, animate: bool, previous: Shown | None, playing: Any
    ) -> None:
        """A new frame is on screen: start a transition to it from ``previous``."""
        now = time.monotonic()
        if animate and previous is not None and kind != "cut" and duration_s > 0:
            self.transition = Transition(
                kind, duration_s, now, previous, playing, now - self.shown_mono
            )
        else:
            self.transition = None
        self.shown_mono = now

    def held(self) -> set[str]:
        """Shared-memory blocks the compositor still shows (a transition's outgoing frame)."""
        transition = self.transition
        if transition is None or transition.outgoing.block is None:
            return set()
        return {transition.outgoing.block}

    def compose(
        self,
        target: pygame.Surface,
        shown: Shown,
        playing: Any,
        elapsed: float,
        dx: int = 0,
        ticker: bool = True,
    ) -> None:
        """The frame alone, ``dx`` pixels to the right: its base (panned), overlay and ticker."""
        target.blit(shown.base, self._base_at(shown, playing, elapsed, dx))
        if shown.overlay is not None:
            target.blit(shown.overlay, (dx, 0))
        if ticker and shown.ticker is not None:
            self.scroll(target, shown.ticker, elapsed)

    def _base_at(self, shown: Shown, playing: Any, elapsed: float, dx: int) -> tuple[int, int]:
        if not (shown.pan and playing is not None and playing.slide is not None):
            return (dx, 0)
        width, height = self.size
        base = shown.base
        progress = min(1.0, elapsed / max(1.0, playing.slide.duration_s))
        if playing.index % 2:
            progress = 1 - progress
        pan_x = base.get_width() - width
        pan_y = base.get_height() - height
        return (dx - round(pan_x * progress), -round(pan_y * (0.3 + 0.4 * progress)))

    def draw(self, target: pygame.Surface, shown: Shown, playing: Any, clean: bool = True) -> None:
        """The frame with its transition, if one runs. ``clean``: the target holds this
        region's last frame and nothing else (a fade may go on from it)."""
        now = time.monotonic()
        elapsed = now - self.shown_mono
        transition = self.transition
        if transition is not None:
            progress = min(1.0, (now - transition.started) / transition.duration_s)
            if progress >= 1.0:
                self.transition = transition = None
        if transition is None:
            self.compose(target, shown, playing, elapsed)
            return
        eased = _ease(progress)
        out = (transition.outgoing, transition.outgoing_playing, transition.outgoing_elapsed)
        if transition.kind == "slide":
            width = self.size[0]
            self.compose(target, *out, dx=-round(width * eased), ticker=False)
            self.compose(
                target, shown, playing, elapsed, dx=round(width * (1 - eased)), ticker=False
            )
        elif clean and not shown.pan and shown.overlay is None and transition.blended < 1.0:
            # in place: (1 - blended) of the outgoing picture is left; take it to (1 - eased)
            share = 1 - (1 - eased) / (1 - transition.blended)
            alpha = max(0, min(254, round(255 * share)))
            if alpha:
                self._blend(target, shown.base, alpha, (0, 0))
                transition.blended = 1 - (1 - transition.blended) * (1 - alpha / 255)
        else:
            self.compose(target, *out, ticker=False)
            alpha = max(1, min(254, round(255 * eased)))
            self._blend(target, shown.base, alpha, self._base_at(shown, playing, elapsed, 0))
            if shown.overlay is not None:
                target.blit(shown.overlay, (0, 0))
            transition.blended = alpha / 255
        if shown.ticker is not None:
            self.scroll(target, shown.ticker, elapsed)

    @staticmethod
    def _blend(
        target: pygame.Surface, base: pygame.Surface, alpha: int, at: tuple[int, int]
    ) -> None:
        # Alpha below 255 only: SDL takes a slow generic path for surface alpha 255
        # (about 30 ms at 1080p, against 3 ms below it).
        base.set_alpha(alpha)
        target.blit(base, at)
        base.set_alpha(None)

    def animating(self, shown: Shown | None) -> bool:
        """Whether frames must be drawn continuously (a transition, a pan, a ticker)."""
        return self.transition is not None or (
            shown is not None and (shown.pan or shown.ticker is not None)
        )

    def ticker_rect(self, shown: Shown) -> pygame.Rect | None:
        """The ticker's strip (in the region), when it may be redrawn alone (nothing else moves)."""
        if self.transition is not None or shown.pan or shown.ticker is None:
            return None
        height = shown.ticker.get_height()
        return pygame.Rect(0, self.size[1] - height, self.size[0], height)

    def draw_ticker(self, target: pygame.Surface, shown: Shown) -> None:
        assert shown.ticker is not None
        self.scroll(target, shown.ticker, time.monotonic() - self.shown_mono)

    def scroll(self, target: pygame.Surface, strip: pygame.Surface, elapsed: float) -> None:
        width, height = self.size
        offset = int(elapsed * TICKER_SPEED * min(self.size) / 1080) % strip.get_width()
        x = -offset
        while x < width:
            target.blit(strip, (x, height - strip.get_height()))
            x += strip.get_width()

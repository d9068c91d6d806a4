"""Composing a region's picture on the render thread: the frame on screen (panning, its
ticker scrolling) and the transition from the one before. Only the render thread calls it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import pygame

TICKER_SPEED = 110  # pixels per second at 1080 lines
# Regions larger than this fade in two bands of rows on alternate frames, and a cut is
# drawn over two passes: with the worker decoding the next photo, a blit of a 1080p
# screen took 4.6 to 6.4 ms here, of a 4K one 10 to 14 ms (2.6 and 8 ms alone).
BAND_PIXELS = 1_000_000


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
    words: int = 0  # words a passer-by reads on it
    video: dict[str, Any] | None = None  # a clip plays over it (its codec, size, rate)
    reading_s: float = 0.0  # what reading every page of it takes (0: one page)


@dataclass
class Transition:
    kind: str
    duration_s: float
    started: float  # monotonic
    outgoing: Shown  # the frame going away (its block stays lent until the transition ends)
    outgoing_playing: Any
    outgoing_elapsed: float  # where its pan and ticker were when it went
    # share of the incoming frame already in the target, per band of rows (a fade)
    blended: list[float] = field(default_factory=lambda: [0.0])
    exact: set[int] = field(default_factory=set)  # bands copied whole at the fade's end
    frames: int = 0
    edge: int | None = None  # where the incoming frame's left edge is drawn (a slide)


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
        self._drawn: Shown | None = None  # the frame the target holds, whole
        self._half: Shown | None = None  # a large cut, half drawn
        self._playing: Any = None  # what the frame on screen shows (its pan, when it goes)

    def begin_slide(self, animate: bool, previous: Shown | None, playing: Any) -> None:
        """``begin`` with the transition ``playing``'s slide asks for (a fade when none)."""
        slide = playing.slide if playing is not None else None
        kind = slide.transition.kind if slide is not None else "fade"
        duration = slide.transition.duration_s if slide is not None else 0.6
        self.begin(kind, duration, animate, previous, playing)

    def begin(
        self, kind: str, duration_s: float, animate: bool, previous: Shown | None, playing: Any
    ) -> None:
        """A new frame, showing ``playing``, is on screen: start a transition to it from
        ``previous``."""
        now = time.monotonic()
        self._half = None
        if animate and previous is not None and kind != "cut" and duration_s > 0:
            self.transition = Transition(
                kind, duration_s, now, previous, self._playing, now - self.shown_mono
            )
        else:
            self.transition = None
        self._playing = playing
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

    def draw(self, target: pygame.Surface, shown: Shown, playing: Any, clean: bool = True) -> bool:
        """The frame with its transition, if one runs. ``clean``: the target holds this
        region's last frame and nothing else (a transition may go on from it in place).
        False when the picture is half drawn (a large cut): present it after the next call."""
        now = time.monotonic()
        elapsed = now - self.shown_mono
        transition = self.transition
        if transition is None:
            return self._still(target, shown, playing, elapsed)
        progress = min(1.0, (now - transition.started) / transition.duration_s)
        eased = _ease(progress)
        in_place = clean and not shown.pan and shown.overlay is None
        done = progress >= 1.0
        if transition.kind == "slide":
            width = self.size[0]
            edge = round(width * (1 - eased))  # 0 at the end: the incoming frame is all drawn
            if in_place:
                self._slide_in_place(target, shown.base, transition, edge)
            else:
                out = (
                    transition.outgoing,
                    transition.outgoing_playing,
                    transition.outgoing_elapsed,
                )
                self.compose(target, *out, dx=edge - width, ticker=False)
                self.compose(target, shown, playing, elapsed, dx=edge, ticker=False)
                transition.edge = edge
        elif in_place:
            done = self._fade_in_place(target, shown.base, transition, eased, done)
        elif done:
            self.compose(target, shown, playing, elapsed, ticker=False)
        else:
            out = (transition.outgoing, transition.outgoing_playing, transition.outgoing_elapsed)
            self.compose(target, *out, ticker=False)
            alpha = max(1, min(254, round(255 * eased)))
            self._blend(target, shown.base, alpha, self._base_at(shown, playing, elapsed, 0))
            if shown.overlay is not None:
                target.blit(shown.overlay, (0, 0))
            transition.blended = [alpha / 255] * len(transition.blended)
            transition.exact.clear()
        if shown.ticker is not None:
            self.scroll(target, shown.ticker, elapsed)
        if done:
            self.transition = None
        self._drawn = shown
        return True

    def _still(self, target: pygame.Surface, shown: Shown, playing: Any, elapsed: float) -> bool:
        """No transition. A new frame (a cut) larger than BAND_PIXELS is drawn in two bands
        on two calls, presented when whole: each call then costs half a 4K copy."""
        width, height = self.size
        if shown is self._drawn or shown.pan or width * height <= BAND_PIXELS:
            self._half = None
            self._drawn = shown
            self.compose(target, shown, playing, elapsed)
            return True
        if self._half is not shown:  # the top half now, the rest on the next call
            self._half = shown
            target.blit(shown.base, (0, 0), pygame.Rect(0, 0, width, height // 2))
            return False
        self._half = None
        self._drawn = shown
        target.blit(shown.base, (0, height // 2), pygame.Rect(0, height // 2, width, height))
        if shown.overlay is not None:
            target.blit(shown.overlay, (0, 0))
        if shown.ticker is not None:
            self.scroll(target, shown.ticker, elapsed)
        return True

    def _fade_in_place(
        self,
        target: pygame.Surface,
        base: pygame.Surface,
        transition: Transition,
        eased: float,
        finishing: bool,
    ) -> bool:
        """Blend the incoming frame over what the target holds, with the alpha that takes
        the share of it from ``blended`` to ``eased``. Above BAND_PIXELS, the rows are
        blended in two bands on alternate frames: each frame then costs half a screen
        (see BAND_PIXELS).
        ``finishing``: copy the bands exactly, one per call; True once all are."""
        width, height = self.size
        bands = 2 if width * height > BAND_PIXELS else 1
        if len(transition.blended) != bands:
            transition.blended = [transition.blended[0]] * bands
        band = transition.frames % bands
        transition.frames += 1
        if finishing:
            band = min(set(range(bands)) - transition.exact)
        top, bottom = height * band // bands, height * (band + 1) // bands
        area = pygame.Rect(0, top, width, bottom - top)
        if finishing:
            target.blit(base, area.topleft, area)
            transition.exact.add(band)
            return len(transition.exact) == bands
        done = transition.blended[band]
        share = 1 - (1 - eased) / (1 - done) if done < 1 else 0.0
        alpha = max(0, min(254, round(255 * share)))
        if alpha:
            self._blend(target, base, alpha, area.topleft, area)
            transition.blended[band] = 1 - (1 - done) * (1 - alpha / 255)
        return False

    def _slide_in_place(
        self, target: pygame.Surface, base: pygame.Surface, transition: Transition, edge: int
    ) -> None:
        """Move what the target holds left (a memmove), then draw only the strip of the
        incoming frame that came into view: 3 ms for a 4K screen against 10 for two blits."""
        width, height = self.size
        drawn = width if transition.edge is None else transition.edge
        step = drawn - edge
        if step <= 0:
            return
        target.scroll(-step, 0)
        target.blit(base, (width - step, 0), pygame.Rect(width - step - edge, 0, step, height))
        transition.edge = edge

    @staticmethod
    def _blend(
        target: pygame.Surface,
        base: pygame.Surface,
        alpha: int,
        at: tuple[int, int],
        area: pygame.Rect | None = None,
    ) -> None:
        # Alpha below 255 only: SDL takes a slow generic path for surface alpha 255
        # (about 30 ms at 1080p, against 3 ms below it).
        base.set_alpha(alpha)
        target.blit(base, at, area)
        base.set_alpha(None)

    def animating(self, shown: Shown | None) -> bool:
        """Whether frames must be drawn continuously (a transition, a pan, a ticker, a
        large cut half drawn)."""
        return (
            self.transition is not None
            or self._half is not None
            or (shown is not None and (shown.pan or shown.ticker is not None))
        )

    def ticker_rect(self, shown: Shown) -> pygame.Rect | None:
        """The ticker's strip (in the region), when it may be redrawn alone (nothing else moves;
        not while a large cut is half drawn: its second half would never come)."""
        if self.transition is not None or self._half is not None:
            return None
        if shown.pan or shown.ticker is None:
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

"""Watching the render loop from outside it: stalls, frozen output, dark frames.

A screen that stops is found by a visitor, not by the system, unless something other
than the loop looks at the loop. Two parts:

- :class:`StallWatch` runs on a thread of its own. The loop beats at every pass (at
  least ten times a second, see ``MAX_SLEEP_S``); when no pass has ended for longer than
  ``stall_after_s`` the watch counts a stall, dumps every thread's stack once into the
  log (``faulthandler``: what holds the loop, in the journal), and when the loop comes
  back records how long the screen was held.
- :class:`OutputWatch` runs on the render thread, once a second at most: a tiny sample
  of what was presented (a 32x18 copy, a checksum) that stays the same
  while the content says it must move (a video, a ticker, a transition) is *frozen
  output*; a black sample while the frame being shown is not black is a *dark frame*.
  Both are counted and reported like stalls.
"""

from __future__ import annotations

import collections
import datetime as dt
import faulthandler
import logging
import sys
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any, TextIO

import pygame

log = logging.getLogger(__name__)

STALL_AFTER_S = 2.0
CHECK_EVERY_S = 0.1
SAMPLE_SIZE = (32, 18)
# a sample costs 0.14 ms at 1080p: four a second measure "the longest unchanged picture"
# to a quarter of a second (one a second read 2.2 s for slides changing every 1.5 s)
SAMPLE_EVERY_S = 0.25
FROZEN_AFTER_S = 3.0  # moving content whose picture has not changed for this long
DARK_LEVEL = 8  # every sampled channel at or below this is black


class StallWatch:
    """Counts the render loop's stalls, seen from another thread."""

    def __init__(
        self,
        stall_after_s: float = STALL_AFTER_S,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        dump_to: TextIO | None = None,
    ) -> None:
        self.stall_after_s = stall_after_s
        self._monotonic = monotonic
        self._wall = wall
        self._dump_to = dump_to
        self._last_beat: float | None = None  # none yet: the loop has not started
        self._lock = threading.Lock()
        self._stalled_since: float | None = None
        self._dumped = False
        self.stalls = 0
        self.longest_stall_ms = 0.0
        self.last_stall_at: dt.datetime | None = None
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        """The render loop ended a pass (render thread)."""
        now = self._monotonic()
        with self._lock:
            self._last_beat = now
            since = self._stalled_since
            self._stalled_since = None
        if since is not None:
            held_ms = (now - since) * 1000
            with self._lock:
                self.longest_stall_ms = max(self.longest_stall_ms, held_ms)
            log.warning("the render loop is running again after %.1f s", held_ms / 1000)

    def check(self) -> bool:
        """Look at the loop once (watcher thread); True while it is stalled."""
        now = self._monotonic()
        with self._lock:
            if self._last_beat is None:
                return False  # starting: the first pass is not a stall's end
            silent = now - self._last_beat
            if silent <= self.stall_after_s:
                return False
            if self._stalled_since is not None:
                self.longest_stall_ms = max(self.longest_stall_ms, silent * 1000)
                return True
            self._stalled_since = self._last_beat
            self.stalls += 1
            self.last_stall_at = self._wall() - dt.timedelta(seconds=silent)
            self.longest_stall_ms = max(self.longest_stall_ms, silent * 1000)
            first = not self._dumped
            self._dumped = True
        log.error(
            "the render loop has not run for %.1f s (stall %d): the screen is frozen",
            silent,
            self.stalls,
        )
        if first:  # the stacks once: what holds the loop, without flooding the journal
            out = self._dump_to or sys.stderr
            out.flush()
            log.error("every thread's stack follows (the render thread is MainThread)")
            faulthandler.dump_traceback(file=out, all_threads=True)
        return True

    @property
    def stalled_s(self) -> float:
        """How long the loop has been stalled now (0: running)."""
        with self._lock:
            since = self._stalled_since
        return 0.0 if since is None else self._monotonic() - since

    def start(self, stop: threading.Event, supervisor: Any = None) -> None:
        if self._thread is not None and self._thread.is_alive():
            return  # played again (the bench): the watch goes on

        def watch() -> None:
            while not stop.wait(CHECK_EVERY_S):
                self.check()

        if supervisor is not None:
            self._thread = supervisor.spawn("stall-watch", watch, stop, essential=False)
        else:
            self._thread = threading.Thread(target=watch, name="stall-watch", daemon=True)
            self._thread.start()

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "stalls": self.stalls,
                "longest_stall_ms": round(self.longest_stall_ms, 1),
                "last_stall_at": (
                    self.last_stall_at.isoformat(timespec="seconds") if self.last_stall_at else None
                ),
                "stalled": self._stalled_since is not None,
            }

    def problem(self) -> str | None:
        """What the supervisor reports of the render part (None: running)."""
        stalled = self.stalled_s
        return f"the render loop has not run for {stalled:.0f} s" if stalled else None


class Transitions:
    """Frames presented during each transition of the main region (a crossfade seen in
    three frames is a cut)."""

    def __init__(self) -> None:
        self._current: object | None = None
        self._frames = 0
        self.counts: collections.deque[int] = collections.deque(maxlen=1000)

    def presented(self, transition: object | None) -> None:
        if transition is not self._current:
            if self._current is not None:
                self.counts.append(self._frames)
            self._current, self._frames = transition, 0
        if transition is not None:
            self._frames += 1


def sample(surface: pygame.Surface) -> bytes:
    """A tiny copy of the surface's pixels: every sixth pixel or so (nearest neighbour),
    then averaged down, 0.14 ms at 1080p. Nearest neighbour alone to 32x18 landed on the
    background between the letters: two text slides gave the same sample."""
    width, height = surface.get_size()
    coarse = (max(SAMPLE_SIZE[0], min(width, 320)), max(SAMPLE_SIZE[1], min(height, 180)))
    picked = pygame.transform.scale(surface, coarse)
    return pygame.image.tobytes(pygame.transform.smoothscale(picked, SAMPLE_SIZE), "RGB")


def is_dark(pixels: bytes) -> bool:
    return max(pixels, default=0) <= DARK_LEVEL


class OutputWatch:
    """What the screen presented, sampled: frozen output and dark frames (render thread)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._next = 0.0
        self._checksum: int | None = None
        self._moving_since: float | None = None  # moving content, same picture, since
        self._frozen = False
        self._dark = False
        self.frozen = 0
        self.dark = 0
        self._changed_at: float | None = None  # when the sampled picture last changed
        self._stale_clock: dt.datetime | None = None  # the due time of a clock counted frozen
        self._due_seen: tuple[dt.datetime, float] | None = None  # (due time, seen due at)
        self.longest_unchanged_s = 0.0

    def presented(
        self,
        screen: pygame.Surface,
        intended: pygame.Surface | None,
        moving: bool,
        on: bool,
        progress: int = 0,
        first: bool = False,
    ) -> None:
        """A frame was presented. ``intended``: the frame the main region means to show
        (a dark picture there is the content's, not a fault); ``moving``: the content
        must change on screen (a video, a ticker, a transition); ``on``: display hours;
        ``progress``: a count that grows while the content moves (video frames shown: a
        still scene of a clip is not frozen output, a decoder that stopped is); ``first``: a
        slide's first frame, always sampled (a cut presents that one frame, and nothing
        after it until the next slide)."""
        now = self._monotonic()
        if now < self._next and not first:
            return
        self._next = now + SAMPLE_EVERY_S
        pixels = sample(screen)
        checksum = zlib.crc32(pixels, progress)
        if intended is None:  # no slide yet (starting): not a picture left unchanged
            self._changed_at = None
        elif checksum != self._checksum or self._changed_at is None:
            if self._changed_at is not None:
                self.longest_unchanged_s = max(self.longest_unchanged_s, now - self._changed_at)
            self._changed_at = now
        if not on:
            self._moving_since, self._checksum = None, checksum
            return
        dark = is_dark(pixels) and (intended is None or not is_dark(sample(intended)))
        if dark and not self._dark:
            self.dark += 1
            log.error("the screen is black while its content is not")
        elif self._dark and not dark:
            log.warning("the screen shows its content again")
        self._dark = dark
        if not moving or checksum != self._checksum:
            self._moving_since = now if moving else None
            if self._frozen:
                log.warning("the screen's picture moves again")
            self._frozen = False
        elif self._moving_since is not None and now - self._moving_since >= FROZEN_AFTER_S:
            if not self._frozen:
                self.frozen += 1
                log.error(
                    "frozen output: the picture has not changed for %.0f s while its content moves",
                    now - self._moving_since,
                )
            self._frozen = True
        self._checksum = checksum

    def clock_due(self, valid_until: dt.datetime | None, now: dt.datetime, on: bool) -> None:
        """Each pass: the frame on screen shows a clock valid until ``valid_until``. Its
        redraw not in ``FROZEN_AFTER_S`` after it was seen due is frozen output too (the
        content says the picture must change; nothing was presented, so no sample sees
        it). Counted on the monotonic clock: a wall clock stepped an hour ahead makes every
        frame due at once, and that is not a frozen screen."""
        if not on or valid_until is None or now < valid_until:
            self._due_seen = None
            return
        mono = self._monotonic()
        if self._due_seen is None or self._due_seen[0] != valid_until:
            self._due_seen = (valid_until, mono)
        elif mono - self._due_seen[1] > FROZEN_AFTER_S and valid_until != self._stale_clock:
            self._stale_clock = valid_until
            self.frozen += 1
            log.error("frozen output: the clock on screen was due to change at %s", valid_until)

    def unchanged_s(self) -> float:
        """The longest time the picture stayed the same, the present one included, from the
        first slide on (the screen's start is ``first_slide_ms`` in the bench)."""
        since = self._monotonic() - self._changed_at if self._changed_at is not None else 0.0
        return max(self.longest_unchanged_s, since)

    def status(self) -> dict[str, Any]:
        return {
            "frozen": self.frozen,
            "frozen_now": self._frozen,
            "dark": self.dark,
            "dark_now": self._dark,
        }

"""A timeline: what one area of the screen plays and the frames prepared for it.

It asks the pure sequencer what is on now and next, has the worker prepare each slide
before its turn (drawn for the instant it will appear) into pooled blocks, skips slides
that cannot be drawn, swaps in redrawn frames when a clock or programme changes, and
tells its owner when a new frame should appear. Render thread only; one per region."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from signage.content.model import Content
from signage.content.sequencer import (
    Playing,
    SlideKey,
    held_for_reading,
    not_here,
    relocate,
    retime,
    show,
    step,
    what_now,
)
from signage.core.model import Theme
from signage.draw.canvas import Area, Canvas, Screen
from signage.live.model import Feed
from signage.player.buffers import FrameBuffers
from signage.player.compositor import Shown
from signage.player.preparer import Preparer, Ready
from signage.player.redraw import Redraw
from signage.player.requests import FrameRequests
from signage.programme.store import Parsed, ProgrammeServices

log = logging.getLogger(__name__)

# A slide whose frame has not come this long after it was due is passed over for this
# turn (the one on screen was held past its end meanwhile): a hostile or huge file, a
# worker starved of CPU, must not hold the screen without end (29 s seen in CI). Its
# frame, when it comes, is kept for its next turn.
PREPARE_TIMEOUT_S = 10.0
# Slides prepared ahead: two, so that one slow to draw (a 24 MP photo on a quarter of a
# core: 1.4 s) has two slides' time, and a screen short of CPU shows its slides late
# evenly instead of holding one for the slowest (measured: --cpu-quota 25, 1080p).
LOOKAHEAD = 2

FrameKey = tuple[str, SlideKey | None]


class Timeline:
    """The slides of one screen area over time, and their prepared frames."""

    def __init__(
        self,
        clock: Any,
        screen: Screen,
        size: tuple[int, int],
        preparer: Preparer,
        content: Content | None,
        cache_dir: Path | None,
        *,
        content_errors: Callable[[], list[str]],
        on_show: Callable[[Shown | None, Shown, bool], None],
        on_change: Callable[[bool], None],
        name: str = "main",
        only: str | None = None,
        buffers: FrameBuffers | None = None,
        held: Callable[[], set[str]] = set,
        area: Area | None = None,
        rooms: Callable[[], tuple[tuple[str, str, str], ...]] = tuple,
        programmes: Callable[[], tuple[Parsed, ...]] = tuple,
        live: Callable[[], tuple[Feed, ...]] = tuple,
    ) -> None:
        # what live slides draw from, parsed where it arrived: room states, programmes, news
        self.rooms, self.programmes, self.live = rooms, programmes, live
        self.name = name  # the region of the screen it plays in
        self.only = only  # the playlist a layout's region plays (None: the screen's)
        self.area = area or Area()  # the whole screen, or a region of it
        self.clock, self.screen, self.size = clock, screen, size
        self.preparer, self.cache_dir, self.content_errors = preparer, cache_dir, content_errors
        self.on_show = on_show  # (previous, shown, animate): the frame to put on screen
        self.on_change = on_change  # something to report (True: and to redraw)
        self.content = content
        self.services = self._services(content)
        self.skip: set[SlideKey] = not_here(content, screen.room)  # and those that fail
        self.slide_errors: dict[SlideKey, str] = {}
        self.frames: dict[FrameKey, Shown] = {}
        self.redraw = Redraw()  # the frame on screen drawn again (clock, new data)
        self.current: Shown | None = None
        self.waiting: FrameKey | None = None
        self.waiting_since = 0.0  # monotonic: when the frame waited for was due
        self.late: set[SlideKey] = set()  # passed over for a frame not ready in time
        self.playing: Playing | None = None
        self.paused = False
        self.requests = FrameRequests(preparer, name, size, buffers, held)

    # -- content -------------------------------------------------------------------------

    def set_content(self, content: Content) -> bool:
        """New content, swapped in whole; False when it is the same version (nothing to do)."""
        old = self.content
        self.content = content
        self.services = self._services(content)
        self.skip = not_here(content, self.screen.room)
        self.late.clear()
        self.slide_errors.clear()
        self.frames = {k: v for k, v in self.frames.items() if self.current is v}
        if old is not None and old.version == content.version:
            return False
        now = self.clock.now()
        self.playing = relocate(self.content, self.screen.id, now, self.playing, only=self.only)
        self.want(now, transition=True)
        return True

    def _services(self, content: Content | None) -> ProgrammeServices:
        """What live slides draw from: delays, portraits, cache, room states, programmes, news."""
        cache, live = str(self.cache_dir) if self.cache_dir else None, self.live()
        return ProgrammeServices.of(content, cache, self.rooms(), self.programmes(), live)

    def programme_updated(self, rooms: bool = False) -> None:
        """New programmes, room states (``rooms``) or live data: frames drawn from the old go,
        the one on screen is redrawn, and slides that could not start are tried again."""
        self.requests.outdate()  # frames being drawn from the old ones are drawn again
        self.services = self._services(self.content)
        self.skip -= set(self.slide_errors)
        self.frames = {k: v for k, v in self.frames.items() if v is self.current}
        self.redraw.stale(self.current, self.clock.now())
        self.prefetch()

    def clock_jumped(self, now: dt.datetime) -> None:
        """The wall clock went back: plan again from now, redraw the clock."""
        self.playing = retime(self.content, self.screen.id, now, self.playing, only=self.only)
        self.frames = {k: v for k, v in self.frames.items() if v is self.current}
        self.redraw.forget()
        if self.current is not None:
            self.current.valid_until = now
        self.waiting = None
        self.want(now, transition=False)

    # -- moving along (keys, the control API, display hours) ------------------------------

    def step(self, delta: int) -> dict[str, Any]:
        now = self.clock.now()
        self.playing = step(
            self.content, self.screen.id, now, self.playing, delta, self.skip, only=self.only
        )
        self.want(now, transition=True)
        return {"ok": True, "slide": self.playing.slide.id if self.playing.slide else None}

    def show(self, slide_id: str) -> dict[str, Any]:
        now = self.clock.now()
        found = show(self.content, self.screen.id, now, slide_id, only=self.only)
        if found is None:
            return {"ok": False, "error": f"no slide with id {slide_id!r} for this screen"}
        self.playing = found
        self.want(now, transition=True)
        return {"ok": True, "slide": found.slide.id if found.slide else None}

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused and self.playing is not None:
            self.replan(self.clock.now(), transition=True)

    def replan(self, now: dt.datetime, transition: bool = False) -> None:
        """Ask the sequencer afresh what plays now (after a pause, when the screen comes on)."""
        self.playing = what_now(self.content, self.screen.id, now, None, self.skip, only=self.only)
        self.want(now, transition=transition)

    # -- choosing and preparing slides -------------------------------------------------

    def canvas(self, at: dt.datetime, started: dt.datetime | None = None) -> Canvas:
        theme = self.content.theme if self.content is not None else Theme()
        root = Path(self.content.root) if self.content is not None else Path()
        return Canvas(  # the area's chrome, display and distance_mm are the canvas's own
            self.size, theme, root, at, self.screen, self.services, started=started,
            **vars(self.area),
        )  # fmt: skip

    def frame_key(self, playing: Playing | None) -> FrameKey:
        version = self.content.version if self.content is not None else ""
        return (version, playing.key if playing is not None else None)

    def _fallback_status(self) -> str:
        if self.content is None:
            errors = self.content_errors()
            return f"{len(errors)} content error(s): " + (errors[0] if errors else "no content")
        if self.slide_errors:
            return next(iter(self.slide_errors.values()))
        return f"no playlist is active for screen {self.screen.id}"

    def _request(self, playing: Playing, at: dt.datetime) -> None:
        key = self.frame_key(playing)
        request = (key, at, self.name)
        # the same slide asked for another moment (stepped to again): the older drawing is
        # not started (the redraw of the frame on screen, one at a time, goes on, first)
        self.requests.drop(lambda r: r[0] == key and r not in (request, self.redraw.request))
        shown = [*self.frames.values(), self.current, self.redraw.frame]
        canvas = self.canvas(at, playing.started)  # a paged slide's pages run from then
        first = self.current is not None and self.current.key == key
        self.requests.ask(request, playing.slide, canvas, self._fallback_status(), shown, first)

    def want(self, now: dt.datetime, transition: bool) -> None:
        """Show the frame for ``self.playing``: now if prepared, else as soon as it is."""
        playing = self.playing
        if playing is None:
            return
        key = self.frame_key(playing)
        ready = self.frames.get(key)
        if ready is not None and (ready.valid_until is None or ready.valid_until > now):
            self.waiting = None
            self._show(ready, transition)
        else:
            if self.waiting != key:
                self.waiting_since = time.monotonic()
            self.waiting = key
            self._request(playing, now)
        self.prefetch()
        self.on_change(False)

    def prefetch(self) -> None:
        """Prepare the slides that come next (``LOOKAHEAD``), each drawn for the moment it
        will appear, the nearest first."""
        playing = self.playing
        if playing is None or self.paused:
            return
        upcoming: list[Playing] = []
        ahead = playing
        for _ in range(LOOKAHEAD):
            ahead = what_now(
                self.content, self.screen.id, ahead.until, ahead, self.skip, only=self.only
            )
            upcoming.append(ahead)
        keep = {self.frame_key(playing), *(self.frame_key(u) for u in upcoming)}
        if self.current is not None:
            keep.add(self.current.key)
        for stale in [k for k in self.frames if k not in keep]:
            del self.frames[stale]
        # requests for slides no longer wanted are dropped before the worker starts them (2,500
        # "next"/"previous" asked for the slides ahead: the next waited behind that backlog)
        self.redraw.returned(self.requests.drop(lambda r: r[0] not in keep))
        asked = {self.frame_key(playing)}
        for each in upcoming:
            key = self.frame_key(each)
            if key not in asked and key not in self.frames:
                self._request(each, each.started)
            asked.add(key)

    def frame_ready(
        self, key: FrameKey, stamp: dt.datetime, ready: Ready | None, error: str
    ) -> None:
        """A frame came back from the worker (``ready`` None: it could not be drawn)."""
        fresh = self.requests.returned((key, stamp, self.name))
        self.redraw.returned([(key, stamp, self.name)])
        if not fresh:  # drawn from a programme that changed meanwhile: asked again
            if key == self.waiting and self.playing is not None:
                self._request(self.playing, stamp)
            self.prefetch()
            return
        if ready is None:
            self._slide_failed(key, error or "cannot be shown")
            return
        shown = self.requests.shown(
            key, stamp, ready, [*self.frames.values(), self.current, self.redraw.frame]
        )
        if shown is None:
            return  # written for a layout that is gone: its block went with it
        if key[1] in self.late:  # came after its turn was passed over: ready for the next
            self.late.discard(key[1])
            self.skip.discard(key[1])
            self.slide_errors.pop(key[1], None)
        for note in ready.notes:
            if key[1] is not None and self.slide_errors.get(key[1]) != note:
                log.warning("%s", note)
                self.slide_errors[key[1]] = note
        if self.current is not None and key == self.current.key and self.waiting != key:
            self.redraw.frame = shown  # a redrawn clock or programme: swap at its moment
            return
        self.frames[key] = shown
        if key == self.waiting:
            self.waiting = None
            if self.playing is not None:
                # A slide's time runs from when it appears: one prepared late (a huge
                # photo, a 4K screen) still gets its full duration instead of being skipped.
                now = self.clock.now()
                late = now - self.playing.started
                synced = self.playing.playlist is not None and self.playing.playlist.sync
                if late > dt.timedelta(seconds=0.5) and not synced:  # in step: its slot
                    self.playing = replace(
                        self.playing,
                        started=now,
                        ends=self.playing.ends + late,
                        until=self.playing.until + late,
                    )
            self._show(shown, transition=True)

    def _pass_over(self, key: FrameKey) -> None:
        """The frame waited for is not ready in time: the next slide instead, this one's
        frame kept when it comes."""
        if key[1] is None:
            return  # the fallback: nothing to go to instead
        log.warning(
            "%s: not ready %.0f s after its turn; passed over this time",
            key[1][1],
            PREPARE_TIMEOUT_S,
        )
        self.late.add(key[1])
        self._slide_failed(key, f"{key[1][1]}: not ready in time (still being prepared)")

    def _slide_failed(self, key: FrameKey, error: str) -> None:
        slide_key = key[1]
        if slide_key is None:
            log.error("the fallback slide failed: %s", error)
            return
        if self.slide_errors.get(slide_key) != error:
            log.warning("skipping slide: %s", error)
        self.skip.add(slide_key)
        self.slide_errors[slide_key] = error
        if self.waiting == key or (
            self.playing is not None and self.frame_key(self.playing) == key
        ):
            now = self.clock.now()
            self.playing = what_now(
                self.content, self.screen.id, now, self.playing, self.skip, only=self.only
            )
            self.want(now, transition=True)
        self.on_change(True)

    def _show(self, shown: Shown, transition: bool) -> None:
        previous, self.current = self.current, shown
        if self.late and shown.key[1] not in self.late:
            # passed over for one turn only: another slide is on, they may come again (their
            # frame may never come back: a request no longer wanted is dropped)
            self.skip -= self.late
            for key in self.late:
                self.slide_errors.pop(key, None)
            self.late.clear()
        # duration: auto, text known once drawn (a schedule): on as long as it takes to read
        if self.playing is not None and shown.key == self.frame_key(self.playing):
            self.playing = held_for_reading(self.playing, shown.words, shown.reading_s)
        self.on_show(previous, shown, transition)

    # -- time passing ------------------------------------------------------------------

    def advance(self, now: dt.datetime) -> None:
        if self.waiting is not None:
            # The slide on screen held until the next is ready, the plan too with nothing on
            # screen yet (moving on while the first frame was drawn, at a quarter of a core
            # the first photo never appeared: every frame drawn then thrown away).
            if time.monotonic() - self.waiting_since > PREPARE_TIMEOUT_S:
                self._pass_over(self.waiting)
            return
        if self.paused or self.playing is None:
            if self.playing is None:
                self.replan(now)
            return
        if now >= self.playing.until:
            before = self.playing
            self.playing = what_now(
                self.content, self.screen.id, now, before, self.skip, only=self.only
            )
            if self.playing.key != before.key or self.playing.started != before.started:
                if self.frame_key(self.playing) != self.frame_key(before):
                    self.want(now, transition=True)
                else:
                    self.prefetch()
                self.on_change(False)
            elif self.playing.ends != before.ends:
                # the same slide holds the next slot (a synced slide whose successor cannot
                # play): /status must say its new end, once, not the stale one
                self.on_change(False)

    def refresh_clock(self, now: dt.datetime) -> bool:
        """Swap in a redrawn frame when its minute comes, and ask for the next in time.
        True when the frame on screen changed."""
        current = self.current
        if current is None:
            return False
        swapped = self.redraw.swap(now, current)
        if swapped is not None:
            self.frames[current.key] = self.current = swapped
            return True
        if self.playing is None or self.frame_key(self.playing) != current.key:
            return False  # a step ahead: the next slide's frame is awaited
        at = self.redraw.ask_at(now, current, self.playing, self.paused)
        if at is not None:
            self.redraw.request = (current.key, at, self.name)
            self._request(self.playing, at)
        return False

    def deadlines(self, now: dt.datetime) -> list[float]:
        """Seconds until this timeline next needs the loop: slide end, a clock to redraw."""
        found: list[float] = []
        if self.playing is not None and not self.paused:
            found.append((self.playing.until - now).total_seconds())
        return found + self.redraw.deadlines(now, self.current, self.playing, self.paused)

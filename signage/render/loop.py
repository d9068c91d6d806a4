"""The render loop: the one thread that owns pygame and draws.

Other threads hand it typed messages on a queue (new content, prepared frames,
commands) and wake it with a pygame event; it drains the queue once per
frame. On a static slide it sleeps until the next deadline or event instead
of redrawing 60 times a second.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pygame

from signage.content.model import Content
from signage.core.diagnostics import Report
from signage.core.model import Theme
from signage.display_hours import is_on, next_change, run_command
from signage.draw.canvas import Canvas, Screen
from signage.messages import (
    Command,
    ContentFailed,
    ContentReady,
    FrameReady,
    ProgrammeUpdated,
    Screenshot,
)
from signage.program.store import ProgrammeServices
from signage.render.compositor import Compositor, Shown, Transition
from signage.render.display import Display
from signage.render.overlay import InfoOverlay
from signage.render.prepared import Pixels, Preparer
from signage.render.proof import PlayTracker
from signage.render.status import StatusBoard, player_status
from signage.render.urgent_layer import UrgentLayer
from signage.sequencer import Playing, SlideKey, relocate, retime, show, step, what_now
from signage.urgent import UrgentMessage

log = logging.getLogger(__name__)

REFRESH_LEAD = dt.timedelta(seconds=2)
CLOCK_BACK = dt.timedelta(
    seconds=2
)  # the wall clock going back by more than this is a jump  # ask for a redrawn clock this long before the minute
# Keys are read between waits, so a static slide still looks at the keyboard ten times a
# second; other threads wake the loop at once through a threading.Event. (SDL's own
# event wait polls every millisecond on some drivers: 1.8 % of a core doing nothing.)
MAX_SLEEP_S = 0.1
ANIMATION_FPS = 60
TICKER_FPS = 30

FrameKey = tuple[str, SlideKey | None]


def _surface(pixels: Pixels, into: pygame.Surface | None = None) -> pygame.Surface:
    """A display-format surface of the pixels; blitted into ``into`` when given (no allocation)."""
    surface = pygame.image.frombuffer(pixels.data, pixels.size, pixels.mode)  # type: ignore[arg-type]
    if into is not None:
        into.blit(surface, (0, 0))
        return into
    return surface.convert_alpha() if pixels.mode == "RGBA" else surface.convert()


class Player:
    """Plays content on a display, driven by a clock, fed by messages."""

    def __init__(
        self,
        display: Display,
        clock: Any,
        screen: Screen,
        content: Content | None,
        report: Report | None = None,
        *,
        inbox: queue.Queue[Any] | None = None,
        stop: threading.Event | None = None,
        status: StatusBoard | None = None,
        source: str = "",
        on_reload: Callable[[Any], None] | None = None,
        on_frame: Callable[[], None] | None = None,
        cache_dir: Path | None = None,
        on_content: Callable[[Content], None] | None = None,
        on_play: Callable[[dict[str, Any]], None] | None = None,
        notifier: Any = None,
        hours: Any = None,
        supervisor: Any = None,
    ) -> None:
        self.display = display
        self.clock = clock
        self.screen = screen
        self.inbox: queue.Queue[Any] = inbox or queue.Queue()
        self.stop = stop or threading.Event()
        self.status = status or StatusBoard()
        self.status.clock = clock
        self.on_reload = on_reload
        self.on_frame = on_frame
        self.cache_dir = cache_dir
        self.on_content = on_content
        self.notifier = notifier
        self.hours = hours  # config.DisplayHours or None
        self.screen_on = True
        self.urgent = UrgentLayer()
        self.proof = PlayTracker(on_play)
        self._ready_sent = False
        self.on_screen: Playing | None = None  # what the frame on screen shows (status reports it)
        self._alarm = threading.Event()  # set by other threads to wake the loop now
        # set by the SIGHUP handler (which must not take the queue's lock): reload content
        self.hup = threading.Event()
        self.last_pass = time.monotonic()  # the render loop's own liveness, for /status health
        self.preparer = Preparer(self.post, supervisor)
        self.content = content
        self.source = source
        self.loaded_at = dt.datetime.now(dt.UTC)
        self.errors: list[str] = [d.format() for d in report.errors] if report else []
        self.warnings: list[str] = [d.format() for d in report.warnings] if report else []
        self.skip: set[SlideKey] = set()
        self.slide_errors: dict[SlideKey, str] = {}
        self.frames: dict[FrameKey, Shown] = {}
        self.refresh: Shown | None = None
        self.refresh_asked: dt.datetime | None = None  # the valid_until we asked a redraw for
        self.current: Shown | None = None
        self.waiting: FrameKey | None = None
        self.paused = False
        self.info = False
        self.dirty = True
        self.playing: Playing | None = None
        self.events: list[pygame.event.Event] = []
        self._overlay = InfoOverlay(display.logical_size)
        self.size = display.logical_size
        self.compositor = Compositor(self.size, self._background())
        # Screen-size surfaces for prepared frames, reused: allocating 8 MB per
        # slide cost 3 to 7 ms of page faults on the render thread.
        self._pool: list[pygame.Surface] = [pygame.Surface(self.size).convert() for _ in range(3)]
        self._last_now: dt.datetime | None = None
        self._services = self._services_for(content)
        self._publish()  # the status is complete from the start, before the first frame

    # -- messages from other threads -------------------------------------------------

    def post(self, message: Any) -> None:
        """Hand a message to the render thread and wake it (callable from any thread)."""
        self.inbox.put(message)
        self.wake()

    def wake(self) -> None:
        self._alarm.set()

    def _drain(self) -> None:
        """Handle waiting messages; at most one prepared frame per pass, so that turning
        frames into surfaces (a copy of a full screen each) never piles up in one frame."""
        if self.hup.is_set():
            self.hup.clear()
            log.info("SIGHUP: reloading the content")
            self._reload(None)
        while True:
            try:
                message = self.inbox.get_nowait()
            except queue.Empty:
                return
            self._handle(message)
            if isinstance(message, FrameReady):
                return

    def _handle(self, message: Any) -> None:
        if isinstance(message, FrameReady):
            self._frame_ready(message)
        elif isinstance(message, ContentReady):
            self._content_ready(message)
        elif isinstance(message, ContentFailed):
            self.errors = [d.format() for d in message.report.errors]
            self.dirty = True
            self._publish()
        elif isinstance(message, Command):
            if message.name == "reload":
                self._reload(message.reply)  # the source answers when it has reloaded
                return
            result = self.command(message.name, message.args)
            if message.reply is not None:
                message.reply.set_result(result)
        elif isinstance(message, Screenshot):
            surface = self.display.surface
            message.reply.set_result((surface.get_size(), pygame.image.tobytes(surface, "RGB")))
        elif isinstance(message, ProgrammeUpdated):
            # Prepared frames may show the old programme: drop them, redraw the one on screen.
            self.frames = {k: v for k, v in self.frames.items() if v is self.current}
            if self.current is not None:
                self.current.valid_until = self.clock.now()
                self.refresh_asked = None
            self._prefetch()

    def _content_ready(self, message: ContentReady) -> None:
        old = self.content
        self.content = message.content
        self._services = self._services_for(message.content)
        self.source = message.source
        self.loaded_at = dt.datetime.now(dt.UTC)
        self.errors = []
        self.warnings = [d.format() for d in message.report.warnings]
        self.skip.clear()
        self.slide_errors.clear()
        if self.on_content is not None:
            self.on_content(message.content)
        self.frames = {k: v for k, v in self.frames.items() if self.current is v}
        now = self.clock.now()
        if old is not None and old.version == message.content.version:
            self._publish()
            return
        self.playing = relocate(self.content, self.screen.id, now, self.playing)
        self._want(now, transition=True)

    # -- commands (keys, control API) --------------------------------------------------

    def command(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        now = self.clock.now()
        if name in ("next", "previous"):
            self.playing = step(
                self.content,
                self.screen.id,
                now,
                self.playing,
                1 if name == "next" else -1,
                self.skip,
            )
            self._want(now, transition=True)
            return {"ok": True, "slide": self.playing.slide.id if self.playing.slide else None}
        if name == "pause":
            self.paused = not self.paused if "paused" not in args else bool(args["paused"])
            if not self.paused and self.playing is not None:
                self.playing = what_now(self.content, self.screen.id, now, None, self.skip)
                self._want(now, transition=True)
            self.dirty = True
            return {"ok": True, "paused": self.paused}
        if name == "show":
            found = show(self.content, self.screen.id, now, str(args.get("id", "")))
            if found is None:
                return {
                    "ok": False,
                    "error": f"no slide with id {args.get('id')!r} for this screen",
                }
            self.playing = found
            self._want(now, transition=True)
            return {"ok": True, "slide": found.slide.id if found.slide else None}
        if name == "reload":
            self._reload(None)
            return {"ok": True}
        if name == "info":
            self.info = not self.info
            self.dirty = True
            return {"ok": True, "info": self.info}
        if name == "message":
            message = self.urgent.start(
                str(args["text"]), str(args["style"]), float(args["expires_in"]), now
            )
            self.preparer.request((("message", message.id), now), message, self._canvas(now))
            self._publish()
            return {"ok": True, "message": message.to_json()}
        if name == "clear_message":
            had = self._end_message()
            return {"ok": True, "cleared": had}
        return {"ok": False, "error": f"unknown command {name!r}"}

    def _reload(self, reply: Any) -> None:
        """Ask the content source to load again; it answers ``reply`` with what it did."""
        if self.on_reload is None:
            if reply is not None:
                reply.set_result(
                    {"ok": True, "source": None, "result": "nothing to reload (no content source)"}
                )
            return
        self.on_reload(reply)

    # -- choosing and preparing slides -------------------------------------------------

    def _canvas(self, at: dt.datetime) -> Canvas:
        theme = self.content.theme if self.content is not None else Theme()
        root = Path(self.content.root) if self.content is not None else Path()
        return Canvas(self.size, theme, root, at, self.screen, self._services)

    def _services_for(self, content: Content | None) -> ProgrammeServices:
        """What schedule slides need (delays, portraits, cache): derived once per content."""
        return ProgrammeServices.of(content, str(self.cache_dir) if self.cache_dir else None)

    def _frame_key(self, playing: Playing | None) -> FrameKey:
        version = self.content.version if self.content is not None else ""
        return (version, playing.key if playing is not None else None)

    def _fallback_status(self) -> str:
        if self.content is None:
            return f"{len(self.errors)} content error(s): " + (
                self.errors[0] if self.errors else "no content"
            )
        if self.slide_errors:
            return next(iter(self.slide_errors.values()))
        return f"no playlist is active for screen {self.screen.id}"

    def _request(self, playing: Playing, at: dt.datetime) -> None:
        key = self._frame_key(playing)
        self.preparer.request((key, at), playing.slide, self._canvas(at), self._fallback_status())

    def _want(self, now: dt.datetime, transition: bool) -> None:
        """Show the frame for ``self.playing``: now if prepared, else as soon as it is."""
        playing = self.playing
        if playing is None:
            return
        key = self._frame_key(playing)
        ready = self.frames.get(key)
        if ready is not None and (ready.valid_until is None or ready.valid_until > now):
            self.waiting = None
            self._show(ready, transition)
        else:
            self.waiting = key
            self._request(playing, now)
        self._prefetch()
        self._publish()

    def _prefetch(self) -> None:
        """Prepare the slide that comes next, drawn for the moment it will appear."""
        playing = self.playing
        if playing is None or self.paused:
            return
        upcoming = what_now(self.content, self.screen.id, playing.until, playing, self.skip)
        key = self._frame_key(upcoming)
        keep = {self._frame_key(playing), key}
        if self.current is not None:
            keep.add(self.current.key)
        for stale in [k for k in self.frames if k not in keep]:
            del self.frames[stale]
        if key != self._frame_key(playing) and key not in self.frames:
            self._request(upcoming, upcoming.started)

    def _frame_ready(self, message: FrameReady) -> None:
        key, stamp = message.key
        if key[0] == "message":
            if message.ready is not None:
                if self.urgent.frame_ready(key[1], _surface(message.ready.base)):
                    self.dirty = True
            else:
                log.error("urgent message could not be drawn: %s", message.error)
            return
        if message.ready is None:
            self._slide_failed(key, message.error or "cannot be shown")
            return
        ready = message.ready
        shown = Shown(
            key,
            _surface(ready.base, self._free_surface(ready.base)),
            _surface(ready.overlay) if ready.overlay else None,
            _surface(ready.ticker) if ready.ticker else None,
            ready.pan,
            ready.valid_until,
            stamp,
            ready.notes,
        )
        for note in ready.notes:
            if key[1] is not None and self.slide_errors.get(key[1]) != note:
                log.warning("%s", note)
                self.slide_errors[key[1]] = note
        if self.current is not None and key == self.current.key and self.waiting != key:
            self.refresh = shown  # a redrawn clock or programme: swap at its moment
            return
        self.frames[key] = shown
        if key == self.waiting:
            self.waiting = None
            if self.playing is not None:
                # A slide's time runs from when it appears: one prepared late (a huge
                # photo, a 4K screen) still gets its full duration instead of being skipped.
                now = self.clock.now()
                late = now - self.playing.started
                if late > dt.timedelta(seconds=0.5):
                    self.playing = replace(
                        self.playing,
                        started=now,
                        ends=self.playing.ends + late,
                        until=self.playing.until + late,
                    )
            self._show(shown, transition=True)

    def _end_message(self) -> bool:
        had = self.urgent.end()
        self.dirty = True
        self._publish()
        return had

    def _play_started(self, now: dt.datetime) -> None:
        """Proof of play: close the entry of the slide that was on, open one for this one."""
        version = self.content.version if self.content is not None else None
        self.proof.started(now, self.screen.id, self.playing, version)

    def _play_closed(self, now: dt.datetime) -> None:
        self.proof.closed(now)

    def _power(self, now: dt.datetime) -> bool:
        """Apply the display schedule; False while the screen is meant to be off."""
        if self.hours is None:
            return True
        on = is_on(self.hours.on, self.hours.off, now)
        if on != self.screen_on or not self.status.data:
            self.screen_on = on
            self._publish()
            log.info("display hours: screen %s", "on" if on else "off")
            run_command(
                self.hours.command_on if on else self.hours.command_off, "on" if on else "off"
            )
            self.dirty = True
            if not on:
                self._play_closed(now)
            elif self.current is not None or self.playing is not None:
                self.playing = what_now(self.content, self.screen.id, now, None, self.skip)
                self._want(now, transition=False)
        return on

    def _free_surface(self, pixels: Pixels) -> pygame.Surface | None:
        """A pooled screen-size surface that no frame holds, for opaque full-screen pixels."""
        if pixels.mode != "RGB" or pixels.size != self.size:
            return None
        held = {id(s.base) for s in self.frames.values()}
        held.update(id(s.base) for s in (self.current, self.refresh) if s is not None)
        for surface in self._pool:
            if id(surface) not in held:
                return surface
        surface = pygame.Surface(self.size).convert()
        self._pool.append(surface)
        return surface

    def _slide_failed(self, key: FrameKey, error: str) -> None:
        slide_key = key[1]
        if slide_key is None:
            log.error("the fallback slide failed: %s", error)
            return
        if slide_key not in self.skip:
            log.warning("skipping slide: %s", error)
        self.skip.add(slide_key)
        self.slide_errors[slide_key] = error
        if self.waiting == key or (
            self.playing is not None and self._frame_key(self.playing) == key
        ):
            now = self.clock.now()
            self.playing = what_now(self.content, self.screen.id, now, self.playing, self.skip)
            self._want(now, transition=True)
        self.dirty = True

    def _show(self, shown: Shown, transition: bool) -> None:
        previous = self.current
        if previous is None or previous.key[1] != shown.key[1] or self.proof.open is None:
            self._play_started(self.clock.now())
        self.current = shown
        self.on_screen = self.playing
        self.dirty = True
        slide = self.playing.slide if self.playing is not None else None
        kind = slide.transition.kind if slide is not None else "fade"
        duration = slide.transition.duration_s if slide is not None else 0.6
        self.compositor.begin(kind, duration, transition and previous is not None)
        self._publish()

    def _check_clock(self, now: dt.datetime) -> None:
        """An NTP correction can move the wall clock back: deadlines computed before would
        hold a slide, and a drawn clock, for as long as the jump. Plan again from now."""
        last, self._last_now = self._last_now, now
        if last is None or now >= last - CLOCK_BACK:
            return
        log.warning(
            "the clock went back by %s; re-planning from %s",
            last - now,
            now.isoformat(timespec="seconds"),
        )
        self.playing = retime(self.content, self.screen.id, now, self.playing)
        self.frames = {k: v for k, v in self.frames.items() if v is self.current}
        self.refresh = None
        self.refresh_asked = None
        if self.current is not None:
            self.current.valid_until = now  # redraw the clock for the new time
        self.waiting = None
        self._want(now, transition=False)
        self.urgent.retime(now)

    def _advance(self, now: dt.datetime) -> None:
        if self.waiting is not None and self.current is not None:
            return  # hold the slide on screen until the next one is ready
        if self.paused or self.playing is None:
            if self.playing is None:
                self.playing = what_now(self.content, self.screen.id, now, None, self.skip)
                self._want(now, transition=False)
            return
        if now >= self.playing.until:
            before = self.playing
            self.playing = what_now(self.content, self.screen.id, now, before, self.skip)
            if self.playing.key != before.key or self.playing.started != before.started:
                if self._frame_key(self.playing) != self._frame_key(before):
                    self._want(now, transition=True)
                else:
                    self._prefetch()
                self._publish()

    def _refresh_clock(self, now: dt.datetime) -> None:
        """Swap in a redrawn frame when its minute comes, and ask for the next in time."""
        current = self.current
        if current is None:
            return
        if self.refresh is not None and now >= self.refresh.stamp:
            if self.refresh.key == current.key:
                self.frames[current.key] = self.refresh
                self.current = self.refresh
                self.dirty = True
            self.refresh = None
            return
        due = current.valid_until
        if (
            due is None
            or self.refresh is not None
            or self.playing is None
            or self.refresh_asked == due
        ):
            return
        if now >= due - REFRESH_LEAD and self._frame_key(self.playing) == current.key:
            self.refresh_asked = due
            self._request(self.playing, max(due, now))

    # -- drawing ---------------------------------------------------------------------

    def _animating(self) -> bool:
        current = self.current
        if not self.screen_on or (self.urgent.covers_screen):
            return False
        return self.transition is not None or (
            current is not None and (current.pan or current.ticker is not None)
        )

    def _draw(self) -> None:
        """Draw the whole frame: the slide (with its transition), the message, the overlay."""
        surface = self.display.surface
        if self.current is None:
            surface.fill(self._background())
            return
        self.compositor.draw(surface, self.current, self.playing)
        ticker = self.current.ticker
        self.urgent.draw(surface, ticker.get_height() if ticker is not None else 0)
        if self.info:
            self._overlay.draw(
                surface, self.status.read(), self.paused, list(self.slide_errors.values())
            )

    def _ticker_only(self) -> list[pygame.Rect] | None:
        """The footer's rectangle when the scrolling ticker is all that moves."""
        shown = self.current
        if self.dirty or self.info or shown is None:
            return None
        if self.urgent.fullscreen:
            return None
        rect = self.compositor.ticker_rect(shown)
        return [rect] if rect is not None else None

    def _background(self) -> tuple[int, int, int]:
        return (
            self.content.theme.colours.background
            if self.content is not None
            else Theme().colours.background
        )

    @property
    def message(self) -> UrgentMessage | None:
        """The urgent message being shown (status reports it)."""
        return self.urgent.message

    @property
    def transition(self) -> Transition | None:
        return self.compositor.transition

    @property
    def shown_mono(self) -> float:
        """When the frame on screen appeared (monotonic): pans and the ticker run from it."""
        return self.compositor.shown_mono

    @shown_mono.setter
    def shown_mono(self, value: float) -> None:
        self.compositor.shown_mono = value

    # -- status ------------------------------------------------------------------------

    def _publish(self) -> None:
        self.status.data = player_status(self)

    # -- the loop ----------------------------------------------------------------------

    def _events(self) -> None:
        self.events.extend(pygame.event.get())
        events, self.events = self.events, []
        for event in events:
            if event.type == pygame.QUIT:
                self.stop.set()
            elif event.type == pygame.KEYDOWN:
                self._key(event.key)
            elif event.type in (pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE, pygame.WINDOWRESTORED):
                self.dirty = True

    def _key(self, key: int) -> None:
        if key in (pygame.K_ESCAPE, pygame.K_q):
            self.stop.set()
        elif key == pygame.K_RIGHT:
            self.command("next", {})
        elif key == pygame.K_LEFT:
            self.command("previous", {})
        elif key == pygame.K_SPACE:
            self.command("pause", {})
        elif key == pygame.K_i:
            self.command("info", {})

    def _timeout(self, now: dt.datetime) -> float:
        if self._animating():
            # a ticker alone scrolls smoothly enough at 30 fps, for half the work
            slow = self.transition is None and (
                self._ticker_only() is not None or (self.current is not None and self.current.pan)
            )
            return 1 / (TICKER_FPS if slow else ANIMATION_FPS)
        deadlines = []
        if self.playing is not None and not self.paused:
            deadlines.append((self.playing.until - now).total_seconds())
        if self.current is not None and self.current.valid_until not in (None, self.refresh_asked):
            assert self.current.valid_until is not None
            deadlines.append((self.current.valid_until - REFRESH_LEAD - now).total_seconds())
        if self.refresh is not None:
            deadlines.append((self.refresh.stamp - now).total_seconds())
        if self.urgent.message is not None:
            deadlines.append((self.urgent.message.expires - now).total_seconds())
        if self.hours is not None:
            deadlines.append(
                (next_change(self.hours.on, self.hours.off, now) - now).total_seconds()
            )
        if self.info:
            deadlines.append(1.0)
        return max(0.0, min([MAX_SLEEP_S, *deadlines]))

    def _wait(self, seconds: float) -> None:
        if not self.inbox.empty():
            return
        self._alarm.wait(timeout=max(0.001, seconds))
        self._alarm.clear()

    def iterate(self) -> float:
        """One pass: messages, events, the sequencer, drawing. Returns seconds to sleep."""
        started = time.perf_counter()
        self.last_pass = time.monotonic()
        self._drain()
        self._events()
        now = self.clock.now()
        if self.notifier is not None:
            self.notifier.heartbeat()
        self._check_clock(now)
        if self.urgent.expired(now):
            self._end_message()
        if not self._power(now):
            if self.dirty:
                self.display.surface.fill((0, 0, 0))  # display hours: off on purpose
                self.display.present()
                self.dirty = False
            return self._timeout(now)
        self._advance(now)
        self._refresh_clock(now)
        drew = False
        if self.dirty or self._animating():
            rects = self._ticker_only()
            if rects is not None and self.current is not None:
                self.compositor.draw_ticker(self.display.surface, self.current)
            else:
                self._draw()
            self.display.present(rects)
            self.dirty = False
            drew = True
        if drew:
            self.status.stats.record((time.perf_counter() - started) * 1000)
            if self.on_frame is not None:
                self.on_frame()
            if not self._ready_sent and self.current is not None and self.notifier is not None:
                self.notifier.ready(f"playing {self.screen.id}")
                self._ready_sent = True
        return self._timeout(self.clock.now())

    def run(self) -> None:
        """Play until ``stop`` is set (a key, a signal, the control API)."""
        self._publish()
        try:
            while not self.stop.is_set():
                self._wait(self.iterate())
        finally:
            self._play_closed(self.clock.now())
            if self.notifier is not None:
                self.notifier.stopping()
            self.preparer.close()

"""The render loop: the one thread that owns pygame and draws.

Other threads hand it typed messages on a queue (new content, prepared frames, commands)
and wake it through a threading.Event; it drains the queue once per pass. On a static
slide it sleeps until the next deadline or event instead of redrawing 60 times a second.
What plays is the timeline's (``timeline.py``), the picture the compositor's; the urgent
message, the overlay, proof of play and status have modules of their own."""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pygame

from signage.content.model import Content
from signage.content.sequencer import Playing
from signage.content.theme import for_screen
from signage.content.urgent import UrgentMessage
from signage.core.clock import BackJumps, follow_zone
from signage.core.diagnostics import Report
from signage.core.model import Theme
from signage.draw.canvas import Canvas, Screen
from signage.player.compositor import Compositor, Shown
from signage.player.display import Display
from signage.player.handling import Handling
from signage.player.mailbox import Mailbox
from signage.player.onscreen import OnScreen
from signage.player.overlay import InfoOverlay
from signage.player.painter import Painter
from signage.player.power import DisplayPower
from signage.player.preparer import Preparer
from signage.player.proof import PlayTracker
from signage.player.regions import Regions, RegionView
from signage.player.status import StatusBoard, player_status
from signage.player.timeline import Timeline
from signage.player.urgent_layer import UrgentLayer
from signage.player.video import Videos
from signage.player.watch import STALL_AFTER_S, StallWatch

log = logging.getLogger(__name__)

# Keys read ten times a second between waits; other threads wake the loop through an Event
MAX_SLEEP_S = 0.1  # (SDL's own event wait polls every ms on some drivers: 1.8 % of a core)
ANIMATION_FPS = 60
TICKER_FPS = 30


class Player(Handling):
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
        zone_configured: bool = True,
        accessibility: tuple[str, ...] = (),
        viewing: dict[str, float] | None = None,
        video_decoder: str = "auto",
        stall_after_s: float = STALL_AFTER_S,
        programmes: Callable[[], Any] = tuple,
        live: Callable[[], Any] = tuple,
    ) -> None:
        self.display = display
        # the content as this screen shows it: its accessibility profiles (high-contrast,
        # ...), its diagonal and distance (mm)
        self.for_screen = partial(for_screen, profiles=accessibility, viewing=viewing)
        content = self.for_screen(content) if content is not None else None
        self.clock = clock
        self.screen = screen
        self.stop = stop or threading.Event()
        self.status = status or StatusBoard()
        self.videos = Videos(video_decoder)  # clips playing in regions (decoder processes)
        self.status.videos = self.videos
        self.status.clock = clock
        self.on_reload = on_reload
        self.on_frame = on_frame
        self.on_content = on_content
        self.notifier = notifier
        self.power = DisplayPower(hours)
        self.urgent = UrgentLayer()
        self.proof = PlayTracker(on_play)
        self._ready_sent = False
        self.room_states: dict[str, Any] = {}  # the fleet's, by room name (RoomState)
        self.seen = OnScreen()  # the slide on screen and the picture, as a viewer sees them
        self.watch = StallWatch(stall_after_s)  # the loop seen from another thread
        # set by the SIGHUP handler (which must not take the queue's lock): reload content
        self.hup = threading.Event()
        self.preparer = Preparer(self.post, supervisor)
        self.source = source
        self.loaded_at = dt.datetime.now(dt.UTC)
        self.errors: list[str] = [d.format() for d in report.errors] if report else []
        self.warnings: list[str] = [d.format() for d in report.warnings] if report else []
        self.info = False
        self.dirty = True
        self.size = display.logical_size
        self._overlay = InfoOverlay(self.size)
        self.regions = Regions(
            display.surface, clock, screen, self.preparer, cache_dir,
            content_errors=lambda: self.errors, on_show=self._show, on_change=self._region_changed,
        )  # fmt: skip
        self.regions.programmes = programmes  # as the fetcher parsed them where they arrived
        self.regions.live = live  # the live sources' last good data (news feeds)
        self._content = content
        # the screen's configured zone wins; else the content's (theme.yaml), else the machine's
        self.zone_configured = zone_configured
        if content is not None:
            self._follow_zone(content)
        self.videos.warm_for(content)
        self.regions.start(content)
        self.mail = Mailbox(inbox)
        self.painter = Painter(display.surface, self.regions, self.urgent)
        self.jumps = BackJumps()
        self.publish()  # the status is complete from the start, before the first frame

    # -- what the main region holds, as the status, the overlay and the tests read it ------

    @property
    def timeline(self) -> Timeline:
        return self.regions.main.timeline

    @property
    def compositor(self) -> Compositor:
        return self.regions.main.compositor

    @property
    def content(self) -> Content | None:
        return self._content

    @property
    def playing(self) -> Playing | None:
        return self.timeline.playing

    @property
    def current(self) -> Shown | None:
        return self.timeline.current

    @property
    def paused(self) -> bool:
        return self.timeline.paused

    # -- messages from other threads -------------------------------------------------

    def post(self, message: Any) -> None:
        """Hand a message to the render thread and wake it (callable from any thread)."""
        self.mail.post(message)

    def wake(self) -> None:
        self.mail.wake()

    def reload(self, reply: Any) -> None:
        """Ask the content source to load again; it answers ``reply`` with what it did."""
        if self.on_reload is None:
            if reply is not None:
                reply.set_result(
                    {"ok": True, "source": None, "result": "nothing to reload (no content source)"}
                )
            return
        self.on_reload(reply)

    def end_message(self) -> bool:
        had = self.urgent.end()
        self.changed()
        return had

    # -- what the timeline tells -----------------------------------------------------------

    def swap_content(self, content: Content) -> None:
        """New content, validated: the regions take it (a new layout rebuilds them)."""
        content = self.for_screen(content)
        self._content = content
        self.videos.warm_for(content)
        if self._follow_zone(content):
            for view in self.regions.views:
                view.timeline.clock_jumped(self.clock.now())
        if not self.regions.set_content(content):
            self.publish()
        self.dirty = True

    def _follow_zone(self, content: Content) -> bool:
        """Without a configured zone, the clock shows the content's; True when it changed."""
        return not self.zone_configured and follow_zone(self.clock, content.theme.timezone)

    def changed(self, redraw: bool = True) -> None:
        """Something to report in the status (and, if ``redraw``, to draw again)."""
        self.dirty = self.dirty or redraw
        self.publish()

    def _region_changed(self, view: RegionView, redraw: bool) -> None:
        view.dirty = view.dirty or redraw
        self.publish()

    def _show(
        self, view: RegionView, previous: Shown | None, shown: Shown, transition: bool
    ) -> None:
        """A region has a new frame: log the play, start the transition."""
        playing, now, main = view.timeline.playing, self.clock.now(), view is self.regions.main
        another = previous is None or previous.key[1] != shown.key[1]
        # the main region's slide before gives way: on time? (a clock or a ticker is no play)
        late = self.seen.leaving(now, self.paused) if main and another else None
        if (another or not self.proof.is_open(view.name)) and view.widget is None:
            version = self.content.version if self.content is not None else None
            self.proof.started(now, self.screen.id, playing, version, view.name, late)
        if main:
            self.seen.shown(playing, now)
        view.dirty = True
        view.compositor.begin_slide(transition and previous is not None, previous, playing)
        root = Path(self.content.root) if self.content is not None else Path()
        self.videos.shown(view, shown, playing, root)
        self.publish()

    def _power(self, now: dt.datetime) -> bool:
        """Apply the display schedule; False while the screen is meant to be off."""
        changed = self.power.update(now)
        if changed is not None:
            self.changed()
            if not changed:
                self.proof.closed(now)
            else:
                for view in self.regions.views:
                    if view.timeline.current is not None or view.timeline.playing is not None:
                        view.timeline.replan(now)
        return self.power.on

    def _check_clock(self, now: dt.datetime) -> None:
        """An NTP correction can move the wall clock back: deadlines computed before would
        hold a slide, and a drawn clock, for as long as the jump. Plan again from now."""
        if not self.jumps.went_back(now):
            return
        for view in self.regions.views:
            view.timeline.clock_jumped(now)
        self.urgent.retime(now)

    # -- drawing ---------------------------------------------------------------------

    def _animating(self) -> bool:
        return self.power.on and (self.painter.animating() or self.videos.playing)

    def _draw(self) -> list[pygame.Rect] | None:
        overlay = None
        if self.info:
            data, errors = self.status.read(), list(self.timeline.slide_errors.values())
            overlay = lambda surface: self._overlay.draw(surface, data, self.paused, errors)  # noqa: E731
        return self.painter.draw(self.dirty, self._background(), overlay)

    def _background(self) -> tuple[int, int, int]:
        return (
            self.content.theme.colours.background
            if self.content is not None
            else Theme().colours.background
        )

    def screen_canvas(self, at: dt.datetime) -> Canvas:
        """The whole screen with the theme's frame (an urgent message is drawn on it)."""
        theme = self.content.theme if self.content is not None else Theme()
        root = Path(self.content.root) if self.content is not None else Path()
        return Canvas(self.size, theme, root, at, self.screen)

    @property
    def message(self) -> UrgentMessage | None:
        """The urgent message being shown (status reports it)."""
        return self.urgent.message

    # -- status ------------------------------------------------------------------------

    def publish(self) -> None:
        self.status.snapshot = player_status(self)

    # -- the loop ----------------------------------------------------------------------

    def _timeout(self, now: dt.datetime) -> float:
        if self._animating():
            # a ticker alone (or a pan) moves smoothly enough at 30 fps, for half the work
            views = self.regions.views
            slow = all(v.compositor.transition is None for v in views)
            pace = 1 / (TICKER_FPS if slow else ANIMATION_FPS)
            due = self.videos.due_in(time.monotonic())  # a video frame is shown at its time
            return min(pace, due) if due is not None else pace
        deadlines = self.regions.deadlines(now)
        if self.urgent.message is not None:
            deadlines.append((self.urgent.message.expires - now).total_seconds())
        change = self.power.seconds_to_change(now)
        if change is not None:
            deadlines.append(change)
        if self.info:
            deadlines.append(1.0)
        return max(0.0, min([MAX_SLEEP_S, *deadlines]))

    def iterate(self) -> float:
        """One pass: messages, events, the sequencer, drawing. Returns seconds to sleep.

        Preparation requests made during the pass go to the worker once the frame is
        presented (see ``Preparer.hold``)."""
        started = time.perf_counter()
        self.preparer.hold()
        try:
            drew = self._pass()
        finally:
            self.preparer.release()
            self.watch.beat()
        work_ms = (time.perf_counter() - started) * 1000
        self.status.stats.passed(work_ms)
        if drew:
            self.status.stats.record(work_ms)
            if self.on_frame is not None:
                self.on_frame()
            if not self._ready_sent and self.current is not None and self.notifier is not None:
                self.notifier.ready(f"playing {self.screen.id}")
                self._ready_sent = True
        return self._timeout(self.clock.now())

    def _pass(self) -> bool:
        """Messages, events, the sequencer, drawing; True when a frame was drawn."""
        if self.hup.is_set():
            self.hup.clear()
            log.info("SIGHUP: reloading the content")
            self.reload(None)
        self.mail.drain(self.handle)
        self.keys()
        now = self.clock.now()
        if self.notifier is not None:
            self.notifier.heartbeat()
        self._check_clock(now)
        if self.urgent.expired(now):
            self.end_message()
        if not self._power(now):
            if self.dirty:
                self.display.surface.fill((0, 0, 0))  # display hours: off on purpose
                self.display.present()
                self.dirty = False
            return False
        if self.regions.recheck(self.content, now):
            self.dirty = True
        for view in self.regions.views:
            view.timeline.advance(now)
            if view.timeline.refresh_clock(now):
                view.dirty = True
        self.videos.advance(time.monotonic(), self.regions.views)
        if self.seen.follow(self.timeline):
            self.publish()
        current = self.timeline.current
        self.seen.output.clock_due(current.valid_until if current else None, now, self.power.on)
        if self.dirty or self._animating() or any(v.dirty for v in self.regions.views):
            rects = self._draw()
            self.display.present(rects)
            self.dirty = False
            self._presented()
            return True
        return False

    def _presented(self) -> None:
        """A frame went out: what the viewer now sees."""
        moving, progress = self._animating(), self.videos.frames_shown()
        if self.seen.presented(self.clock.now(), self.display.surface, self.regions.main,
                               moving, self.power.on, progress):  # fmt: skip
            self.publish()

    def run(self, finish: bool = True) -> None:
        """Play until ``stop`` is set (a key, a signal, the control API). ``finish``: close
        the last play and the worker (False: the benchmark plays again after)."""
        self.publish()
        try:
            while not self.stop.is_set():
                self.mail.wait(self.iterate())
        finally:
            if finish:
                self.proof.closed(self.clock.now())
                if self.notifier is not None:
                    self.notifier.stopping()
                self.preparer.close()
                self.videos.close()

    def close(self) -> None:
        """Free the regions' shared memory (the player is not played again)."""
        self.videos.close()
        self.regions.close()

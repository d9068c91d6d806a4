"""What the player does with what it is told: typed messages from other threads (content,
prepared frames, commands, screenshots, programme and room updates) and the keys of its
window. A part of :class:`signage.player.loop.Player` (it inherits these methods), kept in
a module of its own; it runs on the render thread only."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pygame

from signage.content.model import Content
from signage.core.clock import Clock
from signage.draw.canvas import Canvas
from signage.player.display import Display
from signage.player.messages import (
    AlertChanged,
    Command,
    ContentFailed,
    ContentReady,
    FrameReady,
    ProgrammeUpdated,
    RoomStates,
    Screenshot,
)
from signage.player.preparer import Preparer
from signage.player.regions import Regions
from signage.player.requests import to_surface
from signage.player.timeline import Timeline
from signage.player.urgent_layer import UrgentLayer
from signage.programme.model import fold

log = logging.getLogger(__name__)

KEY_COMMANDS = {
    pygame.K_RIGHT: "next",
    pygame.K_LEFT: "previous",
    pygame.K_SPACE: "pause",
    pygame.K_i: "info",
}  # and Escape or q to quit


class Handling:
    """The player's answers to messages, commands and keys (mixed into ``Player``)."""

    # what the player has, and these methods change
    display: Display
    clock: Clock
    stop: threading.Event
    regions: Regions
    urgent: UrgentLayer
    preparer: Preparer
    on_content: Callable[[Content], None] | None
    room_states: dict[str, Any]
    source: str
    loaded_at: dt.datetime
    errors: list[str]
    warnings: list[str]
    info: bool
    dirty: bool

    if TYPE_CHECKING:  # the player's own, used here

        @property
        def timeline(self) -> Timeline: ...

        @property
        def paused(self) -> bool: ...

        def reload(self, reply: Any) -> None: ...

        def changed(self, redraw: bool = True) -> None: ...

        def publish(self) -> None: ...

        def swap_content(self, content: Content) -> None: ...

        def end_message(self) -> bool: ...

        def screen_canvas(self, at: dt.datetime) -> Canvas: ...

    # -- messages --------------------------------------------------------------------

    def handle(self, message: Any) -> None:
        """One message drained from the mailbox."""
        if isinstance(message, FrameReady):
            self._frame_ready(message)
        elif isinstance(message, ContentReady):
            self._content_ready(message)
        elif isinstance(message, ContentFailed):
            self.errors = [d.format() for d in message.report.errors]
            self.changed()
        elif isinstance(message, Command):
            if message.name == "reload":
                self.reload(message.reply)  # the source answers when it has reloaded
                return
            result = self.command(message.name, message.args)
            if message.reply is not None:
                message.reply.set_result(result)
        elif isinstance(message, Screenshot):
            surface = self.display.surface
            message.reply.set_result((surface.get_size(), pygame.image.tobytes(surface, "RGB")))
        elif isinstance(message, AlertChanged):
            self.show_alert(message.alert)
        elif isinstance(message, ProgrammeUpdated):
            for view in self.regions.views:
                view.timeline.programme_updated()
        elif isinstance(message, RoomStates):
            self.room_states = message.states
            self.regions.room_states = tuple(
                sorted((fold(room), s.state, s.note) for room, s in message.states.items())
            )
            for view in self.regions.views:
                view.timeline.programme_updated(rooms=True)
            self.publish()

    def _content_ready(self, message: ContentReady) -> None:
        self.source = message.source
        self.loaded_at = dt.datetime.now(dt.UTC)
        self.errors = []
        self.warnings = [d.format() for d in message.report.warnings]
        if self.on_content is not None:
            self.on_content(message.content)
        self.swap_content(message.content)

    def _frame_ready(self, message: FrameReady) -> None:
        key, stamp, *region = message.key
        if key[0] == "message":
            if message.ready is None:
                log.error("urgent message could not be drawn: %s", message.error)
            elif self.urgent.frame_ready(key[1], to_surface(message.ready.base)):
                self.dirty = True
                self.publish()  # /status says the message (or the alert) is on screen now
            return
        for view in self.regions.views:
            if [view.name] == region:
                view.timeline.frame_ready(key, stamp, message.ready, message.error or "")

    # -- commands (keys, control API) ------------------------------------------------

    def keys(self) -> None:
        """The window's events: keys run their commands, Escape/q/closing stops, an exposed
        window is drawn again."""
        for event in pygame.event.get():
            if event.type == pygame.QUIT or (
                event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_q)
            ):
                self.stop.set()
            elif event.type == pygame.KEYDOWN and event.key in KEY_COMMANDS:
                self.command(KEY_COMMANDS[event.key], {})
            elif event.type in (pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE, pygame.WINDOWRESTORED):
                self.dirty = True

    def show_alert(self, alert: Any) -> None:
        """A public alert in force (None: it ended): over every region until it ends."""
        now = self.clock.now()
        drawn = self.urgent.set_alert(alert, now)
        if drawn is not None:
            self.preparer.request(
                (("message", drawn.id), now), drawn, self.screen_canvas(now), urgent=True
            )
        self.dirty = True
        self.publish()

    def command(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        """A command (next, previous, pause, show, reload, info, message, clear_message)
        and its JSON-able result."""
        now = self.clock.now()
        if name in ("next", "previous"):
            return self.timeline.step(1 if name == "next" else -1)
        if name == "pause":
            paused = not self.paused if "paused" not in args else bool(args["paused"])
            self.timeline.set_paused(paused)
            self.dirty = True
            return {"ok": True, "paused": self.paused}
        if name == "show":
            return self.timeline.show(str(args.get("id", "")))
        if name == "reload":
            self.reload(None)
            return {"ok": True}
        if name == "info":
            self.info = not self.info
            self.dirty = True
            return {"ok": True, "info": self.info}
        if name == "message":
            message = self.urgent.start(
                str(args["text"]), str(args["style"]), float(args["expires_in"]), now,
                str(args.get("level", "notice")),
            )  # fmt: skip
            self.preparer.request(
                (("message", message.id), now), message, self.screen_canvas(now), urgent=True
            )
            self.publish()
            return {"ok": True, "message": message.to_json()}
        if name == "clear_message":
            return {"ok": True, "cleared": self.end_message()}
        return {"ok": False, "error": f"unknown command {name!r}"}

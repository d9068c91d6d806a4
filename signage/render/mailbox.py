"""The render thread's mailbox: other threads post typed messages and wake the loop; the
loop drains them once per pass and hands each to the part it concerns."""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from typing import TYPE_CHECKING, Any

import pygame

from signage.messages import (
    Command,
    ContentFailed,
    ContentReady,
    FrameReady,
    ProgrammeUpdated,
    RoomStates,
    Screenshot,
)
from signage.program.model import fold
from signage.render.timeline import to_surface

if TYPE_CHECKING:
    from signage.render.loop import Player

log = logging.getLogger(__name__)


class Mailbox:
    """A queue and a wake-up event; ``drain`` runs on the render thread."""

    def __init__(self, player: Player, inbox: queue.Queue[Any] | None = None) -> None:
        self.player = player
        self.inbox: queue.Queue[Any] = inbox or queue.Queue()
        self._alarm = threading.Event()  # set by other threads to wake the loop now

    def post(self, message: Any) -> None:
        """Hand a message to the render thread and wake it (callable from any thread)."""
        self.inbox.put(message)
        self.wake()

    def wake(self) -> None:
        self._alarm.set()

    def wait(self, seconds: float) -> None:
        """Sleep until ``seconds`` pass or another thread posts or wakes."""
        if not self.inbox.empty():
            return
        self._alarm.wait(timeout=max(0.001, seconds))
        self._alarm.clear()

    def drain(self) -> None:
        """Handle waiting messages; at most one prepared frame per pass, so that several
        frames arriving together never pile up in one frame's time."""
        player = self.player
        if player.hup.is_set():
            player.hup.clear()
            log.info("SIGHUP: reloading the content")
            player.reload(None)
        while True:
            try:
                message = self.inbox.get_nowait()
            except queue.Empty:
                return
            self._handle(message)
            if isinstance(message, FrameReady):
                return

    def _handle(self, message: Any) -> None:
        player = self.player
        if isinstance(message, FrameReady):
            self._frame_ready(message)
        elif isinstance(message, ContentReady):
            self._content_ready(message)
        elif isinstance(message, ContentFailed):
            player.errors = [d.format() for d in message.report.errors]
            player.changed()
        elif isinstance(message, Command):
            if message.name == "reload":
                player.reload(message.reply)  # the source answers when it has reloaded
                return
            result = player.command(message.name, message.args)
            if message.reply is not None:
                message.reply.set_result(result)
        elif isinstance(message, Screenshot):
            surface = player.display.surface
            message.reply.set_result((surface.get_size(), pygame.image.tobytes(surface, "RGB")))
        elif isinstance(message, ProgrammeUpdated):
            for view in player.regions.views:
                view.timeline.programme_updated()
        elif isinstance(message, RoomStates):
            player.room_states = message.states
            player.regions.room_states = tuple(
                sorted((fold(room), s.state, s.note) for room, s in message.states.items())
            )
            for view in player.regions.views:
                view.timeline.programme_updated(rooms=True)
            player.publish()

    def _content_ready(self, message: ContentReady) -> None:
        player = self.player
        player.source = message.source
        player.loaded_at = dt.datetime.now(dt.UTC)
        player.errors = []
        player.warnings = [d.format() for d in message.report.warnings]
        if player.on_content is not None:
            player.on_content(message.content)
        player.swap_content(message.content)

    def _frame_ready(self, message: FrameReady) -> None:
        key, stamp, *region = message.key
        player = self.player
        if key[0] == "message":
            if message.ready is None:
                log.error("urgent message could not be drawn: %s", message.error)
            elif player.urgent.frame_ready(key[1], to_surface(message.ready.base)):
                player.dirty = True
            return
        for view in player.regions.views:
            if [view.name] == region:
                view.timeline.frame_ready(key, stamp, message.ready, message.error or "")

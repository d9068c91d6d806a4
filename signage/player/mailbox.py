"""The render thread's mailbox: other threads post typed messages and wake the loop; the
loop drains them once per pass and handles each itself (``player.handling``)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from signage.player.messages import (
    AlertChanged,
    Command,
    FrameReady,
    ProgrammeUpdated,
    RoomStates,
)

log = logging.getLogger(__name__)


# Messages of which only the latest matters: a burst of them is one message's work.
LATEST_ONLY = (RoomStates, ProgrammeUpdated, AlertChanged)
PER_PASS = 32  # messages handled in one pass at most; the rest wait for the next pass
PER_PASS_MS = 8.0  # and no more than this long: the frame is drawn between
MAX_COMMANDS = 256  # commands waiting; more are refused at once ("the screen is busy")


@dataclass(frozen=True)
class _Latest:
    """In the queue, where the latest message of ``kind`` stands (it is kept aside)."""

    kind: type


class Mailbox:
    """A queue and a wake-up event; ``drain`` runs on the render thread.

    The work of a pass is bounded whatever arrives: room states and programme updates
    are coalesced (the latest replaces the one waiting), at most ``PER_PASS`` messages or
    ``PER_PASS_MS`` of them are handled per pass, and commands beyond ``MAX_COMMANDS``
    waiting are refused where they arrive. (Before, 5,000 room states made 5,000 sorted
    copies and redraw requests on the render thread.)"""

    def __init__(self, inbox: queue.Queue[Any] | None = None) -> None:
        self.inbox: queue.Queue[Any] = inbox or queue.Queue()
        self._alarm = threading.Event()  # set by other threads to wake the loop now
        self._lock = threading.Lock()
        self._latest: dict[type, Any] = {}
        self._commands = 0  # commands in the queue
        self.coalesced = 0
        self.refused = 0

    def post(self, message: Any) -> None:
        """Hand a message to the render thread and wake it (callable from any thread)."""
        kind = type(message)
        with self._lock:
            if kind in LATEST_ONLY:
                waiting = kind in self._latest
                self._latest[kind] = message
                if waiting:
                    self.coalesced += 1
                    return  # its place in the queue is taken already
                message = _Latest(kind)
            elif kind is Command:
                if self._commands >= MAX_COMMANDS:
                    self.refused += 1
                    if message.reply is not None:
                        message.reply.set_result(
                            {"ok": False, "error": "the screen is busy: too many commands waiting"}
                        )
                    return
                self._commands += 1
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

    def drain(self, handle: Callable[[Any], None]) -> None:
        """Hand waiting messages to ``handle``; at most one prepared frame per pass, so that
        several frames arriving together never pile up in one frame's time."""
        started = time.perf_counter()
        for _ in range(PER_PASS):
            try:
                message = self.inbox.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                if isinstance(message, _Latest):
                    message = self._latest.pop(message.kind)
                elif isinstance(message, Command):
                    self._commands = max(0, self._commands - 1)
            handle(message)
            if isinstance(message, FrameReady):
                return
            if (time.perf_counter() - started) * 1000 > PER_PASS_MS:
                return

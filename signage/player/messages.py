"""Typed messages that other threads hand to the render loop through its queue."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from signage.content.model import Content
from signage.core.diagnostics import Report


@dataclass(frozen=True)
class ContentReady:
    """New content, read and validated in full off the render thread."""

    content: Content
    report: Report
    source: str


@dataclass(frozen=True)
class ContentFailed:
    """New content was invalid: keep playing the last good content, show these errors."""

    report: Report
    source: str


@dataclass(frozen=True)
class FrameReady:
    key: Any
    ready: Any  # signage.player.preparer.Ready, or None when it failed
    error: str | None = None


@dataclass(frozen=True)
class Command:
    """A command for the loop (next, previous, reload, message, show); ``reply`` gets the answer."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    reply: Future[Any] | None = None


@dataclass(frozen=True)
class Screenshot:
    reply: Future[tuple[tuple[int, int], bytes]]


@dataclass(frozen=True)
class ProgrammeUpdated:
    """A programme or speaker photo was downloaded: redraw the slides that show it."""


@dataclass(frozen=True)
class AlertChanged:
    """The public alert the screen must show now (None: none any more), as the alert
    watch decided it from every path."""

    alert: Any


@dataclass(frozen=True)
class RoomStates:
    """Every room's state as the fleet says it (room name -> a RoomState: open, full or
    closed, with a note): redraw what shows those rooms."""

    states: dict[str, Any]

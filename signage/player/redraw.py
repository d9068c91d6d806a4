"""The frame on screen drawn again: for its clock's next minute, or for new data (a
programme, the rooms' states). One redraw is asked at a time, a little before it is due,
and swapped in at its moment; data that changed while it was drawn asks for one more.
(A burst of room states asked one per pass: 90 queued at the worker, and the next slides
waited behind them for 20 s.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage.player.compositor import Shown

# ask for a redrawn clock this long before the minute: the drawing worker may be held by a
# 24 MP photo (1.2 s at a quarter of a core, several on a machine busy with other work; the
# 60-minute chaos soak saw the clock 3 s late once with 2 s); drawn for its minute, the frame
# waits for it, and a change of data meanwhile asks for it again
REFRESH_LEAD = dt.timedelta(seconds=10)


class Redraw:
    """The redraw of one timeline's frame on screen."""

    def __init__(self) -> None:
        self.frame: Shown | None = None  # drawn again, waiting for its moment
        self.asked: dt.datetime | None = None  # the valid_until a redraw was asked for
        self.request: tuple[Any, ...] | None = None  # the one being drawn
        self.again = False  # the data changed since it was asked

    def stale(self, current: Shown | None, now: dt.datetime) -> None:
        """What the frame on screen shows changed: redraw it now (once more after the one
        being drawn, if one is)."""
        if current is not None:
            current.valid_until = now
            self.asked = None
            self.again = self.request is not None

    def forget(self) -> None:
        """The wall clock went back: a redraw asked before is for the wrong moment."""
        self.frame = None
        self.asked = None
        self.again = self.request is not None

    def returned(self, requests: list[Any]) -> None:
        """These requests are done or dropped: the one being drawn among them is over."""
        if self.request in requests:
            self.request = None

    def due(self, current: Shown | None, playing: Any, paused: bool) -> dt.datetime | None:
        """When the frame on screen needs redrawing, if not asked yet; None for a slide
        gone by then (paused, it stays: redrawn all the same) or one being drawn."""
        due = current.valid_until if current is not None else None
        gone = playing is not None and due is not None and playing.ends <= due
        if self.request is not None or due == self.asked or (gone and not paused):
            return None
        return due

    def swap(self, now: dt.datetime, current: Shown) -> Shown | None:
        """The redrawn frame when its moment has come, to show instead of ``current``
        (None: none yet; one drawn for another slide is dropped)."""
        frame = self.frame
        if frame is None or now < frame.stamp:
            return None
        self.frame = None
        if frame.key != current.key:
            return None
        if self.again:  # the data changed again while it was drawn
            self.again = False
            frame.valid_until = now
            self.asked = None
        return frame

    def ask_at(self, now: dt.datetime, current: Shown, playing: Any, paused: bool) -> Any:
        """The moment to draw the frame on screen for, when a redraw is to be asked now."""
        due = self.due(current, playing, paused)
        if due is None or self.frame is not None or playing is None or now < due - REFRESH_LEAD:
            return None
        self.asked = due
        return max(due, now)

    def deadlines(
        self, now: dt.datetime, current: Shown | None, playing: Any, paused: bool
    ) -> list[float]:
        found = []
        due = self.due(current, playing, paused)
        if due is not None:
            found.append((due - REFRESH_LEAD - now).total_seconds())
        if self.frame is not None:
            found.append((self.frame.stamp - now).total_seconds())
        return found

"""The urgent message as a layer above the slides: a full-screen takeover or a banner,
drawn by the worker, shown from when its frame is ready until it expires or is cleared.

A public alert (CAP) has a slot of its own above the operators' message: it takes the
whole screen while it is in force, and the message (if any) comes back after it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

import pygame

from signage.content.urgent import UrgentMessage, level_of
from signage.live.cap import ShownAlert

log = logging.getLogger(__name__)


class UrgentLayer:
    """One urgent message at a time; a new one replaces the one before."""

    def __init__(self) -> None:
        self.message: UrgentMessage | None = None  # the operators'
        self.alert: UrgentMessage | None = None  # a public alert in force, above it
        self._frames: dict[int, pygame.Surface] = {}
        self._ids = 0

    @property
    def shown(self) -> UrgentMessage | None:
        """What the layer shows: the alert, else the message."""
        return self.alert or self.message

    @property
    def alert_on_screen(self) -> ShownAlert | None:
        """The public alert whose frame is drawn (what /status reports), if any."""
        return self.alert.alert if self.alert is not None and self.frame is not None else None

    @property
    def frame(self) -> pygame.Surface | None:
        """The drawn picture of what is shown (None: not drawn yet)."""
        shown = self.shown
        return self._frames.get(shown.id) if shown is not None else None

    def set_alert(self, alert: ShownAlert | None, now: dt.datetime) -> UrgentMessage | None:
        """The public alert in force (None: none any more); the message to draw, if new."""
        if alert is None:
            if self.alert is not None:
                log.info(
                    "public alert %s: no longer shown",
                    self.alert.alert and self.alert.alert.identifier,
                )
                self._frames.pop(self.alert.id, None)
            self.alert = None
            return None
        if self.alert is not None and self.alert.alert == alert:
            return None
        if self.alert is not None:
            self._frames.pop(self.alert.id, None)
        self._ids += 1
        expires = alert.expires or now + dt.timedelta(days=1)
        text = alert.instruction or alert.headline or alert.event
        self.alert = UrgentMessage(
            self._ids, text, "fullscreen", now, expires, level_of(alert), alert
        )
        return self.alert

    def start(
        self, text: str, style: str, expires_in_s: float, now: dt.datetime, level: str = "notice"
    ) -> UrgentMessage:
        if self.message is not None:
            self._frames.pop(self.message.id, None)
        self._ids += 1
        expires = now + dt.timedelta(seconds=expires_in_s)
        # drawn by the worker: shown when its frame arrives
        self.message = UrgentMessage(self._ids, text, style, now, expires, level)
        return self.message

    def frame_ready(self, message_id: int, surface: pygame.Surface) -> bool:
        """The drawn message; False when it belongs to a message that is gone."""
        if message_id not in {m.id for m in (self.message, self.alert) if m is not None}:
            return False
        self._frames[message_id] = surface
        return True

    def end(self) -> bool:
        """End the operators' message now; True if there was one."""
        had = self.message is not None
        if self.message is not None:
            log.info("urgent message %d ended", self.message.id)
            self._frames.pop(self.message.id, None)
        self.message = None
        return had

    def expired(self, now: dt.datetime) -> bool:
        return self.message is not None and now >= self.message.expires

    def retime(self, now: dt.datetime) -> None:
        """The wall clock went back: the message keeps its length from now, not the jump's."""
        message = self.message
        if message is not None and message.expires - now > message.expires - message.started:
            self.message = replace(message, expires=now + (message.expires - message.started))

    @property
    def covers_screen(self) -> bool:
        """A full-screen message is shown: nothing under it needs drawing."""
        return self.fullscreen and bool(self.frame)

    @property
    def fullscreen(self) -> bool:
        shown = self.shown
        return shown is not None and shown.style == "fullscreen"

    def draw(self, surface: pygame.Surface, footer_px: int) -> None:
        """Over the picture: the whole screen, or a banner just above the footer."""
        shown, frame = self.shown, self.frame
        if shown is None or frame is None:
            return
        if shown.style == "fullscreen":
            surface.blit(frame, (0, 0))
        else:
            bottom = surface.get_height() - footer_px - frame.get_height()
            surface.blit(frame, (0, bottom))

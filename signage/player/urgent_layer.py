"""The urgent message as a layer above the slides: a full-screen takeover or a banner,
drawn by the worker, shown from when its frame is ready until it expires or is cleared."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

import pygame

from signage.content.urgent import UrgentMessage

log = logging.getLogger(__name__)


class UrgentLayer:
    """One urgent message at a time; a new one replaces the one before."""

    def __init__(self) -> None:
        self.message: UrgentMessage | None = None
        self.frame: pygame.Surface | None = None
        self._ids = 0

    def start(self, text: str, style: str, expires_in_s: float, now: dt.datetime) -> UrgentMessage:
        self._ids += 1
        expires = now + dt.timedelta(seconds=expires_in_s)
        self.message = UrgentMessage(self._ids, text, style, now, expires)
        self.frame = None  # drawn by the worker: shown when it arrives
        return self.message

    def frame_ready(self, message_id: int, surface: pygame.Surface) -> bool:
        """The drawn message; False when it belongs to a message that is gone."""
        if self.message is None or self.message.id != message_id:
            return False
        self.frame = surface
        return True

    def end(self) -> bool:
        """End the message now; True if there was one."""
        had = self.message is not None
        if self.message is not None:
            log.info("urgent message %d ended", self.message.id)
        self.message = None
        self.frame = None
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
        return self.message is not None and self.message.style == "fullscreen" and bool(self.frame)

    @property
    def fullscreen(self) -> bool:
        return self.message is not None and self.message.style == "fullscreen"

    def draw(self, surface: pygame.Surface, footer_px: int) -> None:
        """Over the picture: the whole screen, or a banner just above the footer."""
        if self.message is None or self.frame is None:
            return
        if self.message.style == "fullscreen":
            surface.blit(self.frame, (0, 0))
        else:
            bottom = surface.get_height() - footer_px - self.frame.get_height()
            surface.blit(self.frame, (0, bottom))

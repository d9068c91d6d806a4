"""Display hours: the screen is black outside them, and a command may switch the panel."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from signage.player.hours import is_on, next_change, run_command

log = logging.getLogger(__name__)


class DisplayPower:
    """Follows ``display: {on, off, command_on, command_off}`` of the player configuration."""

    def __init__(self, hours: Any) -> None:
        self.hours = hours  # config.DisplayHours or None
        self.on = True
        self._applied = False

    def update(self, now: dt.datetime) -> bool | None:
        """The new state when the screen must change (on or off), else None."""
        if self.hours is None:
            return None
        on = is_on(self.hours.on, self.hours.off, now)
        if on == self.on and self._applied:
            return None
        self.on, self._applied = on, True
        log.info("display hours: screen %s", "on" if on else "off")
        run_command(self.hours.command_on if on else self.hours.command_off, "on" if on else "off")
        return on

    def seconds_to_change(self, now: dt.datetime) -> float | None:
        if self.hours is None:
            return None
        return (next_change(self.hours.on, self.hours.off, now) - now).total_seconds()

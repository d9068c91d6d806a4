"""The display's power schedule: ``display: {on: "07:30", off: "20:00"}``. Pure functions."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import threading
from collections.abc import Sequence

log = logging.getLogger(__name__)

COMMAND_TIMEOUT_S = 20


def is_on(on: dt.time, off: dt.time, at: dt.datetime) -> bool:
    """Whether the screen should be on at ``at`` (``off`` before ``on`` spans midnight)."""
    clock = at.time()
    if on == off:
        return True
    if on < off:
        return on <= clock < off
    return clock >= on or clock < off


def next_change(on: dt.time, off: dt.time, at: dt.datetime) -> dt.datetime:
    """The next instant after ``at`` when the screen turns on or off."""
    candidates = []
    for days in (0, 1):
        day = at.date() + dt.timedelta(days=days)
        for moment in (on, off):
            instant = dt.datetime.combine(day, moment, tzinfo=at.tzinfo)
            if instant > at:
                candidates.append(instant)
    return min(candidates)


def run_command(command: Sequence[str], what: str) -> None:
    """Run the screen's power command (e.g. cec-ctl) on a thread, with a timeout."""
    if not command:
        return

    def go() -> None:
        try:
            result = subprocess.run(
                list(command),
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.error("display %s command failed: %s", what, exc)
            return
        if result.returncode != 0:
            log.error(
                "display %s command exited %d: %s",
                what,
                result.returncode,
                result.stderr.strip()[:200],
            )

    threading.Thread(target=go, name=f"display-{what}", daemon=True).start()

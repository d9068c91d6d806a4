"""Whether the system clock is synchronised (NTP: chrony, systemd-timesyncd, ntpd), as the
kernel says it through adjtimex(2): walls in step need every screen on the same time."""

from __future__ import annotations

import contextlib
import ctypes
from typing import Any

TIME_ERROR = 5  # adjtimex's answer while the clock is not synchronised


class ClockSync:
    """``ClockSync()()``: True when the kernel's clock is disciplined by NTP, False when not,
    None where it cannot be asked (not Linux). Cheap: one system call, read by /status."""

    def __init__(self) -> None:
        self._adjtimex: Any = None
        with contextlib.suppress(OSError, AttributeError):
            self._adjtimex = ctypes.CDLL(None, use_errno=True).adjtimex  # this process's libc

    def __call__(self) -> bool | None:
        if self._adjtimex is None:
            return None
        timex = ctypes.create_string_buffer(512)  # struct timex, modes = 0: only read
        state = self._adjtimex(timex)
        if state < 0:
            return None
        return bool(state != TIME_ERROR)

"""Whether the system clock is synchronised (NTP: chrony, systemd-timesyncd, ntpd), as the
kernel says it through adjtimex(2): walls in step need every screen on the same time."""

from __future__ import annotations

import ctypes
import ctypes.util

TIME_ERROR = 5  # adjtimex's answer while the clock is not synchronised


def clock_synchronised() -> bool | None:
    """True when the kernel's clock is disciplined by NTP, False when not, None where it
    cannot be asked (not Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        adjtimex = libc.adjtimex
    except (OSError, AttributeError):
        return None
    timex = ctypes.create_string_buffer(512)  # struct timex, modes = 0: only read
    state = adjtimex(timex)
    if state < 0:
        return None
    return bool(state != TIME_ERROR)

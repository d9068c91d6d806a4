"""Waiting for something observable, never for a fixed time: a condition polled until it
holds, with a deadline that says what was awaited (and what was seen last)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(condition: Callable[[], T], what: str, timeout: float = 10.0, every: float = 0.02) -> T:
    """``condition()`` once it is true (returned: often the thing awaited)."""
    deadline = time.monotonic() + timeout
    seen: T = condition()
    while not seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what} (last seen: {seen!r})")
        time.sleep(every)
        seen = condition()
    return seen

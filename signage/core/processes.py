"""Helpers for the player's worker processes (drawing, video decoding): dying with the
player, and reading a process's memory from /proc."""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PARENT_CHECK_S = 0.25
TRIM_EVERY_S = 5.0


def watch_parent(parent: int) -> None:
    """In a worker: exit as soon as the process that started it is gone.

    A player killed with SIGKILL runs no clean-up, and its worker (and with it
    multiprocessing's resource tracker, which waits for every holder of its pipe)
    used to stay for minutes holding 60 MB. The parent's death shows as a new
    parent process id (init, or systemd's subreaper).
    """

    def run() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=run, name="watch-parent", daemon=True).start()


def memory_mb(pid: int | str | None = "self", key: str = "VmHWM") -> float:
    """A process's memory figure from /proc (default: this process's peak resident
    memory, VmHWM), in MB; 0 where /proc or the process is gone.

    Not ``ru_maxrss`` for the peak: Linux carries that across fork and exec, so a
    worker spawned from a large parent would report the parent's size.
    """
    if pid is None:  # a process not started
        return 0.0
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{key}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int | str = "self") -> float:
    """A process's own proportional memory (PSS, from ``smaps_rollup``), in MB: shared pages
    counted once, shared out between the processes that map them; 0 where it is gone."""
    try:
        with Path(f"/proc/{pid}/smaps_rollup").open(encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """This process adopts the orphans of the processes it starts (Linux), so that it can
    reap them whatever the machine's PID 1 does; False where that cannot be done."""
    if _LIBC is None:
        return False
    return bool(_LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


def trim_heap() -> float:
    """Hand the heap's freed pages back to the system (glibc's ``malloc_trim``); how long
    it took, in ms (0 where there is no glibc).

    Freed memory is otherwise kept by the allocator: a burst of 5,000 messages, or a
    decoded 24 MP photo, leaves the process's resident size at its high-water mark.
    """
    if _LIBC is None:
        return 0.0
    started = time.perf_counter()
    _LIBC.malloc_trim(0)
    return (time.perf_counter() - started) * 1000


def keep_heap_trimmed(
    stop: threading.Event, supervisor: Any, every_s: float = TRIM_EVERY_S
) -> None:
    """In the player: trim the heap every ``every_s`` on a thread of its own, never on the
    render thread (a trim walks every arena: 1 to 3 ms at 200 MB)."""

    def run() -> None:
        while not stop.wait(every_s):
            took_ms = trim_heap()
            if took_ms > 50:
                log.warning("handing freed memory back took %.0f ms", took_ms)

    supervisor.spawn("heap-trim", run, stop, essential=False)


def _load_libc() -> Any:
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


_LIBC = _load_libc()

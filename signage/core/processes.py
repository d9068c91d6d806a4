"""Helpers for the player's worker processes (drawing, video decoding): dying with the
player, and reading a process's memory from /proc."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

PARENT_CHECK_S = 0.25


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

"""Proof of play: every slide shown, appended as a JSON line, off the render thread.

``{"screen", "slide", "type", "title", "playlist", "started", "ended", "version"}``;
the file survives restarts (append only), rotates by size to ``FILE.1``, and is
read back by ``GET /plays?since=...``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
from pathlib import Path
from typing import Any

from signage.core.supervisor import Supervisor
from signage.core.text import clean_tree

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_RETURNED = 10_000


class PlayLog:
    def __init__(self, path: Path, max_bytes: int = MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue(maxsize=10_000)
        self._stopped = threading.Event()
        self._done = threading.Event()
        self._failed = False
        self._lock = threading.Lock()

    def start(self, supervisor: Supervisor | None = None) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.error("proof-of-play folder %s: %s", self.path.parent, exc.strerror)
        (supervisor or Supervisor()).spawn("plays", self._run, self._stopped)

    def record(self, entry: dict[str, Any]) -> None:
        """Queue an entry (never blocks the render loop; drops only if 10,000 are waiting)."""
        try:
            self._queue.put_nowait(entry)
        except queue.Full:
            log.warning("proof-of-play queue full: an entry was dropped")

    def stop(self) -> None:
        self._queue.put(None)
        self._done.wait(timeout=5)
        self._stopped.set()

    def _run(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None:
                self._done.set()
                return
            try:
                self._write(entry)
                if self._failed:
                    log.info("proof-of-play log writable again: %s", self.path)
                    self._failed = False
            except OSError as exc:
                if not self._failed:
                    log.error("proof-of-play log %s: %s", self.path, exc.strerror)
                    self._failed = True

    def _write(self, entry: dict[str, Any]) -> None:
        # Text reaching here was checked where it entered; clean it again all the same: a
        # lone surrogate once made this thread die, and no play was logged after it.
        line = (json.dumps(clean_tree(entry), ensure_ascii=False) + "\n").encode()
        with self._lock:
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                size = 0
            if size and size + len(line) > self.max_bytes:
                self.path.replace(self.path.with_name(self.path.name + ".1"))
            with self.path.open("ab") as handle:
                handle.write(line)
                handle.flush()

    def read(
        self, since: dt.datetime | None = None, limit: int = MAX_RETURNED
    ) -> list[dict[str, Any]]:
        """Entries that ended at or after ``since``, oldest first (the rotated file included)."""
        entries: list[dict[str, Any]] = []
        with self._lock:
            for path in (self.path.with_name(self.path.name + ".1"), self.path):
                try:
                    lines = path.read_text(encoding="utf-8").splitlines()
                except OSError:
                    continue
                for line in lines:
                    try:
                        entry = json.loads(line)
                        ended = dt.datetime.fromisoformat(entry["ended"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut by a power failure
                    if since is None or ended >= since:
                        entries.append(entry)
        return entries[-limit:]

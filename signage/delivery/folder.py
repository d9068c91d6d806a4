"""A watched content folder: edits are debounced, loaded and validated off the render thread,
then handed over whole; invalid content never replaces the last good content."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from signage.content.folder import load_content
from signage.core.supervisor import Replies, Supervisor
from signage.player.messages import ContentFailed, ContentReady

log = logging.getLogger(__name__)

QUIET_S = 0.12  # an editor's save, or rsync's burst, settles within this
MAX_WAIT_S = 0.6  # but a never-ending burst still reloads this often
# ... unless a file is still open for writing (a clip being copied): then wait for it to be
# closed, up to this long, instead of loading it half-written
MAX_WRITE_WAIT_S = 120.0
IGNORED_PARTS = (".git", "__pycache__", ".cache", ".studio")  # .studio: the studio's queue and log


def _ignored(path: str) -> bool:
    name = Path(path).name
    if (
        name.startswith(".#")
        or name.endswith(("~", ".swp", ".swx", ".tmp", ".part"))
        or name == "4913"
    ):
        return True  # editors' scratch files (vim writes "4913" to test the folder)
    return any(part in IGNORED_PARTS for part in Path(path).parts)


class FolderSource:
    """Watches ``root`` with watchdog (inotify on Linux) and posts ContentReady / ContentFailed."""

    def __init__(
        self, root: Path, post: Callable[[Any], None], adapt: Callable[[Any], Any] = lambda c: c
    ) -> None:
        self.root = root
        self.post = post
        self.adapt = adapt
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._first_change = 0.0
        self._last_change = 0.0
        self._lock = threading.Lock()
        self._writing: set[str] = set()  # files written and not yet closed
        self._last_errors: tuple[str, ...] = ()
        self._observer = Observer()
        self._replies = Replies()
        self.loads = 0

    def start(self, supervisor: Supervisor | None = None) -> None:
        supervisor = supervisor or Supervisor()
        handler = _Handler(self._touched, self._writing, self._lock)
        try:
            self._observer.schedule(handler, str(self.root), recursive=True)
            self._observer.start()
        except OSError as exc:  # inotify limits, a folder that vanished
            supervisor.failed("folder-watch", exc)
        else:
            supervisor.register("folder-watch", probe=self._watching)
        supervisor.spawn("content-folder", self._run, self._stop)

    def _watching(self) -> str | None:
        if self._stop.is_set() or self._observer.is_alive():
            return None
        return f"the watch on {self.root} stopped: edits are not seen (POST /reload still loads)"

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()
        self._observer.stop()
        self._observer.join(timeout=5)

    def reload(self, reply: Future[dict[str, Any]] | None = None) -> None:
        """Load again now (the control API's reload); ``reply`` gets what the load did."""
        self._replies.add(reply)
        self._touched()

    def _touched(self) -> None:
        now = time.monotonic()
        with self._lock:
            if not self._changed.is_set():
                self._first_change = now
            self._last_change = now
        self._changed.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._changed.wait()
            if self._stop.is_set():
                return
            # debounce: wait for QUIET_S without events, but never longer than MAX_WAIT_S
            while True:
                with self._lock:
                    quiet_for = time.monotonic() - self._last_change
                    waited = time.monotonic() - self._first_change
                    writing = bool(self._writing)
                settled = quiet_for >= QUIET_S or waited >= MAX_WAIT_S
                if settled and (not writing or waited >= MAX_WRITE_WAIT_S):
                    break
                if settled:  # a file is still being written: look again soon
                    time.sleep(QUIET_S)
                    continue
                time.sleep(min(QUIET_S - quiet_for, MAX_WAIT_S - waited) + 0.005)
            self._changed.clear()
            self.load()

    def load(self) -> None:
        content, report = load_content(self.root)
        self.loads += 1
        if content is None:
            errors = tuple(d.format() for d in report.errors)
            if errors != self._last_errors:  # log a failure once, not at every save
                for line in errors:
                    log.error("%s", line)
                log.error("content not reloaded: the last good content keeps playing")
                self._last_errors = errors
            self.post(ContentFailed(report, str(self.root)))
            self._replies.answer(
                {
                    "ok": False,
                    "source": "folder",
                    "result": "content not valid; the last good content keeps playing",
                    "errors": list(errors),
                }
            )
            return
        if self._last_errors:
            log.info("content is valid again (%s)", content.version)
            self._last_errors = ()
        self.post(ContentReady(self.adapt(content), report, str(self.root)))
        self._replies.answer(
            {
                "ok": True,
                "source": "folder",
                "result": f"loaded version {content.version}",
                "version": content.version,
            }
        )


class _Handler(FileSystemEventHandler):
    def __init__(
        self, touched: Callable[[], None], writing: set[str], lock: threading.Lock
    ) -> None:
        self.touched = touched
        self.writing = writing  # inotify says when a written file is closed (IN_CLOSE_WRITE)
        self.lock = lock

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
        if all(not p or _ignored(p) for p in paths):
            return
        if not event.is_directory:
            with self.lock:
                if event.event_type in ("modified", "created"):
                    self.writing.add(str(event.src_path))
                elif event.event_type in ("closed", "deleted", "moved"):
                    self.writing.discard(str(event.src_path))
        self.touched()

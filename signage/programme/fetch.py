"""Downloading programmes from URLs, and speakers' photos, off the render thread.

Each URL is fetched on its slide's ``refresh`` interval by the live layer's download
(:func:`signage.live.fetch.download`: conditional requests, a size cap, ``Retry-After``
honoured, failures said in the same words), checked by parsing it, and written to a
cache atomically; when a refresh fails the last good copy stays. Failures are logged
once and the recovery once; each URL reports in ``/status.sources`` as a live source
does.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from signage.core.http import TooLarge
from signage.core.paths import atomic_write, file_stamp
from signage.core.supervisor import Supervisor
from signage.core.urls import CredentialsError, read_credentials, redact_url
from signage.core.values import is_url
from signage.live.fetch import MAX_RETRY_AFTER_S, USER_AGENT, download, reason
from signage.live.model import LiveError, source_status
from signage.programme.load import parse
from signage.programme.model import Programme, ProgrammeError
from signage.programme.store import ProgrammeStore, cache_name

log = logging.getLogger(__name__)

MAX_PROGRAMME_BYTES = 20 * 1024 * 1024
MAX_PHOTO_BYTES = 8 * 1024 * 1024


class Fetcher:
    """Keeps downloaded copies of programme URLs and speaker photos in ``cache_dir``."""

    def __init__(
        self,
        cache_dir: Path,
        on_change: Callable[[], None] | None = None,
        zone: dt.tzinfo | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.on_change = on_change
        self.zone = zone
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._sources: dict[str, float] = {}  # url -> refresh seconds
        self._files: list[Path] = []  # local programmes, for their speakers' photos
        self._due: dict[str, float] = {}
        self._failing: dict[str, str] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.errors: dict[str, str] = {}  # shown in /status: URLs without their passwords
        self._waits: dict[str, float] = {}  # what a server's Retry-After asked
        self._success: dict[str, dt.datetime] = {}
        self._items: dict[str, int] = {}  # events in the last good copy
        self.credentials: dict[str, str] = {}  # url -> file with user:password
        # every programme the content shows, parsed and compared once, where it arrives
        # (here): slides and /programme read it instead of parsing the files again
        self.store = ProgrammeStore()

    def status(self) -> dict[str, dict[str, Any]]:
        """``/status.sources``: each programme URL (without its password) as a live source
        reports itself: its kind, events, last success, last error, next fetch."""
        now = time.monotonic()
        with self._lock:
            return {
                redact_url(url): source_status(
                    "programme",
                    self._items.get(url, 0),
                    self._success.get(url),
                    self.errors.get(redact_url(url)),
                    due - now,
                )
                for url, due in sorted(self._due.items())
            }

    def programme_path(self, url: str) -> Path:
        return self.cache_dir / "programmes" / cache_name(url)

    def photo_path(self, url: str) -> Path:
        return self.cache_dir / "avatars" / cache_name(url)

    def set_sources(
        self, urls: dict[str, float], files: list[Path], credentials: dict[str, str] | None = None
    ) -> None:
        """The programme URLs (with their refresh intervals) and local files of the content now
        playing; ``credentials``: URLs behind basic auth and their ``user:password`` files."""
        with self._lock:
            self.credentials = dict(credentials or {})
            self._sources = dict(urls)
            self._files = list(files)
            self._due = {url: self._due.get(url, 0.0) for url in urls}
        self._wake.set()

    def start(self, supervisor: Supervisor | None = None) -> None:
        (supervisor or Supervisor()).spawn("programme-fetch", self._run, self._stop)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            with self._lock:
                due = [url for url, when in self._due.items() if when <= now]
                files = list(self._files)
            for url in due:
                changed = self.fetch(url)
                with self._lock:
                    if url in self._due:
                        wait = max(self._sources.get(url, 300.0), self._waits.pop(url, 0.0))
                        self._due[url] = time.monotonic() + wait
                if changed and self.on_change:
                    self.on_change()
            for path in files:
                if self.local(path) and self.on_change:
                    self.on_change()
            with self._lock:
                next_due = min(self._due.values(), default=now + 60)
            self._wake.wait(timeout=max(1.0, min(60.0, next_due - time.monotonic())))
            self._wake.clear()

    def fetch(self, url: str) -> bool:
        """Fetch ``url`` once; True when the store has a new version of it (downloaded now,
        or the cached copy taken after a restart)."""
        try:
            changed = self._fetch(url)
        except OSError as exc:  # the cache: a full disk, a read-only folder
            self._failed(url, f"cannot write the cache {self.cache_dir} ({exc.strerror or exc})")
            changed = False
        return self._held(url) or changed

    def _fetch(self, url: str) -> bool:
        target = self.programme_path(url)
        meta_path = target.with_suffix(".json")
        meta: dict[str, Any] = {}
        if target.exists() and meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text())
            except (OSError, ValueError):
                meta = {}
        validators = (meta.get("etag"), meta.get("last_modified"))
        auth = None
        if url in self.credentials:
            try:  # read at each fetch: a password changed on the machine applies at once
                auth = read_credentials(Path(self.credentials[url]))
            except CredentialsError as exc:
                self._failed(url, str(exc))
                return False
        try:
            got = download(self.session, url, validators, MAX_PROGRAMME_BYTES, auth)
            if got is None:  # 304: the last good copy is the programme
                self._ok(url)
                return False
            data, (etag, modified) = got.data, got.validators
            programme = parse(data, url, self.zone)  # refuse what we could not show
        except (requests.RequestException, ProgrammeError, LiveError, TooLarge) as exc:
            self._failed(url, reason(exc), getattr(exc, "retry_after", None))
            return False
        old = target.read_bytes() if target.exists() else None
        if old != data:
            atomic_write(target, data)
            self.store.take(url, programme, _version(target))
        atomic_write(
            meta_path, json.dumps({"etag": etag, "last_modified": modified, "url": url}).encode()
        )
        self._ok(url, len(programme.events))
        self._photos(programme)
        return old != data

    def _held(self, url: str) -> bool:
        """The cached copy of ``url`` in the store when it is not there yet (after a restart,
        or while the server answers 304 or fails); True when it was added."""
        target = self.programme_path(url)
        if self.store.version(url) is not None or not target.exists():
            return False
        try:
            self.store.get(url, target, self.zone)
        except (OSError, ProgrammeError):
            return False
        return True

    def local(self, path: Path) -> bool:
        """A programme file of the content folder, parsed into the store when it changed
        (and its speakers' photos fetched); True when a new version was taken."""
        try:
            version = _version(path)
            source = str(path.resolve())
        except OSError:
            return False
        if self.store.version(source) == version:
            return False
        try:
            programme = parse(path.read_bytes(), str(path), self.zone)
        except (OSError, ProgrammeError):
            # the slide itself reports a broken programme (the worker parses it and fails):
            # no older version is drawn in its place
            return self.store.forget(source)
        self.store.take(source, programme, version)
        self._photos(programme)
        return True

    def _photos(self, programme: Programme) -> None:
        """Download each speaker's photo once; a failure leaves the initials badge."""
        urls = {
            s.photo
            for e in programme.events
            for s in e.speakers
            if s.photo and s.photo.startswith(("http://", "https://"))
        }
        for url in sorted(urls):
            target = self.photo_path(url)
            if target.exists() or self._stop.is_set():
                continue
            try:
                got = download(self.session, url, (None, None), MAX_PHOTO_BYTES)
                data = got.data if got is not None else b""
            except (requests.RequestException, LiveError, TooLarge) as exc:
                log.info("speaker photo not downloaded: %s", redact_url(f"{url} ({exc})"))
                atomic_write(target, b"")  # remembered as missing: not retried every minute
                continue
            atomic_write(target, data)

    def _failed(self, url: str, reason: str, retry_after: float | None = None) -> None:
        shown, reason = redact_url(url), redact_url(reason)
        with self._lock:
            first = url not in self._failing
            self._failing[url] = reason
            self.errors[shown] = reason
            if retry_after is not None and url in self._due:  # the server asked to wait
                self._waits[url] = min(retry_after, MAX_RETRY_AFTER_S)
        if first:
            log.warning(
                "programme %s: refresh failed, keeping the last good copy: %s", shown, reason
            )

    def _ok(self, url: str, items: int | None = None) -> None:
        with self._lock:
            recovered = self._failing.pop(url, None)
            self.errors.pop(redact_url(url), None)
            self._success[url] = dt.datetime.now(dt.UTC)
            if items is not None:
                self._items[url] = items
        if recovered is not None:
            log.info("programme %s: refreshed again", redact_url(url))


def _version(path: Path) -> tuple[int, int]:
    stamp = file_stamp(path)
    if stamp is None:
        raise FileNotFoundError(path)
    return stamp


def credentials_of(content: Any) -> dict[str, str]:
    """Programme URLs behind basic auth and the files holding their ``user:password``."""
    found: dict[str, str] = {}
    for slide in content.slides():
        found.update(slide.credentials())
    return found


def sources_of(content: Any) -> tuple[dict[str, float], list[Path]]:
    """Programme URLs (with refresh intervals) and local programme files used by the content's
    slides, as each slide kind declares them (``Slide.programmes``)."""
    urls: dict[str, float] = {}
    files: list[Path] = []
    root = Path(content.root)
    for slide in content.slides():
        for source, refresh in slide.programmes().items():
            if is_url(source):
                urls[source] = min(urls.get(source, 1e9), refresh)
            elif (root / source) not in files:
                files.append(root / source)
    return urls, files

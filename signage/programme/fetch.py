"""Downloading programmes from URLs, and speakers' photos, off the render thread.

Each URL is fetched on its slide's ``refresh`` interval with conditional
requests (ETag / If-Modified-Since), checked by parsing it, and written to a
cache atomically; when a refresh fails the last good copy stays. Failures are
logged once and the recovery once.
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

from signage.core.http import TooLarge, read_capped
from signage.core.paths import atomic_write, file_stamp
from signage.core.supervisor import Supervisor
from signage.core.urls import CredentialsError, read_credentials, redact_url
from signage.core.values import is_url
from signage.programme.load import parse
from signage.programme.model import Programme, ProgrammeError
from signage.programme.store import ProgrammeStore, cache_name

log = logging.getLogger(__name__)

TIMEOUT_S = (5, 20)  # connect, read
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
        self._sources: dict[str, float] = {}  # url -> refresh seconds
        self._files: list[Path] = []  # local programmes, for their speakers' photos
        self._due: dict[str, float] = {}
        self._failing: dict[str, str] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.errors: dict[str, str] = {}  # shown in /status: URLs without their passwords
        self.credentials: dict[str, str] = {}  # url -> file with user:password
        # every programme the content shows, parsed and compared once, where it arrives
        # (here): slides and /programme read it instead of parsing the files again
        self.store = ProgrammeStore()

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
                        self._due[url] = time.monotonic() + self._sources.get(url, 300.0)
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
        headers = {}
        if target.exists() and meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text())
            except (OSError, ValueError):
                meta = {}
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]
        auth = None
        if url in self.credentials:
            try:  # read at each fetch: a password changed on the machine applies at once
                auth = read_credentials(Path(self.credentials[url]))
            except CredentialsError as exc:
                self._failed(url, str(exc))
                return False
        try:
            with self.session.get(
                url, headers=headers, timeout=TIMEOUT_S, stream=True, auth=auth
            ) as response:
                if response.status_code == 304:
                    self._ok(url)
                    return False
                response.raise_for_status()
                data = _read_capped(response, MAX_PROGRAMME_BYTES, url)
                etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
            programme = parse(data, url, self.zone)  # refuse what we could not show
        except (requests.RequestException, ProgrammeError) as exc:
            self._failed(url, str(exc))
            return False
        old = target.read_bytes() if target.exists() else None
        if old != data:
            atomic_write(target, data)
            self.store.take(url, programme, _version(target))
        atomic_write(
            meta_path, json.dumps({"etag": etag, "last_modified": modified, "url": url}).encode()
        )
        self._ok(url)
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
                with self.session.get(url, timeout=TIMEOUT_S, stream=True) as response:
                    response.raise_for_status()
                    data = _read_capped(response, MAX_PHOTO_BYTES, url)
            except (requests.RequestException, ProgrammeError) as exc:
                log.info("speaker photo not downloaded: %s", redact_url(f"{url} ({exc})"))
                atomic_write(target, b"")  # remembered as missing: not retried every minute
                continue
            atomic_write(target, data)

    def _failed(self, url: str, reason: str) -> None:
        shown, reason = redact_url(url), redact_url(reason)
        with self._lock:
            first = url not in self._failing
            self._failing[url] = reason
            self.errors[shown] = reason
        if first:
            log.warning(
                "programme %s: refresh failed, keeping the last good copy: %s", shown, reason
            )

    def _ok(self, url: str) -> None:
        with self._lock:
            recovered = self._failing.pop(url, None)
            self.errors.pop(redact_url(url), None)
        if recovered is not None:
            log.info("programme %s: refreshed again", redact_url(url))


def _version(path: Path) -> tuple[int, int]:
    stamp = file_stamp(path)
    if stamp is None:
        raise FileNotFoundError(path)
    return stamp


def _read_capped(response: requests.Response, limit: int, url: str) -> bytes:
    try:
        return read_capped(response, limit, url)
    except TooLarge as exc:
        raise ProgrammeError(str(exc)) from None


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

"""The remote feed client: polls ``URL/manifest.json``, downloads changed files into a
content-addressed cache, validates the new version, and swaps it in atomically.

Cache layout (``--cache``, by default the state directory)::

    feed/objects/<sha256>      every file, checked against size and hash
    feed/versions/<version>/   complete, validated content folders (hard links)
    feed/current -> versions/<version>   switched by an atomic rename
    feed/state.json            ETag, Last-Modified, last success

At any instant ``current`` names a complete, valid version: a crash or power cut
during an update leaves the previous one in place.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import requests

from signage.content.folder import load_content
from signage.core.http import TooLarge
from signage.core.paths import atomic_write, fsync_dir, fsync_tree, remove_tree
from signage.core.supervisor import Replies, Supervisor
from signage.core.urls import without_credentials
from signage.delivery.manifest import Entry, Manifest, ManifestError, parse_manifest
from signage.delivery.objects import ObjectStore
from signage.live.fetch import MAX_RETRY_AFTER_S, download, reason
from signage.live.model import LiveError, source_status
from signage.player.messages import ContentReady

log = logging.getLogger(__name__)

TIMEOUT_S = (5.0, 20.0)  # connect, read: a hung server is given up on
KEEP_VERSIONS = 2
MANIFEST_LIMIT = 8 * 1024 * 1024


class FeedError(Exception):
    """A poll that failed: said in ``/status``; ``retry_after``: the server asked to wait."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _slug(version: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "-", version)[:80].strip(".-") or "version"
    return f"{clean}-{hashlib.sha256(version.encode()).hexdigest()[:8]}"


class FeedClient:
    def __init__(
        self,
        url: str,
        cache: Path,
        post: Callable[[Any], None] = lambda message: None,
        poll_s: float = 30.0,
        adapt: Callable[[Any], Any] = lambda content: content,
        auth: tuple[str, str] | None = None,
    ) -> None:
        # Credentials in the URL are taken out of it: self.url is what status and logs show.
        clean, url_auth = without_credentials(url.rstrip("/"))
        self.url = clean
        self.root = cache / "feed"
        self.objects = ObjectStore(self.root / "objects")
        self.post = post
        self.poll_s = poll_s
        self.adapt = adapt
        self.session = requests.Session()
        self.session.auth = auth or url_auth
        self._replies = Replies()
        self.failures = 0
        self.last_ok: dt.datetime | None = None
        self.last_error: str | None = None
        self.version: str | None = None
        self._stop = threading.Event()
        self._now = threading.Event()
        state = self._state()
        if state.get("last_ok"):
            self.last_ok = dt.datetime.fromisoformat(state["last_ok"])
        self.version = state.get("version")
        self.files = int(state.get("files") or 0)  # in the version in place
        self._due = time.monotonic()  # the next poll

    # -- state ---------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        try:
            data = json.loads((self.root / "state.json").read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save_state(self, **changes: Any) -> None:
        state = {**self._state(), **changes}
        try:
            atomic_write(self.root / "state.json", json.dumps(state).encode())
        except OSError as exc:  # a full disk once killed the feed thread here for good
            raise FeedError(_cache_trouble(self.root, exc)) from exc

    def status(self) -> dict[str, Any]:
        age = None
        if self.last_ok is not None:
            age = round((dt.datetime.now(dt.UTC) - self.last_ok).total_seconds())
        return {
            "url": self.url,
            "last_ok": self.last_ok.isoformat(timespec="seconds") if self.last_ok else None,
            "last_error": self.last_error,
            "version": self.version,
            "age_s": age,
        }

    def sources(self) -> dict[str, dict[str, Any]]:
        """``/status.sources``: the feed's manifest as every source of data reports itself
        (kind feed; items: the files of the version in place)."""
        return {
            f"{self.url}/manifest.json": source_status(
                "feed", self.files, self.last_ok, self.last_error, self._due - time.monotonic()
            )
        }

    def current(self) -> Path | None:
        link = self.root / "current"
        try:
            target = link.resolve(strict=True)
        except OSError:
            return None
        return target if target.is_dir() else None

    # -- running ---------------------------------------------------------------------------

    def start(self, supervisor: Supervisor | None = None) -> None:
        (supervisor or Supervisor()).spawn("feed", self._run, self._stop)

    def stop(self) -> None:
        self._stop.set()
        self._now.set()

    def poll_now(self, reply: Future[dict[str, Any]] | None = None) -> None:
        """Poll now; ``reply`` (optional) gets what the poll did."""
        self._replies.add(reply)
        self._now.set()

    def load_cached(self) -> bool:
        """Start from the cache (the network may be down): post the current version if valid."""
        folder = self.current()
        if folder is None:
            return False
        content, report = load_content(folder)
        if content is None:
            log.error(
                "cached feed version %s is not valid: %s", folder.name, report.errors[0].format()
            )
            return False
        self.post(ContentReady(self.adapt(content), report, f"{self.url} (cache)"))
        return True

    def _run(self) -> None:
        self._cleanup()
        while not self._stop.is_set():
            self._now.clear()
            try:
                changed = self.poll()
                delay = self.poll_s
                result = f"new version {self.version}" if changed else "unchanged"
                self._replies.answer(
                    {"ok": True, "source": "feed", "result": result, "version": self.version}
                )
            except FeedError as exc:
                self._failed(str(exc))
                self._replies.answer(
                    {
                        "ok": False,
                        "source": "feed",
                        "result": f"failed: {exc}",
                        "version": self.version,
                    }
                )
                delay = self._backoff(exc.retry_after)
            self._due = time.monotonic() + delay
            self._now.wait(timeout=delay)

    def _backoff(self, retry_after: float | None) -> float:
        """Back off with jitter, never beyond one poll interval (the network's return is
        noticed within a poll), unless the server asked for longer (``Retry-After``)."""
        delay = min(self.poll_s, 2.0 ** min(self.failures, 10)) * random.uniform(0.5, 1.0)  # noqa: S311
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER_S))
        return delay

    def _failed(self, reason: str) -> None:
        self.failures += 1
        if self.last_error != reason:
            log.warning("feed %s: %s; the last good content keeps playing", self.url, reason)
        self.last_error = reason

    def poll(self) -> bool:
        """One poll: True when a new version was swapped in. Raises FeedError."""
        try:
            return self._poll()
        except OSError as exc:  # the cache: full disk, read-only, removed under us
            raise FeedError(_cache_trouble(self.root, exc)) from exc

    def _poll(self) -> bool:
        # the manifest is fetched as every source of data is (live.fetch): asked
        # conditionally while a version is in place, capped, the server's Retry-After kept
        state = self._state()
        validators = (state.get("etag"), state.get("last_modified"))
        try:
            got = download(
                self.session,
                f"{self.url}/manifest.json",
                validators if self.current() is not None else (None, None),
                MANIFEST_LIMIT,
                timeout=TIMEOUT_S,
            )
        except (requests.RequestException, LiveError) as exc:
            raise FeedError(
                f"manifest.json: {reason(exc)}", getattr(exc, "retry_after", None)
            ) from exc
        except TooLarge as exc:
            raise FeedError(str(exc)) from None
        if got is None:  # 304: the version in place is the latest
            self._ok()
            return False
        try:
            manifest = parse_manifest(got.data, "manifest.json")
        except ManifestError as exc:
            raise FeedError(str(exc)) from exc
        self.files = len(manifest.files)
        changed = False
        if manifest.version != self.version or self.current() is None:
            self._download(manifest)
            self._swap(manifest)
            changed = True
        etag, modified = got.validators
        self._save_state(etag=etag, last_modified=modified, files=self.files)
        self._ok()
        return changed

    def _ok(self) -> None:
        now = dt.datetime.now(dt.UTC)
        self._save_state(last_ok=now.isoformat(), version=self.version)
        if self.last_error is not None:
            log.info("feed %s: working again", self.url)
        self.failures = 0
        self.last_error = None
        self.last_ok = now

    def _download(self, manifest: Manifest) -> None:
        for entry in manifest.files:
            if self.objects.has(entry):
                continue  # content-addressed: only changed files travel
            # a download cut off before (a clip over a flaky link) goes on where it stopped:
            # objects never change once published, so the rest of the same URL is the rest
            start = self.objects.kept(entry)
            headers = {"Range": f"bytes={start}-"} if start else {}
            try:
                with self.session.get(
                    f"{self.url}/files/{entry.sha256}", timeout=TIMEOUT_S, stream=True,
                    headers=headers,
                ) as response:  # fmt: skip
                    try:
                        start = _resumed_at(response, start, entry)
                    except FeedError:
                        self.objects.discard(entry)  # the next try starts from the beginning
                        raise
                    # streamed into the store, checked on the way: never held whole in memory
                    self.objects.resume(response.iter_content(65536), entry, start)
            except requests.exceptions.ChunkedEncodingError as exc:
                raise FeedError(
                    f"{entry.path}: truncated download (the connection closed early)"
                ) from exc
            except requests.RequestException as exc:
                raise FeedError(f"{entry.path}: {reason(exc)}") from exc
            except ManifestError as exc:
                raise FeedError(f"{exc} (truncated download or wrong file)") from exc
            except OSError as exc:  # disk full, read-only cache
                raise FeedError(f"{entry.path}: {_cache_trouble(self.root, exc)}") from exc

    def _swap(self, manifest: Manifest) -> None:
        versions = self.root / "versions"
        final = versions / _slug(manifest.version)
        if not final.is_dir():
            scratch = versions / f".{final.name}.{os.getpid()}.tmp"
            remove_tree(scratch)
            try:
                self.objects.assemble(manifest, scratch)
            except (ManifestError, OSError) as exc:
                remove_tree(scratch)
                raise FeedError(f"cannot assemble version {manifest.version}: {exc}") from exc
            content, report = load_content(scratch)
            if content is None:
                remove_tree(scratch)
                first = report.errors[0].format() if report.errors else "invalid"
                raise FeedError(f"version {manifest.version} is not valid content: {first}")
            fsync_tree(scratch)
            scratch.rename(final)
        content, report = load_content(final)
        if content is None:
            raise FeedError(f"version {manifest.version} is not valid content")
        link = self.root / "current"
        temporary = self.root / f".current.{os.getpid()}.tmp"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(Path("versions") / final.name)
        temporary.replace(link)  # atomic: "current" is the old version or the new one
        fsync_dir(self.root)
        self.version = manifest.version
        log.info("feed %s: version %s (%d files)", self.url, manifest.version, len(manifest.files))
        self.post(ContentReady(self.adapt(content), report, f"{self.url} {manifest.version}"))
        self._collect(final)

    def _collect(self, keep: Path) -> None:
        """Remove old versions (keeping the last two) and objects no kept version uses."""
        versions = sorted(
            (
                p
                for p in (self.root / "versions").iterdir()
                if p.is_dir() and not p.name.startswith(".")
            ),
            key=lambda p: p.stat().st_mtime,
        )
        kept = {keep, *versions[-KEEP_VERSIONS:]}
        for old in versions:
            if old not in kept:
                remove_tree(old)
        used: set[int] = set()
        for folder in kept:
            for path in folder.rglob("*"):
                if path.is_file():
                    used.add(path.stat().st_ino)
        for obj in (self.root / "objects").iterdir():
            if obj.is_file() and obj.stat().st_ino not in used and obj.stat().st_nlink == 1:
                obj.unlink(missing_ok=True)

    def _cleanup(self) -> None:
        """Leftovers of an update that was interrupted: scratch folders and temporary files."""
        versions = self.root / "versions"
        if versions.is_dir():
            for path in versions.iterdir():
                if path.name.startswith("."):
                    remove_tree(path)
        for folder in (self.root, self.root / "objects"):
            if folder.is_dir():
                for path in folder.iterdir():
                    if path.name.startswith(".") and path.name.endswith(".tmp"):
                        path.unlink(missing_ok=True)


def _resumed_at(response: requests.Response, start: int, entry: Entry) -> int:
    """Where the body starts in the file: ``start`` when the server sends the rest (206),
    0 when it sends the whole file (200: a server without ranges, the download restarts)."""
    declared = response.headers.get("Content-Length")
    if response.status_code == 206 and start:
        expected = f"bytes {start}-{entry.size - 1}/{entry.size}"
        if response.headers.get("Content-Range", "") != expected:
            raise FeedError(f"{entry.path}: the server resumes at the wrong place")
        size = entry.size - start
    elif response.status_code == 200:
        start, size = 0, entry.size
    else:
        raise FeedError(f"{entry.path}: HTTP {response.status_code}")
    if declared is not None and declared.isdigit() and int(declared) != size:
        raise FeedError(
            f"{entry.path}: the server sends {declared} bytes, the manifest says {size}"
        )
    return start


def _cache_trouble(root: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"cannot store in the cache {root}: the disk is full; free some space"
    return f"cannot store in the cache {root} ({exc.strerror or exc})"

"""The live sources of the content, fetched on a thread of their own.

Each source (an http(s) URL, or a file of the content folder) is fetched on its slide's
``poll`` interval with conditional requests (ETag, Last-Modified), read with a size cap,
parsed once here, and kept: in memory for the renderers (:meth:`LiveHub.feeds`) and on
disk, so a player restarted without a network shows the last good items. A failure keeps
the last good data, is logged once (and the recovery once), backs off (twice the interval
after each failure, up to half an hour; a server's ``Retry-After`` is honoured) and is
reported in ``/status.sources``. Pictures of the items are downloaded into the cache,
capped in size; those no item shows any more are deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import requests

from signage.core.http import TooLarge
from signage.core.model import TickerFeed
from signage.core.paths import atomic_write
from signage.core.supervisor import Supervisor
from signage.core.urls import redact_url
from signage.core.values import is_url
from signage.live.fetch import MAX_RETRY_AFTER_S, USER_AGENT, Got, download, reason
from signage.live.model import Feed, Item, LiveError, Want, live_key, source_status
from signage.live.moderation import Moderation, queue_of
from signage.live.news import parse_news
from signage.live.social import parse_statuses, statuses_url
from signage.live.web import page_item

log = logging.getLogger(__name__)

MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_IMAGE_BYTES = 8 * 1024 * 1024
IMAGES_PER_FEED = 20  # pictures downloaded for the newest items only
MAX_BACKOFF_S = 1800.0
PARSERS: dict[str, Callable[[bytes, str], tuple[str, tuple[Item, ...]]]] = {
    "news": parse_news,
    "social": parse_statuses,
}


def cache_name(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:32]


@dataclass
class _State:
    want: Want
    feed: Feed | None = None
    due: float = 0.0  # monotonic
    failures: int = 0
    last_success: dt.datetime | None = None
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    file_version: tuple[int, int] | None = None
    resolved: str | None = None  # an account's statuses URL, found by its lookup


class LiveHub:
    """Keeps every live source of the content fresh; hands out their last good data."""

    def __init__(
        self,
        cache_dir: Path,
        on_change: Callable[[], None] | None = None,
        wall: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        screen: tuple[int, int] = (1920, 1080),
    ) -> None:
        self.dir = cache_dir / "live"
        self.screen = screen  # a web page's viewport when its slide gives none
        self.on_change = on_change
        self._wall = wall
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._states: dict[str, _State] = {}
        self.moderation = Moderation(self.dir)  # operators' verdicts on moderated posts
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()

    # -- what the content wants, what the renderers get -----------------------------------

    def set_sources(self, wants: dict[str, Want]) -> None:
        """The sources the content now shows (URLs, or files' resolved paths); a source
        seen before keeps its data and its schedule; a new one starts from its cache."""
        with self._lock:
            kept = {s: st for s, st in self._states.items() if s in wants}
            for source, want in wants.items():
                state = kept.get(source)
                if state is None:
                    state = kept[source] = self._from_cache(source, want)
                elif state.want != want:
                    state.want, state.due = want, 0.0
            self._states = kept
        self._wake.set()

    def feeds(self) -> tuple[Feed, ...]:
        """The last good data of every source (what the drawing worker receives), each
        item of a moderated source with the operators' verdict."""
        with self._lock:
            return tuple(
                self.moderation.judged(st.feed) if st.want.moderated else st.feed
                for source, st in self._states.items()
                if st.feed is not None
            )

    def status(self) -> dict[str, dict[str, Any]]:
        """``/status.sources``: per source (its URL without credentials), what it gave."""
        now = time.monotonic()
        with self._lock:
            return {
                redact_url(source): source_status(
                    st.want.kind,
                    len(st.feed.items) if st.feed else 0,
                    st.last_success,
                    st.last_error,
                    st.due - now,
                )
                for source, st in sorted(self._states.items())
            }

    # -- moderation --------------------------------------------------------------------------

    def queue(self) -> list[dict[str, Any]]:
        """The posts of the moderated sources (see :func:`~signage.live.moderation.queue_of`)."""
        return queue_of(tuple(f for f in self.feeds() if self._moderated(f.source)))

    def picture(self, post_id: str) -> Path | None:
        """The cached picture of a post of a moderated source (the operator page shows it)."""
        for feed in self.feeds():
            for item in feed.items:
                if item.id == post_id and item.image and self._moderated(feed.source):
                    return Path(item.image)
        return None

    def moderate(self, post_id: str, verdict: str) -> bool:
        """An operator's verdict on a post (approved or rejected); False when no moderated
        source has that post."""
        with self._lock:
            sources = [s for s, st in self._states.items() if st.want.moderated and st.feed
                       and any(item.id == post_id for item in st.feed.items)]  # fmt: skip
        if not sources:
            return False
        self.moderation.decide(sources, post_id, verdict)
        if self.on_change is not None:
            self.on_change()
        return True

    def take_verdicts(self, said: dict[str, dict[str, str]]) -> bool:
        """The studio's verdicts (over the fleet), kept for the moderated sources this screen
        shows; the walls drawn again when one changed."""
        with self._lock:
            mine = {s for s, st in self._states.items() if st.want.moderated}
        changed = self.moderation.merge({s: p for s, p in said.items() if s in mine})
        if changed and self.on_change is not None:
            self.on_change()
        return changed

    def _moderated(self, source: str) -> bool:
        with self._lock:
            state = self._states.get(source)
            return state is not None and state.want.moderated

    # -- the thread -------------------------------------------------------------------------

    def start(self, supervisor: Supervisor | None = None) -> None:
        (supervisor or Supervisor()).spawn("live-sources", self._run, self._stop)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            with self._lock:
                due = [s for s, st in self._states.items() if st.due <= now]
            changed = False
            for source in due:
                if self._stop.is_set():
                    return
                changed = self.fetch(source) or changed
            if changed and self.on_change is not None:
                self.on_change()
            with self._lock:
                next_due = min((st.due for st in self._states.values()), default=now + 60)
            self._wake.wait(timeout=max(0.5, min(60.0, next_due - time.monotonic())))
            self._wake.clear()

    def fetch(self, source: str) -> bool:
        """Fetch ``source`` once now; True when what it shows changed."""
        with self._lock:
            state = self._states.get(source)
        if state is None:
            return False
        got: Got | None = None
        items: tuple[Item, ...]
        try:
            if state.want.kind == "web":  # a picture of the page, by Chromium
                title, items = "", (page_item(source, state.want, self.dir / "web", self.screen),)
            else:
                got = (
                    self._download(source, state)
                    if is_url(source)
                    else self._read_file(source, state)
                )
                if got is None:  # 304 Not Modified, or the file as it was
                    self._succeeded(source, state, None)
                    return False
                title, items = PARSERS[state.want.kind](got.data, redact_url(source))
                # the validators of what was parsed only: a page that failed is asked again
                state.etag, state.last_modified = got.validators
                items = self._pictures(items)
        except (requests.RequestException, LiveError, TooLarge, OSError) as exc:
            self._failed(source, state, reason(exc), getattr(exc, "retry_after", None))
            return False
        changed = self._succeeded(source, state, (title, items))
        if (
            got is not None and got.wait_s is not None
        ):  # the server's rate limit is spent: not before its reset
            with self._lock:
                state.due = max(state.due, time.monotonic() + got.wait_s)
        return changed

    # -- one fetch --------------------------------------------------------------------------

    def _download(self, url: str, state: _State) -> Got | None:
        if "/api/v1/accounts/lookup?" in url:  # a Mastodon account: its statuses
            state.resolved = state.resolved or statuses_url(self.session, url)
            url = state.resolved
        known = (state.etag, state.last_modified) if state.feed is not None else (None, None)
        return download(self.session, url, known, MAX_FEED_BYTES)

    def _read_file(self, path: str, state: _State) -> Got | None:
        stat = Path(path).stat()
        version = (stat.st_mtime_ns, stat.st_size)
        if state.feed is not None and state.file_version == version:
            return None
        if stat.st_size > MAX_FEED_BYTES:
            raise TooLarge(f"{path}: more than {MAX_FEED_BYTES:,} bytes")
        state.file_version = version
        return Got(Path(path).read_bytes(), (None, None))

    def _pictures(self, items: tuple[Item, ...]) -> tuple[Item, ...]:
        """Each of the newest items' picture, downloaded once into the cache (a failure
        leaves the item without one, remembered so it is not tried at every poll)."""
        out = []
        for index, item in enumerate(items):
            if item.image_url is None or index >= IMAGES_PER_FEED or self._stop.is_set():
                out.append(item)
                continue
            target = self.dir / "images" / cache_name(item.image_url)
            if not target.exists():
                try:
                    got = download(self.session, item.image_url, (None, None), MAX_IMAGE_BYTES)
                    if got is None or not got.kind.startswith("image/"):
                        kind = got.kind if got is not None else "nothing"
                        raise LiveError(f"a {kind or 'file without a type'}, not an image")
                    data = got.data
                except (requests.RequestException, LiveError, TooLarge) as exc:
                    log.info("picture not downloaded: %s", redact_url(f"{item.image_url} ({exc})"))
                    data = b""  # remembered as missing
                atomic_write(target, data)
            found = target.stat().st_size > 0
            out.append(replace(item, image=str(target) if found else None))
        return tuple(out)

    def _succeeded(
        self, source: str, state: _State, got: tuple[str, tuple[Item, ...]] | None
    ) -> bool:
        now = self._wall()
        changed = False
        with self._lock:
            recovered = state.last_error is not None
            state.failures, state.last_error, state.last_success = 0, None, now
            state.due = time.monotonic() + state.want.poll_s
            if got is not None:
                title, items = got
                version = Feed.version_of(title, items)
                changed = state.feed is None or state.feed.version != version
                state.feed = Feed(source, state.want.kind, title, items, now, version)
        if recovered:
            log.info("live source %s: fetched again", redact_url(source))
        if got is not None:
            self._save(source, state)
            if changed:
                self._prune()
        return changed

    def _failed(self, source: str, state: _State, reason: str, retry_after: float | None) -> None:
        shown = redact_url(reason)
        with self._lock:
            first = state.last_error is None
            state.failures += 1
            state.last_error = shown
            wait = min(state.want.poll_s * 2 ** (state.failures - 1), MAX_BACKOFF_S)
            if retry_after is not None:
                wait = max(wait, min(retry_after, MAX_RETRY_AFTER_S))
            state.due = time.monotonic() + wait
        if first:
            held = "keeping its last good items" if state.feed else "nothing to show yet"
            log.warning("live source %s: %s (%s)", redact_url(source), shown, held)

    # -- the cache --------------------------------------------------------------------------

    def _save(self, source: str, state: _State) -> None:
        feed = state.feed
        if feed is None:
            return
        record = {
            "source": source, "kind": feed.kind, "title": feed.title,
            "items": [item.as_json() for item in feed.items],
            "fetched_at": _iso(feed.fetched_at), "etag": state.etag,
            "last_modified": state.last_modified,
        }  # fmt: skip
        try:
            atomic_write(self.dir / f"{cache_name(source)}.json", json.dumps(record).encode())
        except OSError as exc:  # a full disk: the data stays in memory
            log.warning("live source %s: cache not written (%s)", redact_url(source), exc)

    def _from_cache(self, source: str, want: Want) -> _State:
        state = _State(want)
        path = self.dir / f"{cache_name(source)}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            items = tuple(Item.from_json(item) for item in record["items"])
            fetched = record.get("fetched_at")
            at = dt.datetime.fromisoformat(fetched) if fetched else None
        except (OSError, ValueError, KeyError, TypeError):
            return state  # nothing cached, or not readable: fetched afresh
        if record.get("source") != source or record.get("kind") != want.kind:
            return state
        title = str(record.get("title", ""))
        state.feed = Feed(source, want.kind, title, items, at, Feed.version_of(title, items))
        state.etag, state.last_modified = record.get("etag"), record.get("last_modified")
        return state

    def _prune(self) -> None:
        """Pictures no source shows any more go: the cache does not grow with the news."""
        folder = self.dir / "images"
        with self._lock:
            shown = {
                item.image for st in self._states.values() if st.feed for item in st.feed.items
            }
            wanted = {cache_name(item.image_url) for st in self._states.values() if st.feed
                      for item in st.feed.items if item.image_url}  # fmt: skip
        try:
            for path in folder.iterdir():
                if (
                    str(path) not in shown
                    and path.name not in wanted
                    and not path.name.startswith(".")
                ):
                    path.unlink(missing_ok=True)
        except OSError:
            pass


def wants_of(content: Any) -> dict[str, Want]:
    """The live sources the content shows (its slides' and its theme's ticker's), by the
    hub's name for them (a URL, or a file's resolved path), each with its parser and its
    shortest poll interval."""
    wanted = [(s, w) for slide in content.slides() for s, w in slide.live().items()]
    wanted += [(entry.source, Want("news", entry.poll_s)) for entry in content.theme.ticker
               if isinstance(entry, TickerFeed)]  # fmt: skip
    found: dict[str, Want] = {}
    for source, want in wanted:
        key = live_key(source, content.root)
        known = found.get(key)
        if known is None or want.poll_s < known.poll_s:
            found[key] = want
    return found


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") if when else None

"""The public alerts a screen watches (``alerts:`` in player.yaml), on a thread of its own.

Sources are publishers' URLs (a CAP alert, or an Atom or RSS index of alerts as national
publishers serve them: each entry links to its CAP file) and folders (every ``.xml`` and
``.cap`` file in them: a feed folder, a USB stick). Each is read on the ``poll`` interval
with conditional requests; the fleet hands alerts in too (:meth:`AlertWatch.take`). All
go into one :class:`~signage.live.cap.AlertBook`, so an alert received from two paths is
shown once; when what the screen must show changes (an alert in force, updated,
cancelled, expired), ``on_change`` is told at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import requests
import yaml

from signage.core.schema import INVALID, Boolean, Choice, Ctx, Field, ListOf, Number, Obj, Text
from signage.core.supervisor import Supervisor
from signage.core.urls import redact_url
from signage.core.values import Duration, is_url
from signage.live.cap import (
    MAX_CAP_BYTES,
    SEVERITIES,
    AlertBook,
    AlertRules,
    ShownAlert,
    Venue,
    parse_cap,
    polygon_of,
)
from signage.live.fetch import USER_AGENT, Validators, download, reason
from signage.live.model import LiveError

log = logging.getLogger(__name__)

FOLDER_EVERY_S = 1.0


class CapPolygon(Text):
    """A polygon written as CAP writes it, checked as CAP's are."""

    def __init__(self) -> None:
        super().__init__(max_len=20000)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return 'a closed polygon like "48.83,2.25 48.83,2.28 48.81,2.28 48.83,2.25"'

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        text = super().check(node, ctx, path)
        if text is INVALID:
            return INVALID
        try:
            return polygon_of(text)
        except LiveError as exc:
            return ctx.error(node, path, str(exc))


ALERTS = Obj(
    {
        "sources": Field(
            ListOf(Text(max_len=2000), min_items=1, single_ok=True),
            required=True,
            doc="Publishers' URLs (a CAP alert, or an Atom or RSS index of CAP alerts) and "
            "folders of .xml or .cap files",
        ),
        "area": Field(
            Obj(
                {
                    "lat": Field(Number(-90, 90), doc="The venue's latitude"),
                    "lon": Field(Number(-180, 180), doc="The venue's longitude"),
                    "polygon": Field(
                        CapPolygon(),
                        doc='The venue as a CAP polygon: "lat,lon lat,lon ..." (closed)',
                    ),
                    "geocode": Field(
                        ListOf(
                            Text(max_len=200, pattern=r"[^=]+=.+", pattern_help="NAME=VALUE"),
                            single_ok=True,
                        ),
                        doc="The venue's codes as publishers' <geocode> name them, like INSEE=92040",
                    ),
                },
                name="the venue like {lat: 48.8245, lon: 2.2637}",
            ),
            required=True,
            doc="Where the screens stand: {lat, lon}, {polygon}, and/or {geocode}",
        ),
        "min_severity": Field(
            Choice(tuple(s.lower() for s in SEVERITIES[1:])),
            default="moderate",
            doc="The least severity shown: minor, moderate, severe or extreme",
        ),
        "show_tests": Field(Boolean(), default=False, doc="Show Test and Exercise alerts too"),
        "poll": Field(Duration(5, 3600), default=30.0, doc="How often sources are read (seconds)"),
    },
    name="public alerts like {sources: [URL], area: {lat: 48.82, lon: 2.26}}",
)


@dataclass(frozen=True)
class AlertConfig:
    sources: tuple[str, ...]
    rules: AlertRules
    poll_s: float = 30.0


def alert_config(values: Any) -> AlertConfig:
    """The checked ``alerts:`` mapping of player.yaml as the watch uses it."""
    area = values["area"]
    point = (
        (area["lat"], area["lon"])
        if area.get("lat") is not None and area.get("lon") is not None
        else None
    )
    polygon = area.get("polygon") or ()
    geocodes = tuple(tuple(code.split("=", 1)) for code in area.get("geocode") or ())
    severity = str(values["min_severity"]).capitalize()
    rules = AlertRules(Venue(point, polygon, geocodes), severity, bool(values["show_tests"]))
    return AlertConfig(tuple(values["sources"]), rules, float(values["poll"]))


@dataclass
class _Source:
    validators: Validators = (None, None)
    last_success: dt.datetime | None = None
    last_error: str | None = None
    alerts: int = 0
    seen: dict[str, tuple[int, int] | str] | None = None  # file or link -> its version


class AlertWatch:
    """Reads the alert sources; tells ``on_change`` what the screen must show."""

    def __init__(
        self,
        config: AlertConfig,
        on_change: Callable[[ShownAlert | None], None] | None = None,
        locale: str = "fr",
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.config = config
        self.book = AlertBook(config.rules)
        self.on_change = on_change
        self.locale = locale
        self._now = now
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._sources = {source: _Source(seen={}) for source in config.sources}
        self._folders = any(not is_url(source) for source in config.sources)
        self._shown: ShownAlert | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()

    # -- in --------------------------------------------------------------------------------

    def take(self, data: bytes, origin: str) -> dict[str, Any]:
        """An alert handed in (the fleet's MQTT command): kept like a publisher's; the
        result says what was done."""
        try:
            alert = parse_cap(data)
        except LiveError as exc:
            log.warning("alert from %s refused: %s", origin, exc)
            return {"ok": False, "error": str(exc)}
        changed = self.book.take(alert)
        self._wake.set()
        return {"ok": True, "identifier": alert.identifier, "new": changed}

    def read_all(self) -> None:
        """Every source once, now (the thread does this on the poll interval)."""
        for source in self.config.sources:
            if self._stop.is_set():
                return
            self._read(source)
        self.evaluate()

    def evaluate(self) -> ShownAlert | None:
        """What the screen must show now; ``on_change`` is told when it changed."""
        shown = self.book.current(self._now(), self.locale)
        with self._lock:
            changed, self._shown = shown != self._shown, shown
        if changed:
            if shown is not None:
                log.warning(
                    "public alert in force: %s (%s) from %s",
                    shown.event,
                    shown.severity,
                    shown.sender,
                )
            else:
                log.info("no public alert in force any more")
            if self.on_change is not None:
                self.on_change(shown)
        return shown

    def status(self) -> dict[str, dict[str, Any]]:
        """Each source for ``/status.sources`` (kind ``cap``)."""
        with self._lock:
            return {
                redact_url(name): {
                    "kind": "cap",
                    "items": state.alerts,
                    "last_success": state.last_success.isoformat(timespec="seconds")
                    if state.last_success
                    else None,
                    "last_error": state.last_error,
                }
                for name, state in self._sources.items()
            }

    # -- the thread --------------------------------------------------------------------------

    def start(self, supervisor: Supervisor | None = None) -> None:
        (supervisor or Supervisor()).spawn("alerts", self._run, self._stop)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        """URLs on the poll interval; folders every second (a stat of a few files: an
        alert dropped in a feed folder is on screen within two seconds)."""
        next_read = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_read:
                for source in self.config.sources:
                    if is_url(source) and not self._stop.is_set():
                        self._read(source)
                next_read = time.monotonic() + self.config.poll_s
            for source in self.config.sources:
                if not is_url(source) and not self._stop.is_set():
                    self._read(source)
            self.evaluate()  # an alert handed in or read, or one that began or ended
            wait = min(next_read - time.monotonic(), FOLDER_EVERY_S if self._folders else 60.0)
            change = self.book.next_change(self._now())
            if change is not None:
                wait = min(wait, (change - self._now()).total_seconds() + 0.05)
            self._wake.wait(timeout=max(0.05, wait))
            self._wake.clear()

    # -- one source --------------------------------------------------------------------------

    def _read(self, source: str) -> None:
        state = self._sources[source]
        try:
            count = (
                self._url(source, state) if is_url(source) else self._folder(Path(source), state)
            )
        except (requests.RequestException, LiveError, OSError) as exc:
            self._failed(source, state, reason(exc))
            return
        with self._lock:
            recovered = state.last_error is not None
            state.last_success, state.last_error = self._now(), None
            if count is not None:
                state.alerts = count
        if recovered:
            log.info("alert source %s: read again", redact_url(source))

    def _url(self, url: str, state: _Source) -> int | None:
        got = download(self.session, url, state.validators, MAX_CAP_BYTES)
        if got is None:
            return None  # 304: as it was
        data, validators = got.data, got.validators
        try:
            alerts = [parse_cap(data)]
        except LiveError as not_cap:
            alerts = self._index(data, url, state, not_cap)
        for alert in alerts:
            self.book.take(alert)
        state.validators = validators  # only once what it said was read
        return len(alerts)

    def _index(self, data: bytes, url: str, state: _Source, not_cap: LiveError) -> list[Any]:
        """An Atom or RSS index of alerts: the CAP file each entry links to, read once per
        version of the entry."""
        parsed = feedparser.parse(data, response_headers={"content-location": url})
        if not parsed.get("version"):
            raise not_cap  # neither an alert nor an index: the alert's reason says why
        alerts = []
        seen = state.seen if state.seen is not None else {}
        for entry in parsed.entries[:200]:
            link = _cap_link(entry)
            if link is None:
                continue
            version = str(entry.get("updated") or entry.get("id") or "")
            if seen.get(link) == version:
                continue
            got = download(self.session, link, (None, None), MAX_CAP_BYTES)
            if got is not None:
                alerts.append(parse_cap(got.data))
                seen[link] = version
        return alerts

    def _folder(self, folder: Path, state: _Source) -> int:
        if not folder.is_dir():
            raise LiveError(f"{folder}: not a folder (and not an http(s) URL)")
        seen = state.seen if state.seen is not None else {}
        count, problems = 0, []
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in (".xml", ".cap") or not path.is_file():
                continue
            stat = path.stat()
            version = (stat.st_mtime_ns, stat.st_size)
            count += 1
            if seen.get(path.name) == version:
                continue
            try:
                self.book.take(parse_cap(path.read_bytes()))
                seen[path.name] = version
            except LiveError as exc:
                problems.append(f"{path.name}: {exc}")
        if problems:
            raise LiveError("; ".join(problems[:3]))
        return count

    def _failed(self, source: str, state: _Source, why: str) -> None:
        shown = redact_url(why)
        with self._lock:
            first = state.last_error != shown
            state.last_error = shown
        if first:
            log.warning("alert source %s: %s", redact_url(source), shown)


def _cap_link(entry: Any) -> str | None:
    for link in entry.get("links", []) or []:
        kind = str(link.get("type", ""))
        if "cap" in kind or str(link.get("href", "")).endswith((".xml", ".cap")):
            return str(link.get("href"))
    link = entry.get("link")
    return str(link) if link else None

"""Programmes as slides show them: parsed once per version, compared with the previous version
(moved, delayed, cancelled, new room), and shifted by the technicians' running delays."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from signage.live.model import Feed
from signage.programme.load import load
from signage.programme.model import Event, Programme, ProgrammeError, fold

SMALL_SHIFT = dt.timedelta(hours=3)  # within this, a new time reads "+15 min"; beyond, "moved to"


def cache_name(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ProgrammeServices:
    """What schedule slides need beyond the slide; picklable, so it travels to the worker."""

    cache_dir: str | None = None  # downloaded programmes and speaker photos
    delays: tuple[tuple[str, float], ...] = ()  # (room, seconds)
    portraits: tuple[tuple[str, str], ...] = ()  # (name, file) from the content's speaker slides
    rooms: tuple[tuple[str, str, str], ...] = ()  # (folded room, state, note) from the fleet
    # the programmes as they arrived, parsed and compared once (the fetcher's store): the
    # worker draws from these instead of parsing the files again
    parsed: tuple[Parsed, ...] = ()
    # the live sources' last good data (news feeds), as the live hub parsed them
    live: tuple[Feed, ...] = ()

    def feed(self, key: str) -> Feed | None:
        """The last good data of a live source (a URL, or a file's resolved path), if here."""
        return next((f for f in self.live if f.source == key), None)

    def known(self, source: str) -> Parsed | None:
        """The parsed programme of ``source`` (a URL, or a file's resolved path), if here."""
        return next((p for p in self.parsed if p.source == source), None)

    def room_state(self, room: str) -> tuple[str, str] | None:
        """(state, note) of a room that is full or closed (the fleet's room states)."""
        wanted = fold(room)
        for name, state, note in self.rooms:
            if name == wanted and state in ("full", "closed"):
                return state, note
        return None

    @classmethod
    def of(
        cls,
        content: object,
        cache_dir: str | None,
        rooms: tuple[tuple[str, str, str], ...] = (),
        parsed: tuple[Parsed, ...] = (),
        live: tuple[Feed, ...] = (),
    ) -> ProgrammeServices:
        """Services for a content folder: its delays, the portraits its speaker slides show,
        and the fleet's room states (``rooms``)."""
        root = Path(getattr(content, "root", "."))
        portraits = {
            fold(slide.name): str(root / slide.photo)
            for playlist in getattr(content, "playlists", ())
            for slide in playlist.slides
            if getattr(slide, "type", "") == "speaker" and getattr(slide, "photo", None)
        }
        delays = getattr(content, "delays", ())
        return cls(cache_dir, delays, tuple(sorted(portraits.items())), rooms, parsed, live)

    def portrait(self, name: str, url: str | None) -> Path | None:
        """A photo of this speaker: one the content already shows for that name, else the download."""
        wanted = fold(name)
        for known, path in self.portraits:
            if known == wanted and Path(path).is_file():
                return Path(path)
        return self.avatar(url)

    def cached(self, url: str) -> Path | None:
        """The last good download of a programme URL, if there is one."""
        if not self.cache_dir:
            return None
        path = Path(self.cache_dir) / "programmes" / cache_name(url)
        return path if path.is_file() else None

    def avatar(self, url: str | None) -> Path | None:
        """A speaker photo downloaded from ``url``, or a file path; None when not available."""
        if not url:
            return None
        if not url.startswith(("http://", "https://")):
            path = Path(url)
            return path if path.is_file() else None
        if not self.cache_dir:
            return None
        path = Path(self.cache_dir) / "avatars" / cache_name(url)
        return path if path.is_file() and path.stat().st_size > 0 else None


@dataclass(frozen=True)
class Change:
    kind: str  # "shift" | "moved" | "room" | "delay"
    minutes: int = 0
    start: dt.datetime | None = None
    old_room: str = ""


@dataclass(frozen=True)
class Parsed:
    """One version of a programme as it arrived: parsed, and compared with the versions
    before it (what moved, what was cancelled). Picklable: it travels to the worker."""

    source: str
    programme: Programme
    changes: tuple[tuple[str, Change], ...] = ()
    cancelled: tuple[Event, ...] = ()

    def shown(self, services: ProgrammeServices | None, at: dt.datetime) -> Shown:
        """As slides show it at ``at``: the running delays applied."""
        delays = services.delays if services else ()
        delayed, delay_changes = apply_delays(self.programme, delays, at)
        return Shown(delayed, {**delay_changes, **dict(self.changes)}, self.cancelled)


@dataclass
class Shown:
    """A programme with its changes since the previous version and the running delays applied."""

    programme: Programme
    changes: dict[str, Change] = field(default_factory=dict)
    cancelled: tuple[Event, ...] = ()


def diff(old: Programme, new: Programme) -> tuple[dict[str, Change], tuple[Event, ...]]:
    """What changed for each event still in the programme, and the events that disappeared."""
    before = {e.id: e for e in old.events}
    changes: dict[str, Change] = {}
    for event in new.events:
        previous = before.get(event.id)
        if previous is None:
            continue
        if event.start != previous.start:
            delta = event.start - previous.start
            if abs(delta) <= SMALL_SHIFT:
                changes[event.id] = Change("shift", round(delta.total_seconds() / 60), event.start)
            else:
                changes[event.id] = Change("moved", 0, event.start)
        elif event.room != previous.room:
            changes[event.id] = Change("room", old_room=previous.room)
    current = {e.id for e in new.events}
    cancelled = tuple(e for e in old.events if e.id not in current)
    return changes, cancelled


def apply_delays(
    programme: Programme, delays: tuple[tuple[str, float], ...], at: dt.datetime
) -> tuple[Programme, dict[str, Change]]:
    """Shift the events of delayed rooms that are not over yet (a late talk stays "now" until its shifted end)."""
    if not delays:
        return programme, {}
    by_room = {fold(room): dt.timedelta(seconds=seconds) for room, seconds in delays}
    changes: dict[str, Change] = {}
    events = []
    for event in programme.events:
        delay = by_room.get(fold(event.room))
        if delay and event.end + delay > at:
            events.append(replace(event, start=event.start + delay, end=event.end + delay))
            changes[event.id] = Change("delay", round(delay.total_seconds() / 60))
        else:
            events.append(event)
    return replace(programme, events=tuple(events)), changes


class ProgrammeStore:
    """Parsed programmes by source, kept per version of the file; lives in the worker process.

    Bounded: the ``KEPT`` sources used last are kept (a content folder names a handful);
    one not asked for since is forgotten with its changes, so a player whose content
    named many programmes over a week does not keep them all."""

    KEPT = 16

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[tuple[int, int], Programme]] = {}
        self._changes: dict[str, tuple[dict[str, Change], tuple[Event, ...]]] = {}
        self._lock = threading.RLock()  # the fetcher's thread writes, the HTTP thread reads
        self._snapshot: tuple[Parsed, ...] = ()

    def snapshot(self) -> tuple[Parsed, ...]:
        """Every programme held, as it arrived (cheap: made when one changes)."""
        return self._snapshot

    def version(self, source: str) -> tuple[int, int] | None:
        """The (mtime, size) of the version of ``source`` held (None: none)."""
        known = self._parsed.get(source)
        return known[0] if known is not None else None

    def forget(self, source: str) -> bool:
        """Drop ``source`` (a file that no longer parses: its slide says why, not an old
        version); True when it was held."""
        with self._lock:
            held = self._parsed.pop(source, None) is not None
            self._changes.pop(source, None)
            self._snapshot = tuple(p for p in self._snapshot if p.source != source)
            return held

    def take(self, source: str, programme: Programme, version: tuple[int, int]) -> None:
        """A version of ``source`` that arrived parsed (the fetcher parsed it to check it):
        compared with the one before, kept, and put in the snapshot."""
        with self._lock:
            self._record(source, version, programme)

    def _used(self, source: str) -> None:
        """``source`` moves to the end (the most recent); the oldest beyond KEPT go."""
        if source in self._parsed:
            self._parsed[source] = self._parsed.pop(source)
        while len(self._parsed) > self.KEPT:
            oldest = next(iter(self._parsed))
            del self._parsed[oldest]
            self._changes.pop(oldest, None)

    def get(
        self, source: str, path: Path, zone: dt.tzinfo | None
    ) -> tuple[Programme, dict[str, Change], tuple[Event, ...]]:
        try:
            stat = path.stat()
        except OSError as exc:
            raise ProgrammeError(f"{source}: cannot read ({exc.strerror})") from exc
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._parsed.get(source)
            self._used(source)
            if known is not None and known[0] == key:
                changes, cancelled = self._changes.get(source, ({}, ()))
                return known[1], changes, cancelled
            programme = load(str(path), zone)
            return self._record(source, key, programme)

    def _record(
        self, source: str, key: tuple[int, int], programme: Programme
    ) -> tuple[Programme, dict[str, Change], tuple[Event, ...]]:
        known = self._parsed.get(source)
        if known is not None:
            new_changes, new_cancelled = diff(known[1], programme)
            old_changes, old_cancelled = self._changes.get(source, ({}, ()))
            # changes stay marked until the event changes again; a cancelled event that
            # comes back is no longer cancelled
            merged = {k: v for k, v in old_changes.items() if k in {e.id for e in programme.events}}
            merged.update(new_changes)
            ids = {e.id for e in programme.events}
            gone = {e.id: e for e in (*old_cancelled, *new_cancelled) if e.id not in ids}
            self._changes[source] = (merged, tuple(gone.values()))
        self._parsed[source] = (key, programme)
        self._used(source)
        self._snapshot = tuple(
            Parsed(name, parsed, tuple(self._changes.get(name, ({}, ()))[0].items()),
                   self._changes.get(name, ({}, ()))[1])
            for name, (_, parsed) in self._parsed.items()
        )  # fmt: skip
        changes, cancelled = self._changes.get(source, ({}, ()))
        return programme, changes, cancelled

    def shown(
        self, source: str, path: Path, services: ProgrammeServices | None, at: dt.datetime
    ) -> Shown:
        programme, changes, cancelled = self.get(source, path, at.tzinfo)
        delayed, delay_changes = apply_delays(programme, services.delays if services else (), at)
        merged = {**delay_changes, **changes}
        return Shown(delayed, merged, cancelled)


STORE = ProgrammeStore()

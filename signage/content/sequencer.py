"""Which slide is on at an instant, and until when. Pure: no sleeping, no I/O, the clock injected.

The render loop asks :func:`what_now` whenever the deadline it was given
passes (or when something happens: a reload, a key, a command), so the
sequencer decides and the loop only waits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from signage.content.model import Content, Layout, Playlist
from signage.content.playlist import MAX_DURATION_S, reading_seconds
from signage.slides import Slide

FALLBACK_RECHECK = dt.timedelta(seconds=60)
# A loop that wakes a little late continues from the planned instant, so slides
# do not drift; past this, it starts afresh from now.
DRIFT_TOLERANCE = dt.timedelta(seconds=2)

SlideKey = tuple[str, str]  # (playlist path, slide id)


def key_of(playlist: Playlist, slide: Slide) -> SlideKey:
    return (playlist.path, slide.id)


def not_here(content: Content | None, room: str | None) -> set[SlideKey]:
    """The slides that show the screen's own room (``room: auto``), on a screen that has
    none: they do not play there (the room view fell back to every room and repeated the
    slide before it; "Intervenants de la salle" showed every room's)."""
    if content is None or room:
        return set()
    return {key_of(p, s) for p in content.playlists for s in p.slides if needs_room(s)}


def needs_room(slide: Slide) -> bool:
    return getattr(slide, "room", None) == "auto"


@dataclass(frozen=True)
class Playing:
    """The slide on screen: where it is, when it started, when it ends, when to ask again."""

    playlist: Playlist | None
    index: int  # in playlist.slides; -1 when nothing can play (the fallback slide)
    started: dt.datetime
    ends: dt.datetime
    until: dt.datetime

    @property
    def slide(self) -> Slide | None:
        if self.playlist is None or self.index < 0:
            return None
        return self.playlist.slides[self.index]

    @property
    def key(self) -> SlideKey | None:
        slide = self.slide
        return key_of(self.playlist, slide) if self.playlist and slide else None


def _eligible(
    playlist: Playlist, slide: Slide, now: dt.datetime, skip: frozenset[SlideKey]
) -> bool:
    if key_of(playlist, slide) in skip:
        return False
    return slide.when is None or slide.when.contains(now)


def _candidates(content: Content, screen: str, only: str | None) -> list[Playlist]:
    """The playlists that may play: this screen's, or only the one a layout's region names
    (``only``, a playlist path: the layout chose it, whatever its ``screens``)."""
    if only is not None:
        return [p for p in content.playlists if p.path == only]
    return [p for p in content.playlists if p.plays_on(screen)]


def active_playlist(
    content: Content | None,
    screen: str,
    now: dt.datetime,
    skip: frozenset[SlideKey] = frozenset(),
    only: str | None = None,
) -> Playlist | None:
    """The highest-priority playlist for this screen that is in its window and has a slide to show.

    On equal priority, the first by file name wins.
    """
    if content is None:
        return None
    best: Playlist | None = None
    for playlist in _candidates(content, screen, only):
        if playlist.when is not None and not playlist.when.contains(now):
            continue
        if not any(_eligible(playlist, s, now, skip) for s in playlist.slides):
            continue
        if best is None or playlist.priority > best.priority:
            best = playlist
    return best


def next_boundary(
    content: Content | None, screen: str, now: dt.datetime, only: str | None = None
) -> dt.datetime | None:
    """The next instant where a playlist's or slide's window may open or close."""
    if content is None:
        return None
    moments: list[dt.datetime] = []
    for playlist in _candidates(content, screen, only):
        windows = [playlist.when, *(s.when for s in playlist.slides)]
        for when in windows:
            if when is not None:
                moments.extend(when.boundaries(now))
    return min(moments) if moments else None


def _cap(ends: dt.datetime, boundary: dt.datetime | None) -> dt.datetime:
    return min(ends, boundary) if boundary is not None else ends


def _fallback(
    content: Content | None, screen: str, now: dt.datetime, only: str | None = None
) -> Playing:
    boundary = next_boundary(content, screen, now, only)
    until = _cap(now + FALLBACK_RECHECK, boundary)
    return Playing(None, -1, now, until, until)


def _start(
    playlist: Playlist,
    index: int,
    now: dt.datetime,
    boundary: dt.datetime | None,
    planned: dt.datetime | None = None,
) -> Playing:
    started = now
    if planned is not None and planned <= now < planned + DRIFT_TOLERANCE:
        started = planned
    ends = started + dt.timedelta(seconds=playlist.slides[index].duration_s)
    return Playing(playlist, index, started, ends, _cap(ends, boundary))


def _find(
    playlist: Playlist, start: int, step: int, now: dt.datetime, skip: frozenset[SlideKey]
) -> int | None:
    count = len(playlist.slides)
    for offset in range(count):
        index = (start + step * offset) % count
        if _eligible(playlist, playlist.slides[index], now, skip):
            return index
    return None


def what_now(
    content: Content | None,
    screen: str,
    now: dt.datetime,
    current: Playing | None = None,
    skip: Iterable[SlideKey] = (),
    only: str | None = None,
) -> Playing:
    """What plays at ``now``, given what was playing. Keeps the current slide until it ends.
    ``only``: the playlist a layout's region plays (its path), instead of the screen's."""
    skipped = frozenset(skip)
    playlist = active_playlist(content, screen, now, skipped, only)
    boundary = next_boundary(content, screen, now, only)
    if playlist is None:
        return _fallback(content, screen, now, only)
    planned: dt.datetime | None
    same = (
        current is not None
        and current.playlist is not None
        and current.playlist.path == playlist.path
    )
    if same and current is not None and current.slide is not None:
        slide = current.slide
        if now < current.ends and _eligible(playlist, slide, now, skipped):
            return replace(current, until=_cap(current.ends, boundary))
        index = _find(playlist, current.index + 1, 1, now, skipped)
        planned = current.ends
    else:
        index = _find(playlist, 0, 1, now, skipped)
        planned = current.ends if current is not None else None
    if index is None:  # cannot happen: active_playlist checked there is one
        return _fallback(content, screen, now, only)
    if playlist.sync:
        in_step = synced(playlist, now, skipped, boundary)
        if in_step is not None:
            if (
                same
                and current is not None
                and (current.index, current.started)
                == (
                    in_step.index,
                    in_step.started,
                )
            ):  # the same slide keeps the next slot (its slide cannot play): it stays on
                return replace(current, ends=in_step.ends, until=in_step.until)
            return in_step
    return _start(playlist, index, now, boundary, planned)


def synced(
    playlist: Playlist, now: dt.datetime, skip: frozenset[SlideKey], boundary: dt.datetime | None
) -> Playing | None:
    """A ``sync: true`` playlist at ``now``: the slide whose slot of the cycle (counted from
    midnight in ``now``'s zone, the content's) holds ``now``, started when its slot did, so
    that every screen shows the same slide from the same instant. A slide that cannot play
    (its window closed, or it failed here) keeps its slot: the one before it stays on."""
    cycle = playlist.cycle_s
    if cycle <= 0:
        return None
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # real time since midnight (a DST day has 23 or 25 hours), in whole microseconds (in
    # UTC: no float, no wall-clock arithmetic), so every screen computes the same slot and
    # its start is the edge itself, not ``now`` less a rounded count (a start a fraction of
    # a millisecond before a minute drew the old minute's clock)
    now_utc = now.astimezone(dt.UTC)
    since = now_utc - midnight.astimezone(dt.UTC)
    into_us = since // dt.timedelta(microseconds=1) % round(cycle * 1_000_000)
    cycle_start = (now_utc - dt.timedelta(microseconds=into_us)).astimezone(now.tzinfo)
    elapsed = into_us / 1_000_000
    offsets = [0.0]
    for slide in playlist.slides:
        offsets.append(offsets[-1] + slide.duration_s)
    slot = max(i for i in range(len(playlist.slides)) if offsets[i] <= elapsed)
    count = len(playlist.slides)
    for back in range(count):
        index = (slot - back) % count
        if _eligible(playlist, playlist.slides[index], now, skip):
            break
    else:
        return None
    lap = 0.0 if index <= slot else -cycle  # the one before began in the previous cycle
    started = cycle_start + dt.timedelta(seconds=offsets[index] + lap)
    ends = cycle_start + dt.timedelta(seconds=offsets[slot + 1])
    return Playing(playlist, index, started, ends, _cap(ends, boundary))


def step(
    content: Content | None,
    screen: str,
    now: dt.datetime,
    current: Playing | None,
    direction: int,
    skip: Iterable[SlideKey] = (),
    only: str | None = None,
) -> Playing:
    """The next (``direction=1``) or previous (``-1``) slide, starting now (keys, commands)."""
    skipped = frozenset(skip)
    playlist = active_playlist(content, screen, now, skipped, only)
    if playlist is None:
        return _fallback(content, screen, now, only)
    boundary = next_boundary(content, screen, now, only)
    start = 0
    if (
        current is not None
        and current.playlist is not None
        and current.playlist.path == playlist.path
    ):
        start = current.index + direction
    elif direction < 0:
        start = len(playlist.slides) - 1
    index = _find(playlist, start, 1 if direction >= 0 else -1, now, skipped)
    if index is None:
        return _fallback(content, screen, now, only)
    return _start(playlist, index, now, boundary)


def show(
    content: Content | None, screen: str, now: dt.datetime, slide_id: str, only: str | None = None
) -> Playing | None:
    """Jump to the slide with this id in an active-or-not playlist for this screen (None if absent)."""
    if content is None:
        return None
    preferred = active_playlist(content, screen, now, only=only)
    ordered = sorted(_candidates(content, screen, only), key=lambda p: p is not preferred)
    for playlist in ordered:
        for index, slide in enumerate(playlist.slides):
            if slide.id == slide_id:
                return _start(playlist, index, now, next_boundary(content, screen, now, only))
    return None


def relocate(
    content: Content | None,
    screen: str,
    now: dt.datetime,
    current: Playing | None,
    only: str | None = None,
) -> Playing:
    """After a reload: keep the slide on screen (same playlist file, same id) with its timing."""
    if content is None or current is None or current.slide is None or current.playlist is None:
        return what_now(content, screen, now, only=only)
    for playlist in content.playlists:
        if playlist.path != current.playlist.path:
            continue
        for index, slide in enumerate(playlist.slides):
            if slide.id == current.slide.id:
                ends = current.started + dt.timedelta(seconds=slide.duration_s)
                moved = Playing(playlist, index, current.started, ends, ends)
                return what_now(content, screen, now, moved, only=only)
    return what_now(content, screen, now, only=only)


def retime(
    content: Content | None,
    screen: str,
    now: dt.datetime,
    current: Playing | None,
    only: str | None = None,
) -> Playing:
    """After the clock jumped back (an NTP correction): the same slide, its time counted from now,
    if it may still play; else what plays now."""
    if current is None or current.playlist is None or current.slide is None:
        return what_now(content, screen, now, only=only)
    active = active_playlist(content, screen, now, only=only)
    slide = current.slide
    if (
        active is None
        or active.path != current.playlist.path
        or not _eligible(active, slide, now, frozenset())
    ):
        return what_now(content, screen, now, only=only)
    return _start(current.playlist, current.index, now, next_boundary(content, screen, now, only))


def held_for_reading(playing: Playing, words: int, reading_s: float = 0.0) -> Playing:
    """A ``duration: auto`` slide whose words are known once drawn (a schedule view, a
    text in pages): its end moved so it stays on screen the time those words take to read
    (3 a second + 2 s; ``reading_s`` for every page of a paged one)."""
    slide = playing.slide
    paged = reading_s > 0 and not (slide is not None and slide.fixed_duration)
    if slide is None or not (slide.auto_duration or paged) or not (words or reading_s):
        return playing
    if playing.playlist is not None and playing.playlist.sync:
        return playing  # in step with the other screens: the slot is the slot
    seconds = max(reading_seconds(words) if words and slide.auto_duration else 0.0, reading_s)
    needed = dt.timedelta(seconds=min(MAX_DURATION_S, seconds))
    if playing.ends - playing.started >= needed:
        return playing
    ends = playing.started + needed
    # a window's edge (until before ends) still ends it there
    until = ends if playing.until >= playing.ends else playing.until
    return replace(playing, ends=ends, until=until)


def layout_for(
    content: Content | None, screen: str, now: dt.datetime, size: tuple[int, int]
) -> Layout | None:
    """The active playlist's layout, else the theme's, for a screen of this size."""
    if content is None:
        return None
    playlist = active_playlist(content, screen, now)
    for layouts in (playlist.layouts if playlist else None, content.layouts):
        if layouts is not None:
            picked = layouts.pick(size)
            if picked is not None:
                return picked
    return None

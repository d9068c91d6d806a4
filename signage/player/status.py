"""The player's status as other threads read it (``/status``, the overlay, the fleet).

The loop publishes a typed snapshot of what is on screen (:class:`ScreenStatus`), replaced
whole; the board adds, at each request, the figures read live (frame times, each clip's
frames) and the parts registered by name (health, feed, fleet…). Every key of ``/status``
is declared here once, with what it means: the reference page is generated from these
declarations, and a test walks a real player's ``/status`` against them."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from signage.core.urls import redact_tree
from signage.player.stats import FrameStats
from signage.programme.model import fold

if TYPE_CHECKING:
    from signage.player.video import Videos


def about(text: str) -> dict[str, str]:
    """What a field of the snapshot means (the reference page's row)."""
    return {"doc": text}


@dataclass(frozen=True)
class SlideStatus:
    id: str | None = field(
        metadata=about(
            'The slide on screen; "fallback" while nothing of the content can play (the '
            "venue's card), null before the first frame"
        )
    )
    type: str | None = field(metadata=about("Its kind: text, photo, schedule, video…"))
    title: str = field(metadata=about("Its title, or its file's name"))
    shown_at: str | None = field(
        metadata=about(
            "When its first frame was presented, to the millisecond (what the screen showed, "
            "not what was planned)"
        )
    )
    ends_at: str | None = field(metadata=about("When it is due to give way"))


@dataclass(frozen=True)
class PlayingStatus(SlideStatus):
    index: int = field(metadata=about("Its position in the sequence; -1 before anything plays"))
    playlist: str | None = field(metadata=about("The playlist it comes from"))


@dataclass(frozen=True)
class RegionStatus:
    name: str = field(metadata=about('The region\'s name in the layout ("main" without a layout)'))
    rect: tuple[int, int, int, int] = field(
        metadata=about("Its place on screen: x, y, width, height in px")
    )
    widget: str | None = field(
        metadata=about("Its widget (clock, ticker, room…), null for a playlist")
    )
    slide: SlideStatus = field(
        metadata=about("What it shows (the keys of `slide`, without index and playlist)")
    )


@dataclass(frozen=True)
class ContentStatus:
    version: str | None = field(metadata=about("The content's version, a hash of its files"))
    loaded_at: str = field(metadata=about("When it was loaded"))
    source: str = field(metadata=about("Where it came from: the folder or the feed's URL"))
    slides: int = field(metadata=about("How many slides it has"))
    errors: tuple[str, ...] = field(
        metadata=about("Errors of the content, file:line: what (kept: last good)")
    )
    warnings: tuple[str, ...] = field(metadata=about("Warnings of the content"))
    skipped: tuple[str, ...] = field(
        metadata=about("Slides passed over and why (a clip that cannot open…)")
    )


@dataclass(frozen=True)
class ScreenStatus:
    """What a player shows, published by its loop whenever it changes."""

    screen: str = field(metadata=about("This screen's id"))
    room: str | None = field(metadata=about("The room it stands at"))
    content: ContentStatus = field(metadata=about("The content it plays"))
    slide: PlayingStatus = field(
        metadata=about("The slide whose frame is on screen (of the main region)")
    )
    regions: tuple[RegionStatus, ...] = field(
        metadata=about("Each region of the layout and what it shows")
    )
    layout: str | None = field(
        metadata=about("Where the layout was declared (file:line), null without")
    )
    paused: bool = field(metadata=about("Paused by a command"))
    message: dict[str, Any] | None = field(
        metadata=about("The urgent message on screen: id, text, style, level, started, expires")
    )
    alert: dict[str, Any] | None = field(
        metadata=about(
            "The public alert (CAP) on screen, over everything: identifier, event, severity, "
            "headline, expires; null when none is in force (or not drawn yet)"
        )
    )
    display: str = field(metadata=about('"on", or "off" outside the display hours'))
    room_state: dict[str, Any] | None = field(
        metadata=about(
            "The fleet's state of this screen's room: state (open, full, closed), note, set_at"
        )
    )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = _json(self)
        return data


def _json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    return value


@dataclass(frozen=True)
class Key:
    """A key of ``/status`` outside the snapshot, and what it means."""

    path: str
    doc: str


# read at each request (not published by the loop)
LIVE = (
    Key("render", "The render loop's frame times, over the last 5,000 frames"),
    Key("render.fps", "Frames presented in the last second"),
    Key("render.frame_ms_p50", "Median work per drawn frame (ms)"),
    Key("render.frame_ms_p99", "99th percentile of the work per drawn frame (ms)"),
    Key("render.frame_ms_max", "The longest drawn frame (ms)"),
    Key("render.pass_ms_max", "The longest pass of the loop, drawn or not (ms)"),
    Key("render.frames", "Frames drawn since the start"),
    Key("render.frames_over_budget", "Frames whose work took longer than 1/60 s"),
    Key("uptime_s", "Seconds since the player started"),
    Key("now", "The player's clock (a rehearsal's --at moves it)"),
    Key(
        "slide.video",
        "A clip playing: file, codec, width, height, fps, decoder, frames_shown, "
        "frames_dropped, audio, position_s",
    ),
    Key("regions[].slide.video", "The same, for a clip playing in a region"),
)
# the parts of the player that register a key of their own (``StatusBoard.add``)
PARTS = (
    Key("health", "Each part of the player (supervised threads): ok, last_error, restarts"),
    Key(
        "health.render",
        "The render loop seen from outside it: stalls, longest_stall_ms, last_stall_at, "
        "stalled; frozen output (frozen, frozen_now), dark frames (dark, dark_now); slides "
        "that overstayed their end (overstays, longest_overstay_ms)",
    ),
    Key("programmes", "Each programme source that failed to download, and why"),
    Key(
        "sources",
        "Each source of data by its URL without credentials (news and social feeds, web "
        "pages, public alerts, programmes and calendars by URL, kind programme, and with "
        "--feed its manifest, kind feed, items its files): kind, "
        "items (how many it holds: a programme's events), last_success, last_error (null "
        "when the last fetch worked), next_fetch_in_s",
    ),
    Key(
        "feed",
        "With --feed: its url, last_ok, last_error, version, age_s (seconds since it last answered)",
    ),
    Key("clock_synchronised", "The system clock is synchronised (NTP), null when unknown"),
    Key(
        "fleet",
        "With --mqtt: broker, connected, connections, last_error, groups, "
        "presence_published, commands, refused, room_messages",
    ),
    Key("control", "The control API's address"),
    Key("video_decoder", "Hardware video decoding: the decoder used and what each one tried said"),
)


def documented() -> dict[str, str]:
    """Every key of ``/status`` and what it means, by path (``regions[].slide.id``)."""
    found: dict[str, str] = {}

    def walk(kind: type, prefix: str) -> None:
        for f in dataclasses.fields(kind):
            path = f"{prefix}{f.name}"
            found[path] = f.metadata["doc"]
            inner = {
                "content": ContentStatus,
                "slide": PlayingStatus if kind is ScreenStatus else SlideStatus,
                "regions": RegionStatus,
            }.get(f.name)
            if inner is not None:
                walk(inner, f"{path}[]." if f.name == "regions" else f"{path}.")

    walk(ScreenStatus, "")
    for key in (*LIVE, *PARTS):
        found[key.path] = key.doc
    return found


@dataclass
class StatusBoard:
    """The player's status for other threads: replaced whole, read without locks."""

    started: float = field(default_factory=time.monotonic)
    snapshot: ScreenStatus | None = None
    stats: FrameStats = field(default_factory=FrameStats)
    parts: dict[str, Callable[[], Any]] = field(default_factory=dict)
    clock: Any = None
    videos: Videos | None = None  # each clip's figures, read at each request

    def add(self, name: str, getter: Callable[[], Any]) -> None:
        """A part's own key (declared in :data:`PARTS`, so that the reference says it)."""
        if name not in {key.path for key in PARTS}:
            raise KeyError(f"/status key {name!r} is not declared in PARTS")
        self.parts[name] = getter

    def read(self) -> dict[str, Any]:
        data = self.snapshot.to_json() if self.snapshot is not None else {}
        stats = self.stats.snapshot()
        data["render"] = {
            "fps": stats["fps"],
            "frame_ms_p50": stats["frame_ms_p50"],
            "frame_ms_p99": stats["frame_ms_p99"],
            "frame_ms_max": stats["frame_ms_max"],
            "pass_ms_max": stats["pass_ms_max"],
            "frames": int(stats["frames"]),
            "frames_over_budget": int(stats["frames_over_budget"]),
        }
        data["uptime_s"] = round(time.monotonic() - self.started, 1)
        if self.clock is not None:
            data["now"] = self.clock.now().isoformat(timespec="milliseconds")
        # a copy: parts register their figures while other threads read (the fleet's
        # presence thread started before the control API adds its address)
        for name, getter in list(self.parts.items()):
            data[name] = getter()
        if self.videos is not None:
            _with_videos(data, self.videos)
        # /status is readable without the token: no password of a URL leaves through it
        redacted: dict[str, Any] = redact_tree(data)
        return redacted


def _with_videos(data: dict[str, Any], videos: Videos) -> None:
    """Each region's (and the main slide's) ``video`` figures, read live."""
    figures = videos.figures()
    regions = data.get("regions") or []
    for region in regions:
        if region.get("name") in figures:
            region["slide"]["video"] = figures[region["name"]]
            if len(regions) == 1 or region.get("name") == "main":
                data["slide"]["video"] = figures[region["name"]]
    decoder = videos.decoder_status()
    if decoder is not None:
        data["video_decoder"] = decoder


def player_status(player: Any) -> ScreenStatus:
    """The status of what a player shows: screen, content, the slide on screen, message."""
    # the slide whose frame is on screen; the sequencer may be a step ahead while
    # the next frame is prepared (and before the first frame nothing is on screen)
    playing = player.seen.playing
    content = player.content
    shown = _shown(playing, player.seen.shown_at)
    return ScreenStatus(
        screen=player.screen.id,
        room=player.screen.room,
        content=ContentStatus(
            version=content.version if content else None,
            loaded_at=player.loaded_at.isoformat(timespec="seconds"),
            source=player.source,
            slides=content.slide_count() if content else 0,
            errors=tuple(player.errors),
            warnings=tuple(player.warnings),
            skipped=tuple(sorted(player.timeline.slide_errors.values())),
        ),
        slide=PlayingStatus(
            **dataclasses.asdict(shown),
            index=playing.index if playing is not None else -1,
            playlist=playing.playlist.name if playing is not None and playing.playlist else None,
        ),
        # the screen's regions and what each shows (no layout: one region, "main")
        regions=tuple(
            _region(view, shown if view is player.regions.main else None)
            for view in player.regions.views
        ),
        layout=player.regions.layout.origin if player.regions.layout is not None else None,
        paused=player.paused,
        message=player.message.to_json() if player.message is not None else None,
        alert=_alert(player.urgent.alert_on_screen),
        display="on" if player.power.on else "off",
        room_state=_room_state(player),
    )


def _alert(alert: Any) -> dict[str, Any] | None:
    return alert.to_json() if alert is not None else None


def render_health(player: Any) -> dict[str, Any]:
    """``/status.health.render`` beside the supervisor's: the loop's stalls (seen from its
    watch thread), frozen output, dark frames and overstays (as a viewer saw them)."""
    watched: dict[str, Any] = player.watch.status()
    return {**watched, **player.seen.health()}


def _room_state(player: Any) -> dict[str, Any] | None:
    """The fleet's state of this screen's own room (None: none said)."""
    room = player.screen.room
    if not room:
        return None
    wanted = fold(room)
    for name, state in player.room_states.items():
        if fold(name) == wanted:
            data: dict[str, Any] = state.to_json()
            return data
    return None


def _shown(playing: Any, shown_at: Any = None) -> SlideStatus:
    """A slide on screen; ``shown_at``: when its first frame was presented (the plan's
    start until then, and for regions, whose frames go out with the main one's)."""
    slide = playing.slide if playing is not None else None
    nothing = "fallback" if playing is not None else None
    at = shown_at or (playing.started if playing is not None else None)
    return SlideStatus(
        id=slide.id if slide else nothing,
        type=slide.type if slide else nothing,
        title=slide.title if slide else "",
        shown_at=at.isoformat(timespec="milliseconds") if at is not None else None,
        ends_at=playing.ends.isoformat(timespec="milliseconds") if playing else None,
    )


def _region(view: Any, shown: SlideStatus | None) -> RegionStatus:
    """A region: its name, place, what it shows (the slide whose frame is on screen)."""
    timeline = view.timeline
    playing = timeline.playing if timeline.current is not None else None
    rect = view.rect
    return RegionStatus(
        name=view.name,
        rect=(rect.x, rect.y, rect.w, rect.h),
        widget=view.widget,
        slide=shown if shown is not None else _shown(playing),
    )

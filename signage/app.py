"""Wiring: builds the clock, content source, display, player and control server,
starts them in dependency order and stops them in reverse."""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from signage.content.folder import load_content
from signage.content.model import Content
from signage.core.clock import STEPPED_BY_ENV, Clock, StartedAt, SteppedClock, SystemClock
from signage.core.diagnostics import Report
from signage.draw.canvas import Screen

log = logging.getLogger("signage")


@dataclass(frozen=True)
class PlayOptions:
    content: Path
    screen: Screen
    zone: dt.tzinfo
    at: dt.datetime | None = None
    size: tuple[int, int] | None = None
    windowed: bool = False
    rotate: int = 0
    control: tuple[str, int] | None = ("127.0.0.1", 8765)
    locale: str | None = None
    cache: Path | None = None  # default: the state directory
    feed: str | None = None  # a feed URL: content comes from it instead of a folder
    feed_auth: tuple[str, str] | None = None  # HTTP basic auth for the feed (from a file)
    poll_s: float = 30.0
    token: str | None = None  # the control API's bearer token
    plays: Path | None = None  # proof-of-play log (default: in the state directory)
    hours: Any = None  # config.DisplayHours
    speed: float = 1.0  # the clock runs this many times faster (soak tests)
    zone_configured: bool = False  # False: the content's theme.yaml timezone applies
    accessibility: tuple[str, ...] = ()  # the screen's profiles: high-contrast, ...
    video_decoder: str = "auto"  # hardware video decoding: auto, software, or one by name
    mqtt: Any = None  # fleet.link.Broker: the fleet's broker (None: no fleet)
    mqtt_prefix: str = "signage"
    groups: tuple[str, ...] = ()
    health_grace_s: float = 300.0  # an essential part down this long stops the watchdog
    stall_after_s: float = 2.0  # no render pass this long is a stall
    control_hosts: tuple[str, ...] = ()  # names the control API answers to (DNS rebinding)


def localise(content: Content | None, locale: str | None) -> Content | None:
    """The player's configured locale wins over the theme's."""
    if content is None or not locale or content.theme.locale == locale:
        return content
    return replace(content, theme=replace(content.theme, locale=locale))


def report_once(report: Report, seen: set[str]) -> None:
    """Log each diagnostic the first time it appears (a failure once, not every reload)."""
    for diagnostic in report.sorted():
        text = diagnostic.format()
        if text not in seen:
            seen.add(text)
            (log.error if diagnostic.severity == "error" else log.warning)("%s", text)


@contextmanager
def _signals(stop: threading.Event, hup: threading.Event, wake: Any) -> Iterator[None]:
    """SIGTERM and SIGINT stop the player (the slide on screen is logged); SIGHUP reloads
    the content, as daemons do. The handlers only set events: they run on the render
    thread between two bytecodes and must not take a lock it may hold."""

    def handle(signum: int, frame: Any) -> None:
        (hup if signum == signal.SIGHUP else stop).set()
        wake()

    signals = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {sig: signal.signal(sig, handle) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def play(options: PlayOptions) -> int:
    """Run the player until it is told to stop. Returns the process exit code."""
    from signage.core.paths import state_dir
    from signage.core.supervisor import Supervisor
    from signage.delivery.feed import FeedClient
    from signage.delivery.folder import FolderSource
    from signage.ops.control.server import ControlError, ControlServer
    from signage.ops.fleet.agent import FleetAgent
    from signage.ops.fleet.timesync import ClockSync
    from signage.ops.systemd import Notifier
    from signage.player.display import Display, NoDisplayError
    from signage.player.loop import Player
    from signage.player.messages import ProgrammeUpdated
    from signage.player.plays import PlayLog
    from signage.player.status import StatusBoard, render_health
    from signage.programme.fetch import Fetcher, credentials_of, sources_of
    from signage.programme.now_next import summary
    from signage.programme.store import ProgrammeStore

    clock: Clock
    if options.at or options.speed != 1.0:
        start = options.at or dt.datetime.now(options.zone)
        clock = StartedAt(start, options.zone, options.speed)
    else:
        clock = SystemClock(options.zone)
    stepped = os.environ.get(STEPPED_BY_ENV)
    if stepped:
        clock = SteppedClock(clock, stepped)
    cache = options.cache or state_dir()
    inbox: queue.Queue[Any] = queue.Queue()  # sources may post before the loop runs
    player_ref: list[Any] = []

    def post(message: Any) -> None:
        if player_ref:
            player_ref[0].post(message)  # through its mailbox: coalesced, bounded
        else:
            inbox.put(message)  # before the player exists: the first load, a few at most

    def adapt(content: Content | None) -> Content | None:
        return localise(content, options.locale)

    supervisor = Supervisor(grace_s=options.health_grace_s)
    source: FeedClient | FolderSource
    if options.feed:
        source = FeedClient(options.feed, cache, post, options.poll_s, adapt, options.feed_auth)
        current = source.current()
        content, report = load_content(current) if current else (None, Report())
        origin = f"{source.url} (cache)" if content else source.url
        if current is None:
            log.info("feed %s: nothing cached yet; waiting for the first download", source.url)
    else:
        source = FolderSource(options.content, post, adapt)
        content, report = load_content(options.content)
        origin = str(options.content)
    content = adapt(content)
    report_once(report, set())
    if content is not None:
        log.info(
            "content %s: %d playlist(s), %d slide(s)",
            content.version, len(content.playlists), content.slide_count(),
        )  # fmt: skip

    try:
        display = Display(options.size, fullscreen=not options.windowed, rotate=options.rotate)
    except NoDisplayError as exc:
        print(f"signage play: {exc}", file=sys.stderr)
        return 3

    stop = threading.Event()
    status = StatusBoard()
    fetcher = Fetcher(cache, zone=options.zone)
    plays = PlayLog(options.plays or state_dir() / "plays.jsonl")
    notifier = Notifier(healthy=supervisor.healthy)

    def follow(new: Content) -> None:
        fetcher.set_sources(*sources_of(new), credentials=credentials_of(new))

    player = Player(
        display, clock, options.screen, content, report, inbox=inbox, stop=stop, status=status,
        source=origin, cache_dir=cache, on_content=follow, on_play=plays.record,
        notifier=notifier, hours=options.hours, supervisor=supervisor,
        zone_configured=options.zone_configured, accessibility=options.accessibility,
        video_decoder=options.video_decoder, stall_after_s=options.stall_after_s,
    )  # fmt: skip
    player_ref.append(player)
    # the loop's stalls, seen by its watch thread (the watchdog heartbeat, sent from the
    # loop, stops by itself while it is stalled)
    supervisor.register("render", probe=player.watch.problem)

    def health() -> dict[str, Any]:
        parts = supervisor.health()
        return {**parts, "render": {**parts.get("render", {}), **render_health(player)}}

    status.extra["health"] = health
    fetcher.on_change = lambda: post(ProgrammeUpdated())
    player.on_reload = source.poll_now if isinstance(source, FeedClient) else source.reload
    status.extra["programmes"] = lambda: dict(fetcher.errors)
    if isinstance(source, FeedClient):
        status.extra["feed"] = source.status
    if content is not None:
        follow(content)
    programmes = ProgrammeStore()  # the operator page's own copy, parsed on the HTTP thread

    def programme() -> Any:
        return summary(player.content, str(cache), clock.now(), programmes)

    status.extra["clock_synchronised"] = ClockSync()
    agent = None
    if options.mqtt is not None:
        agent = FleetAgent(
            options.mqtt, options.screen.id, options.groups, status.read, post, options.mqtt_prefix
        )
        status.extra["fleet"] = agent.health
    server = None
    try:
        plays.start(supervisor)
        if agent is not None:
            agent.start(supervisor)
        fetcher.start(supervisor)
        source.start(supervisor)
        if options.control is not None:
            try:
                server = ControlServer(
                    options.control, status.read, player.post, options.token, plays, programme,
                    options.control_hosts,
                )  # fmt: skip
            except ControlError as exc:
                print(f"signage play: error: {exc}", file=sys.stderr)
                return 2
            except OSError as exc:
                log.error("control API not started on %s:%s: %s", *options.control, exc.strerror)
            else:
                server.start(supervisor)
                status.extra["control"] = lambda: server.address if server else None
                log.info("control API on http://%s/status", server.address)
        player.watch.start(stop, supervisor)  # the loop's stalls, seen from outside it
        with _signals(stop, player.hup, player.wake):
            try:
                player.run()
            finally:
                player.close()
    finally:
        if agent is not None:
            agent.stop()  # says offline (a clean disconnect sends no Last Will)
        if server is not None:
            server.stop()
        source.stop()
        fetcher.stop()
        plays.stop()
        notifier.close()
        display.close()
    return 0

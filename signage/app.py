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
from signage.content.theme import with_profiles
from signage.core.clock import STEPPED_BY_ENV, Clock, StartedAt, SteppedClock, SystemClock
from signage.core.diagnostics import Report
from signage.core.processes import keep_heap_trimmed
from signage.core.urls import read_credentials, read_token
from signage.core.values import parse_address
from signage.draw.canvas import Screen
from signage.player.config import PlayerConfig

log = logging.getLogger("signage")


@dataclass(frozen=True)
class Run:
    """What one ``signage play`` adds to the player's settings (``PlayerConfig``): the
    folder it plays, the venue's zone, and for tests and soaks a start and a clock speed."""

    content: Path
    zone: dt.tzinfo
    zone_configured: bool = False  # False: the content's theme.yaml timezone applies
    at: dt.datetime | None = None
    speed: float = 1.0  # the clock runs this many times faster (soak tests)


@dataclass(frozen=True)
class Reached:
    """The settings that name files and addresses, read and parsed before anything starts
    (ValueError or OSError: the player does not start, and says why)."""

    control: tuple[str, int] | None  # the control API's address (None: off)
    token: str | None  # its bearer token
    feed_auth: tuple[str, str] | None  # HTTP basic auth for the feed
    broker: Any  # ops.fleet.link.Broker (None: no fleet)

    @classmethod
    def of(cls, config: PlayerConfig) -> Reached:
        from signage.ops.fleet.link import parse_broker

        control = None if config.control == "off" else parse_address(config.control)
        token = read_token(Path(config.token_file)) if config.token_file else None
        auth = None
        if config.feed_credentials:
            auth = read_credentials(Path(config.feed_credentials))  # a ValueError too
        broker = None
        if config.mqtt:
            broker = parse_broker(config.mqtt, config.mqtt_password_file, config.mqtt_insecure)
        return cls(control, token, auth, broker)


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


def play(config: PlayerConfig, run: Run) -> int:
    """Run the player until it is told to stop. Returns the process exit code."""
    try:
        reached = Reached.of(config)
    except (ValueError, OSError) as exc:
        print(f"signage play: error: {exc}", file=sys.stderr)
        return 2
    screen = Screen(config.screen, config.room)
    from signage.core.paths import state_dir
    from signage.core.supervisor import Supervisor
    from signage.delivery.feed import FeedClient
    from signage.delivery.folder import FolderSource
    from signage.live.alerts import AlertConfig, AlertWatch
    from signage.live.cap import AlertRules
    from signage.live.hub import LiveHub, wants_of
    from signage.ops.control.server import ControlError, ControlServer
    from signage.ops.fleet.agent import FleetAgent
    from signage.ops.fleet.timesync import ClockSync
    from signage.ops.systemd import Notifier
    from signage.player.display import Display, NoDisplayError
    from signage.player.loop import Player
    from signage.player.messages import AlertChanged, ProgrammeUpdated
    from signage.player.plays import PlayLog
    from signage.player.status import StatusBoard, render_health
    from signage.programme.fetch import Fetcher, credentials_of, sources_of
    from signage.programme.now_next import summary

    clock: Clock
    if run.at or run.speed != 1.0:
        start = run.at or dt.datetime.now(run.zone)
        clock = StartedAt(start, run.zone, run.speed)
    else:
        clock = SystemClock(run.zone)
    stepped = os.environ.get(STEPPED_BY_ENV)
    if stepped:
        clock = SteppedClock(clock, stepped)
    cache = Path(config.cache) if config.cache else state_dir()
    inbox: queue.Queue[Any] = queue.Queue()  # sources may post before the loop runs
    player_ref: list[Any] = []

    def post(message: Any) -> None:
        if player_ref:
            player_ref[0].post(message)  # through its mailbox: coalesced, bounded
        else:
            inbox.put(message)  # before the player exists: the first load, a few at most

    def adapt(content: Content | None) -> Content | None:
        return localise(content, config.locale)

    supervisor = Supervisor(grace_s=config.health_grace_s)
    source: FeedClient | FolderSource
    if config.feed:
        source = FeedClient(config.feed, cache, post, config.poll_s, adapt, reached.feed_auth)
        current = source.current()
        content, report = load_content(current) if current else (None, Report())
        origin = f"{source.url} (cache)" if content else source.url
        if current is None:
            log.info("feed %s: nothing cached yet; waiting for the first download", source.url)
    else:
        source = FolderSource(run.content, post, adapt)
        content, report = load_content(run.content)
        origin = str(run.content)
    content = adapt(content)
    report_once(report, set())
    if content is not None:
        log.info(
            "content %s: %d playlist(s), %d slide(s)",
            content.version, len(content.playlists), content.slide_count(),
        )  # fmt: skip
        theme = with_profiles(content.theme, (), config.viewing)
        if theme.viewing.assumed:  # said once: the floors hang on it
            log.info(
                "viewing: %s; no diagonal given (player.yaml viewing.diagonal, --diagonal): "
                "55 in assumed",
                theme.viewing.describe(),
            )

    try:
        display = Display(config.size, fullscreen=not config.windowed, rotate=config.rotate)
    except NoDisplayError as exc:
        print(f"signage play: {exc}", file=sys.stderr)
        return 3

    stop = threading.Event()
    status = StatusBoard()
    fetcher = Fetcher(cache, zone=run.zone)
    plays = PlayLog(Path(config.plays) if config.plays else state_dir() / "plays.jsonl")
    notifier = Notifier(healthy=supervisor.healthy)

    live = LiveHub(cache, screen=display.logical_size)  # web pages default to its shape
    # public alerts: the publishers of player.yaml's alerts:, and those the fleet pushes
    alerts = AlertWatch(
        config.alerts or AlertConfig((), AlertRules(None)),
        lambda alert: post(AlertChanged(alert)),
        config.locale or (content.theme.locale if content is not None else "fr"),
    )

    def follow(new: Content) -> None:
        fetcher.set_sources(*sources_of(new), credentials=credentials_of(new))
        live.set_sources(wants_of(new))

    player = Player(
        display, clock, screen, content, report, inbox=inbox, stop=stop, status=status,
        source=origin, cache_dir=cache, on_content=follow, on_play=plays.record,
        notifier=notifier, hours=config.display, supervisor=supervisor,
        zone_configured=run.zone_configured, accessibility=config.accessibility,
        viewing=config.viewing,
        video_decoder=config.video_decoder, stall_after_s=config.stall_after_s,
        programmes=fetcher.store.snapshot, live=live.feeds,
    )  # fmt: skip
    player_ref.append(player)
    # the loop's stalls, seen by its watch thread (the watchdog heartbeat, sent from the
    # loop, stops by itself while it is stalled)
    supervisor.register("render", probe=player.watch.problem)

    def health() -> dict[str, Any]:
        parts = supervisor.health()
        return {**parts, "render": {**parts.get("render", {}), **render_health(player)}}

    status.add("health", health)
    fetcher.on_change = lambda: post(ProgrammeUpdated())
    live.on_change = lambda: post(ProgrammeUpdated())  # frames drawn again with the news
    player.on_reload = source.poll_now if isinstance(source, FeedClient) else source.reload
    status.add("programmes", lambda: dict(fetcher.errors))
    # every source of data in one place, the same keys for each: the content feed's
    # manifest, programmes and calendars, the live sources, the public alerts
    feed = source.sources if isinstance(source, FeedClient) else dict
    status.add(
        "sources", lambda: {**feed(), **fetcher.status(), **live.status(), **alerts.status()}
    )
    if isinstance(source, FeedClient):
        status.add("feed", source.status)
    if content is not None:
        follow(content)

    def programme() -> Any:  # /programme: the fetcher's programmes, parsed where they arrived
        return summary(player.content, str(cache), clock.now(), fetcher.store)

    status.add("clock_synchronised", ClockSync())
    agent = None
    if reached.broker is not None:
        agent = FleetAgent(
            reached.broker, screen.id, config.groups, status.read, post, config.mqtt_prefix
        )
        status.add("fleet", agent.health)
    server = None
    try:
        plays.start(supervisor)
        if agent is not None:
            agent.on_alert = alerts.take
            agent.on_verdicts = live.take_verdicts
            agent.start(supervisor)
        fetcher.start(supervisor)
        live.start(supervisor)
        alerts.start(supervisor)
        source.start(supervisor)
        if reached.control is not None:
            try:
                server = ControlServer(
                    reached.control, status.read, player.post, reached.token, plays, programme,
                    config.control_hosts, social=live,
                )  # fmt: skip
            except ControlError as exc:
                print(f"signage play: error: {exc}", file=sys.stderr)
                return 2
            except OSError as exc:
                log.error("control API not started on %s:%s: %s", *reached.control, exc.strerror)
            else:
                server.start(supervisor)
                status.add("control", lambda: server.address if server else None)
                log.info("control API on http://%s/status", server.address)
        player.watch.start(stop, supervisor)  # the loop's stalls, seen from outside it
        keep_heap_trimmed(stop, supervisor)  # a burst's freed memory handed back
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
        live.stop()
        alerts.stop()
        plays.stop()
        notifier.close()
        display.close()
    return 0

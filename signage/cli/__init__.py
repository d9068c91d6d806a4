"""Command line: argument parsing and exit codes only; the work lives elsewhere."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signage import __version__

if TYPE_CHECKING:
    from signage.player.config import PlayerConfig as PlayerConfigT

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def bundled_content() -> Path:
    """The example content folder: the repository's top level, shipped in wheels as the
    package ``signage.example`` (a non-editable install once looked for it in site-packages
    and played nothing)."""
    import importlib

    try:  # a namespace package (no __init__.py in the content folder): its __path__
        places = [Path(p) for p in importlib.import_module("signage.example").__path__]
    except ModuleNotFoundError:
        places = []
    for place in places:
        if (place / "playlists").is_dir():
            return place
    return Path(__file__).resolve().parent.parent  # a source checkout run without installing


def _fmt_seconds(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _display(path: Path) -> str:
    """The path as a technician would type it: relative when under the current folder."""
    try:
        shown = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path.resolve()) if shown.startswith("..") else shown


def _check_targets(raw: Path) -> tuple[Path, list[Path]]:
    """(content root, playlist files) for a content folder, a playlists folder or a file."""
    from signage.content.folder import playlist_files

    if raw.is_dir():
        if (raw / "playlists").is_dir():
            return raw, playlist_files(raw)
        files = sorted(p for p in raw.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        return raw.parent, files
    parent = raw.parent
    return (parent.parent if parent.name == "playlists" else parent), [raw]


def _check_folder_files(root: Path) -> bool:
    """theme.yaml and delays.yaml of a content folder; True when one has errors."""
    from dataclasses import replace

    from signage.content.delays import load_delays
    from signage.content.theme import load_theme

    failed = False
    for name, loader in (("theme.yaml", load_theme), ("delays.yaml", load_delays)):
        if not (root / name).exists():
            continue
        _, report = loader(root)
        for diagnostic in report.sorted():
            shown = diagnostic.path if diagnostic.path != name else _display(root / name)
            print(replace(diagnostic, path=shown).format())
        if report.ok:
            print(f"{_display(root / name)}: ok")
        failed = failed or not report.ok
    return failed


def cmd_check(args: argparse.Namespace) -> int:
    from signage.content.playlist import load_playlist
    from signage.core.inside import outside_problem

    if args.legibility:
        return cmd_legibility(args)
    failed = False
    if args.config is not None:
        from signage.player.config import load_config

        config, config_report = load_config(args.config)
        for diagnostic in config_report.sorted():
            print(diagnostic.format())
        if config is None:
            failed = True
        else:
            print(
                f"{_display(args.config)}: ok: screen {config.screen}, room {config.room or '-'}, "
                f"time zone {config.timezone or 'local'}, control {config.control}"
            )
    paths: list[Path] = args.paths or ([] if args.config else [Path()])
    loaded: list[Any] = []
    for raw in paths:
        if not raw.exists():
            print(f"{_display(raw)}: error: no such file or folder")
            failed = True
            continue
        root, files = _check_targets(raw)
        if not files:
            print(f"{_display(raw)}: error: no playlists (*.yaml) found")
            failed = True
            continue
        for path in files:
            problem = (
                outside_problem(root, path.relative_to(root)) if path.is_relative_to(root) else None
            )
            if problem is not None:
                print(f"{_display(path)}: error: {problem}")
                failed = True
                continue
            playlist, report = load_playlist(path, root, _display(path))
            for diagnostic in report.sorted():
                print(diagnostic.format())
            if playlist is None:
                failed = True
                continue
            loaded.append(playlist)
            screens = ", ".join(playlist.screens) or "all"
            synced = ", in step (sync: the cycle starts at midnight)" if playlist.sync else ""
            print(
                f'{_display(path)}: ok: "{playlist.name}", {len(playlist.slides)} slides '
                f"({_fmt_seconds(playlist.cycle_s)}), screens: {screens}, priority {playlist.priority}{synced}"
            )
            failed = _list_videos(root, playlist, path) or failed
        failed = _check_folder_files(root) or failed
        failed = _check_layout_playlists(root, loaded) or failed
        loaded = []
    return EXIT_INVALID if failed else EXIT_OK


def cmd_legibility(args: argparse.Namespace) -> int:
    """``signage check --legibility``: every slide and layout drawn, its text measured."""
    import datetime as dt

    from signage.core.clock import parse_instant
    from signage.draw.canvas import Screen
    from signage.player.config import parse_size
    from signage.tools.legibility import check, floors_line

    config, code = _load_player_config(args)
    if code:
        return code
    if len(args.paths) > 1:
        print("signage check --legibility: error: give one content folder", file=sys.stderr)
        return EXIT_USAGE
    default = config.content if config and config.content else bundled_content()
    root = args.paths[0] if args.paths else Path(default)
    content = _load_content_or_report(root)
    if content is None:
        return EXIT_INVALID
    content = _as_configured(content, config, None)
    zone = _zone_for(args, config, content.theme.timezone)
    try:
        moments = [parse_instant(a, zone) for a in args.at] or [dt.datetime.now(zone)]
        sizes = [parse_size(s) for s in args.size] or [(1920, 1080), (1080, 1920)]
    except ValueError as exc:
        print(f"signage check: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    screen = Screen(
        id=args.screen or (config.screen if config else "screen"),
        room=args.room or (config.room if config else None),
    )
    services = _programme_services(content, zone)
    under = total = 0
    for size in sizes:
        print(f"legibility at {floors_line(size, content.theme.text_scale)}")
        for finding in check(content, [size], moments, screen, services):
            total += 1
            under += finding.under
            print(f"  {finding.line()}")
    print(f"{total} slides and regions checked, {under} under the floors")
    return EXIT_INVALID if under else EXIT_OK


def _as_configured(content: Any, config: PlayerConfigT | None, locale: str | None) -> Any:
    """The content as this screen would show it: locale override, accessibility profiles."""
    from dataclasses import replace

    from signage.content.theme import with_profiles

    locale = locale or (config.locale if config else None)
    if locale:
        content = replace(content, theme=replace(content.theme, locale=locale))
    if config is not None and config.accessibility:
        content = replace(content, theme=with_profiles(content.theme, config.accessibility))
    return content


def _room_states(given: list[str]) -> tuple[tuple[str, str, str], ...]:
    """``--room-state "Salle Seine=full"`` as the fleet's room states."""
    from signage.ops.fleet.protocol import ROOM_STATES
    from signage.programme.model import fold

    states = []
    for item in given:
        room, _, state = item.rpartition("=")
        if not room.strip() or state not in ROOM_STATES:
            raise ValueError(
                f"--room-state '{item}': expected ROOM=STATE, STATE one of {', '.join(ROOM_STATES)}"
            )
        states.append((fold(room.strip()), state, ""))
    return tuple(states)


def _programme_services(content: Any, zone: Any) -> Any:
    """What schedule slides read, fetched as the player would have (remote programmes
    downloaded once, speakers' photos)."""
    from signage.core.paths import state_dir
    from signage.programme.fetch import Fetcher, credentials_of, sources_of
    from signage.programme.store import ProgrammeServices

    cache = state_dir()
    fetcher = Fetcher(cache, zone=zone)
    urls, files = sources_of(content)
    fetcher.set_sources(urls, files, credentials_of(content))
    for url in urls:  # a preview downloads what the player would have downloaded
        fetcher.fetch(url)
    for path in files:
        fetcher.photos_of_file(path)
    return ProgrammeServices.of(content, str(cache))


def _list_videos(root: Path, playlist: Any, path: Path) -> bool:
    """Each clip a playlist plays, as probed; True when one cannot play (the player would
    skip it: for ``check`` that is an error)."""
    from signage.media.probe import MediaError, probe

    failed = False
    for slide in playlist.slides:
        if slide.type in ("video", "videos"):
            try:
                info = probe(root / slide.file).describe()
            except MediaError as exc:
                print(f"{slide.origin}: error: {slide.file}: {exc.reason}")
                failed = True
                continue
            print(f"  {slide.file}: {info}, plays {_fmt_seconds(slide.duration_s)}")
    return failed


def _check_layout_playlists(root: Path, playlists: list[Any]) -> bool:
    """What spans files: regions name playlists of the folder (True when one names a
    playlist that is not there); programmes' zones against theme.yaml's (a warning)."""
    from signage.content.folder import resolve_layouts
    from signage.content.theme import load_theme_file
    from signage.core.diagnostics import Report

    report = Report()
    theme, layouts, _ = load_theme_file(root)
    resolve_layouts(layouts, playlists, report)
    if theme.timezone:
        _check_programme_zones(root, theme.timezone, playlists, report)
    for diagnostic in report.sorted():
        print(diagnostic.format())
    return not report.ok


def _check_programme_zones(root: Path, venue: str, playlists: list[Any], report: Any) -> None:
    """Warn when a programme file declares another zone than theme.yaml's: the screen shows
    the venue's zone, and a programme written for another place is probably a mistake."""
    from zoneinfo import ZoneInfo

    from signage.core.schema import is_url
    from signage.programme.load import load
    from signage.programme.model import ProgrammeError

    sources = {s for p in playlists for slide in p.slides for s in slide.programmes()}
    for source in sorted(s for s in sources if not is_url(s)):
        try:
            programme = load(str(root / source))
        except (ProgrammeError, OSError):
            continue  # the playlist check reports unreadable programmes
        declared = programme.timezone
        first = min((e.start for e in programme.events), default=None)
        # a zone name of its own, or only offsets that the venue's zone would not give
        other = ("/" in declared and declared != venue) or (
            "/" not in declared
            and first is not None
            and first.utcoffset() != first.astimezone(ZoneInfo(venue)).utcoffset()
        )
        if other:
            report.add_warning(
                source,
                f"declares the time zone {declared}, theme.yaml says {venue}: times are shown "
                f"in {venue} (set timezone: {declared} in theme.yaml if the venue is there)",
            )


def cmd_schema(args: argparse.Namespace) -> int:
    from signage.content.jsonschema import playlist_schema_text

    text = playlist_schema_text()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _zone_for(
    args: argparse.Namespace, config: PlayerConfigT | None, content_zone: str | None = None
) -> Any:
    """``--tz``, else the configuration's zone, else the content's, else the machine's."""
    from signage.core.clock import venue_zone

    name = getattr(args, "tz", None) or (config.timezone if config else None)
    return venue_zone(name, content_zone)


def _load_player_config(args: argparse.Namespace) -> tuple[PlayerConfigT | None, int]:
    """The configuration file (``--config`` or /etc/signage/player.yaml when it exists)."""
    from signage.player.config import DEFAULT_CONFIG, load_config

    path: Path | None = args.config
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    if path is None:
        return None, EXIT_OK
    if not path.exists():
        print(f"{path}: error: configuration file not found", file=sys.stderr)
        return None, EXIT_INVALID
    config, report = load_config(path)
    for diagnostic in report.sorted():
        print(diagnostic.format(), file=sys.stderr)
    return config, (EXIT_OK if config is not None else EXIT_INVALID)


def _load_content_or_report(root: Path) -> Any:
    from signage.content.folder import load_content

    content, report = load_content(root, show=_display)
    for diagnostic in report.sorted():
        print(diagnostic.format(), file=sys.stderr)
    return content


def cmd_render(args: argparse.Namespace) -> int:
    import datetime as dt

    from signage.core.clock import parse_instant
    from signage.draw.canvas import Screen
    from signage.player.config import parse_size
    from signage.tools.render import contact_sheet, render_all, render_layouts

    config, code = _load_player_config(args)
    if code:
        return code
    root = args.content or Path(config.content if config and config.content else bundled_content())
    content = _load_content_or_report(root)
    if content is None:
        return EXIT_INVALID
    zone = _zone_for(args, config, content.theme.timezone)
    try:
        at = parse_instant(args.at, zone) if args.at else dt.datetime.now(zone)
        size = (
            parse_size(args.size)
            if args.size
            else (config.size if config and config.size else (1920, 1080))
        )
    except ValueError as exc:
        print(f"signage render: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    screen = Screen(
        id=args.screen or (config.screen if config else "screen"),
        room=(config.room if config else None),
    )
    content = _as_configured(content, config, args.locale)
    services = _programme_services(content, zone)
    try:
        services = dataclasses.replace(services, rooms=_room_states(args.room_state))
    except ValueError as exc:
        print(f"signage render: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    results = render_all(content, args.out, at, size, screen, services)
    results += render_layouts(content, args.out, at, size, screen, services)
    for result in results:
        status = f"  ! {result.error}" if result.error else ""
        print(f"{_display(result.path)}{status}")
    if args.sheet:
        contact_sheet(results, args.sheet)
        print(f"{_display(args.sheet)} (contact sheet, {len(results)} slides)")
    return EXIT_INVALID if any(r.error for r in results) else EXIT_OK


def _logging(level: int) -> None:
    """Log lines to stderr, with passwords taken out of any URL they quote."""
    import logging

    from signage.core.urls import RedactingFilter

    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())


def cmd_play(args: argparse.Namespace) -> int:
    import logging

    from signage.app import PlayOptions, play
    from signage.core.clock import parse_instant
    from signage.draw.canvas import Screen
    from signage.player.config import merge, parse_address

    _logging(logging.DEBUG if args.verbose else logging.INFO)
    file_config, code = _load_player_config(args)
    if code:
        return code
    config = merge(file_config, args)  # flags over the file over the defaults
    root = args.content or (Path(config.content) if config.content else bundled_content())
    if not root.is_dir():
        print(f"signage play: error: content folder not found: {root}", file=sys.stderr)
        return EXIT_USAGE
    from signage.content.theme import timezone_of
    from signage.core.clock import venue_zone

    # the content's zone (theme.yaml) until the configuration names one; read now so that
    # a naive --at is the venue's time; the player follows it when the content changes
    venue = venue_zone(config.timezone, timezone_of(root))
    try:
        options = PlayOptions(
            content=root,
            screen=Screen(config.screen, config.room),
            zone=venue,
            zone_configured=bool(config.timezone),
            accessibility=config.accessibility,
            video_decoder=config.video_decoder,
            at=parse_instant(args.at, venue) if args.at else None,
            size=config.size,
            windowed=config.windowed,
            rotate=config.rotate,
            control=None if config.control == "off" else parse_address(config.control),
            locale=config.locale,
            cache=Path(config.cache) if config.cache else None,
            feed=config.feed,
            feed_auth=_feed_auth(config.feed_credentials),
            poll_s=config.poll_s,
            token=_token(config.token_file),
            plays=Path(config.plays) if config.plays else None,
            hours=config.display,
            speed=args.speed,
            health_grace_s=config.health_grace_s,
            stall_after_s=config.stall_after_s,
            control_hosts=config.control_hosts,
            mqtt=_broker(config),
            mqtt_prefix=config.mqtt_prefix,
            groups=config.groups,
        )
    except (ValueError, OSError) as exc:
        print(f"signage play: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return play(options)


def _broker(config: Any) -> Any:
    """The fleet's broker from the settings (None: no fleet); ValueError when refused."""
    if not config.mqtt:
        return None
    from signage.ops.fleet.link import parse_broker

    return parse_broker(config.mqtt, config.mqtt_password_file, config.mqtt_insecure)


def _token(path: str | None) -> str | None:
    """The control API's bearer token from its file; ValueError when it cannot be used."""
    if path is None:
        return None
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"cannot read the token file {path}: {exc.strerror}") from exc
    if len(token) < 16:
        raise ValueError(f"{path}: the token is too short (at least 16 characters)")
    return token


def _feed_auth(path: str | None) -> tuple[str, str] | None:
    if path is None:
        return None
    from signage.core.urls import CredentialsError, read_credentials

    try:
        return read_credentials(Path(path))
    except CredentialsError as exc:
        raise ValueError(str(exc)) from exc


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    from signage.player.config import parse_size
    from signage.tools.bench import KEYS, run

    try:
        size = parse_size(args.size)
    except ValueError as exc:
        print(f"signage bench: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    keys: tuple[str, ...] = KEYS
    try:
        if args.video is not None:
            from signage.tools.bench_video import VIDEO_KEYS, run_video

            region = parse_size(args.region) if args.region else None
            if region is not None and args.layout != "door":
                print("signage bench: error: --region goes with --layout door", file=sys.stderr)
                return EXIT_USAGE
            if args.video and not Path(args.video).is_file():
                print(f"signage bench: error: {args.video}: no such file", file=sys.stderr)
                return EXIT_USAGE
            clip = Path(args.video) if args.video else None
            result = run_video(size, args.seconds, clip, region, args.cpu_quota)
            keys = VIDEO_KEYS
        else:
            result = run(size, args.seconds, args.layout, args.cpu_quota)
    except (RuntimeError, ValueError) as exc:
        print(f"signage bench: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(result))
    else:
        for key in result if args.video is not None or args.cpu_quota else keys:
            print(f"{key:24} {result[key]}")
    return EXIT_OK


def cmd_program(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from signage.core.clock import parse_instant, zone
    from signage.programme.load import load
    from signage.programme.model import ProgrammeError
    from signage.programme.now_next import as_json, as_table, display_zone

    config, code = _load_player_config(args)
    if code:
        return code
    try:
        explicit = zone(args.tz) if args.tz else None
    except (ValueError, KeyError) as exc:
        print(f"signage program: error: unknown time zone {args.tz!r} ({exc})", file=sys.stderr)
        return EXIT_USAGE
    player_zone = zone(config.timezone) if config and config.timezone else None
    try:
        programme = load(args.source, explicit or player_zone or zone(None))
    except ProgrammeError as exc:
        print(f"signage program: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    shown = display_zone(programme, explicit or player_zone or zone(None))
    try:
        at = parse_instant(args.at, shown) if args.at else dt.datetime.now(shown)
    except ValueError as exc:
        print(f"signage program: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(as_json(programme, at, args.room, shown), ensure_ascii=False))
    else:
        print(as_table(programme, at, args.room, shown))
        for warning in programme.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _print_publish_error(command: str, exc: Exception) -> int:
    print(f"signage {command}: error: {exc}", file=sys.stderr)
    for line in getattr(exc, "errors", []):
        print(line, file=sys.stderr)
    return EXIT_INVALID


def cmd_publish(args: argparse.Namespace) -> int:
    from signage.delivery.publish import PublishError, publish

    try:
        manifest = publish(args.content, args.out)
    except PublishError as exc:
        return _print_publish_error("publish", exc)
    total = sum(e.size for e in manifest.files)
    print(
        f"{_display(args.out)}: published version {manifest.version}: {len(manifest.files)} files, {total:,} bytes"
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from signage.delivery.publish import FeedServer, PublishError, read_token
    from signage.player.config import parse_address

    _logging(logging.INFO)
    try:
        address = parse_address(args.bind)
        token = read_token(args.token_file) if args.token_file else None
    except (ValueError, OSError, PublishError) as exc:
        print(f"signage serve: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    server = FeedServer(
        args.folder, address, token, names=args.allow_host or (), stale_s=args.stale_after
    )
    print(
        f"serving {args.folder} on {server.url} (uploads {'need the token' if token else 'are off: no --token-file'})"
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return EXIT_OK


def cmd_fleet(args: argparse.Namespace) -> int:
    import logging

    from signage.ops.fleet.link import LinkError, parse_broker
    from signage.ops.fleet.page import FleetError, FleetServer
    from signage.player.config import parse_address

    _logging(logging.INFO)
    try:
        alerts = _alert_settings(args)
        broker = parse_broker(args.mqtt, args.mqtt_password_file, args.mqtt_insecure)
        address = parse_address(args.bind)
        token = _token(args.token_file) if args.token_file else None
        server = FleetServer(
            broker, address, token, args.mqtt_prefix, tuple(args.allow_host or ()), alerts
        )
    except (LinkError, FleetError, ValueError, OSError) as exc:
        print(f"signage fleet: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    acts = "commands need the token" if token else "read-only: no --token-file"
    print(f"fleet page on http://{server.address}/ ({acts}), broker {broker}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve()
    return EXIT_OK


def _alert_settings(args: argparse.Namespace) -> Any:
    """The fleet's alerts from --alerts FILE and the flags over it (ValueError with every
    error of the file)."""
    from dataclasses import replace

    from signage.ops.fleet.alerts import AlertSettings, load_settings

    settings = AlertSettings()
    if args.alerts:
        loaded, report = load_settings(Path(args.alerts))
        if loaded is None:
            raise ValueError("\n".join(d.format() for d in report.sorted()))
        settings = loaded
    if args.alerts_webhook:
        settings = replace(settings, webhook=args.alerts_webhook)
    if args.offline_after is not None:
        settings = replace(settings, offline_after_s=args.offline_after)
    return settings


def cmd_push(args: argparse.Namespace) -> int:
    from signage.delivery.publish import PublishError, push, read_token

    try:
        version = push(args.content, args.to, read_token(args.token_file))
    except (PublishError, OSError) as exc:
        return _print_publish_error("push", exc)
    print(f"{args.to}: published version {version}")
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    from signage.player.config import settings_table

    sys.stdout.write(settings_table())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from signage.player.config import add_flags

    parser = argparse.ArgumentParser(
        prog="signage",
        description="Digital-signage player for conferences and venues.",
    )
    parser.add_argument("--version", action="version", version=f"signage {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = sub.add_parser(
        "check",
        help="validate playlists or content folders",
        description=(
            "Validate playlists or whole content folders. Prints path:line:col: error: ... "
            "and exits 1 when anything is wrong. Never changes a file."
        ),
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="playlist files, playlists/ folders or content folders",
    )
    check.add_argument("--config", type=Path, help="also check a player configuration file")
    check.add_argument(
        "--legibility",
        action="store_true",
        help="draw every slide and layout of a content folder (default: the bundled example) "
        "and print, per slide, its smallest text and lowest contrast against the floors; "
        "exit 1 when any slide is under them",
    )
    check.add_argument(
        "--size", action="append", default=[], metavar="WxH",
        help="with --legibility: screen size (may be repeated; default 1920x1080 and 1080x1920)",
    )  # fmt: skip
    check.add_argument(
        "--at", action="append", default=[], metavar="TIME",
        help="with --legibility: the instant to draw, ISO 8601 (may be repeated; default now)",
    )  # fmt: skip
    check.add_argument("--screen", help="with --legibility: screen id (default: configuration)")
    check.add_argument("--room", help="with --legibility: the screen's room (for room: auto)")
    check.add_argument("--tz", help="with --legibility: time zone (default: configuration)")
    check.set_defaults(func=cmd_check)

    play = sub.add_parser(
        "play",
        help="play a content folder fullscreen",
        description="Play a content folder (default: the bundled example) fullscreen. "
        "Keys: right/left next/previous, space pause, i status overlay, Escape or q quit.",
    )
    play.add_argument(
        "content", nargs="?", type=Path, help="content folder (default: the bundled example)"
    )
    play.add_argument("--at", help="start the clock at this instant (ISO 8601), for rehearsals")
    play.add_argument(
        "--config", type=Path, help="player configuration (default /etc/signage/player.yaml)"
    )
    add_flags(play)  # every setting of player.yaml that has a flag
    play.add_argument(
        "--speed", type=float, default=1.0, help="run the clock N times faster (soak tests)"
    )
    play.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    play.set_defaults(func=cmd_play)

    settings = sub.add_parser(
        "settings",
        help="list the player's settings (player.yaml keys and flags)",
        description="Print every player setting: its key in player.yaml, its flag, its default.",
    )
    settings.set_defaults(func=cmd_settings)

    render = sub.add_parser(
        "render",
        help="write every slide as a PNG (preview without a screen)",
        description="Render every slide of the playlists for a screen to PNG files, with the "
        "player's own drawing code.",
    )
    render.add_argument(
        "content", nargs="?", type=Path, help="content folder (default: the bundled example)"
    )
    render.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    render.add_argument("--at", help="the instant to draw, ISO 8601 (default: now)")
    render.add_argument("--size", help="WxH, default 1920x1080 (1080x1920 for portrait)")
    render.add_argument("--screen", help="screen id (picks playlists by their screens)")
    render.add_argument(
        "--tz", help="time zone, e.g. Europe/Paris (default: configuration, else local)"
    )
    render.add_argument("--locale", choices=("fr", "en"), help="override the theme's locale")
    render.add_argument("--config", type=Path, help="player configuration file")
    render.add_argument("--sheet", type=Path, help="also write a contact sheet of all slides")
    render.add_argument(
        "--room-state", action="append", default=[], metavar="ROOM=STATE",
        help="draw as if the fleet said this room is full or closed (may be repeated)",
    )  # fmt: skip
    render.set_defaults(func=cmd_render)

    program = sub.add_parser(
        "program",
        help="what is on now and next in every room of a programme",
        description="Read a programme (frab XML, schedule.json, pretalx widget JSON, Sessionize "
        "JSON or iCalendar; file or http(s) URL) and print what is on now and next per room.",
    )
    program.add_argument("source", help="programme file or http(s) URL")
    program.add_argument(
        "--at", help="the instant, ISO 8601 (default: now); without offset, in the programme's zone"
    )
    program.add_argument(
        "--tz", help="time zone for times without an offset (Sessionize), e.g. Europe/Paris"
    )
    program.add_argument("--room", help="only this room")
    program.add_argument("--json", action="store_true", help="one JSON object")
    program.add_argument("--config", type=Path, help="player configuration (its time zone)")
    program.set_defaults(func=cmd_program)

    bench = sub.add_parser(
        "bench",
        help="measure the player on a demanding built-in workload",
        description="Run the real player offscreen on 24-megapixel photos, long texts, speaker "
        "cards and every transition, and print frame times, preparation time, idle CPU, "
        "time to first frame and peak memory.",
    )
    bench.add_argument("--size", default="1920x1080", help="WxH (default 1920x1080)")
    bench.add_argument("--seconds", type=float, default=20.0, help="length of the transition phase")
    bench.add_argument("--json", action="store_true", help="one JSON object")
    bench.add_argument(
        "--video", nargs="?", const="", default=None, metavar="FILE",
        help="play FILE (without FILE: a built-in 1080p H.264 clip) and print the video figures",
    )  # fmt: skip
    bench.add_argument(
        "--cpu-quota",
        type=float,
        metavar="PERCENT",
        help="run the player and its workers within PERCENT of one core (25: about a "
        "Raspberry Pi 4's core): a cgroup's cpu.max or cpu.cfs_quota_us, systemd-run's "
        "CPUQuota, else a SIGSTOP/SIGCONT duty cycle; cpu_quota_by says which",
    )
    bench.add_argument(
        "--region", metavar="WxH", help="with --video --layout door: the video's region size"
    )
    bench.add_argument(
        "--layout",
        choices=("default", "door"),
        default="default",
        help="door: the door-screen layout (crossfading photos beside the room's now/next, "
        "a clock, a ticker) instead of full-screen slides",
    )
    bench.set_defaults(func=cmd_bench)

    publish = sub.add_parser(
        "publish",
        help="write a content folder as a feed (manifest.json + files/)",
        description="Validate CONTENT (as signage check does) and write it as a feed that any static "
        "web server can serve: files/<sha256>, then manifest.json, atomically.",
    )
    publish.add_argument("content", type=Path, help="content folder")
    publish.add_argument("--out", type=Path, required=True, help="feed folder to write")
    publish.set_defaults(func=cmd_publish)

    serve = sub.add_parser(
        "serve", help="serve a feed folder, and accept signage push with a token"
    )
    serve.add_argument("folder", type=Path, help="feed folder")
    serve.add_argument("--bind", default="0.0.0.0:8766", help="HOST:PORT (default 0.0.0.0:8766)")
    serve.add_argument("--token-file", type=Path, help="file holding the upload token")
    serve.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="a host name this server answers to, besides addresses, localhost and this machine's names (repeatable)",
    )
    serve.add_argument(
        "--stale-after",
        type=float,
        default=24 * 3600,
        metavar="SECONDS",
        help="remove uploads that no published version uses after this long (default 86400)",
    )
    serve.set_defaults(func=cmd_serve)

    fleet = sub.add_parser(
        "fleet",
        help="serve the fleet page: every screen, commands, messages and room states over MQTT",
    )
    fleet.add_argument(
        "--mqtt",
        required=True,
        metavar="URL",
        help="the broker, mqtt://[user@]HOST[:PORT] or mqtts://",
    )
    fleet.add_argument(
        "--mqtt-password-file", metavar="FILE", help="file holding the MQTT user's password"
    )
    fleet.add_argument(
        "--mqtt-insecure",
        action="store_true",
        help="allow a broker off this machine without credentials",
    )
    fleet.add_argument(
        "--mqtt-prefix", default="signage", metavar="PREFIX", help="topic prefix (default signage)"
    )
    fleet.add_argument(
        "--alerts",
        metavar="FILE",
        help="alert settings (YAML: offline_after, webhook, email: {to, relay, from, "
        "starttls, credentials_file}); alerts are shown on the page in any case",
    )
    fleet.add_argument(
        "--alerts-webhook", metavar="URL", help="POST each alert as JSON to this URL"
    )
    fleet.add_argument(
        "--offline-after",
        type=float,
        metavar="SECONDS",
        help="a screen offline this long raises an alert (default 120)",
    )
    fleet.add_argument(
        "--bind",
        default="127.0.0.1:8780",
        metavar="HOST:PORT",
        help="where to serve the page (default 127.0.0.1:8780)",
    )
    fleet.add_argument(
        "--token-file",
        metavar="FILE",
        help="file holding the bearer token that commands need (16 characters at least)",
    )
    fleet.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="a host name the page answers to (repeatable)",
    )
    fleet.set_defaults(func=cmd_fleet)

    push_cmd = sub.add_parser("push", help="upload a content folder to a signage serve")
    push_cmd.add_argument("content", type=Path, help="content folder")
    push_cmd.add_argument("--to", required=True, help="URL of the signage serve")
    push_cmd.add_argument(
        "--token-file", type=Path, required=True, help="file holding the upload token"
    )
    push_cmd.set_defaults(func=cmd_push)

    schema = sub.add_parser("schema", help="print the playlist JSON Schema (for editors)")
    schema.add_argument("--out", type=Path, help="write to this file instead of stdout")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # What reaches a terminal or the journal is never a reason to crash: a character
    # the stream cannot encode (a lone surrogate) is written as an escape.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return result

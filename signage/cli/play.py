"""``signage play``, ``signage settings`` and ``signage render``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from signage.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    as_configured,
    bundled_content,
    load_content_or_report,
    load_player_config,
    programme_services,
    setup_logging,
    shown_path,
    zone_for,
)


def add_parser(sub: Any) -> None:
    from signage.player.flags import add_flags, add_viewing_flags

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
    add_viewing_flags(play)
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
    add_viewing_flags(render)
    render.add_argument("--sheet", type=Path, help="also write a contact sheet of all slides")
    render.add_argument(
        "--room-state", action="append", default=[], metavar="ROOM=STATE",
        help="draw as if the fleet said this room is full or closed (may be repeated)",
    )  # fmt: skip
    render.set_defaults(func=cmd_render)


def cmd_play(args: argparse.Namespace) -> int:
    import logging

    from signage.app import Run, play
    from signage.core.clock import parse_instant
    from signage.player.flags import merge

    setup_logging(logging.DEBUG if args.verbose else logging.INFO)
    file_config, code = load_player_config(args)
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
        at = parse_instant(args.at, venue) if args.at else None
    except ValueError as exc:
        print(f"signage play: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return play(config, Run(root, venue, bool(config.timezone), at, args.speed))


def cmd_settings(args: argparse.Namespace) -> int:
    from signage.player.config import settings_table

    sys.stdout.write(settings_table())
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    import datetime as dt

    from signage.core.clock import parse_instant
    from signage.core.values import parse_size
    from signage.draw.canvas import Screen
    from signage.tools.render import contact_sheet, render_all, render_layouts

    config, code = load_player_config(args)
    if code:
        return code
    root = args.content or Path(config.content if config and config.content else bundled_content())
    content = load_content_or_report(root)
    if content is None:
        return EXIT_INVALID
    zone = zone_for(args, config, content.theme.timezone)
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
    content = as_configured(content, config, args.locale, args)
    services = programme_services(content, zone, size)
    try:
        services = dataclasses.replace(services, rooms=_room_states(args.room_state))
    except ValueError as exc:
        print(f"signage render: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    results = render_all(content, args.out, at, size, screen, services)
    results += render_layouts(content, args.out, at, size, screen, services)
    for result in results:
        status = f"  ! {result.error}" if result.error else ""
        print(f"{shown_path(result.path)}{status}")
    if args.sheet:
        contact_sheet(results, args.sheet)
        print(f"{shown_path(args.sheet)} (contact sheet, {len(results)} slides)")
    return EXIT_INVALID if any(r.error for r in results) else EXIT_OK


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

"""``signage program``: a programme file or URL read, checked and summarised."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from signage.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    load_player_config,
)


def add_parser(sub: Any) -> None:
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


def cmd_program(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from signage.core.clock import parse_instant, zone
    from signage.programme.load import load
    from signage.programme.model import ProgrammeError
    from signage.programme.now_next import as_json, as_table, display_zone

    config, code = load_player_config(args)
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

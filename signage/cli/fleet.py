"""``signage fleet``: the page of every screen in a venue, and its alerts."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

from signage.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    read_token,
    setup_logging,
)


def add_parser(sub: Any) -> None:
    from signage.player.flags import add_flags

    fleet = sub.add_parser(
        "fleet",
        help="serve the fleet page: every screen, commands, messages and room states over MQTT",
    )
    # the broker's flags are the player's own settings: declared once (player/config.py)
    add_flags(
        fleet, keys=("mqtt", "mqtt_password_file", "mqtt_insecure", "mqtt_prefix"), required=True
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


def cmd_fleet(args: argparse.Namespace) -> int:
    import logging

    from signage.core.values import parse_address
    from signage.ops.fleet.link import LinkError, parse_broker
    from signage.ops.fleet.page import FleetError, FleetServer
    from signage.player.flags import flag_value

    setup_logging(logging.INFO)
    try:
        alerts = _alert_settings(args)
        broker = parse_broker(args.mqtt, args.mqtt_password_file, flag_value(args, "mqtt_insecure"))
        address = parse_address(args.bind)
        token = read_token(args.token_file) if args.token_file else None
        server = FleetServer(
            broker,
            address,
            token,
            flag_value(args, "mqtt_prefix"),
            tuple(args.allow_host or ()),
            alerts,
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

"""``signage studio`` (the web app for the people of the event) and ``signage users``
(who may sign in to it, with which role)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from pathlib import Path
from typing import Any

from signage.cli.common import EXIT_OK, EXIT_USAGE, setup_logging

STUDIO_PORT = 8790


def add_parser(sub: Any) -> None:
    from signage.player.flags import add_flags

    studio = sub.add_parser(
        "studio",
        help="serve the studio: photos from phones, their moderation, room states, by role",
    )
    studio.add_argument("content", type=Path, metavar="CONTENT", help="the content folder")
    studio.add_argument(
        "--bind",
        default=f"127.0.0.1:{STUDIO_PORT}",
        metavar="HOST:PORT",
        help=f"where to serve the studio (default 127.0.0.1:{STUDIO_PORT})",
    )
    studio.add_argument(
        "--users", required=True, type=Path, metavar="FILE", help="the users file (signage users)"
    )
    studio.add_argument(
        "--publish",
        type=Path,
        metavar="FEED_DIR",
        help="publish every accepted change to this feed folder (as signage publish does)",
    )
    studio.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="a host name it answers to (repeatable)",
    )
    # the broker's flags are the player's own settings, declared once (player/config.py)
    add_flags(studio, keys=("mqtt", "mqtt_password_file", "mqtt_insecure", "mqtt_prefix"))
    studio.set_defaults(func=cmd_studio)

    users = sub.add_parser("users", help="the studio's users: add, list, remove, passwd")
    verbs = users.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = verbs.add_parser("add", help="add a user (the secret is read on stdin)")
    add.add_argument("name")
    add.add_argument(
        "--role", required=True, choices=("admin", "editor", "photographer", "steward")
    )
    listed = verbs.add_parser("list", help="list the users and their roles")
    remove = verbs.add_parser("remove", help="remove a user")
    remove.add_argument("name")
    passwd = verbs.add_parser("passwd", help="change a user's secret (read on stdin)")
    passwd.add_argument("name")
    for parser in (add, listed, remove, passwd):
        parser.add_argument(
            "--users", required=True, type=Path, metavar="FILE", help="the users file"
        )
        parser.set_defaults(func=cmd_users)


def cmd_studio(args: argparse.Namespace) -> int:
    import logging

    from signage.core.values import parse_address
    from signage.ops.fleet.link import LinkError, parse_broker
    from signage.player.flags import flag_value
    from signage.studio.server import Studio, StudioError
    from signage.studio.users import UsersError, file_mode_problem

    setup_logging(logging.INFO)
    try:
        if not (args.content / "playlists").is_dir():
            raise StudioError(f"{args.content}: not a content folder (no playlists/)")
        broker = None
        if args.mqtt:
            broker = parse_broker(
                args.mqtt, args.mqtt_password_file, flag_value(args, "mqtt_insecure")
            )
        studio = Studio(
            args.content.resolve(), args.users, parse_address(args.bind),
            tuple(args.allow_host or ()), args.publish, broker, flag_value(args, "mqtt_prefix"),
        )  # fmt: skip
    except (StudioError, UsersError, LinkError, ValueError, OSError) as exc:
        print(f"signage studio: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if problem := file_mode_problem(args.users):
        print(f"signage studio: warning: {problem}", file=sys.stderr)
    rooms = f", room states through {broker}" if broker else ", no broker (--mqtt): no room states"
    print(f"studio on http://{studio.address}/ for {args.content}{rooms}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        studio.serve()
    return EXIT_OK


def cmd_users(args: argparse.Namespace) -> int:
    from signage.studio.users import Users, UsersError

    try:
        users = Users.load(args.users, missing_ok=args.verb == "add")
        if args.verb == "list":
            for user in sorted(users.users.values(), key=lambda u: u.name):
                print(f"{user.name}\t{user.role}")
            return EXIT_OK
        if args.verb == "remove":
            users.remove(args.name)
            said = f"{args.name} removed"
        elif args.verb == "add":
            user = users.add(args.name, args.role, _secret())
            said = f"{user.name} added ({user.role})"
        else:
            users.passwd(args.name, _secret())
            said = f"{args.name}: secret changed (a running studio signs them out at once)"
        users.save()
    except (UsersError, OSError) as exc:
        print(f"signage users: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{args.users}: {said}")
    return EXIT_OK


def _secret() -> str:
    """The secret from a terminal (asked twice) or from a pipe (its first line)."""
    from signage.studio.users import UsersError

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("secret: ")
    if getpass.getpass("again: ") != first:
        raise UsersError("the two secrets differ")
    return first

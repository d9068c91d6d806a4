"""``signage publish``, ``serve`` and ``push``: content to a feed, and the feed served."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

from signage.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    setup_logging,
    shown_path,
)


def add_parser(sub: Any) -> None:
    publish = sub.add_parser(
        "publish",
        help="write a content folder as a feed (manifest.json + files/)",
        description="Validate CONTENT (as signage check does) and write it as a feed that any static "
        "web server can serve: files/<sha256>, then manifest.json, atomically.",
    )
    publish.add_argument("content", type=Path, help="content folder")
    publish.add_argument("--out", type=Path, required=True, help="feed folder to write")
    publish.add_argument(
        "--rollback",
        metavar="VERSION",
        help="make a version published before the current one again (CONTENT is not read); "
        "the feed keeps the last 20 (in FEED/versions/)",
    )
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

    push_cmd = sub.add_parser("push", help="upload a content folder to a signage serve")
    push_cmd.add_argument("content", type=Path, help="content folder")
    push_cmd.add_argument("--to", required=True, help="URL of the signage serve")
    push_cmd.add_argument(
        "--token-file", type=Path, required=True, help="file holding the upload token"
    )
    push_cmd.set_defaults(func=cmd_push)


def cmd_publish(args: argparse.Namespace) -> int:
    from signage.delivery.publish import PublishError, publish, rollback

    try:
        manifest = (
            rollback(args.out, args.rollback) if args.rollback else publish(args.content, args.out)
        )
    except PublishError as exc:
        return _print_publish_error("publish", exc)
    if args.rollback:
        print(f"{shown_path(args.out)}: back to version {manifest.version}: the screens follow")
        return EXIT_OK
    total = sum(e.size for e in manifest.files)
    print(
        f"{shown_path(args.out)}: published version {manifest.version}: {len(manifest.files)} files, {total:,} bytes"
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from signage.core.values import parse_address
    from signage.delivery.publish import PublishError, read_token
    from signage.delivery.server import FeedServer

    setup_logging(logging.INFO)
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


def cmd_push(args: argparse.Namespace) -> int:
    from signage.delivery.publish import PublishError, push, read_token

    try:
        version = push(args.content, args.to, read_token(args.token_file))
    except (PublishError, OSError) as exc:
        return _print_publish_error("push", exc)
    print(f"{args.to}: published version {version}")
    return EXIT_OK


def _print_publish_error(command: str, exc: Exception) -> int:
    print(f"signage {command}: error: {exc}", file=sys.stderr)
    for line in getattr(exc, "errors", []):
        print(line, file=sys.stderr)
    return EXIT_INVALID

"""Command line: argument parsing and exit codes only; the work lives elsewhere. One
module per command (or family of commands), each with ``add_parser(sub)`` and the
functions it sets as ``func`` (``args`` in, exit code out)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from signage import __version__
from signage.cli import bench, check, delivery, fleet, play, programme, studio
from signage.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, bundled_content

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "bundled_content", "main"]

COMMANDS = (check, play, programme, bench, delivery, fleet, studio)  # in ``signage --help``'s order


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="signage",
        description="Digital-signage player for conferences and venues.",
    )
    parser.add_argument("--version", action="version", version=f"signage {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
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

"""Command line: argument parsing and exit codes only; the work lives elsewhere."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from signage import __version__

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def bundled_content() -> Path:
    """The example content folder shipped at the repository root."""
    return Path(__file__).resolve().parent.parent


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


def cmd_check(args: argparse.Namespace) -> int:
    from signage.content.playlist import load_playlist

    failed = False
    paths: list[Path] = args.paths or ([] if args.config else [Path()])
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
            playlist, report = load_playlist(path, root, _display(path))
            for diagnostic in report.sorted():
                print(diagnostic.format())
            if playlist is None:
                failed = True
                continue
            total = sum(s.duration_s for s in playlist.slides)
            screens = ", ".join(playlist.screens) or "all"
            print(
                f'{_display(path)}: ok: "{playlist.name}", {len(playlist.slides)} slides '
                f"({_fmt_seconds(total)}), screens: {screens}, priority {playlist.priority}"
            )
    return EXIT_INVALID if failed else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from signage.content.jsonschema import playlist_schema_text

    text = playlist_schema_text()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
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
    check.set_defaults(func=cmd_check, config=None)

    schema = sub.add_parser("schema", help="print the playlist JSON Schema (for editors)")
    schema.add_argument("--out", type=Path, help="write to this file instead of stdout")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return result

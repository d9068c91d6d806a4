"""``signage check`` (playlists, folders, the player's config, legibility) and
``signage schema``."""

from __future__ import annotations

import argparse
import json
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
    shown_path,
    zone_for,
)


def add_parser(sub: Any) -> None:
    from signage.player.flags import add_viewing_flags

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
    add_viewing_flags(check)
    check.add_argument(
        "--json", action="store_true", help="with --legibility: one JSON report, per slide"
    )
    check.set_defaults(func=cmd_check)

    schema = sub.add_parser("schema", help="print the playlist JSON Schema (for editors)")
    schema.add_argument("--out", type=Path, help="write to this file instead of stdout")
    schema.set_defaults(func=cmd_schema)


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
                f"{shown_path(args.config)}: ok: screen {config.screen}, room {config.room or '-'}, "
                f"time zone {config.timezone or 'local'}, control {config.control}"
            )
    paths: list[Path] = args.paths or ([] if args.config else [Path()])
    loaded: list[Any] = []
    for raw in paths:
        if not raw.exists():
            print(f"{shown_path(raw)}: error: no such file or folder")
            failed = True
            continue
        root, files = _check_targets(raw)
        if not files:
            print(f"{shown_path(raw)}: error: no playlists (*.yaml) found")
            failed = True
            continue
        for path in files:
            problem = (
                outside_problem(root, path.relative_to(root)) if path.is_relative_to(root) else None
            )
            if problem is not None:
                print(f"{shown_path(path)}: error: {problem}")
                failed = True
                continue
            playlist, report = load_playlist(path, root, shown_path(path))
            for diagnostic in report.sorted():
                print(diagnostic.format())
            if playlist is None:
                failed = True
                continue
            loaded.append(playlist)
            screens = ", ".join(playlist.screens) or "all"
            synced = ", in step (sync: the cycle starts at midnight)" if playlist.sync else ""
            print(
                f'{shown_path(path)}: ok: "{playlist.name}", {len(playlist.slides)} slides '
                f"({_fmt_seconds(playlist.cycle_s)}), screens: {screens}, priority {playlist.priority}{synced}"
            )
            failed = _list_videos(root, playlist, path) or failed
        failed = _check_folder_files(root) or failed
        failed = _check_layout_playlists(root, loaded) or failed
        loaded = []
    return EXIT_INVALID if failed else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from signage.content.jsonschema import playlist_schema_text

    text = playlist_schema_text()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_legibility(args: argparse.Namespace) -> int:
    """``signage check --legibility``: every slide and layout drawn, its text measured."""
    import datetime as dt

    from signage.core.clock import parse_instant
    from signage.core.values import parse_size
    from signage.draw.canvas import Screen
    from signage.tools.legibility import check, floors_line

    config, code = load_player_config(args)
    if code:
        return code
    if len(args.paths) > 1:
        print("signage check --legibility: error: give one content folder", file=sys.stderr)
        return EXIT_USAGE
    default = config.content if config and config.content else bundled_content()
    root = args.paths[0] if args.paths else Path(default)
    content = load_content_or_report(root)
    if content is None:
        return EXIT_INVALID
    content = as_configured(content, config, None, args)
    zone = zone_for(args, config, content.theme.timezone)
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
    services = programme_services(content, zone)
    theme = content.theme
    under = total = 0
    found: list[dict[str, Any]] = []
    nearest: dict[float, float] = {}  # per viewing distance: the nearest a slide reads from
    for size in sizes:
        if not args.json:
            print(f"legibility at {floors_line(size, theme.viewing, theme.text_scale)}")
        for finding in check(content, [size], moments, screen, services):
            total += 1
            under += finding.under
            readable = finding.readable_from_m()
            if readable is not None:
                far = finding.viewing.distance_mm
                nearest[far] = min(nearest.get(far, readable), readable)
            if args.json:
                found.append(finding.as_json())
            else:
                print(f"  {finding.line()}")
    if args.json:
        json.dump({"slides": found, "checked": total, "under": under}, sys.stdout, indent=1)
        print()
    else:
        if theme.viewing.assumed:
            print("no diagonal given (viewing.diagonal, --diagonal): 55 in assumed")
        said = "".join(
            f"; read from {far / 1000:g} m: readable from {near:.1f} m"
            for far, near in sorted(nearest.items(), reverse=True)
        )
        print(f"{total} slides and regions checked, {under} under the floors{said}")
    return EXIT_INVALID if under else EXIT_OK


def _fmt_seconds(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


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
            shown = diagnostic.path if diagnostic.path != name else shown_path(root / name)
            print(replace(diagnostic, path=shown).format())
        if report.ok:
            print(f"{shown_path(root / name)}: ok")
        failed = failed or not report.ok
    return failed


def _list_videos(root: Path, playlist: Any, path: Path) -> bool:
    """Each clip a playlist plays, as probed; True when one cannot play (the player would
    skip it: for ``check`` that is an error)."""
    from signage.media.probe import MediaError, probe

    failed = False
    for slide in playlist.slides:
        if slide.type == "video":
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
    from signage.content.checks import across_files

    report = across_files(root, playlists)
    for diagnostic in report.sorted():
        print(diagnostic.format())
    return not report.ok

"""A content folder: ``playlists/*.yaml`` and the files they use, loaded as one :class:`Content`."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from signage.content.delays import load_delays
from signage.content.layout import resolve_playlists
from signage.content.model import Content, Layouts, Playlist
from signage.content.playlist import load_playlist
from signage.content.theme import load_theme_file
from signage.core.diagnostics import Diagnostic, Report
from signage.core.inside import outside_problem, regular_file

PLAYLIST_GLOBS = ("*.yaml", "*.yml")
MAX_PLAYLISTS = 500


def playlist_files(root: Path) -> list[Path]:
    folder = root / "playlists"
    if not folder.is_dir():
        return []
    # not only regular files: a FIFO or a device named *.yaml is refused by load_content
    found = {p for pattern in PLAYLIST_GLOBS for p in folder.glob(pattern) if not p.is_dir()}
    return sorted(found, key=lambda p: p.name)


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def fingerprint(root: Path) -> str:
    """A short version id that changes when any file of the folder changes.

    YAML files are hashed by content; other files (photos can be large) by
    size and modification time, which is what an editor or rsync changes.
    """
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            if not regular_file(path):
                continue  # a FIFO would block the read below
            digest.update(relative(path, root).encode())
            if path.suffix in (".yaml", ".yml") and stat.st_size < 4 * 1024 * 1024:
                try:
                    digest.update(path.read_bytes())
                except OSError:
                    continue
            else:
                digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def load_content(
    root: Path, show: Callable[[Path], str] | None = None
) -> tuple[Content | None, Report]:
    """Read and validate a whole content folder; None when anything is wrong.

    ``show`` names files in messages (default: relative to the content folder).
    """
    report = Report()
    shown_root = str(root)
    if not root.is_dir():
        report.add(Diagnostic(shown_root, 0, 0, "content folder not found"))
        return None, report
    files = playlist_files(root)
    if not files:
        report.add(
            Diagnostic(
                shown_root,
                0,
                0,
                f"no playlists: expected YAML files in {root / 'playlists'}",
            )
        )
        return None, report
    if len(files) > MAX_PLAYLISTS:
        report.add(
            Diagnostic(shown_root, 0, 0, f"{len(files)} playlists; the limit is {MAX_PLAYLISTS}")
        )
        return None, report
    for name in [*(f"playlists/{p.name}" for p in files), "theme.yaml", "delays.yaml"]:
        problem = outside_problem(root, name, "file")
        if problem is not None:
            report.add(Diagnostic(shown_root, 0, 0, problem))
    if report.errors:
        return None, report
    playlists: list[Playlist] = []
    for path in files:
        shown = show(path) if show else relative(path, root)
        playlist, file_report = load_playlist(path, root, shown)
        report.extend(file_report.items)
        if playlist is not None:
            playlists.append(playlist)
    theme, layouts, theme_report = load_theme_file(root)
    report.extend(theme_report.items)
    delays, delays_report = load_delays(root)
    report.extend(delays_report.items)
    layouts, playlists = resolve_layouts(layouts, playlists, report)
    if not report.ok:
        return None, report
    content = Content(
        root=str(root),
        playlists=tuple(playlists),
        version=fingerprint(root),
        theme=theme,
        delays=delays,
        layouts=layouts,
        warnings=tuple(d.format() for d in report.warnings),
    )
    return content, report


def resolve_layouts(
    layouts: Layouts | None, playlists: list[Playlist], report: Report
) -> tuple[Layouts | None, list[Playlist]]:
    """Regions name playlists by file name or name: make them paths, report unknown ones."""
    by_stem = {Path(p.path).stem: p.path for p in playlists}
    by_name = {p.name: p.path for p in playlists}
    if layouts is not None:
        layouts = resolve_playlists(layouts, by_stem, by_name, report)
    resolved = [
        replace(p, layouts=resolve_playlists(p.layouts, by_stem, by_name, report))
        if p.layouts is not None
        else p
        for p in playlists
    ]
    return layouts, resolved

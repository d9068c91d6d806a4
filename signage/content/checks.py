"""What spans the files of a content folder, checked as a whole: the playlists that layouts'
regions name, the programmes' time zones against theme.yaml's, and Chromium for web pages."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from signage.content.folder import resolve_layouts
from signage.content.model import Playlist
from signage.content.theme import load_theme_file
from signage.core.diagnostics import Report
from signage.core.urls import read_credentials
from signage.core.values import is_url
from signage.live.web import chromium
from signage.programme.load import load
from signage.programme.model import ProgrammeError


def across_files(root: Path, playlists: list[Playlist]) -> Report:
    """Regions that name a playlist not in the folder (errors); programmes written for
    another zone than the venue's (warnings)."""
    report = Report()
    theme, layouts, _ = load_theme_file(root)
    resolve_layouts(layouts, playlists, report)
    if theme.timezone:
        programme_zones(root, theme.timezone, playlists, report)
    web_pages(playlists, report)
    login_files(playlists, report)
    return report


def web_pages(playlists: list[Playlist], report: Report) -> None:
    """Warn when web pages are to be shown on a machine without Chromium: they are skipped."""
    if chromium() is not None:
        return
    for slide in (s for p in playlists for s in p.slides if s.type == "web"):
        report.add_warning(
            slide.origin or "playlists",
            "web pages are taken by the system's Chromium, and none is installed (apt "
            "install chromium): this slide will be skipped",
        )


def login_files(playlists: list[Playlist], report: Report) -> None:
    """Warn when a slide's login file (a web page's, a calendar's) cannot be read here."""
    for slide in (s for p in playlists for s in p.slides):
        for source, path in slide.credentials().items():
            try:
                read_credentials(Path(path))
            except ValueError as exc:
                report.add_warning(
                    slide.origin or "playlists",
                    f"credentials: {exc}; on this machine {source} cannot be logged in to",
                )


def programme_zones(root: Path, venue: str, playlists: list[Playlist], report: Report) -> None:
    """Warn when a programme file declares another zone than theme.yaml's: the screen shows
    the venue's zone, and a programme written for another place is probably a mistake."""
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

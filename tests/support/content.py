"""Small real implementations for tests: content built in memory, a headless display."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from signage.content.folder import load_content
from signage.content.model import Content

PARIS = ZoneInfo("Europe/Paris")


def at(text: str) -> dt.datetime:
    """An instant in Paris: at("2026-11-30 10:05")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def write_content(root: Path, playlists: dict[str, str], theme: str | None = None) -> Content:
    """Write playlists (name -> YAML) into a content folder and load it; fails loudly."""
    (root / "playlists").mkdir(parents=True, exist_ok=True)
    for name, text in playlists.items():
        (root / "playlists" / name).write_text(text, encoding="utf-8")
    if theme is not None:
        (root / "theme.yaml").write_text(theme, encoding="utf-8")
    content, report = load_content(root)
    assert content is not None, [d.format() for d in report.items]
    return content

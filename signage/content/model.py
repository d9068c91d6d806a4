"""Frozen models of a content folder: playlists and the content as a whole. They know
nothing of pygame or of YAML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from signage.core.model import Theme, When

if TYPE_CHECKING:
    from signage.content.layout import Layouts
    from signage.slides import Slide


@dataclass(frozen=True)
class Playlist:
    name: str
    path: str  # as shown in errors, e.g. playlists/accueil.yaml
    slides: tuple[Slide, ...]
    screens: tuple[str, ...] = ()  # empty: every screen
    priority: int = 0
    when: When | None = None
    layouts: Layouts | None = None  # the screen's regions while this playlist is active
    sync: bool = False  # slides start on the wall clock's cycle: every screen in step

    @property
    def cycle_s(self) -> float:
        """One pass through every slide, seconds (a synchronised playlist's period)."""
        return sum(slide.duration_s for slide in self.slides)

    def plays_on(self, screen: str) -> bool:
        return not self.screens or screen in self.screens


@dataclass(frozen=True)
class Content:
    """Everything one content folder says, validated, ready to play."""

    root: str
    playlists: tuple[Playlist, ...]
    version: str
    theme: Theme
    warnings: tuple[str, ...] = field(default=())
    delays: tuple[tuple[str, float], ...] = ()  # (room, seconds) from delays.yaml
    layouts: Layouts | None = None  # theme.yaml's: the screen's default regions

    def playlist(self, path: str) -> Playlist | None:
        return next((p for p in self.playlists if p.path == path), None)

    def slides(self) -> Iterator[Slide]:
        """Every slide the content may show: the playlists', then the widgets of its layouts
        (what publish, push and the programme fetcher ask for files and programmes)."""
        for playlist in self.playlists:
            yield from playlist.slides
        for layouts in (self.layouts, *(p.layouts for p in self.playlists)):
            for layout in layouts.all() if layouts is not None else ():
                yield from (r.slide for r in layout.regions if r.slide is not None)

    def slide_count(self) -> int:
        return sum(len(p.slides) for p in self.playlists)

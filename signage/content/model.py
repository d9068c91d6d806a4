"""Frozen models of a content folder: playlists, layouts and their regions, and the content
as a whole. They know nothing of pygame or of YAML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from signage.core.model import Theme, When
from signage.core.viewing import DOOR_DISTANCE_MM
from signage.slides import Slide


@dataclass(frozen=True)
class Length:
    value: float
    percent: bool

    def px(self, total: int) -> int:
        return round(total * self.value / 100) if self.percent else round(self.value)

    def __str__(self) -> str:
        if self.value == 0:
            return "0"
        return f"{self.value:g}%" if self.percent else f"{self.value:g}px"


@dataclass(frozen=True)
class Region:
    """One area of the screen and what it shows (``playlist`` path, or a widget's slide)."""

    name: str
    x: Length
    y: Length
    w: Length
    h: Length
    z: int = 0
    playlist: str | None = None  # as written; the playlist's path once resolved
    widget: str | None = None
    slide: Slide | None = None  # the widget's slide
    origin: str = ""  # "theme.yaml:12:5"
    line: int = 0
    col: int = 0
    path: str = ""  # the field path in its file, "layout[0]"
    distance_mm: float | None = None  # how far it is read from, when it says so

    def rect(self, size: tuple[int, int]) -> tuple[int, int, int, int]:
        """(x, y, width, height) in pixels on a screen of ``size``, clamped to the screen."""
        width, height = size
        x = min(max(0, self.x.px(width)), width - 1)
        y = min(max(0, self.y.px(height)), height - 1)
        w = max(1, min(self.w.px(width), width - x))
        h = max(1, min(self.h.px(height), height - y))
        return (x, y, w, h)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.widget or 'playlist ' + str(self.playlist)})"


@dataclass(frozen=True)
class Layout:
    regions: tuple[Region, ...]
    origin: str = ""

    def distance_of(self, region: Region) -> float | None:
        """How far ``region`` is read from: its own ``distance``, else 2 m in a layout with
        a room widget (a door sign, read by someone about to walk in), else the theme's."""
        if region.distance_mm is not None:
            return region.distance_mm
        if any(r.widget == "room" for r in self.regions):
            return DOOR_DISTANCE_MM
        return None


@dataclass(frozen=True)
class Layouts:
    """The layout for each orientation (a ``layout:`` gives both the same)."""

    landscape: Layout | None = None
    portrait: Layout | None = None

    def pick(self, size: tuple[int, int]) -> Layout | None:
        return self.portrait if size[1] > size[0] else self.landscape

    def all(self) -> list[Layout]:
        found = [self.landscape, self.portrait]
        return [layout for i, layout in enumerate(found) if layout and layout not in found[:i]]


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

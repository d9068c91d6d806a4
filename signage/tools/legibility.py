"""``signage check --legibility``: every slide and layout drawn at a screen size, and what
the drawing recorded of its text (see :mod:`signage.draw.legible`) held against the floors.

Per slide: the smallest text line relative to its role's floor, and the lowest contrast
against the pixels behind it. A slide is *under* when any line is below its floor or its
contrast below 4.5:1 (3:1 for large text); lines cut with an ellipsis are reported too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from signage.content.model import Content
from signage.content.playlist import reading_seconds
from signage.draw.canvas import Canvas, Frame, Screen
from signage.draw.legible import ROLES, Mark, floor_height, words_read
from signage.player.frames import SlideError, prepare
from signage.slides import Slide

CUT = "…"


@dataclass
class Finding:
    """One slide (or one region of a layout) at one size and instant."""

    where: str  # playlists/accueil.yaml
    slide: str  # the slide id, or layout:region
    size: tuple[int, int]
    at: dt.datetime
    marks: list[Mark] = field(default_factory=list)
    error: str = ""
    short_side: int = 1080
    scale: float = 1.0
    duration_s: float = 0.0  # a fixed duration (0: auto or a widget)

    def floor(self, role: str) -> float:
        return floor_height(role, self.short_side, self.scale)

    def smallest(self) -> Mark | None:
        return min(self.marks, key=lambda m: m.height, default=None)

    def lowest(self) -> Mark | None:
        return min(self.marks, key=lambda m: m.contrast / m.needed, default=None)

    def small(self) -> list[Mark]:
        # a rendered line may be up to a pixel under the exact floor (S/30 = 36 at S = 1080)
        return [m for m in self.marks if m.height < self.floor(m.role) - 0.5]

    def faint(self) -> list[Mark]:
        return [m for m in self.marks if m.contrast < m.needed]

    def clipped(self) -> list[Mark]:
        return [m for m in self.marks if m.clipped]

    def cut(self) -> list[Mark]:
        return [m for m in self.marks if m.text.rstrip().endswith(CUT)]

    @property
    def under(self) -> bool:
        return bool(self.error or self.small() or self.faint() or self.clipped())

    def line(self) -> str:
        """One line for the terminal: the slide, its smallest text, its lowest contrast."""
        w, h = self.size
        head = f"{self.where}: {self.slide} at {w}x{h}"
        if self.error:
            return f"{head}: error: {self.error}"
        if not self.marks:
            return f"{head}: no text"
        small, low = self.smallest(), self.lowest()
        assert small is not None and low is not None
        floor = self.floor(small.role)
        text = (
            f"{head}: smallest {small.height} px ({small.role}, floor {floor:.0f}); "
            f"lowest contrast {low.contrast:.1f}:1 (needs {low.needed:g})"
        )
        problems = (
            [
                f'{m.role} "{_short(m.text)}" {m.height} px < {self.floor(m.role):.0f}'
                for m in self.small()[:3]
            ]
            + [
                f'"{_short(m.text)}" contrast {m.contrast:.1f}:1 < {m.needed:g}'
                for m in self.faint()[:3]
            ]
            + [f'"{_short(m.text)}" does not fit its area' for m in self.clipped()[:3]]
        )
        if problems:
            return f"{text}  UNDER: " + "; ".join(problems)
        notes = []
        cut = self.cut()
        if cut:
            notes.append(f'cut to fit: "{_short(cut[0].text)}"')
        words = words_read(self.marks)
        needed = reading_seconds(words)
        if self.duration_s and needed > self.duration_s:
            notes.append(
                f"warning: {words} words need {needed:g} s to read, shown {self.duration_s:g} s; "
                "use duration: auto"
            )
        return f"{text}  ok" + (f" ({'; '.join(notes)})" if notes else "")


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _draw(slide: Slide, canvas: Canvas) -> tuple[Frame | None, str]:
    try:
        return prepare(slide, canvas), ""
    except SlideError as exc:
        return None, str(exc)


def check(
    content: Content,
    sizes: list[tuple[int, int]],
    moments: list[dt.datetime],
    screen: Screen,
    services: object = None,
) -> Iterator[Finding]:
    """Every slide of every playlist, then every region of every layout, at each size and
    each moment."""
    root = Path(content.root)
    for size in sizes:
        for at in moments:
            canvas = Canvas(size, content.theme, root, at, screen, services, display=size)
            for playlist in content.playlists:
                for slide in playlist.slides:
                    frame, error = _draw(slide, canvas)
                    found = _finding(playlist.path, slide.id, canvas, frame, error)
                    found.duration_s = 0.0 if slide.auto_duration else slide.duration_s
                    yield found
            yield from _layouts(content, size, at, screen, services)


def _layouts(
    content: Content,
    size: tuple[int, int],
    at: dt.datetime,
    screen: Screen,
    services: object,
) -> Iterator[Finding]:
    sources = [(p.path, p.layouts) for p in content.playlists] + [("theme.yaml", content.layouts)]
    seen: list[object] = []
    for where, layouts in sources:
        layout = layouts.pick(size) if layouts is not None else None
        if layout is None or any(layout is known for known in seen):
            continue
        seen.append(layout)
        for region in layout.regions:
            _, _, w, h = region.rect(size)
            canvas = Canvas(
                (w, h), content.theme, Path(content.root), at, screen, services, False, size
            )
            slides: tuple[Slide, ...] = ()
            if region.slide is not None:
                slides = (region.slide,)
            elif (playlist := content.playlist(region.playlist or "")) is not None:
                slides = playlist.slides
            for slide in slides:
                frame, error = _draw(slide, canvas)
                label = f"layout {region.name} ({w}x{h}): {slide.id}"
                yield _finding(where, label, canvas, frame, error)


def _finding(where: str, slide: str, canvas: Canvas, frame: Frame | None, error: str) -> Finding:
    return Finding(
        where,
        slide,
        canvas.display or canvas.size,
        canvas.at,
        list(frame.marks) if frame is not None else [],
        error,
        canvas.short_side,
        canvas.scale,
    )


def floors_line(size: tuple[int, int], scale: float = 1.0) -> str:
    """The floors at this size, for the report's heading."""
    short = min(size)
    parts = ", ".join(f"{role} {floor_height(role, short, scale):.0f} px" for role in ROLES)
    return f"{size[0]}x{size[1]} (S = {short}): floors {parts}; contrast 4.5:1 (3:1 from {short / 18:.0f} px)"

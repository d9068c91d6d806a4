"""``signage check --legibility``: every slide and layout drawn at a screen size, and what
the drawing recorded of its text (see :mod:`signage.draw.legible`) held against the floors,
in metres.

Per slide: the smallest line's cap height in pixels and millimetres on the configured
screen, the angle it subtends from the viewing distance, and the distance it can be read
from (where it still subtends 16 minutes of arc); and the lowest contrast against the
pixels behind it. A slide is *under* when any line is below its floor, its contrast below
4.5:1 (3:1 for large text), it is readable from less than its viewing distance, it cuts
text without ``overflow: cut``, or its fixed duration is too short to read its pages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.content.model import Content
from signage.content.playlist import reading_seconds
from signage.core.viewing import READABLE_ARCMIN, Viewing, show_length
from signage.draw.canvas import Canvas, Frame, Screen
from signage.draw.legible import ARCMIN, ROLES, Mark, floor_cap, words_read
from signage.player.frames import SlideError, prepare
from signage.slides import Slide

CUT = "…"


@dataclass
class Finding:
    """One slide (or one region of a layout) at one size and instant."""

    where: str  # playlists/accueil.yaml (the slide's own line in ``origin``)
    slide: str  # the slide id, or layout:region
    size: tuple[int, int]
    at: dt.datetime
    marks: list[Mark] = field(default_factory=list)
    error: str = ""
    viewing: Viewing = field(default_factory=Viewing)
    scale: float = 1.0
    duration_s: float = 0.0  # a fixed duration (0: auto or a widget)
    origin: str = ""  # playlists/accueil.yaml:12
    overflow: str = "page"
    pages: int = 1
    reading_s: float = 0.0  # what reading every page takes
    fixed: bool = False  # the slide says its own duration

    def floor(self, role: str) -> float:
        """The smallest cap height, in pixels, this role may have here."""
        return floor_cap(role, self.viewing, self.size, self.scale)

    def smallest(self) -> Mark | None:
        return min(self.marks, key=lambda m: m.cap, default=None)

    def lowest(self) -> Mark | None:
        return min(self.marks, key=lambda m: m.contrast / m.needed, default=None)

    def small(self) -> list[Mark]:
        # a rendered capital rounds to the pixel
        return [m for m in self.marks if m.cap < self.floor(m.role) - 0.5]

    def faint(self) -> list[Mark]:
        return [m for m in self.marks if m.contrast < m.needed]

    def clipped(self) -> list[Mark]:
        return [m for m in self.marks if m.clipped]

    def cut(self) -> list[Mark]:
        return [m for m in self.marks if m.text.rstrip().endswith(CUT)]

    def mm(self, mark: Mark) -> float:
        return mark.cap * self.viewing.pitch_mm(self.size)

    def arcmin(self, mark: Mark) -> float:
        return self.viewing.arcmin(mark.cap, self.size)

    def readable_from_m(self) -> float | None:
        """The distance the smallest line can be read from (16 arcmin), in metres."""
        small = self.smallest()
        if small is None:
            return None
        return self.viewing.readable_from_mm(small.cap, self.size) / 1000

    def reading_needed_s(self) -> float:
        return self.reading_s or reading_seconds(words_read(self.marks))

    def too_short(self) -> bool:
        """A duration the author fixed that cannot show every page long enough to read it."""
        return bool(
            self.fixed and self.pages > 1 and self.reading_needed_s() > self.duration_s + 0.01
        )

    def uncut(self) -> list[Mark]:
        """Lines cut with an ellipsis the author did not ask for (``overflow: cut``)."""
        return [] if self.overflow == "cut" else self.cut()

    @property
    def under(self) -> bool:
        """Drawn in error, or with any of :meth:`problems`."""
        return bool(self.error or self.problems())

    def line(self) -> str:
        """One line for the terminal: the slide, its smallest text in px, mm, arcmin and
        metres, its lowest contrast, and what is wrong."""
        w, h = self.size
        head = f"{self.where}: {self.slide} at {w}x{h}"
        if self.error:
            return f"{head}: error: {self.error}"
        if not self.marks:
            return f"{head}: no text"
        small, low = self.smallest(), self.lowest()
        assert small is not None and low is not None
        readable = self.readable_from_m() or 0.0
        text = (
            f"{head}: smallest capitals {small.cap} px = {self.mm(small):.1f} mm "
            f"({small.role}, floor {self.floor(small.role):.0f} px), "
            f"{self.arcmin(small):.1f}′ at {show_length(self.viewing.distance_mm)}, "
            f"readable from {readable:.1f} m; "
            f"lowest contrast {low.contrast:.1f}:1 (needs {low.needed:g})"
        )
        if self.pages > 1:
            text += f"; {self.pages} pages"
        problems = self.problems()
        if problems:
            return f"{text}  UNDER: " + "; ".join(problems)
        notes = []
        if self.cut():
            notes.append(f'overflow: cut, cut: "{_short(self.cut()[0].text)}"')
        words = words_read(self.marks)
        needed = reading_seconds(words)
        if self.duration_s and self.pages == 1 and needed > self.duration_s:
            notes.append(
                f"warning: {words} words need {needed:g} s to read, shown {self.duration_s:g} s; "
                "use duration: auto"
            )
        return f"{text}  ok" + (f" ({'; '.join(notes)})" if notes else "")

    def problems(self) -> list[str]:
        found = [
            f'{m.role} "{_short(m.text)}" capitals {m.cap} px < {self.floor(m.role):.0f}'
            for m in self.small()[:3]
        ]
        found += [
            f'"{_short(m.text)}" contrast {m.contrast:.1f}:1 < {m.needed:g}'
            for m in self.faint()[:3]
        ]
        found += [f'"{_short(m.text)}" does not fit its area' for m in self.clipped()[:3]]
        found += [
            f'"{_short(m.text)}" is cut (say overflow: cut to allow it, or let it page)'
            for m in self.uncut()[:3]
        ]
        readable = self.readable_from_m()
        if readable is not None and readable * 1000 < self.viewing.distance_mm * 0.995:
            found.append(
                f"readable from {readable:.1f} m only, read from "
                f"{show_length(self.viewing.distance_mm)}"
            )
        if self.too_short():
            found.append(
                f"{self.origin or self.where}: error: duration {self.duration_s:g} s is too "
                f"short to read its {self.pages} pages ({self.reading_needed_s():g} s); "
                "use duration: auto, or overflow: cut"
            )
        return found

    def as_json(self) -> dict[str, Any]:
        """The same, per slide, for ``--json``."""
        small = self.smallest()
        low = self.lowest()
        return {
            "where": self.origin or self.where,
            "slide": self.slide,
            "size": f"{self.size[0]}x{self.size[1]}",
            "at": self.at.isoformat(timespec="minutes"),
            "distance_m": round(self.viewing.distance_mm / 1000, 2),
            "diagonal_in": round(self.viewing.diagonal_mm / 25.4, 1),
            "error": self.error or None,
            "smallest": None
            if small is None
            else {
                "text": small.text,
                "role": small.role,
                "cap_px": small.cap,
                "x_height_px": small.x_height,
                "cap_mm": round(self.mm(small), 1),
                "arcmin": round(self.arcmin(small), 1),
                "floor_px": round(self.floor(small.role), 1),
            },
            "readable_from_m": None
            if self.readable_from_m() is None
            else round(self.readable_from_m() or 0.0, 2),
            "lowest_contrast": None if low is None else low.contrast,
            "pages": self.pages,
            "reading_s": round(self.reading_needed_s(), 1) if self.marks else 0,
            "duration_s": self.duration_s or None,
            "cut": [m.text for m in self.cut()],
            "problems": self.problems() if not self.error else [self.error],
            "under": self.under,
        }


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
                    found = _finding(playlist.path, slide.id, canvas, frame, error, slide)
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
                (w, h), content.theme, Path(content.root), at, screen, services, False, size,
                distance_mm=layout.distance_of(region),
            )  # fmt: skip
            slides: tuple[Slide, ...] = ()
            if region.slide is not None:
                slides = (region.slide,)
            elif (playlist := content.playlist(region.playlist or "")) is not None:
                slides = playlist.slides
            for slide in slides:
                frame, error = _draw(slide, canvas)
                label = f"layout {region.name} ({w}x{h}): {slide.id}"
                yield _finding(where, label, canvas, frame, error, slide)


def _finding(
    where: str, slide: str, canvas: Canvas, frame: Frame | None, error: str, drawn: Slide
) -> Finding:
    return Finding(
        where,
        slide,
        canvas.screen_size,
        canvas.at,
        list(frame.marks) if frame is not None else [],
        error,
        canvas.viewing,
        canvas.theme.text_scale,
        origin=drawn.origin,
        overflow=drawn.overflow,
        pages=frame.pages if frame is not None else 1,
        fixed=drawn.fixed_duration,
        reading_s=frame.reading_s if frame is not None else 0.0,
    )


def floors_line(size: tuple[int, int], viewing: Viewing, scale: float = 1.0) -> str:
    """The floors at this size and distance, for the report's heading."""
    short = min(size)
    parts = ", ".join(
        f"{role} {math.ceil(floor_cap(role, viewing, size, scale))} px ({ARCMIN[role]:g}′)"
        for role in ROLES
    )
    return (
        f"{size[0]}x{size[1]}, {viewing.describe()}, "
        f"{viewing.pitch_mm(size):.3f} mm a pixel: capitals at least {parts}; readable from "
        f"= where the smallest capitals still subtend {READABLE_ARCMIN:g}′; contrast 4.5:1 "
        f"(3:1 from {short / 18:.0f} px)"
    )

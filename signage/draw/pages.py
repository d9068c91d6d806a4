"""Pages, never cuts: text that does not fit at its floor is split into pages shown in turn
within the slide, each long enough to read.

A slide's pages are timed from when it appeared on screen (``Canvas.started``): with
``duration: auto`` (or no duration) each page stays the time its words take to read and
the slide's time grows to their sum (``Frame.reading_s``, which the player holds the slide
for); with a fixed duration the pages share it in proportion to their words, and
``signage check --legibility`` reports a duration too short to read them all. A preview
(``Canvas.page``) draws the page it is told.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from signage.content.playlist import reading_seconds
from signage.draw.canvas import Canvas, Frame
from signage.draw.legible import CONTENT, SECONDARY
from signage.draw.text import Block, Layout, Line, fit, layout

OVERFLOW_CUT = "cut"  # ``overflow: cut``: the explicit opt-in to cutting with an ellipsis


@dataclass(frozen=True)
class Paging:
    """Which of ``count`` pages is on screen, and when the next one turns (None: never)."""

    index: int
    count: int
    turn: dt.datetime | None
    reading_s: float  # what reading every page takes (the slide is held that long)

    @property
    def marker(self) -> str:
        return f"{self.index + 1}/{self.count}" if self.count > 1 else ""


def split(placed: Layout, height: float) -> list[Layout]:
    """``placed``'s lines in pages no taller than ``height`` (at least one line a page)."""
    pages: list[list[Line]] = [[]]
    top = 0.0
    for line in placed.lines:
        if pages[-1] and line.y - top + placed.size * 1.15 > height:
            pages.append([])
        if not pages[-1]:
            top = line.y
        pages[-1].append(line)
    out = []
    for lines in pages:
        first = lines[0].y
        moved = tuple(Line(line.y - first, line.pieces, line.width) for line in lines)
        bottom = moved[-1].y + placed.size * 1.15
        out.append(Layout(placed.size, moved, bottom, max(one.width for one in moved), placed.fits))
    return out


def words(placed: Layout) -> int:
    return sum(len(piece.text.split()) for line in placed.lines for piece in line.pieces)


def paging(
    words_per_page: list[int],
    at: dt.datetime,
    started: dt.datetime | None,
    fixed_s: float | None,
    page: int | None = None,
    extra_words: int = 0,
) -> Paging:
    """The page on screen at ``at`` for a slide that appeared at ``started``: each page
    its reading time (``extra_words``, a title shown on every page, counts on each), or
    ``fixed_s`` shared in proportion to the words."""
    count = max(1, len(words_per_page))
    times = [reading_seconds(w + extra_words) for w in words_per_page] or [0.0]
    reading = sum(times)
    if fixed_s is not None and count > 1:
        total = max(1, sum(words_per_page))
        times = [fixed_s * w / total for w in words_per_page]
    if page is not None or count == 1 or started is None:
        return Paging(min(page or 0, count - 1), count, None, reading)
    elapsed = max(0.0, (at - started).total_seconds())
    cycle = sum(times)
    into = elapsed % cycle if cycle > 0 else 0.0
    passed = elapsed - into
    for index, seconds in enumerate(times):
        if into < seconds or index == count - 1:
            turn = started + dt.timedelta(seconds=passed + sum(times[: index + 1]))
            return Paging(index, count, turn, reading)
        into -= seconds
    return Paging(0, count, None, reading)  # not reached


ONE_PAGE = Paging(0, 1, None, 0.0)


def fit_or_page(
    canvas: Canvas,
    blocks: list[Block],
    box: tuple[int, int],
    design: float,
    slide: Any,
    heading_words: int = 0,
    role: str = CONTENT,
) -> tuple[Layout, Paging]:
    """``blocks`` in ``box``: at the largest size from the design's down to the floor that
    fits; when even the floor does not, the page on screen of the text in pages (room left
    under it for the page number), or, with ``overflow: cut`` (or no slide to time pages
    by), cut with an ellipsis (``check`` finds the cut in the Pen's marks)."""
    fonts = canvas.fonts
    width, height = box
    floor = canvas.floor(role)
    at_floor = layout(blocks, fonts, floor, width)
    if at_floor.height <= height:
        return fit(blocks, fonts, box, canvas.font_px(design, role), floor), ONE_PAGE
    if slide is None or slide.overflow == OVERFLOW_CUT:
        return fit(blocks, fonts, box, floor, floor), ONE_PAGE
    pages = split(at_floor, height - marker_height(canvas))
    counts = [words(page) for page in pages]
    counts[0] += heading_words
    fixed = slide.duration_s if slide.fixed_duration else None
    paged = paging(counts, canvas.at, canvas.started, fixed, canvas.page)
    return pages[paged.index], paged


def marker_height(canvas: Canvas) -> int:
    return int(canvas.fonts.get(canvas.floor(SECONDARY)).size * 1.6)


def draw_marker(pen: Any, canvas: Canvas, paged: Paging, corner: tuple[int, int]) -> None:
    """ "2/3" at the bottom right ``corner`` of the paged text, in the secondary size."""
    if paged.count <= 1:
        return
    face = canvas.fonts.get(canvas.floor(SECONDARY))
    pen.text(
        corner, paged.marker, font=face, fill=canvas.theme.colours.muted, anchor="rd",
        role=SECONDARY,
    )  # fmt: skip


def finish_paged(frame: Frame, paged: Paging) -> Frame:
    """The frame told its pages: how many, which, what reading them takes."""
    frame.pages, frame.page = paged.count, paged.index
    frame.reading_s = paged.reading_s if paged.count > 1 else 0.0
    return frame

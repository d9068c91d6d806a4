"""Every room, what is on now and next (``view: rooms``): one row per room, each as tall
as its own titles need (wrapped, never cut), the rows sharing what is left; rooms that
do not fit go to further pages. Type grows (up to twice the design) when few rooms leave
room for it, one size for the whole grid."""

from __future__ import annotations

import datetime as dt

from signage.core import i18n
from signage.draw.canvas import Canvas
from signage.draw.door import ROOM_STATE, room_state, state_words
from signage.draw.legible import SECONDARY
from signage.draw.schedule_parts import (
    RUNNING,
    Pen,
    _heading,
    _hours,
    _later,
    _page,
    _speakers,
    _title,
    change_label,
)
from signage.draw.text import Layout, fit, parse_markdown
from signage.draw.text import draw as draw_text
from signage.programme.model import Event
from signage.programme.store import Shown

SCALES = tuple(round(2.0 - 0.1 * i, 1) for i in range(11))  # 2.0 down to 1.0
FULL, NO_SPEAKERS, NOW_ONLY = 2, 1, 0  # what a row shows
UNBOUNDED = 10**6


def _rooms(
    pen: Pen, canvas: Canvas, shown: Shown, heading: str, closing: str
) -> dt.datetime | None:
    """The grid; returns when its page turns (None: one page)."""
    programme = shown.programme
    x, y, w, h = canvas.body()
    colours = canvas.theme.colours
    today = canvas.local(canvas.at).date()
    rooms = [
        r
        for r in programme.room_names()
        if any(canvas.local(e.end).date() >= today for e in programme.in_room(r))
    ]
    top = y + _heading(pen, canvas, heading, (x, y, w))
    if not rooms:  # nothing today or later: the programme is over
        said = canvas.wrap(closing, w, 56, bold=True, max_lines=3)
        draw_text(pen, said, canvas.fonts, (x, top + canvas.px(40)), colours.text)
        return None
    grid = Grid(canvas, shown, (x, w), _stacked(canvas, rooms, w), rooms)
    room_h = y + h - top
    # a room too tall for the area alone (a narrow sidebar): its speakers left out, then
    # what comes next; the same for every row (one look for the grid). And every room at
    # once rather than in pages when less detail allows it (two rooms in a sidebar)
    levels = (FULL, NO_SPEAKERS, NOW_ONLY)
    for grid.detail in levels:
        if all(grid.row_height(room, 1.0) <= room_h for room in rooms):
            break
    pages = _paged(grid, rooms, room_h)
    fits = grid.detail
    for grid.detail in levels[levels.index(fits) + 1 :]:
        if len(fewer := _paged(grid, rooms, room_h)) == 1:
            pages = fewer
            break
    else:
        grid.detail = fits
    page, turn = _page(canvas, len(pages))
    on_page = pages[page]
    if len(pages) > 1:
        marker = i18n.label("page", canvas.locale, p=page + 1, n=len(pages))
        pen.text((x + w, y), marker, font=canvas.fonts.get(canvas.floor(SECONDARY)),
                 fill=colours.muted, anchor="ra", role=SECONDARY)  # fmt: skip
    k = next((k for k in SCALES if sum(grid.row_height(r, k) for r in on_page) <= room_h), 1.0)
    heights = [grid.row_height(room, k) for room in on_page]
    spare = max(0, room_h - sum(heights)) // len(on_page) if len(pages) == 1 else 0
    row_y = top
    for room, height in zip(on_page, heights, strict=True):
        grid.row(pen, room, row_y, height + spare, k)
        row_y += height + spare
    return turn


def _paged(grid: Grid, rooms: list[str], room_h: int) -> list[list[str]]:
    """The rooms in pages at the design's size: what does not fit goes to the next page."""
    pages: list[list[str]] = [[]]
    used = 0
    for room in rooms:
        need = grid.row_height(room, 1.0)
        if pages[-1] and used + need > room_h:
            pages.append([])
            used = 0
        pages[-1].append(room)
        used += need
    return pages


class Grid:
    """The rows of one grid: their columns, and each row drawn or measured at scale ``k``."""

    def __init__(
        self,
        canvas: Canvas,
        shown: Shown,
        across: tuple[int, int],
        stacked: bool,
        rooms: list[str],
    ) -> None:
        self.canvas, self.shown, self.stacked, self.rooms = canvas, shown, stacked, rooms
        self._sizes: dict[tuple[float, int], tuple[int, int]] = {}
        self.x, self.w = across
        self.room_w = int(self.w * 0.26)
        px = canvas.px
        self.col_w = (
            (self.w - self.room_w - px(24)) // 2 if not stacked else self.w - px(48)
        ) - px(24)
        self.gap = px(16)
        self.detail = FULL

    def sizes(self, k: float) -> tuple[int, int]:
        """One size for the rooms' names and one for the talks' titles, for the whole grid
        at scale ``k``: the largest at which every one holds in its lines (a short "Pause"
        beside a long title is not larger than it)."""
        known = self._sizes.get((k, self.detail))
        if known is not None:
            return known
        canvas, width = self.canvas, self._name_width()
        names = [
            _title(canvas, room, (width, UNBOUNDED), 36 * k, 2 if self.stacked else 3).size
            for room in self.rooms
        ]
        titles = [
            _title(canvas, _said(canvas, self.shown, label, event, i)[0],
                   (self.col_w, UNBOUNDED), 34 * k * 1.15, 3).size
            for room in self.rooms
            for i, (label, event) in enumerate(self._cells(room))
        ]  # fmt: skip
        found = self._sizes[(k, self.detail)] = (min(names), min(titles))
        return found

    def _name_width(self) -> int:
        return (self.room_w if not self.stacked else self.w) - self.canvas.px(40)

    def _name(self, room: str, k: float, width: int) -> Layout:
        return _at(self.canvas, room, width, self.sizes(k)[0])

    def _cells(self, room: str) -> list[tuple[str, Event | None]]:
        programme, at, locale = self.shown.programme, self.canvas.at, self.canvas.locale
        cells = [
            (i18n.label("now", locale), programme.now(room, at)),
            (i18n.label("next", locale), programme.next(room, at)),
        ]
        return cells[:1] if self.detail == NOW_ONLY else cells

    def row_height(self, room: str, k: float) -> int:
        """What ``room``'s row needs at scale ``k``: its name and its tallest cell."""
        canvas = self.canvas
        pad = canvas.px(20 * k)
        name = self._name(room, k, self._name_width())
        measure = (0, 0, self.col_w, UNBOUNDED)
        full = self.detail == FULL
        title = self.sizes(k)[1]
        cells = [
            _cell(None, canvas, self.shown, measure, label, event, i, (k, title), full)
            for i, (label, event) in enumerate(self._cells(room))
        ]
        if self.stacked:
            inner = int(name.height + name.size * 0.4) + len(cells) * max(cells)
        else:
            inner = max(int(name.height), *cells)
        return inner + 2 * pad + self.gap + canvas.px(8)

    def row(self, pen: Pen, room: str, row_y: int, row_h: int, k: float) -> None:
        canvas, x, w = self.canvas, self.x, self.w
        colours, fonts = canvas.theme.colours, canvas.fonts
        pen.rounded_rectangle((x, row_y, x + w, row_y + row_h - self.gap), radius=canvas.px(14),
                              fill=colours.panel)  # fmt: skip
        pad = canvas.px(20 * k)
        # landscape: the room on the left, now and next side by side; stacked: the room
        # across the top, now and next below each other
        name_w = (self.room_w if not self.stacked else w) - canvas.px(40)
        said = room_state(canvas, room)
        if said is not None:  # marked in every now/next view, in words on its colour
            tag, tag_size = canvas.fit_line(
                f"✕ {state_words(canvas, said)[0]}", name_w, 30 * min(k, 1.4), bold=True
            )
            tag_w = int(fonts.get(tag_size, True).getlength(tag)) + canvas.px(24)
            tag_x = x + w - pad - tag_w if self.stacked else x + pad
            if self.stacked:  # the name wraps before the tag rather than running under it
                name_w -= tag_w + canvas.px(16)
            bottom = row_y + row_h - self.gap
            tag_y = row_y + pad if self.stacked else bottom - pad - tag_size - canvas.px(12)
            pen.rounded_rectangle((tag_x, tag_y, tag_x + tag_w, tag_y + tag_size + canvas.px(14)),
                                  radius=canvas.px(8), fill=ROOM_STATE[said[0]])  # fmt: skip
            pen.text((tag_x + canvas.px(12), tag_y + canvas.px(5)), tag,
                     font=fonts.get(tag_size, True), fill=(255, 255, 255))  # fmt: skip
        placed = self._name(room, k, name_w)
        draw_text(pen, placed, fonts, (x + pad, row_y + pad), colours.text)
        cell_top = row_y + pad + (int(placed.height + placed.size * 0.4) if self.stacked else 0)
        bottom = row_y + row_h - self.gap - pad
        cells = self._cells(room)
        cell_h = (bottom - cell_top) // len(cells) if self.stacked else bottom - cell_top
        for column, (label, event) in enumerate(cells):
            if self.stacked:
                cx, cy = x + pad, cell_top + column * cell_h
            else:
                cx = x + self.room_w + canvas.px(16) + column * (self.col_w + canvas.px(48))
                cy = cell_top
            box = (cx, cy, self.col_w, cell_h)
            sized = (k, self.sizes(k)[1])
            _cell(pen, canvas, self.shown, box, label, event, column, sized, self.detail == FULL)


def _cell(
    pen: Pen | None,
    canvas: Canvas,
    shown: Shown,
    box: tuple[int, int, int, int],
    label: str,
    event: Event | None,
    column: int,
    sized: tuple[float, int],
    speakers: bool = True,
) -> int:
    """One room's "now" or "next" in ``box`` (x, y, width, height): when (and what changed),
    the title wrapped (never cut), the speakers under it; returns the height it takes
    (``pen`` None: measures only)."""
    cx, cy, width, height = box
    k, title_size = sized
    colours = canvas.theme.colours
    text, when = _said(canvas, shown, label, event, column)
    # labels grow less than titles; one that is too long wraps
    said = canvas.wrap(when, width, 26 * min(k, 1.4), SECONDARY)
    top = int(said.height + said.size * 0.45)
    placed = _at(canvas, text, width, title_size)
    below = top + int(placed.height)
    who = _speakers(event) if event is not None and speakers else ""
    names = canvas.wrap(who, width, 24 * min(k, 1.4), SECONDARY) if who else None
    needed = below + (int(names.height + names.size * 0.4) if names is not None else 0)
    if pen is None:
        return needed
    draw_text(pen, said, canvas.fonts, (cx, cy), colours.accent, role=SECONDARY)
    draw_text(pen, placed, canvas.fonts, (cx, cy + top), colours.text)
    if names is not None and needed <= height:
        y = cy + below + int(names.size * 0.4)
        draw_text(pen, names, canvas.fonts, (cx, y), colours.muted, role=SECONDARY)
    return needed


def _said(
    canvas: Canvas, shown: Shown, label: str, event: Event | None, column: int
) -> tuple[str, str]:
    """A cell's title and its time line ("▶ Maintenant · 09:50 – 10:45 · +15 min")."""
    today = canvas.local(canvas.at).date()
    if event is None:  # words, never a dash alone
        nothing = "nothing_now" if column == 0 else "room_done"
        return i18n.label(nothing, canvas.locale), label
    if column == 1 and canvas.local(event.start).date() != today:
        return event.title, f"{label} · {_later(event, canvas)}"
    marker = f"{RUNNING} " if column == 0 else ""
    when = f"{marker}{label} · {_hours(event, canvas)}"
    extra = change_label(shown.changes.get(event.id), canvas)
    return event.title, f"{when} · {extra}" if extra else when


def _at(canvas: Canvas, text: str, width: int, size: int) -> Layout:
    """A bold title at ``size`` pixels, wrapped to ``width`` on as many lines as it takes."""
    return fit(
        parse_markdown(f"**{text}**"), canvas.fonts, (width, UNBOUNDED), size, size, cut=False
    )


def _stacked(canvas: Canvas, rooms: list[str], width: int) -> bool:
    """Rooms stacked (name across the top, now and next below each other): portrait areas,
    landscape ones too narrow for three columns (a 1080x960 region), and any where a word
    of a room's name would not fit its column at the floor ("Amphithéâtre" in large type)."""
    if canvas.width < canvas.height * 1.5:
        return True
    face = canvas.fonts.get(canvas.floor(bold=True), True)
    column = int(width * 0.26) - canvas.px(40)
    return any(face.getlength(word) > column for room in rooms for word in room.split())

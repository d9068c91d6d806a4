"""Schedule slides: a room's now and next, every room, the rest of the day (Pillow, in the worker)."""

from __future__ import annotations

import datetime as dt

from signage.core import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.door import ROOM_STATE, draw_door, room_state, state_words
from signage.draw.legible import SECONDARY
from signage.draw.schedule_parts import (
    RUNNING,
    Pen,
    _cancelled,
    _heading,
    _hours,
    _largest,
    _later,
    _minutes,
    _over,
    _page,
    _speakers,
    _state_band,
    _talk,
    _time_line,
    _title,
    change_label,
    shown_for,
)
from signage.draw.text import Layout
from signage.draw.text import draw as draw_text
from signage.programme.model import Event, ProgrammeError
from signage.programme.store import Shown
from signage.slides.schedule import ScheduleSlide


def render_schedule(slide: ScheduleSlide, canvas: Canvas) -> Frame:
    image = canvas.blank()
    pen = canvas.pen(image)
    x, y, w, _ = canvas.body()
    colours = canvas.theme.colours
    try:
        shown = shown_for(slide.source, canvas)
    except ProgrammeError as exc:
        top = y + _heading(pen, canvas, i18n.label("no_programme", canvas.locale), (x, y, w))
        line, size = canvas.fit_line(str(exc), w, 30, SECONDARY)
        pen.text((x, top), line, font=canvas.fonts.get(size), fill=colours.muted, role=SECONDARY)
        return canvas.finish(image, notes=[f"{slide.origin}: {exc}"])
    # now and next move with the minute, in a region without a clock too
    valid = canvas.next_minute()
    room = slide.room
    if room == "auto":
        room = canvas.screen.room
    programme = shown.programme
    found = programme.find_room(room) if room else None
    closing = slide.closing or i18n.label("programme_over", canvas.locale)
    if slide.view == "door":
        draw_door(image, canvas, programme, found or room or "?")
        return canvas.finish(image, valid_until=valid)
    if slide.view == "day":
        turn = _day(pen, canvas, shown, slide.heading or i18n.label("today", canvas.locale))
    elif slide.view == "room" and found:
        scale = _largest(canvas, lambda dry, k: _room(dry, canvas, shown, found, closing, k, False))
        _room(pen, canvas, shown, found, closing, scale)
        turn = None
    else:
        heading = slide.heading or i18n.label("programme", canvas.locale)
        turn = _rooms(pen, canvas, shown, heading, closing)
    return canvas.finish(image, valid_until=min(valid, turn) if turn else valid)


def _room(
    pen: Pen,
    canvas: Canvas,
    shown: Shown,
    room: str,
    closing: str,
    k: float = 1.0,
    clip: bool = True,
) -> int:
    """This room's current talk with a progress bar and time left, then the next one, in the
    largest type (``k`` times the design) that fills the area; returns the bottom. What
    does not fit even at ``k`` = 1 is left out (``clip=False``: measuring, all of it)."""
    programme = shown.programme
    x, y, w, h = canvas.body()
    colours = canvas.theme.colours
    fonts = canvas.fonts
    at = canvas.at
    bottom = y + h if clip else 10**6  # what does not fit is left out, never drawn over the edge
    cursor = y + _heading(pen, canvas, room, (x, y, w), k)
    said = room_state(canvas, room)
    if said is not None:  # "Complet" in large type: what the people at the door need first
        cursor = _state_band(pen, canvas, said, (x, cursor, w), k)
    now, nxt = programme.now(room, at), programme.next(room, at)
    small = min(k, 1.4)  # labels and times grow less than the titles they introduce
    tall = canvas.height > canvas.width  # narrow: titles take more lines rather than shrink
    now_lines, next_lines = (4, 3) if tall else (3, 2)
    label = fonts.get(canvas.font_px(34 * small, SECONDARY, True), True)
    step = int(label.size * 1.6)
    time_px = canvas.font_px(34 * small, SECONDARY)
    one_line = int(canvas.floor(bold=True) * 1.3)  # one line of a title at the floor
    pen.text(
        (x, cursor), f"{RUNNING} {i18n.label('now', canvas.locale).upper()}", font=label,
        fill=colours.accent, role=SECONDARY,
    )  # fmt: skip
    cursor += step
    if now is not None:
        _time_line(pen, canvas, (x, cursor), _hours(now, canvas), shown.changes.get(now.id),
                   time_px, False)  # fmt: skip
        cursor += int(time_px * 1.5)
        bar_h = canvas.px(14 * k)
        left_face = fonts.get(canvas.font_px(30 * small, SECONDARY))
        below = bar_h + int(left_face.size * 2.2)
        room_left = min(int(h * 0.4), bottom - cursor - below) if clip else int(h * 0.4)
        cursor = _talk(pen, canvas, now, (x, cursor, w, room_left), 80 * k, 40 * k, now_lines)
        total = (now.end - now.start).total_seconds() or 1
        done = min(1.0, max(0.0, (at - now.start).total_seconds() / total))
        pen.rounded_rectangle(
            (x, cursor, x + w, cursor + bar_h), radius=bar_h // 2, fill=colours.panel
        )
        pen.rounded_rectangle(
            (x, cursor, x + max(bar_h, int(w * done)), cursor + bar_h),
            radius=bar_h // 2,
            fill=colours.accent,
        )
        left = i18n.label("left_minutes", canvas.locale, n=_minutes(now.end - at))
        pen.text((x + w, cursor + bar_h + canvas.px(12)), left, font=left_face,
                 fill=colours.muted, anchor="ra", role=SECONDARY)  # fmt: skip
        cursor += bar_h + int(left_face.size * 2.2)
    else:
        face = fonts.get(canvas.font_px(48 * k))
        pen.text((x, cursor), i18n.label("nothing_now", canvas.locale), font=face,
                 fill=colours.muted)  # fmt: skip
        cursor += int(face.size * 2)
    if cursor + step + time_px * 1.5 + one_line > bottom:
        return cursor  # no room for what comes next: the talk on now is what matters
    pen.text((x, cursor), i18n.label("next", canvas.locale).upper(), font=label,
             fill=colours.accent, role=SECONDARY)  # fmt: skip
    cursor += step
    if nxt is not None:
        today = canvas.local(nxt.start).date() == canvas.local(at).date()
        if today:
            when = f"{i18n.clock(canvas.local(nxt.start), canvas.locale)} · {i18n.minutes_until(_minutes(nxt.start - at), canvas.locale)}"
        else:  # nothing left today: the next day with talks
            when = _later(nxt, canvas)
        change = shown.changes.get(nxt.id) if today else None
        _time_line(pen, canvas, (x, cursor), when, change, time_px, True)
        cursor += int(time_px * 1.5)
        lines = int(canvas.font_px(56 * k, bold=True) * 1.25 * next_lines)
        room_left = bottom - cursor if clip else lines
        cursor = _talk(pen, canvas, nxt, (x, cursor, w, room_left), 56 * k, 34 * k, next_lines)
        if today:
            cursor = _cancelled(pen, canvas, shown, room, (x, cursor, w, bottom), k)
    else:
        ending = closing if _over(programme, at) else i18n.label("room_done", canvas.locale)
        line, size = canvas.fit_line(ending, w, 44 * k, bold=True)
        pen.text((x, cursor), line, font=fonts.get(size, True), fill=colours.text)
        cursor += int(size * 1.3)
    return cursor


def _rooms(
    pen: Pen, canvas: Canvas, shown: Shown, heading: str, closing: str
) -> dt.datetime | None:
    """Every room, what is on now and next. Rows share the height (two rooms: large type);
    rooms that do not fit at the floors go to further pages. Returns when the page turns."""
    programme = shown.programme
    x, y, w, h = canvas.body()
    colours = canvas.theme.colours
    fonts = canvas.fonts
    at = canvas.at
    today = canvas.local(at).date()
    rooms = [
        r
        for r in programme.room_names()
        if any(canvas.local(e.end).date() >= today for e in programme.in_room(r))
    ]
    top = y + _heading(pen, canvas, heading, (x, y, w))
    if not rooms:  # nothing today or later: the programme is over
        line, size = canvas.fit_line(closing, w, 56, bold=True)
        pen.text((x, top + canvas.px(40)), line, font=fonts.get(size, True), fill=colours.text)
        return None
    portrait = _stacked(canvas, rooms, w)
    gap = canvas.px(16)
    least = _row_height(canvas, 1.0, portrait)
    per_page = max(1, (y + h - top) // least)
    pages = max(1, -(-len(rooms) // per_page))
    page, turn = _page(canvas, pages)
    on_page = rooms[page * per_page : (page + 1) * per_page]
    if pages > 1:
        marker = i18n.label("page", canvas.locale, p=page + 1, n=pages)
        pen.text((x + w, y), marker, font=fonts.get(canvas.font_px(30, SECONDARY)),
                 fill=colours.muted, anchor="ra", role=SECONDARY)  # fmt: skip
    # the rows share the height: fewer rooms, larger type (up to twice the design)
    row_h = (y + h - top) // max(1, len(on_page) if pages == 1 else per_page)
    k = max(1.0, min(2.0, row_h / least))
    while k > 1.0 and _row_height(canvas, k, portrait) > row_h:
        k -= 0.05
    room_w = int(w * 0.26)
    col_w = (w - room_w - canvas.px(24)) // 2 if not portrait else w - canvas.px(48)
    for index, room in enumerate(on_page):
        row_y = top + index * row_h
        pen.rounded_rectangle((x, row_y, x + w, row_y + row_h - gap), radius=canvas.px(14),
                              fill=colours.panel)  # fmt: skip
        pad = canvas.px(20 * k)
        # landscape: the room on the left, now and next side by side; portrait: the room
        # across the top, now and next below each other
        name_w = (room_w if not portrait else w) - canvas.px(40)
        said = room_state(canvas, room)
        if said is not None:  # marked in every now/next view, in words on its colour
            cell_h_all = row_h - gap
            tag, tag_size = canvas.fit_line(
                f"✕ {state_words(canvas, said)[0]}", name_w, 30 * min(k, 1.4), bold=True
            )
            tag_w = int(fonts.get(tag_size, True).getlength(tag)) + canvas.px(24)
            # landscape: under the room's name; portrait (the name across the top): at its right
            tag_x = x + w - pad - tag_w if portrait else x + pad
            if portrait:  # the name wraps before the tag rather than running under it
                name_w -= tag_w + canvas.px(16)
            tag_y = row_y + pad if portrait else row_y + cell_h_all - pad - tag_size - canvas.px(12)
            pen.rounded_rectangle((tag_x, tag_y, tag_x + tag_w, tag_y + tag_size + canvas.px(14)),
                                  radius=canvas.px(8), fill=ROOM_STATE[said[0]])  # fmt: skip
            pen.text((tag_x + canvas.px(12), tag_y + canvas.px(5)), tag,
                     font=fonts.get(tag_size, True), fill=(255, 255, 255))  # fmt: skip
        if portrait:  # a long room name wraps to a second line rather than being cut
            size = canvas.font_px(36 * k, bold=True)
            placed = _title(canvas, room, (name_w, size * 2.6), 36 * k, 2)
            draw_text(pen, placed, fonts, (x + pad, row_y + pad), colours.text)
            cell_top = row_y + pad + int(placed.height + placed.size * 0.4)
        else:
            placed = _title(canvas, room, (name_w, row_h - gap - 2 * pad), 36 * k, 3)
            draw_text(pen, placed, fonts, (x + pad, row_y + pad), colours.text)
            cell_top = row_y + pad
        now, nxt = programme.now(room, at), programme.next(room, at)
        cells = [(i18n.label("now", canvas.locale), now), (i18n.label("next", canvas.locale), nxt)]
        bottom = row_y + row_h - gap - pad
        cell_h = (bottom - cell_top) // 2 if portrait else bottom - cell_top
        for column, (label, event) in enumerate(cells):
            if portrait:
                cx, cy = x + pad, cell_top + column * cell_h
            else:
                cx, cy = x + room_w + canvas.px(16) + column * (col_w + canvas.px(24)), cell_top
            cell = (cx, cy, col_w - canvas.px(24), cell_h - canvas.px(8))
            _cell(pen, canvas, shown, cell, label, event, column, k)
    return turn


def _cell(
    pen: Pen,
    canvas: Canvas,
    shown: Shown,
    box: tuple[int, int, int, int],
    label: str,
    event: Event | None,
    column: int,
    k: float,
) -> None:
    """One room's "now" or "next" in ``box`` (x, y, width, height): when (and what changed),
    the title on up to three lines, the speakers when there is room for them."""
    cx, cy, width, height = box
    colours = canvas.theme.colours
    today = canvas.local(canvas.at).date()
    if event is None:  # words, never a dash alone
        nothing = "nothing_now" if column == 0 else "room_done"
        text, when = i18n.label(nothing, canvas.locale), label
    elif column == 1 and canvas.local(event.start).date() != today:
        text, when = event.title, f"{label} · {_later(event, canvas)}"
    else:
        text = event.title
        marker = f"{RUNNING} " if column == 0 else ""
        when = f"{marker}{label} · {_hours(event, canvas)}"
        extra = change_label(shown.changes.get(event.id), canvas)
        if extra:
            when = f"{when} · {extra}"
    # labels grow less than titles
    line, size = canvas.fit_line(when, width, 26 * min(k, 1.4), SECONDARY)
    pen.text((cx, cy), line, font=canvas.fonts.get(size), fill=colours.accent, role=SECONDARY)
    top = cy + int(size * 1.45)
    who = _speakers(event) if event is not None else ""
    who_design = 24 * min(k, 1.4)
    who_px = canvas.font_px(who_design, SECONDARY)
    room_for_title = height - (top - cy) - (int(who_px * 1.5) if who else 0)
    placed = _title(canvas, text, (width, room_for_title), 34 * k * 1.15, 3)
    if who and int(placed.height) + who_px * 1.5 > height - (top - cy):
        who = ""  # no room left for the speakers: the title comes first
    if not who:
        placed = _title(canvas, text, (width, height - (top - cy)), 34 * k * 1.15, 3)
    if top + placed.height > cy + height + 1:
        return  # not one line of the title fits the cell: nothing drawn over the next one
    draw_text(pen, placed, canvas.fonts, (cx, top), colours.text)
    if who:
        line, size = canvas.fit_line(who, width, who_design, SECONDARY)
        y = top + int(placed.height) + int(who_px * 0.4)
        pen.text((cx, y), line, font=canvas.fonts.get(size), fill=colours.muted, role=SECONDARY)


def _stacked(canvas: Canvas, rooms: list[str], width: int) -> bool:
    """Rooms stacked (name across the top, now and next below each other): portrait areas,
    landscape ones too narrow for three columns (a 1080x960 region), and any where a word
    of a room's name would not fit its column at the floor ("Amphithéâtre" in large type)."""
    if canvas.width < canvas.height * 1.5:
        return True
    face = canvas.fonts.get(canvas.floor(bold=True), True)
    column = int(width * 0.26) - canvas.px(40)
    return any(face.getlength(word) > column for room in rooms for word in room.split())


def _cell_height(canvas: Canvas, k: float) -> int:
    """A now/next cell: its time line and two lines of title."""
    small = canvas.font_px(26 * min(k, 1.4), SECONDARY)
    title = canvas.font_px(34 * k, bold=True)
    return int(small * 1.45 + title * 1.25 * 2 + canvas.px(12 * k))


def _row_height(canvas: Canvas, k: float, stacked: bool) -> int:
    """A room's row at type scale ``k``: its cells (stacked in portrait) and padding."""
    pad = canvas.px(20 * k)
    cells = _cell_height(canvas, k)
    if stacked:  # the room's name may wrap to two lines
        name = int(canvas.font_px(36 * k, bold=True) * 2.65)
        return name + 2 * cells + 2 * pad + canvas.px(16)
    return cells + 2 * pad + canvas.px(16)


def _day(pen: Pen, canvas: Canvas, shown: Shown, heading: str) -> dt.datetime | None:
    """The rest of today's programme by start time, in type that reads from afar: titles
    wrap to two lines; what does not fit goes to further pages. Returns when a page turns."""
    programme = shown.programme
    x, y, w, h = canvas.body()
    colours = canvas.theme.colours
    fonts = canvas.fonts
    at = canvas.at
    today = canvas.local(at).date()
    cancelled = {e.id for e in shown.cancelled}
    events = sorted(
        (e for e in (*programme.events, *shown.cancelled)
         if e.end > at and canvas.local(e.start).date() <= today <= canvas.local(e.end).date()),
        key=lambda e: (e.start, e.order),
    )  # fmt: skip
    top = y + _heading(
        pen, canvas, f"{heading} · {i18n.long_date(today, canvas.locale)}", (x, y, w)
    )
    if not events:
        upcoming = [e for e in programme.events if e.start > at]
        if upcoming:
            first = min(upcoming, key=lambda e: e.start)
            day = i18n.long_date(canvas.local(first.start).date(), canvas.locale)
            text = f"{i18n.label('starts_on', canvas.locale, d=day)} · {i18n.clock(canvas.local(first.start), canvas.locale)}"
        else:
            text = i18n.label("nothing_left", canvas.locale)
        line, size = canvas.fit_line(text, w, 44)
        pen.text((x, top), line, font=fonts.get(size), fill=colours.muted)
        return None
    portrait = canvas.portrait
    time_face = fonts.get(canvas.font_px(36, SECONDARY, True), True)
    time_w = int(time_face.getlength(f"{RUNNING} 00:00")) + canvas.px(28)
    room_w = int(w * 0.24) if not portrait else 0
    title_w = w - time_w - room_w
    room_px = canvas.font_px(30, SECONDARY)
    rows = []
    for event in events:
        if event.id in cancelled:
            label = f"✕ {i18n.label('cancelled', canvas.locale)}"
        else:
            label = change_label(shown.changes.get(event.id), canvas)
        text = f"{event.title} · {label}" if label else event.title
        placed = _title(canvas, text, (title_w, h), 40, 3, shrink=False)
        height = int(placed.height) + (int(room_px * 1.3) if portrait else 0) + canvas.px(26)
        rows.append((event, placed, label, height))
    pages: list[list[tuple[Event, Layout, str, int]]] = [[]]
    used = 0
    for row in rows:
        if pages[-1] and used + row[3] > y + h - top:
            pages.append([])
            used = 0
        pages[-1].append(row)
        used += row[3]
    page, turn = _page(canvas, len(pages))
    if len(pages) > 1:
        marker = i18n.label("page", canvas.locale, p=page + 1, n=len(pages))
        pen.text((x + w, y), marker, font=fonts.get(canvas.font_px(30, SECONDARY)),
                 fill=colours.muted, anchor="ra", role=SECONDARY)  # fmt: skip
    row_y = top
    for event, placed, label, height in pages[page]:
        running = event.start <= at < event.end
        clock = i18n.clock(canvas.local(event.start), canvas.locale)
        pen.text((x, row_y), f"{RUNNING} {clock}" if running else clock, font=time_face,
                 fill=colours.accent if running else colours.muted, role=SECONDARY)  # fmt: skip
        fill = colours.accent if label else colours.text
        draw_text(pen, placed, fonts, (x + time_w + room_w, row_y), fill)
        # landscape: the room in its own column; portrait: under the title
        room_x, room_y = (
            (x + time_w, row_y + canvas.px(6))
            if not portrait
            else (x + time_w, row_y + int(placed.height) + canvas.px(6))
        )
        room, size = canvas.fit_line(event.room, (room_w or title_w) - canvas.px(20), 30, SECONDARY)
        pen.text((room_x, room_y), room, font=fonts.get(size), fill=colours.muted, role=SECONDARY)
        row_y += height
    return turn

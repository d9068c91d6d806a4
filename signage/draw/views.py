"""Schedule slides: a room's now and next, every room, the rest of the day (Pillow, in the worker)."""

from __future__ import annotations

import datetime as dt

from signage.core import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.door import draw_door, room_state
from signage.draw.legible import SECONDARY
from signage.draw.rooms_grid import UNBOUNDED, _rooms
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
    _state_band,
    _talk,
    _time_line,
    _title,
    change_label,
    shown_for,
)
from signage.draw.text import Layout, wrap_line
from signage.draw.text import draw as draw_text
from signage.programme.model import Event, ProgrammeError
from signage.programme.store import Shown
from signage.slides.schedule import ScheduleSlide

# the room view's sizes (1080-line design px, times its scale): the room 84, the talk on
# now 80, until when 52, the talk that comes next 48 (a door: in that order of size)
UNTIL_PX, NEXT_PX = 52, 48


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
    # the room first and largest, then what is on now, until when, and what is next
    cursor = y + _heading(pen, canvas, room, (x, y, w), k, design=84, lines=2)
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
    # what comes next, whole (its title wrapped, never cut) or not at all
    next_h = (
        int(_title(canvas, nxt.title, (w, UNBOUNDED), NEXT_PX * k, next_lines).height)
        if nxt is not None
        else one_line
    )
    next_need = step + int(time_px * 1.5) + next_h  # its label, its time, its title
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
        # until when, larger than what comes next and smaller than the talk: "jusqu’à 10:45
        # · encore 40 min" (a door sign: the room, now, until when, next)
        until = " · ".join((
            i18n.label("until", canvas.locale, t=i18n.clock(canvas.local(now.end), canvas.locale)),
            i18n.label("left_minutes", canvas.locale, n=_minutes(now.end - at)),
        ))  # fmt: skip
        # on one line, as large as it holds; on two where one does not hold at the floor
        # ("jusqu’à 10:45" over "encore 40 min"), never cut: the until-when is what a door
        # is for
        until_text = wrap_line(until, fonts, w, canvas.font_px(UNTIL_PX * k, bold=True),
                               canvas.floor(bold=True), True, 1)  # fmt: skip
        until_h = int(until_text.height + until_text.size * 0.35)  # 1.5 lines for one
        below = bar_h + canvas.px(12) + until_h
        # what comes next keeps its label, its time and a line of its title: the talk on
        # now wraps smaller, or leaves its speakers out, before "next" is left out
        keep = next_need if nxt is not None else 0
        below += int(canvas.font_px(80 * k, bold=True) * 0.35) + 1  # under the title
        room_left = (
            min(int(h * 0.4), max(one_line, bottom - cursor - below - keep))
            if clip
            else int(h * 0.4)
        )
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
        cursor += bar_h + canvas.px(12)
        draw_text(pen, until_text, fonts, (x, cursor), colours.text)
        cursor += until_h
    else:
        nothing = canvas.wrap(i18n.label("nothing_now", canvas.locale), w, 48 * k)
        draw_text(pen, nothing, fonts, (x, cursor), colours.muted)
        cursor += int(nothing.height + nothing.size * 0.8)
    if cursor + next_need > bottom:
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
        lines = int(canvas.font_px(NEXT_PX * k, bold=True) * 1.25 * next_lines)
        room_left = bottom - cursor if clip else lines
        cursor = _talk(pen, canvas, nxt, (x, cursor, w, room_left), NEXT_PX * k, 34 * k, next_lines)
        if today:
            cursor = _cancelled(pen, canvas, shown, room, (x, cursor, w, bottom), k)
    else:
        ending = closing if _over(programme, at) else i18n.label("room_done", canvas.locale)
        words = canvas.wrap(ending, w, 44 * k, bold=True, max_lines=3)
        draw_text(pen, words, fonts, (x, cursor), colours.text)
        cursor += int(words.height + words.size * 0.3)
    return cursor


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
        said = canvas.wrap(text, w, 44, max_lines=3)
        draw_text(pen, said, fonts, (x, top), colours.muted)
        return None
    time_face = fonts.get(canvas.font_px(36, SECONDARY, True), True)
    time_w = int(time_face.getlength(f"{RUNNING} 00:00")) + canvas.px(28)
    # narrow (portrait, or a region where a title would get under 18 letters a line):
    # the room under the title, which takes the width
    narrow = w - time_w - int(w * 0.24) < 18 * canvas.font_px(40, bold=True)
    portrait = canvas.portrait or narrow
    # a column too narrow for a title beside the time (a layout's sidebar: seven lines of
    # ten letters): the time and the room on a line, the title under them, full width
    stacked = w - time_w < 12 * canvas.font_px(40, bold=True)
    if stacked:
        time_w = 0
    room_w = int(w * 0.24) if not portrait else 0
    title_w = w - time_w - room_w
    rows = []
    for event in events:
        if event.id in cancelled:
            label = f"✕ {i18n.label('cancelled', canvas.locale)}"
        else:
            label = change_label(shown.changes.get(event.id), canvas)
        text = f"{event.title} · {label}" if label else event.title
        placed = _title(canvas, text, (title_w, h), 40, 3, shrink=False)
        if stacked:  # "▶ 09:50 · Salle Seine" over the title
            clock = i18n.clock(canvas.local(event.start), canvas.locale)
            mark = f"{RUNNING} " if event.start <= at < event.end else ""
            where = canvas.wrap(f"{mark}{clock} · {event.room}", w, 36, SECONDARY)
            height = int(where.height + placed.height) + canvas.px(10)
        elif portrait:  # the room under the title
            where = canvas.wrap(event.room, title_w - canvas.px(20), 30, SECONDARY)
            height = int(placed.height + where.height) + canvas.px(6)
        else:  # the room in its own column, on two lines if need be
            where = canvas.wrap(event.room, room_w - canvas.px(20), 30, SECONDARY)
            height = max(int(placed.height), int(where.height))
        rows.append((event, placed, label, height + canvas.px(26), where))
    pages: list[list[tuple[Event, Layout, str, int, Layout]]] = [[]]
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
    for event, placed, label, height, where in pages[page]:
        running = event.start <= at < event.end
        fill = colours.accent if label else colours.text
        if stacked:
            draw_text(pen, where, fonts, (x, row_y), colours.accent if running else colours.muted,
                      role=SECONDARY)  # fmt: skip
            draw_text(pen, placed, fonts, (x, row_y + int(where.height) + canvas.px(4)), fill)
            row_y += height
            continue
        clock = i18n.clock(canvas.local(event.start), canvas.locale)
        pen.text((x, row_y), f"{RUNNING} {clock}" if running else clock, font=time_face,
                 fill=colours.accent if running else colours.muted, role=SECONDARY)  # fmt: skip
        draw_text(pen, placed, fonts, (x + time_w + room_w, row_y), fill)
        # landscape: the room in its own column; portrait: under the title
        room_x, room_y = (
            (x + time_w, row_y + canvas.px(6))
            if not portrait
            else (x + time_w, row_y + int(placed.height) + canvas.px(6))
        )
        draw_text(pen, where, fonts, (room_x, room_y), colours.muted, role=SECONDARY)
        row_y += height
    return turn

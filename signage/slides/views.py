"""Schedule slides: a room's now and next, every room, the rest of the day (Pillow, in the worker)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PIL import ImageDraw

from signage import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.text import draw as draw_text
from signage.draw.text import fit, fit_line, parse_markdown
from signage.program.model import Event, Programme, ProgrammeError, fold
from signage.program.store import STORE, Change, ProgrammeServices, Shown
from signage.slides.door import draw_door
from signage.slides.schedule import ScheduleSlide


def services_of(canvas: Canvas) -> ProgrammeServices | None:
    return canvas.services if isinstance(canvas.services, ProgrammeServices) else None


def shown_for(source: str, canvas: Canvas) -> Shown:
    """The programme as slides show it: parsed once per version (in the worker), with changes
    since the previous version and the running delays."""
    services = services_of(canvas)
    if source.startswith(("http://", "https://")):
        path = services.cached(source) if services else None
        if path is None:
            raise ProgrammeError(f"{source}: not downloaded yet")
    else:
        path = canvas.root / Path(source)
    # keyed by the file itself (or the URL): two content folders may both say programme/p.xml
    key = source if source.startswith(("http://", "https://")) else str(path.resolve())
    return STORE.shown(key, path, services, canvas.at)


def programme_for(slide: ScheduleSlide, canvas: Canvas) -> Programme:
    return shown_for(slide.source, canvas).programme


def change_label(change: Change | None, canvas: Canvas) -> str:
    if change is None:
        return ""
    if change.kind in ("shift", "delay"):
        sign = "+" if change.minutes >= 0 else "−"
        return f"{sign}{abs(change.minutes)} min"
    if change.kind == "moved" and change.start is not None:
        return i18n.label(
            "moved_to",
            canvas.locale,
            t=i18n.clock(canvas.local(change.start), canvas.locale),
        )
    if change.kind == "room":
        return i18n.label("new_room", canvas.locale)
    return ""


def render_schedule(slide: ScheduleSlide, canvas: Canvas) -> Frame:
    image = canvas.blank()
    pen = ImageDraw.Draw(image)
    x, y, w, _ = canvas.body()
    colours = canvas.theme.colours
    try:
        shown = shown_for(slide.source, canvas)
    except ProgrammeError as exc:
        _heading(pen, canvas, i18n.label("no_programme", canvas.locale), (x, y, w))
        line, size = fit_line(str(exc), canvas.fonts, w, canvas.px(30), canvas.px(18))
        pen.text((x, y + canvas.px(110)), line, font=canvas.fonts.get(size), fill=colours.muted)
        return canvas.finish(image, notes=[f"{slide.origin}: {exc}"])
    # now and next move with the minute, in a region without a clock too
    minute = canvas.next_minute()
    room = slide.room
    if room == "auto":
        room = canvas.screen.room
    programme = shown.programme
    found = programme.find_room(room) if room else None
    closing = slide.closing or i18n.label("programme_over", canvas.locale)
    if slide.view == "door":
        draw_door(image, canvas, programme, found or room or "?")
        return canvas.finish(image, valid_until=minute)
    if slide.view == "day":
        _day(pen, canvas, shown, slide.heading or i18n.label("today", canvas.locale))
    elif slide.view == "room" and found:
        _room(pen, canvas, shown, found, closing)
    else:
        heading = slide.heading or i18n.label("programme", canvas.locale)
        _rooms(pen, canvas, shown, heading, closing)
    return canvas.finish(image, valid_until=minute)


def _later(event: Event, canvas: Canvas) -> str:
    """When a talk on a later day starts: ``Demain · 08:30``, ``Lundi 30 novembre · 08:30``."""
    start = canvas.local(event.start)
    day = i18n.day_label(start.date(), canvas.local(canvas.at).date(), canvas.locale)
    return f"{day} · {i18n.clock(start, canvas.locale)}"


def _over(programme: Programme, at: dt.datetime) -> bool:
    """Nothing runs and nothing is to come in the whole programme."""
    return not any(e.end > at for e in programme.events)


def _heading(pen: ImageDraw.ImageDraw, canvas: Canvas, text: str, box: tuple[int, int, int]) -> int:
    x, y, w = box
    line, size = fit_line(text, canvas.fonts, w, canvas.px(64), canvas.px(32), bold=True)
    pen.text((x, y), line, font=canvas.fonts.get(size, True), fill=canvas.theme.colours.text)
    pen.rectangle(
        (x, y + size + canvas.px(18), x + canvas.px(120), y + size + canvas.px(26)),
        fill=canvas.theme.colours.accent,
    )
    return size + canvas.px(56)


def _hours(event: Event, canvas: Canvas) -> str:
    return i18n.hours(canvas.local(event.start), canvas.local(event.end), canvas.locale)


def _speakers(event: Event) -> str:
    return ", ".join(s.name for s in event.speakers)


def _minutes(delta: dt.timedelta) -> int:
    return max(0, int((delta.total_seconds() + 59) // 60))


def _room(pen: ImageDraw.ImageDraw, canvas: Canvas, shown: Shown, room: str, closing: str) -> None:
    """This room's current talk with a progress bar and time left, then the next one."""
    programme = shown.programme
    x, y, w, h = canvas.body()
    colours = canvas.theme.colours
    fonts = canvas.fonts
    at = canvas.at
    cursor = y + _heading(pen, canvas, room, (x, y, w))
    now, nxt = programme.now(room, at), programme.next(room, at)
    label = fonts.get(canvas.px(34), True)
    pen.text((x, cursor), i18n.label("now", canvas.locale).upper(), font=label, fill=colours.accent)
    cursor += canvas.px(56)
    if now is not None:
        _time_line(
            pen,
            canvas,
            (x, cursor),
            _hours(now, canvas),
            shown.changes.get(now.id),
            canvas.px(34),
            False,
        )
        cursor += canvas.px(52)
        cursor = _talk(
            pen, canvas, now, (x, cursor, w, int(h * 0.3)), (80, 36, 3), (40, 22, 16, 24)
        )
        total = (now.end - now.start).total_seconds() or 1
        done = min(1.0, max(0.0, (at - now.start).total_seconds() / total))
        bar_h = canvas.px(14)
        pen.rounded_rectangle(
            (x, cursor, x + w, cursor + bar_h), radius=bar_h // 2, fill=colours.panel
        )
        pen.rounded_rectangle(
            (x, cursor, x + max(bar_h, int(w * done)), cursor + bar_h),
            radius=bar_h // 2,
            fill=colours.accent,
        )
        left = i18n.label("left_minutes", canvas.locale, n=_minutes(now.end - at))
        pen.text(
            (x + w, cursor + bar_h + canvas.px(12)),
            left,
            font=fonts.get(canvas.px(30)),
            fill=colours.muted,
            anchor="ra",
        )
        cursor += bar_h + canvas.px(70)
    else:
        pen.text(
            (x, cursor),
            i18n.label("nothing_now", canvas.locale),
            font=fonts.get(canvas.px(48)),
            fill=colours.muted,
        )
        cursor += canvas.px(100)
    pen.text(
        (x, cursor), i18n.label("next", canvas.locale).upper(), font=label, fill=colours.accent
    )
    cursor += canvas.px(56)
    if nxt is not None and canvas.local(nxt.start).date() == canvas.local(at).date():
        when = f"{i18n.clock(canvas.local(nxt.start), canvas.locale)} · {i18n.minutes_until(_minutes(nxt.start - at), canvas.locale)}"
        _time_line(pen, canvas, (x, cursor), when, shown.changes.get(nxt.id), canvas.px(34), True)
        cursor += canvas.px(52)
        room_left = max(canvas.px(60), y + h - cursor - canvas.px(60))
        cursor = _talk(pen, canvas, nxt, (x, cursor, w, room_left), (56, 28, 2), (34, 20, 12, 20))
        _cancelled(pen, canvas, shown, room, (x, cursor, w))
    elif nxt is not None:  # nothing left today: the next day with talks
        _time_line(pen, canvas, (x, cursor), _later(nxt, canvas), None, canvas.px(34), True)
        cursor += canvas.px(52)
        room_left = max(canvas.px(60), y + h - cursor - canvas.px(60))
        _talk(pen, canvas, nxt, (x, cursor, w, room_left), (56, 28, 2), (34, 20, 12, 20))
    else:
        ending = closing if _over(programme, at) else i18n.label("room_done", canvas.locale)
        line, size = fit_line(ending, fonts, w, canvas.px(44), canvas.px(24), bold=True)
        pen.text((x, cursor), line, font=fonts.get(size, True), fill=colours.text)


def _talk(
    pen: ImageDraw.ImageDraw,
    canvas: Canvas,
    event: Event,
    box: tuple[int, int, int, int],
    title_sizes: tuple[int, int, int],
    speaker_sizes: tuple[int, int, int, int],
) -> int:
    """A talk's title fitted to ``box`` and its speakers under it; returns the y below them.

    ``title_sizes`` is (largest, smallest, lines); ``speaker_sizes`` (largest, smallest,
    gap after the title, gap after the speakers), all in 1080-line pixels.
    """
    x, y, w, h = box
    fonts = canvas.fonts
    biggest, smallest, lines = title_sizes
    title = fit(
        parse_markdown(f"**{event.title}**"),
        fonts,
        (w, h),
        canvas.px(biggest),
        canvas.px(smallest),
        max_lines=lines,
    )
    draw_text(pen, title, fonts, (x, y), canvas.theme.colours.text)
    y += int(title.height) + canvas.px(speaker_sizes[2])
    if event.speakers:
        line, size = fit_line(
            _speakers(event), fonts, w, canvas.px(speaker_sizes[0]), canvas.px(speaker_sizes[1])
        )
        pen.text((x, y), line, font=fonts.get(size), fill=canvas.theme.colours.accent)
        y += size + canvas.px(speaker_sizes[3])
    return y


def _time_line(
    pen: ImageDraw.ImageDraw,
    canvas: Canvas,
    at: tuple[int, int],
    text: str,
    change: Change | None,
    size: int,
    bold: bool,
) -> None:
    """A time, followed by what changed about it ("+15 min", "moved to 14:30") in the accent colour."""
    face = canvas.fonts.get(size, bold)
    pen.text(at, text, font=face, fill=canvas.theme.colours.muted)
    label = change_label(change, canvas)
    if label:
        x = at[0] + face.getlength(text + "  ")
        pen.text(
            (x, at[1]), label, font=canvas.fonts.get(size, True), fill=canvas.theme.colours.accent
        )


def _cancelled(
    pen: ImageDraw.ImageDraw, canvas: Canvas, shown: Shown, room: str, box: tuple[int, int, int]
) -> None:
    """Talks of this room that were cancelled and would still have been to come today."""
    x, y, w = box
    today = canvas.local(canvas.at).date()
    gone = [e for e in shown.cancelled if fold(e.room) == fold(room) and e.end > canvas.at
            and canvas.local(e.start).date() == today]  # fmt: skip
    for event in gone[:2]:
        text = f"{i18n.label('cancelled', canvas.locale)} · {i18n.clock(canvas.local(event.start), canvas.locale)} · {event.title}"
        line, size = fit_line(text, canvas.fonts, w, canvas.px(30), canvas.px(18))
        pen.text((x, y), line, font=canvas.fonts.get(size), fill=canvas.theme.colours.accent)
        y += size + canvas.px(10)


def _rooms(
    pen: ImageDraw.ImageDraw, canvas: Canvas, shown: Shown, heading: str, closing: str
) -> None:
    """Every room, what is on now and next; pages turn each minute when rooms do not fit."""
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
        line, size = fit_line(closing, fonts, w, canvas.px(56), canvas.px(28), bold=True)
        pen.text((x, top + canvas.px(40)), line, font=fonts.get(size, True), fill=colours.text)
        return
    row_h = canvas.px(150 if not canvas.portrait else 250)
    per_page = max(1, (y + h - top) // row_h)
    pages = max(1, -(-len(rooms) // per_page))
    page = (at.hour * 60 + at.minute) % pages
    on_page = rooms[page * per_page : (page + 1) * per_page]
    if pages > 1:
        marker = i18n.label("page", canvas.locale, p=page + 1, n=pages)
        pen.text((x + w, y), marker, font=fonts.get(canvas.px(30)), fill=colours.muted, anchor="ra")
    if not on_page:
        pen.text(
            (x, top),
            i18n.label("nothing_left", canvas.locale),
            font=fonts.get(canvas.px(44)),
            fill=colours.muted,
        )
        return
    portrait = canvas.portrait
    room_w = int(w * 0.28)
    col_w = (w - room_w - canvas.px(24)) // 2 if not portrait else w - canvas.px(48)
    for index, room in enumerate(on_page):
        row_y = top + index * row_h
        pen.rounded_rectangle(
            (x, row_y, x + w, row_y + row_h - canvas.px(16)),
            radius=canvas.px(14),
            fill=colours.panel,
        )
        # landscape: the room on the left, now and next side by side; portrait: the room
        # across the top, now and next below each other
        name_w = (room_w if not portrait else w) - canvas.px(40)
        name, size = fit_line(room, fonts, name_w, canvas.px(36), canvas.px(20), bold=True)
        pen.text(
            (x + canvas.px(24), row_y + canvas.px(18)),
            name,
            font=fonts.get(size, True),
            fill=colours.text,
        )
        now, nxt = programme.now(room, at), programme.next(room, at)
        cells = [(i18n.label("now", canvas.locale), now), (i18n.label("next", canvas.locale), nxt)]
        for column, (label, event) in enumerate(cells):
            if portrait:
                cx, cy = x + canvas.px(24), row_y + canvas.px(62) + column * canvas.px(88)
            else:
                cx, cy = x + room_w + column * (col_w + canvas.px(24)), row_y + canvas.px(16)
            if event is None:  # words, never a dash alone
                nothing = "nothing_now" if column == 0 else "room_done"
                text, when = i18n.label(nothing, canvas.locale), ""
            elif column == 1 and canvas.local(event.start).date() != today:
                text, when = event.title, f"{label} · {_later(event, canvas)}"
            else:
                text = event.title
                when = f"{label} · {_hours(event, canvas)}"
                extra = change_label(shown.changes.get(event.id), canvas)
                if extra:
                    when = f"{when} · {extra}"
            pen.text((cx, cy), when or label, font=fonts.get(canvas.px(24)), fill=colours.accent)
            line, size = fit_line(
                text, fonts, col_w - canvas.px(16), canvas.px(34), canvas.px(20), bold=True
            )
            pen.text((cx, cy + canvas.px(34)), line, font=fonts.get(size, True), fill=colours.text)
            if not portrait and event is not None and event.speakers and when:
                who, small = fit_line(
                    _speakers(event), fonts, col_w - canvas.px(16), canvas.px(26), canvas.px(18)
                )
                pen.text((cx, cy + canvas.px(80)), who, font=fonts.get(small), fill=colours.muted)


def _day(pen: ImageDraw.ImageDraw, canvas: Canvas, shown: Shown, heading: str) -> None:
    """The rest of today's programme, by start time, as many lines as fit; cancelled talks marked."""
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
        pen.text((x, top), text, font=fonts.get(canvas.px(44)), fill=colours.muted)
        return
    portrait = canvas.portrait
    line_h = canvas.px(72 if not portrait else 96)
    fits = max(1, (y + h - top) // line_h)
    time_w = canvas.px(130)
    room_w = int(w * 0.26) if not portrait else 0
    title_w = w - time_w - room_w
    for index, event in enumerate(events[:fits]):
        row_y = top + index * line_h
        running = event.start <= at < event.end
        clock = i18n.clock(canvas.local(event.start), canvas.locale)
        pen.text(
            (x, row_y),
            clock,
            font=fonts.get(canvas.px(34), True),
            fill=colours.accent if running else colours.muted,
        )
        if event.id in cancelled:
            label = i18n.label("cancelled", canvas.locale)
        else:
            label = change_label(shown.changes.get(event.id), canvas)
        text = f"{event.title} · {label}" if label else event.title
        title, size = fit_line(text, fonts, title_w, canvas.px(34), canvas.px(20), bold=running)
        fill = colours.accent if label else colours.text
        pen.text((x + time_w + room_w, row_y), title, font=fonts.get(size, running), fill=fill)
        # landscape: the room in its own column; portrait: under the title
        room_x, room_y = (
            (x + time_w, row_y + canvas.px(4))
            if not portrait
            else (x + time_w, row_y + canvas.px(44))
        )
        room, size = fit_line(
            event.room, fonts, (room_w or title_w) - canvas.px(20), canvas.px(28), canvas.px(18)
        )
        pen.text((room_x, room_y), room, font=fonts.get(size), fill=colours.muted)
    if len(events) > fits:
        more = f"+ {len(events) - fits}"
        pen.text((x + w, y), more, font=fonts.get(canvas.px(30)), fill=colours.muted, anchor="ra")

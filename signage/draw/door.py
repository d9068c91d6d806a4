"""The meeting-room door sign (``view: door``): free or busy in very large type, until when,
the meeting on now (or "Réservé" for a private one, never its title) and the next three of
the day. State is said in words and colour together. Drawn at any size: full screen or a
region, landscape or portrait."""

from __future__ import annotations

import datetime as dt

from PIL import Image

from signage.core import i18n
from signage.draw.canvas import Canvas
from signage.draw.legible import SECONDARY
from signage.draw.text import draw, fit_line, wrap_line
from signage.programme.model import Event, Programme

FREE = (30, 132, 73)  # green and red both carry white text at more than 4.5:1
BUSY = (176, 42, 42)
# the fleet's room states: white on these at more than 4.5:1 too, and said in words
ROOM_STATE = {"full": (150, 60, 0), "closed": (70, 70, 78)}


def room_state(canvas: Canvas, room: str) -> tuple[str, str] | None:
    """(state, note) when the fleet says the room is full or closed."""
    services = canvas.services
    finder = getattr(services, "room_state", None)
    return finder(room) if finder is not None else None


def state_words(canvas: Canvas, state: tuple[str, str]) -> tuple[str, str]:
    """("Complet", the note or "Plus de place dans la salle") for a room state."""
    word, note = state
    return i18n.label(word, canvas.locale), note or i18n.label(f"{word}_hint", canvas.locale)


LATER = 3  # meetings listed after the current one


def title_of(event: Event, canvas: Canvas) -> str:
    """A meeting's title, or "Réservé" when the calendar marks it private or confidential."""
    return i18n.label("reserved", canvas.locale) if event.private else event.title


def busy_until(programme: Programme, room: str, event: Event) -> dt.datetime:
    """The end of the current meeting, through meetings that follow it without a gap."""
    end = event.end
    for later in sorted(programme.in_room(room), key=lambda e: e.start):
        if later.start <= end < later.end:
            end = later.end
    return end


def draw_door(image: Image.Image, canvas: Canvas, programme: Programme, room: str) -> None:
    pen = canvas.pen(image)
    fonts = canvas.fonts
    floor, bold_floor, small_floor = (
        canvas.floor(),
        canvas.floor(bold=True),
        canvas.floor(SECONDARY),
    )
    colours = canvas.theme.colours
    x, y, w, h = canvas.body()
    at = canvas.at
    now = programme.now(room, at)
    coming = [
        e for e in sorted(programme.in_room(room), key=lambda e: (e.start, e.order))
        if e.start > at and canvas.local(e.start).date() == at.date()
    ]  # fmt: skip
    # type scales with the shorter measure: a portrait screen is not read from further away;
    # a door sign is the room, what is on now, until when, what is next, in that order of size
    unit = min(h, w * 1.2) * canvas.scale
    room_px, state_px, until_px = (int(unit * k) for k in (0.11, 0.095, 0.06))
    name = wrap_line(room, fonts, w, max(bold_floor, room_px), bold_floor, True)
    draw(pen, name, fonts, (x, y), colours.text)
    top = y + int(name.height + name.size * 0.4)
    pad = max(6, int(unit * 0.025))
    state_px = min(state_px, name.size)  # never larger than the room's name
    band_h = int(max(bold_floor, state_px) * 1.15 + max(floor, until_px) * 1.3 + 3 * pad)
    state = BUSY if now is not None else FREE
    said = room_state(canvas, room)
    if said is not None:  # full or closed wins over free or busy: that is what people need
        state = ROOM_STATE[said[0]]
    pen.rounded_rectangle((x, top, x + w, top + band_h), radius=max(4, band_h // 12), fill=state)
    word = i18n.label("busy" if now is not None else "free", canvas.locale)
    if said is not None:
        word, until = state_words(canvas, said)
    elif now is not None:
        until = i18n.label(
            "until",
            canvas.locale,
            t=i18n.clock(canvas.local(busy_until(programme, room, now)), canvas.locale),
        )
    elif coming:
        until = i18n.label(
            "until",
            canvas.locale,
            t=i18n.clock(canvas.local(coming[0].start), canvas.locale),
        )
    else:
        until = i18n.label("rest_of_day", canvas.locale)
    big, big_size = fit_line(
        word, fonts, w - 2 * pad, max(bold_floor, state_px), bold_floor, bold=True
    )
    pen.text((x + pad, top + pad), big, font=fonts.get(big_size, True), fill=(255, 255, 255))
    small, small_size = fit_line(until, fonts, w - 2 * pad, max(floor, until_px), floor)
    pen.text(
        (x + pad, top + band_h - pad), small, font=fonts.get(small_size), fill=(255, 255, 255),
        anchor="ls",
    )  # fmt: skip
    cursor = top + band_h + int(h * 0.04)
    # a line of the list: its text at least at the floor, its time at the secondary one
    line_h = max(int(floor / 0.7) + 1, int(unit * 0.065))
    if now is not None:  # the meeting's hours as large as "until when", its title larger
        hours = i18n.hours(canvas.local(now.start), canvas.local(now.end), canvas.locale)
        face = fonts.get(max(small_floor, small_size))
        pen.text((x, cursor), hours, font=face, fill=colours.muted, role=SECONDARY)
        cursor += int(face.size * 1.35)
        title = wrap_line(
            title_of(now, canvas), fonts, w, max(line_h, small_size), bold_floor, True
        )
        draw(pen, title, fonts, (x, cursor), colours.text)
        cursor += int(title.height + line_h * 0.4)
    label = i18n.label("later_today", canvas.locale).upper()
    face = fonts.get(max(canvas.floor(SECONDARY, True), int(line_h * 0.55)), True)
    if cursor + line_h * 1.6 > y + h:
        return  # no room for what comes later: now and until when are what matter
    pen.text((x, cursor), label, font=face, fill=colours.accent, role=SECONDARY)
    cursor += int(line_h * 0.9)
    if not coming:
        none = wrap_line(
            i18n.label("none_later", canvas.locale), fonts, w, max(floor, int(line_h * 0.7)), floor
        )
        if cursor + none.height <= y + h:
            draw(pen, none, fonts, (x, cursor), colours.muted)
        return
    for event in coming[:LATER]:
        face = fonts.get(max(small_floor, int(line_h * 0.7)), True)
        offset = int(face.getlength("00:00  "))
        title = wrap_line(
            title_of(event, canvas), fonts, w - offset, max(floor, int(line_h * 0.7)), floor
        )
        if cursor + title.height > y + h:
            break  # what does not fit is left out whole, never cut
        start = i18n.clock(canvas.local(event.start), canvas.locale)
        pen.text((x, cursor), start, font=face, fill=colours.muted, role=SECONDARY)
        draw(pen, title, fonts, (x + offset, cursor), colours.text)
        cursor += max(line_h, int(title.height + line_h * 0.3))

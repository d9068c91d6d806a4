"""``type: speakers``: cards for the speakers of the talks on now or next (or all day), from the programme: drawn (the keys and the model are :mod:`signage.slides.speakers`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from signage.core import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.images import ImageError, open_image
from signage.draw.legible import CONTENT, SECONDARY
from signage.draw.portraits import badge, portrait_tile
from signage.draw.schedule_parts import _heading, _page, services_of, shown_for
from signage.draw.text import draw as draw_text
from signage.programme.model import ProgrammeError
from signage.slides.speakers import SpeakersSlide


def render(slide: SpeakersSlide, canvas: Canvas) -> Frame:
    """A grid of cards: photo (or initials), name, and the talk with its time and room."""

    image = canvas.blank()
    pen = canvas.pen(image)
    x, y, w, h = canvas.body()
    colours = canvas.theme.colours
    fonts = canvas.fonts
    heading = slide.heading or i18n.label("speakers", canvas.locale)
    try:
        programme = shown_for(slide.source, canvas).programme
    except ProgrammeError as exc:
        pen.text(
            (x, y),
            i18n.label("no_programme", canvas.locale),
            font=fonts.get(canvas.font_px(60, bold=True), True),
            fill=colours.text,
        )
        return canvas.finish(image, notes=[f"{slide.origin}: {exc}"])
    at = canvas.at
    room = canvas.screen.room if slide.room == "auto" else slide.room
    rooms = (
        [programme.find_room(room)]
        if room and programme.find_room(room)
        else programme.room_names()
    )
    today = at.astimezone(at.tzinfo).date()
    talks = []
    for name in rooms:
        if name is None:
            continue
        if slide.scope == "day":
            talks += [
                e
                for e in programme.in_room(name)
                if e.end > at and e.start.astimezone(at.tzinfo).date() == today
            ]
        else:
            talks += [e for e in (programme.now(name, at), programme.next(name, at)) if e is not None
                      and e.start.astimezone(at.tzinfo).date() == today]  # fmt: skip
    talks.sort(key=lambda e: (e.start, e.order))
    cards = [(person, talk) for talk in talks for person in talk.speakers]
    top = y + _heading(pen, canvas, heading, (x, y, w))
    if not cards:
        said = canvas.wrap(i18n.label("nothing_left", canvas.locale), w, 44, max_lines=3)
        draw_text(pen, said, fonts, (x, top), colours.muted)
        return canvas.finish(image)
    area_h = y + h - top
    gap = canvas.px(8)

    def texts_of(shown: list[tuple[Any, Any]], inner: int) -> list[list[Any]]:
        return [
            [
                (canvas.wrap(person.name, inner, 40, CONTENT, True), colours.text, CONTENT),
                (canvas.wrap(person.role or talk.title, inner, 30, SECONDARY), colours.accent, SECONDARY),
                (canvas.wrap(_when(talk.start, talk.room, canvas), inner, 28, SECONDARY), colours.muted, SECONDARY),
            ]
            for person, talk in shown
        ]  # fmt: skip

    # the grid with the most cards a page whose text, wrapped (a name on two lines rather
    # than cut), leaves room for a photo; fewer cards a page rather than smaller type
    least_photo = canvas.px(90)
    for columns, rows in GRIDS[canvas.portrait]:
        per_page = columns * rows
        cell_w, cell_h = w // columns, area_h // rows
        inner = cell_w - canvas.px(24)
        probe = texts_of(cards[:per_page], inner)
        text_h = max(sum(int(t.height) + gap for t, _, _ in lines) for lines in probe)
        if text_h + least_photo + canvas.px(30) <= cell_h:
            break
    pages = -(-len(cards) // per_page)
    page, turn = _page(canvas, pages)
    on_page = min(per_page, len(cards) - page * per_page)
    rows = min(rows, -(-on_page // columns))  # fewer cards: larger cards
    columns = min(columns, on_page) if rows == 1 else columns
    cell_w = w // columns
    cell_h = area_h // rows
    services = services_of(canvas)
    shown_cards = cards[page * per_page : (page + 1) * per_page]
    inner = cell_w - canvas.px(24)
    # one size per line for the whole grid; the photos take what is left, all the same size
    texts = texts_of(shown_cards, inner)
    text_h = max(sum(int(t.height) + gap for t, _, _ in lines) for lines in texts)
    for index, (person, _) in enumerate(shown_cards):
        cx = x + (index % columns) * cell_w
        cy = top + (index // columns) * cell_h
        photo_size = max(
            canvas.px(60),
            min(cell_w - canvas.px(40), cell_h - text_h - canvas.px(30), canvas.px(420)),
        )
        tile = None
        path = services.portrait(person.name, person.photo) if services else None
        if path is not None:
            try:
                tile = portrait_tile(
                    canvas, open_image(path, (photo_size, photo_size)), photo_size, "circle"
                )
            except ImageError:
                tile = None  # a broken photo: the initials badge instead
        if tile is None:
            tile = badge(canvas, person.name, photo_size)
        image.paste(tile, (cx + (cell_w - photo_size) // 2, cy), tile)
        text_y = cy + photo_size + canvas.px(14)
        for placed, fill, role in texts[index]:
            origin = (cx + canvas.px(12), text_y)
            draw_text(pen, placed, fonts, origin, fill, None, "center", inner, None, role)
            text_y += int(placed.height) + gap
    if pages > 1:
        pen.text((x + w, y), i18n.label("page", canvas.locale, p=page + 1, n=pages),
                 font=fonts.get(canvas.floor(SECONDARY)), fill=colours.muted, anchor="ra",
                 role=SECONDARY)  # fmt: skip
    return canvas.finish(image, valid_until=turn)


GRIDS = {  # (columns, rows) tried in turn, landscape and portrait
    False: ((3, 2), (3, 1), (2, 1), (1, 1)),
    True: ((2, 3), (2, 2), (1, 2), (1, 1)),
}


def _when(start: dt.datetime, room: str, canvas: Canvas) -> str:
    return f"{i18n.clock(start.astimezone(canvas.at.tzinfo), canvas.locale)} · {room}"

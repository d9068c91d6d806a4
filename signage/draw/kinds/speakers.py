"""``type: speakers``: cards for the speakers of the talks on now or next (or all day), from the programme: drawn (the keys and the model are :mod:`signage.slides.speakers`)."""

from __future__ import annotations

import datetime as dt

from signage.core import i18n
from signage.draw.canvas import Canvas, Frame
from signage.draw.images import ImageError, open_image
from signage.draw.legible import CONTENT, SECONDARY
from signage.draw.portraits import badge, portrait_tile
from signage.draw.schedule_parts import services_of, shown_for
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
    line, size = canvas.fit_line(heading, w, 64, bold=True)
    pen.text((x, y), line, font=fonts.get(size, True), fill=colours.text)
    pen.rectangle(
        (x, y + size + canvas.px(18), x + canvas.px(120), y + size + canvas.px(26)),
        fill=colours.accent,
    )
    top = y + size + canvas.px(56)
    if not cards:
        pen.text(
            (x, top),
            i18n.label("nothing_left", canvas.locale),
            font=fonts.get(canvas.font_px(44)),
            fill=colours.muted,
        )
        return canvas.finish(image)
    columns, rows = (3, 2) if not canvas.portrait else (2, 3)
    per_page = columns * rows
    pages = -(-len(cards) // per_page)
    page = (at.hour * 60 + at.minute) % pages
    on_page = min(per_page, len(cards) - page * per_page)
    rows = min(rows, -(-on_page // columns))  # fewer cards: larger cards
    columns = min(columns, on_page) if rows == 1 else columns
    cell_w = w // columns
    cell_h = (y + h - top) // rows
    services = services_of(canvas)
    for index, (person, talk) in enumerate(cards[page * per_page : (page + 1) * per_page]):
        cx = x + (index % columns) * cell_w
        cy = top + (index // columns) * cell_h
        # the three lines of text first, at their sizes; the photo takes what is left
        text_h = int(1.35 * (canvas.font_px(40, bold=True) + 2 * canvas.font_px(30, SECONDARY)))
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
        for text, size_max, fill, bold, role in (
            (person.name, 40, colours.text, True, CONTENT),
            (person.role or talk.title, 30, colours.accent, False, SECONDARY),
            (_when(talk.start, talk.room, canvas), 28, colours.muted, False, SECONDARY),
        ):
            shown, size_line = canvas.fit_line(text, cell_w - canvas.px(24), size_max, role, bold)
            face = fonts.get(size_line, bold)
            pen.text(
                (cx + (cell_w - face.getlength(shown)) / 2, text_y), shown, font=face, fill=fill,
                role=role,
            )  # fmt: skip
            text_y += int(size_line * 1.35)
    if pages > 1:
        pen.text((x + w, y), i18n.label("page", canvas.locale, p=page + 1, n=pages),
                 font=fonts.get(canvas.font_px(30, SECONDARY)), fill=colours.muted, anchor="ra",
                 role=SECONDARY)  # fmt: skip
    return canvas.finish(image)


def _when(start: dt.datetime, room: str, canvas: Canvas) -> str:
    return f"{i18n.clock(start.astimezone(canvas.at.tzinfo), canvas.locale)} · {room}"

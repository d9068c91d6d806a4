"""``type: news``: the newest items of a feed, as a list or one at a time: drawn (the keys
and the model are :mod:`signage.slides.news`; the items come parsed from the live hub,
:mod:`signage.live.hub`, through the canvas's services).

A list is titles and their dates (and a thumbnail when items have pictures); items that
do not fit at the floor go to further pages. One at a time is the picture, the title, the
date and the text; a text longer than its area goes on in pages of the same item. Pages
are timed as every paged slide's (:mod:`signage.draw.pages`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from signage.core import i18n
from signage.core.values import is_url
from signage.draw.canvas import Canvas, Frame
from signage.draw.images import ImageError, cover, open_image
from signage.draw.legible import SECONDARY
from signage.draw.pages import draw_marker, finish_paged, marker_height, paging, split, words
from signage.draw.schedule_parts import _heading
from signage.draw.text import Block, Layout, Run, draw, fit, layout
from signage.live.model import Feed, Item, LiveError, live_key
from signage.live.news import parse_news
from signage.slides.base import Slide
from signage.slides.news import NewsSlide

TITLE_PX, META_PX, TEXT_PX = 48, 30, 48
SINGLE_TITLE_PX = (68, 56, 48)  # one at a time: the title's sizes tried, largest first


def render(slide: NewsSlide, canvas: Canvas) -> Frame:
    feed = _feed(slide, canvas)
    items = feed.recent(canvas.at, slide.max_age_s, slide.items)
    if not items:
        # nothing to read: the slide hands over to the next rather than show an empty list
        raise LiveError(f"{slide.source}: no item newer than max_age ({len(feed.items)} older)")
    heading = slide.heading or feed.title or i18n.label("news", canvas.locale)
    if slide.view == "single":
        return single_view(slide, canvas, items, heading)
    return list_view(slide, canvas, items, heading)


def _feed(slide: NewsSlide, canvas: Canvas) -> Feed:
    """The feed as the live hub parsed it; a file of the content folder the hub has not
    read (a preview, a test) is read here."""
    key = live_key(slide.source, canvas.root)
    services = canvas.services
    found: Feed | None = services.feed(key) if services is not None else None
    if found is not None:
        return found
    if is_url(slide.source):
        raise LiveError(f"{slide.source}: nothing downloaded yet")
    title, items = parse_news(Path(key).read_bytes(), key)
    return Feed(key, "news", title, items)


def meta_line(item: Item, canvas: Canvas) -> str:
    """When the item was published (today's by the hour), and by whom."""
    parts = []
    if item.published is not None:
        local = canvas.local(item.published)
        today = canvas.local(canvas.at).date()
        day = (
            i18n.label("today", canvas.locale)
            if local.date() == today
            else i18n.long_date(local.date(), canvas.locale)
        )
        parts.append(f"{day} · {i18n.clock(local, canvas.locale)}")
    if item.author:
        parts.append(item.author)
    return " · ".join(parts)


@dataclass(frozen=True)
class _Row:
    item: Item
    title: Layout
    meta: Layout | None
    height: int


def _fitted(
    item: Item, title: Layout, meta: Layout | None, room: int, thumb_h: int, gap: int
) -> list[_Row]:
    """An item's row, or rows when it is taller than the area (a long post in a small
    region): its title's lines in pieces that each fit, the date under the last one, the
    picture beside the first. Never drawn past the area's edge."""
    meta_h = gap + int(meta.height) if meta is not None else 0
    if max(int(title.height) + meta_h, thumb_h) <= room:
        return [_Row(item, title, meta, max(int(title.height) + meta_h, thumb_h))]
    pieces = split(title, room)
    if int(pieces[-1].height) + meta_h > room:  # the date under the last piece: a smaller one
        pieces[-1:] = split(pieces[-1], max(room - meta_h, title.size * 1.2))
    rows = [_Row(replace(item, image=None) if n else item, piece, None, int(piece.height))
            for n, piece in enumerate(pieces)]  # fmt: skip
    last = rows[-1]
    rows[-1] = _Row(last.item, last.title, meta, int(last.title.height) + meta_h)
    return rows


def list_view(slide: Slide, canvas: Canvas, items: tuple[Item, ...], heading: str) -> Frame:
    image = canvas.blank()
    pen = canvas.pen(image)
    colours = canvas.theme.colours
    x, y, w, h = canvas.body()
    top = y + _heading(pen, canvas, heading, (x, y, w))
    pictures = any(item.image for item in items)
    thumb_w = int(w * (0.3 if canvas.portrait else 0.16)) if pictures else 0
    thumb_h = thumb_w * 9 // 16
    gap = canvas.px(28) if pictures else 0
    text_w = w - thumb_w - gap
    room = y + h - top - marker_height(canvas)
    rows = []
    for item in items:
        title = canvas.wrap(item.title or item.text, text_w, TITLE_PX, bold=True, max_lines=3)
        meta_text = meta_line(item, canvas)
        meta = canvas.wrap(meta_text, text_w, META_PX, SECONDARY) if meta_text else None
        rows += _fitted(item, title, meta, room, thumb_h if item.image else 0, canvas.px(10))
    space = canvas.px(36)
    pages: list[list[_Row]] = [[]]
    used = 0
    for row in rows:
        if pages[-1] and used + row.height > room:
            pages.append([])
            used = 0
        pages[-1].append(row)
        used += row.height + space
    counts = [
        sum(words(r.title) + (words(r.meta) if r.meta else 0) for r in page) for page in pages
    ]
    fixed = slide.duration_s if slide.fixed_duration else None
    paged = paging(counts, canvas.at, canvas.started, fixed, canvas.page, len(heading.split()))
    cursor = top
    notes: list[str] = []
    for row in pages[paged.index]:
        if row.item.image:
            _paste(image, row.item.image, (x, cursor, thumb_w, thumb_h), notes)
        left = x + thumb_w + gap
        draw(pen, row.title, canvas.fonts, (left, cursor), colours.text)
        if row.meta is not None:
            below = cursor + int(row.title.height) + canvas.px(10)
            draw(pen, row.meta, canvas.fonts, (left, below), colours.muted, role=SECONDARY)
        cursor += row.height + space
    draw_marker(pen, canvas, paged, (x + w, y + h))
    return finish_paged(canvas.finish(image, notes=notes, valid_until=paged.turn), paged)


def single_view(slide: Slide, canvas: Canvas, items: tuple[Item, ...], heading: str) -> Frame:
    """One item a page: its picture beside (landscape) or above (portrait) its text."""
    image = canvas.blank()
    pen = canvas.pen(image)
    colours = canvas.theme.colours
    fonts = canvas.fonts
    x, y, w, h = canvas.body()
    pictures = any(item.image for item in items)
    gap = canvas.px(48)
    if not pictures:
        picture, text_box = None, (x, y, w, h)
    elif canvas.portrait:
        ph = int(h * 0.38)
        picture, text_box = (x, y, w, ph), (x, y + ph + gap, w, h - ph - gap)
    else:
        pw = int(w * 0.42)
        picture, text_box = (x, y, pw, h), (x + pw + gap, y, w - pw - gap, h)
    tx, ty, tw, th = text_box
    kicker = canvas.wrap(heading, tw, META_PX, SECONDARY, bold=True)
    pages: list[tuple[Item, Layout, Layout | None, Layout | None]] = []
    counts: list[int] = []
    for item in items:
        meta_text = meta_line(item, canvas)
        meta = canvas.wrap(meta_text, tw, META_PX, SECONDARY) if meta_text else None
        # the title as large as it can be while the text still fits beside it at its floor;
        # a text too long even under the smallest title goes on in pages
        for design in SINGLE_TITLE_PX:
            title = canvas.wrap(item.title, tw, design, bold=True, max_lines=4)
            above = int(kicker.height) + canvas.px(20) + int(title.height) + canvas.px(24)
            above += int(meta.height) + canvas.px(28) if meta else 0
            bodies = _body_pages(canvas, item.text, (tw, th - above - marker_height(canvas)))
            if len(bodies) == 1:
                break
        for index, body in enumerate(bodies):
            pages.append((item, title, meta, body))
            counts.append((words(title) if index == 0 else 0) + (words(body) if body else 0))
    fixed = slide.duration_s if slide.fixed_duration else None
    paged = paging(counts, canvas.at, canvas.started, fixed, canvas.page)
    item, title, meta, body = pages[paged.index]
    notes: list[str] = []
    if picture is not None and item.image:
        _paste(image, item.image, picture, notes)
    elif picture is not None:  # this item has none: the panel's colour, not a hole
        px, py, pw, ph = picture
        pen.rectangle((px, py, px + pw, py + ph), fill=colours.panel)
    cursor = ty
    draw(pen, kicker, fonts, (tx, cursor), colours.accent, role=SECONDARY)
    cursor += int(kicker.height) + canvas.px(20)
    draw(pen, title, fonts, (tx, cursor), colours.text)
    cursor += int(title.height) + canvas.px(24)
    if meta is not None:
        draw(pen, meta, fonts, (tx, cursor), colours.muted, role=SECONDARY)
        cursor += int(meta.height) + canvas.px(28)
    if body is not None:
        draw(pen, body, fonts, (tx, cursor), colours.text)
    draw_marker(pen, canvas, paged, (tx + tw, ty + th))
    return finish_paged(canvas.finish(image, notes=notes, valid_until=paged.turn), paged)


def _body_pages(canvas: Canvas, text: str, box: tuple[int, int]) -> list[Layout | None]:
    """An item's text in its area: at the largest size down to the floor that fits, else
    at the floor in pages (no text: one page with none)."""
    width, height = box
    if not text or height < canvas.floor() * 1.3:
        return [None]
    blocks = [Block((Run(paragraph),)) for paragraph in text.split("\n") if paragraph.strip()]
    floor = canvas.floor()
    at_floor = layout(blocks, canvas.fonts, floor, width)
    if at_floor.height <= height:
        return [fit(blocks, canvas.fonts, box, canvas.font_px(TEXT_PX), floor)]
    return list(split(at_floor, height))


def _paste(image: Image.Image, path: str, box: tuple[int, int, int, int], notes: list[str]) -> None:
    x, y, w, h = box
    try:
        picture = cover(open_image(Path(path), (w, h)), (w, h))
    except ImageError as exc:
        notes.append(str(exc))
        return
    if picture.mode == "RGBA":
        image.paste(picture, (x, y), picture)
    else:
        image.paste(picture, (x, y))

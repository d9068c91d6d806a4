"""``type: text``: a title and a short Markdown-like body (paragraphs, **bold**, lists): drawn (the keys and the model are :mod:`signage.slides.text`)."""

from __future__ import annotations

from pathlib import Path

from signage.draw.canvas import Canvas, Frame
from signage.draw.images import ImageError, cover, open_image
from signage.draw.legible import SECONDARY
from signage.draw.pages import ONE_PAGE, draw_marker, finish_paged, fit_or_page
from signage.draw.portraits import darken
from signage.draw.text import Layout, draw, fit, parse_markdown
from signage.slides.text import TextSlide

SHARES = {"title": 0.45, "subtitle": 0.2}  # of the height, at most (the title with a body)


def render(slide: TextSlide, canvas: Canvas) -> Frame:
    """Title, subtitle and body, each fitted to its share of the body area; a body that
    does not fit at its floor goes on in pages (``overflow: cut``: cut, and said)."""
    colours = canvas.theme.colours
    image = canvas.blank()
    notes: list[str] = []
    if slide.background:
        try:
            photo = open_image(canvas.root / Path(slide.background), canvas.size)
            # a light veil keeps the picture; scrims behind the text add what it needs
            image = darken(cover(photo, canvas.size), colours.background, 0.55)
        except ImageError as exc:
            notes.append(str(exc))
    x, y, w, h = canvas.body()
    fonts = canvas.fonts
    gap = canvas.px(32)
    bar = canvas.px(40) if slide.heading else 0
    parts: list[tuple[str, Layout]] = []
    remaining = h
    # Title first, then subtitle, each capped to a share of the height; the body takes the rest.
    if slide.heading:
        title = fit(
            parse_markdown(f"**{slide.heading}**"),
            fonts,
            (w, int(h * (SHARES["title"] if slide.body else 0.8))),
            canvas.font_px(104, bold=True),
            # a long title wraps onto more lines down to the floor: never an ellipsis
            # that drops the words that matter
            canvas.floor(bold=True),
            cut=False,
        )
        parts.append(("title", title))
        remaining -= int(title.height) + bar + gap
    if slide.subtitle:
        subtitle = fit(
            parse_markdown(slide.subtitle),
            fonts,
            (w, int(h * SHARES["subtitle"])),
            canvas.font_px(46, SECONDARY),
            canvas.floor(SECONDARY),
            cut=False,
        )
        parts.append(("subtitle", subtitle))
        remaining -= int(subtitle.height) + gap
    paged = ONE_PAGE
    spilled = any(placed.height > SHARES[name] * h + 1 for name, placed in parts)
    if slide.body and (spilled or remaining < h * 0.25):
        # a small area (the title or subtitle does not hold in its share even at the
        # floor): title, subtitle and body read on as one text, in pages
        flow = parse_markdown(f"**{slide.heading}**") if slide.heading else []
        flow += parse_markdown(slide.subtitle) if slide.subtitle else []
        flow += parse_markdown(slide.body)
        body, paged = fit_or_page(canvas, flow, (w, h), 54, slide)
        parts, bar = [("flow", body)], 0
    elif slide.body:
        heading_words = len(f"{slide.heading} {slide.subtitle}".split())
        body, paged = fit_or_page(
            canvas, parse_markdown(slide.body), (w, max(remaining, canvas.px(30))), 54, slide,
            heading_words,
        )  # fmt: skip
        parts.append(("body", body))
    total = sum(int(p.height) for _, p in parts) + gap * (len(parts) - 1) + bar
    centred = (slide.align == "center" or not slide.body) and paged.count == 1
    cursor = y + max(0, (h - total) // 2) if centred else y
    pen = canvas.pen(image, scrim=bool(slide.background))
    for name, placed in parts:
        fill = colours.muted if name == "subtitle" else colours.text
        bold = colours.accent if name == "body" else None  # a flow's bold is its title
        if slide.background:  # one scrim behind the block, where the picture needs it
            left = x + (w - int(placed.width)) // 2 if slide.align == "center" else x
            block = (left, cursor, left + int(placed.width), cursor + int(placed.height))
            pen.guard(block, fill, placed.size)
        role = SECONDARY if name == "subtitle" else "content"
        draw(pen, placed, fonts, (x, cursor), fill, bold, slide.align, w, colours.accent, role)
        cursor += int(placed.height)
        if name == "title":
            bar_w = canvas.px(120)
            bar_x = x if slide.align == "left" else x + (w - bar_w) // 2
            pen.rectangle(
                (bar_x, cursor + canvas.px(16), bar_x + bar_w, cursor + canvas.px(24)),
                fill=colours.accent,
            )
            cursor += bar
        cursor += gap
    draw_marker(pen, canvas, paged, (x + w, y + h))
    return finish_paged(canvas.finish(image, notes=notes, valid_until=paged.turn), paged)

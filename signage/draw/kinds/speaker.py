"""``type: speaker``: a speaker card with photo, name, role, organisation and bio: drawn (the keys and the model are :mod:`signage.slides.speaker`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from signage.draw.canvas import Canvas, Frame
from signage.draw.images import ImageError, open_image
from signage.draw.legible import SECONDARY
from signage.draw.pages import ONE_PAGE, draw_marker, finish_paged, fit_or_page
from signage.draw.portraits import badge, portrait_tile, ring
from signage.draw.text import Layout, draw, parse_markdown, wrap_line
from signage.slides.speaker import SpeakerSlide


def render(slide: SpeakerSlide, canvas: Canvas) -> Frame:
    """Portrait beside (landscape) or above (portrait) the name, role, organisation and bio."""
    return speaker_card(
        canvas,
        slide.name,
        slide.role,
        slide.organisation,
        slide.bio,
        canvas.root / Path(slide.photo) if slide.photo else None,
        slide.shape,
        slide=slide,
    )


def speaker_card(
    canvas: Canvas,
    name: str,
    role: str,
    organisation: str,
    bio: str,
    photo: Path | None,
    shape: str = "circle",
    heading: str = "",
    slide: Any = None,
) -> Frame:
    """The card; ``slide`` (its overflow and duration) times the bio's pages."""
    colours = canvas.theme.colours
    fonts = canvas.fonts
    image = canvas.blank()
    pen = canvas.pen(image)
    x, y, w, h = canvas.body()
    notes: list[str] = []
    if heading:
        face = fonts.get(canvas.font_px(36, SECONDARY, True), bold=True)
        pen.text((x, y), heading, font=face, fill=colours.accent, role=SECONDARY)
        y += int(face.size * 1.9)
        h -= int(face.size * 1.9)
    box: tuple[int, int, int, int] | None
    if canvas.portrait:
        size = min(int(w * 0.62), int(h * 0.38))
        box = (x + (w - size) // 2, y, x + (w - size) // 2 + size, y + size)
        text_box = (x, y + size + canvas.px(56), w, h - size - canvas.px(56))
        align = "center"
    else:
        size = min(int(h * 0.78), int(w * 0.36))
        box = (
            x + canvas.px(20),
            y + (h - size) // 2,
            x + canvas.px(20) + size,
            y + (h - size) // 2 + size,
        )
        left = box[2] + canvas.px(80)
        text_box = (left, y, x + w - left, h)
        align = "left"

    def wrapped(tw: int) -> list[tuple[Layout, tuple[int, int, int], str]]:
        # one size per role: the name on up to two lines, then the role above the
        # organisation (wrapped, never shrunk under it); the bio takes what is left
        lines = [(canvas.wrap(name, tw, 88, bold=True), colours.text, "content")]
        if role:
            lines.append(
                (canvas.wrap(role, tw, 44, SECONDARY, max_lines=3), colours.accent, SECONDARY)
            )
        if organisation:
            org_size = min(lines[-1][0].size, canvas.font_px(40, SECONDARY))
            org = wrap_line(organisation, fonts, tw, org_size, canvas.floor(SECONDARY), False, 3)
            lines.append((org, colours.muted, SECONDARY))
        return lines

    lines = wrapped(text_box[2])
    # the bio needs three lines at least (fewer made pages of a line each: 17 of them)
    bio_least = int(canvas.floor() * 1.25 * 3) + canvas.px(56) if bio else 0
    if sum(int(p.height) + canvas.px(14) for p, _, _ in lines) + bio_least > text_box[3]:
        # a small area: the words before the picture (the photo is left out)
        box, text_box = None, (x, y, w, h)
        lines = wrapped(w)
    if box is not None:
        tile = None
        if photo is not None:
            try:
                tile = portrait_tile(canvas, open_image(photo, (size, size)), size, shape)
            except ImageError as exc:
                notes.append(str(exc))
        if tile is None:
            tile = badge(canvas, name, size, shape)
        image.paste(tile, box[:2], tile)
        ring(canvas, image, box, shape)
    tx, ty, tw, th = text_box
    spacing = canvas.px(14)
    heights = sum(int(placed.height) + spacing for placed, _, _ in lines)
    bio_layout = None
    paged = ONE_PAGE
    if bio:
        room = th - heights - canvas.px(56)
        if room > canvas.floor() * 1.3:
            bio_layout, paged = fit_or_page(
                canvas, parse_markdown(bio), (tw, room), 40, slide,
                len(f"{name} {role} {organisation}".split()),
            )  # fmt: skip
    total = heights + (int(bio_layout.height) + canvas.px(56) if bio_layout else 0)
    cursor = ty
    if not canvas.portrait:
        cursor = ty + max(0, (th - total) // 2)
    for placed, fill, line_role in lines:
        draw(pen, placed, fonts, (tx, cursor), fill, None, align, tw, None, line_role)
        cursor += int(placed.height) + spacing
    if bio_layout is not None:
        cursor += canvas.px(24)
        bar_x = tx if align == "left" else tx + (tw - canvas.px(120)) // 2
        pen.rectangle(
            (bar_x, cursor, bar_x + canvas.px(120), cursor + canvas.px(6)), fill=colours.accent
        )
        cursor += canvas.px(32)
        draw(pen, bio_layout, fonts, (tx, cursor), colours.text, colours.accent, align, tw)
        draw_marker(pen, canvas, paged, (tx + tw, ty + th))
    frame = canvas.finish(image, notes=notes, valid_until=paged.turn)
    return finish_paged(frame, paged)

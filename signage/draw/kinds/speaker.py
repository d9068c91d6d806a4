"""``type: speaker``: a speaker card with photo, name, role, organisation and bio: drawn (the keys and the model are :mod:`signage.slides.speaker`)."""

from __future__ import annotations

from pathlib import Path

from signage.draw.canvas import Canvas, Frame
from signage.draw.images import ImageError, open_image
from signage.draw.legible import SECONDARY
from signage.draw.portraits import badge, portrait_tile, ring
from signage.draw.text import draw, fit, parse_markdown
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
) -> Frame:
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
    line, name_size = canvas.fit_line(name, tw, 88, bold=True)
    cursor = ty
    lines: list[tuple[str, int, tuple[int, int, int], bool]] = [
        (line, name_size, colours.text, True)
    ]
    if role:
        text, size_role = canvas.fit_line(role, tw, 44, SECONDARY)
        lines.append((text, size_role, colours.accent, False))
    if organisation:
        text, size_org = canvas.fit_line(organisation, tw, 40, SECONDARY)
        lines.append((text, size_org, colours.muted, False))
    heights = sum(int(s * 1.3) for _, s, _, _ in lines)
    bio_layout = None
    if bio:
        room = th - heights - canvas.px(56)
        if room > canvas.floor() * 1.3:
            bio_layout = fit(
                parse_markdown(bio), fonts, (tw, room), canvas.font_px(40), canvas.floor()
            )
    total = heights + (int(bio_layout.height) + canvas.px(56) if bio_layout else 0)
    if not canvas.portrait:
        cursor = ty + max(0, (th - total) // 2)
    for index, (text, size_line, fill, bold) in enumerate(lines):
        face = fonts.get(size_line, bold)
        line_x = tx + (tw - face.getlength(text)) / 2 if align == "center" else tx
        pen.text(
            (line_x, cursor),
            text,
            font=face,
            fill=fill,
            role="content" if index == 0 else SECONDARY,
        )
        cursor += int(size_line * 1.3)
    if bio_layout is not None:
        cursor += canvas.px(24)
        bar_x = tx if align == "left" else tx + (tw - canvas.px(120)) // 2
        pen.rectangle(
            (bar_x, cursor, bar_x + canvas.px(120), cursor + canvas.px(6)), fill=colours.accent
        )
        cursor += canvas.px(32)
        draw(pen, bio_layout, fonts, (tx, cursor), colours.text, colours.accent, align, tw)
    return canvas.finish(image, notes=notes)

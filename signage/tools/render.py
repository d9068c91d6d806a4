"""``signage render``: every slide as a PNG, and a contact sheet, drawn by the player's own code."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw

from signage.content.model import Content, Layout, Region
from signage.content.sequencer import needs_room
from signage.core.model import BUNDLED_BOLD, BUNDLED_REGULAR
from signage.draw.canvas import Canvas, Frame, Screen
from signage.draw.text import Fonts, fit_line
from signage.player.frames import SlideError, fallback, flatten, prepare
from signage.slides import Slide


@dataclass(frozen=True)
class Rendered:
    path: Path
    label: str
    error: str | None = None
    regions: tuple[tuple[str, tuple[int, int, int, int]], ...] = ()  # a composed layout's
    idle: bool = False  # does not play at the instant drawn (its when: window)


MAX_STATES = 8  # composed states rendered per layout
REGION_COLOURS = ((255, 220, 0), (0, 220, 255), (255, 110, 200), (120, 255, 120), (255, 160, 60))


def _save(frame: Frame, size: tuple[int, int], path: Path, idle_at: dt.datetime | None) -> None:
    """The frame as a PNG; a slide that does not play at ``idle_at`` crossed out by a band
    that says so (a preview must not pass it off as what the screen shows)."""
    image = flatten(frame, size)
    if idle_at is not None:
        draw = ImageDraw.Draw(image, "RGBA")
        fonts = Fonts(str(BUNDLED_REGULAR), str(BUNDLED_BOLD))
        band = max(40, size[1] // 12)
        top = (size[1] - band) // 2
        draw.rectangle((0, top, size[0], top + band), fill=(0, 0, 0, 200))
        text = f"does not play here at {idle_at:%H:%M} (when:, or room: auto)"
        line, px = fit_line(text, fonts, size[0] * 0.9, band * 6 // 10, 12, True)
        draw.text((size[0] // 2, top + band // 2), line, font=fonts.get(px, True),
                  fill=(255, 220, 0), anchor="mm")  # fmt: skip
    image.save(path)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "slide"


def render_all(
    content: Content,
    out: Path,
    at: dt.datetime,
    size: tuple[int, int],
    screen: Screen,
    services: object = None,
) -> list[Rendered]:
    """One PNG per slide of the playlists for ``screen``, named by order and id."""
    out.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(size, content.theme, Path(content.root), at, screen, services)
    results: list[Rendered] = []
    order = 0
    for playlist in content.playlists:
        if not playlist.plays_on(screen.id):
            continue
        for slide in playlist.slides:
            order += 1
            path = out / f"{order:02d}-{_safe(slide.id)}.png"
            idle = slide.when is not None and not slide.when.contains(at)
            idle = idle or (needs_room(slide) and not screen.room)  # played elsewhere
            try:
                frame = prepare(slide, replace(canvas, page=0))
            except SlideError as exc:
                results.append(Rendered(path, slide.id, str(exc)))
                frame = fallback(canvas, str(exc))
            else:
                results.append(Rendered(path, slide.id, idle=idle))
            _save(frame, size, path, at if idle else None)
            for page in range(1, frame.pages):  # every page of a slide in pages
                more = path.with_name(f"{path.stem}-p{page + 1}.png")
                _save(prepare(slide, replace(canvas, page=page)), size, more, at if idle else None)
                results.append(Rendered(more, f"{slide.id} {page + 1}/{frame.pages}", idle=idle))
    if not results:
        path = out / "00-fallback.png"
        flatten(fallback(canvas, "no playlist for this screen"), size).save(path)
        results.append(Rendered(path, "fallback"))
    return results


def _layouts(content: Content, screen: Screen, size: tuple[int, int]) -> list[tuple[str, Layout]]:
    """Every layout this screen may show at this size: its playlists' and the theme's."""
    found: list[tuple[str, Layout]] = []
    sources = [(Path(p.path).stem, p.layouts) for p in content.playlists if p.plays_on(screen.id)]
    for name, layouts in [*sources, ("theme", content.layouts)]:
        layout = layouts.pick(size) if layouts is not None else None
        if layout is not None and all(layout is not known for _, known in found):
            found.append((name, layout))
    return found


def _region_slide(content: Content, region: Region, state: int) -> Slide | None:
    """The slide a region shows in composed state ``state``."""
    if region.slide is not None:
        return region.slide
    playlist = content.playlist(region.playlist or "")
    if playlist is None or not playlist.slides:
        return None
    return playlist.slides[state % len(playlist.slides)]


def render_layouts(
    content: Content,
    out: Path,
    at: dt.datetime,
    size: tuple[int, int],
    screen: Screen,
    services: object = None,
) -> list[Rendered]:
    """One PNG per composed state of each layout for ``screen``: state n shows the n-th
    slide of every playlist region (each looping over its own), with the widgets."""
    out.mkdir(parents=True, exist_ok=True)
    results: list[Rendered] = []
    for name, layout in _layouts(content, screen, size):
        counts = [
            len(p.slides) for r in layout.regions if (p := content.playlist(r.playlist or ""))
        ]
        for state in range(min(MAX_STATES, max([1, *counts]))):
            image = Image.new("RGB", size, content.theme.colours.background)
            errors: list[str] = []
            placed = []
            for region in sorted(layout.regions, key=lambda r: r.z):
                x, y, w, h = region.rect(size)
                placed.append((region.name, (x, y, w, h)))
                # read from where the player reads it (a door's regions from 2 m)
                canvas = Canvas(
                    (w, h), content.theme, Path(content.root), at, screen, services, False, size,
                    distance_mm=layout.distance_of(region),
                )  # fmt: skip
                slide = _region_slide(content, region, state)
                try:
                    frame = prepare(slide, canvas) if slide is not None else fallback(canvas, "")
                except SlideError as exc:
                    errors.append(str(exc))
                    frame = fallback(canvas, str(exc))
                image.paste(flatten(frame, (w, h)), (x, y))
            path = out / f"layout-{_safe(name)}-{state + 1:02d}.png"
            image.save(path)
            label = f"{name} {state + 1}"
            results.append(Rendered(path, label, "; ".join(errors) or None, tuple(placed)))
    return results


def contact_sheet(results: list[Rendered], target: Path, columns: int | None = None) -> None:
    """All rendered slides as thumbnails in a grid, labelled with their file names."""
    images = [Image.open(r.path) for r in results]
    first = images[0]
    thumb_w = 480 if first.width >= first.height else 270
    thumb_h = round(thumb_w * first.height / first.width)
    cols = columns or max(1, min(4, math.ceil(math.sqrt(len(images)))))
    rows = math.ceil(len(images) / cols)
    label_h, pad = (62 if any(r.regions for r in results) else 34), 16
    sheet = Image.new(
        "RGB", (cols * (thumb_w + pad) + pad, rows * (thumb_h + label_h + pad) + pad), (40, 40, 46)
    )
    draw = ImageDraw.Draw(sheet)
    fonts = Fonts(str(BUNDLED_REGULAR), str(BUNDLED_BOLD))
    for index, (result, image) in enumerate(zip(results, images, strict=True)):
        col, row = index % cols, index // cols
        x = pad + col * (thumb_w + pad)
        y = pad + row * (thumb_h + label_h + pad)
        sheet.paste(
            image.convert("RGB").resize((thumb_w, thumb_h), Image.Resampling.LANCZOS), (x, y)
        )
        scale = thumb_w / image.width
        legend_x = x
        for number, (name, (rx, ry, rw, rh)) in enumerate(result.regions):
            # a layout: its regions outlined, each in its colour, named under the picture
            # (a label over the picture hid the text it was meant to show)
            colour = REGION_COLOURS[number % len(REGION_COLOURS)]
            box = [x + round(rx * scale), y + round(ry * scale)]
            box += [box[0] + round(rw * scale) - 1, box[1] + round(rh * scale) - 1]
            draw.rectangle(box, outline=colour, width=2)
            tag = fonts.get(14, True)
            draw.text((legend_x, y + thumb_h + 34), name, font=tag, fill=colour)
            legend_x += round(tag.getlength(name + "  "))
        label, size = fit_line(result.path.name, fonts, thumb_w, 20, 12)
        colour = (255, 120, 120) if result.error else (230, 230, 230)
        if result.idle:
            colour = (160, 160, 160)
        draw.text((x, y + thumb_h + 6), label, font=fonts.get(size), fill=colour)
        image.close()
    sheet.save(target)

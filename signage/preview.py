"""``signage render``: every slide as a PNG, and a contact sheet, drawn by the player's own code."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw

from signage.content.model import Content
from signage.core.model import BUNDLED_BOLD, BUNDLED_REGULAR
from signage.draw.canvas import Canvas, Frame, Screen
from signage.draw.text import Fonts, fit_line
from signage.render.prepare import SlideError, fallback, prepare


@dataclass(frozen=True)
class Rendered:
    path: Path
    label: str
    error: str | None = None


def flatten(frame: Frame, size: tuple[int, int]) -> Image.Image:
    """The frame as the player shows it at the start of the slide (pan at its origin)."""
    image = frame.image
    if image.size != size:
        left = (image.width - size[0]) // 2
        top = (image.height - size[1]) // 2
        image = image.crop((left, top, left + size[0], top + size[1]))
    image = image.convert("RGB")
    if frame.overlay is not None:
        image.paste(frame.overlay, (0, 0), frame.overlay)
    if frame.ticker is not None:
        strip = frame.ticker.crop((0, 0, size[0], frame.ticker.height))
        image.paste(strip, (0, size[1] - strip.height), strip)
    return image


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
            try:
                frame = prepare(slide, replace(canvas))
            except SlideError as exc:
                results.append(Rendered(path, slide.id, str(exc)))
                frame = fallback(canvas, str(exc))
            else:
                results.append(Rendered(path, slide.id))
            flatten(frame, size).save(path)
    if not results:
        path = out / "00-fallback.png"
        flatten(fallback(canvas, "no playlist for this screen"), size).save(path)
        results.append(Rendered(path, "fallback"))
    return results


def contact_sheet(results: list[Rendered], target: Path, columns: int | None = None) -> None:
    """All rendered slides as thumbnails in a grid, labelled with their file names."""
    images = [Image.open(r.path) for r in results]
    first = images[0]
    thumb_w = 480 if first.width >= first.height else 270
    thumb_h = round(thumb_w * first.height / first.width)
    cols = columns or max(1, min(4, math.ceil(math.sqrt(len(images)))))
    rows = math.ceil(len(images) / cols)
    label_h, pad = 34, 16
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
        label, size = fit_line(result.path.name, fonts, thumb_w, 20, 12)
        colour = (255, 120, 120) if result.error else (230, 230, 230)
        draw.text((x, y + thumb_h + 6), label, font=fonts.get(size), fill=colour)
        image.close()
    sheet.save(target)

"""Text that can be read from where people stand, and a record of how legible it is.

Every line of text a slide draws goes through a :class:`Pen`, which draws it and
records a :class:`Mark`: its role, its line height (ascender to descender), the cap
height and x-height of the face at the size drawn, and the lowest contrast it has
against the pixels that were actually behind it. The legibility check reads those
marks: it measures what the renderer drew, not what a guess from pixels would say.

Floors are angles on capitals (:mod:`signage.core.viewing`): a capital letter must
subtend at least 20 minutes of arc from the screen's viewing distance for content
(titles, names, rooms, now/next) and 16 for secondary text (times, roles, labels,
captions), the clock and the ticker (ISO 9241-303's minimum). On a 55-inch 1080p panel
read from 4 m that is a cap height of 36.7 px (a 51 px DejaVu) and 29.4 px (41 px).

Over photos a pen given ``scrim=True`` lays a dark (or light) veil behind a line
only where the image would break the contrast, and only as dark as needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from signage.core.colour import LARGE_CONTRAST, MIN_CONTRAST, RGB, luminance, ratio
from signage.core.viewing import CONTENT_ARCMIN, SECONDARY_ARCMIN, Viewing

CONTENT, SECONDARY, CLOCK = "content", "secondary", "clock"
ROLES = (CONTENT, SECONDARY, CLOCK)
ARCMIN = {CONTENT: CONTENT_ARCMIN, SECONDARY: SECONDARY_ARCMIN, CLOCK: SECONDARY_ARCMIN}
LARGE_TEXT = 18  # text at S/18 and larger needs only 3:1 (WCAG's large text)
SAMPLE = (48, 12)  # a line's background is measured on a copy at most this size (averaged)
DARKEST_SHARE = 0.02  # the contrast of the worst 2 % of the background (not one stray pixel)


REFERENCE = Viewing()  # 55 in read from 4 m: what the layouts are designed for
REFERENCE_SIZE = (1920, 1080)


def floor_cap(role: str, viewing: Viewing, display: tuple[int, int], scale: float = 1.0) -> float:
    """The smallest cap height, in pixels, text of this role may have on this screen read
    from its distance (``scale``: the ``large`` profile's 1.25); never under the reference
    screen's floor for as many lines. A screen read from closer keeps the reference's floors
    as it keeps its type: a door sign is also read from down the corridor, and 16′ from 2 m
    is a 15 px capital on 1080 lines, lettering and not a sign."""
    own = viewing.cap_floor_px(ARCMIN[role], display)
    reference = REFERENCE.cap_floor_px(ARCMIN[role], REFERENCE_SIZE) * min(display) / 1080
    return max(own, reference) * scale


def line_height(face: ImageFont.FreeTypeFont) -> int:
    """A font's line height from ascender to descender."""
    ascent, descent = face.getmetrics()
    return int(ascent + descent)


def letter_heights(face: ImageFont.FreeTypeFont) -> tuple[int, int]:
    """The face's cap height and x-height at its size, in pixels: 'H' and 'x' measured from
    the baseline (what a reader sees of a letter, whatever the font's line box)."""
    return _letters(str(face.path), face.size)


@lru_cache(maxsize=2048)
def _letters(path: str, size: int) -> tuple[int, int]:
    face = ImageFont.truetype(path, size)
    cap = -face.getbbox("H", anchor="ls")[1]
    x_height = -face.getbbox("x", anchor="ls")[1]
    return int(cap), int(x_height)


@lru_cache(maxsize=1024)
def size_for(path: str, cap: float) -> int:
    """The smallest font size of this font whose capitals are at least ``cap`` pixels tall."""
    size = max(1, int(cap / 0.8))
    while _letters(path, size)[0] < cap:
        size += 1
    return size


@dataclass(frozen=True)
class Mark:
    """One line of text as drawn: what it says, what it is, how tall, how contrasted."""

    text: str
    role: str
    height: int  # ascender to descender, pixels
    contrast: float  # against the lowest-contrast pixels behind it
    box: tuple[int, int, int, int]
    needed: float  # 4.5, or 3 for large text
    clipped: bool = False  # partly outside the area it was drawn in (it does not fit)
    read: bool = True  # part of what the slide says (not the header's venue and date)
    cap: int = 0  # the face's cap height at the size drawn, pixels (what the floors measure)
    x_height: int = 0

    @property
    def words(self) -> int:
        return len(self.text.split())


def words_read(marks: list[Mark]) -> int:
    """Words a passer-by reads among these lines: not the clock, ticker or header."""
    return sum(m.words for m in marks if m.read and m.role != CLOCK)


def background_contrast(image: Image.Image, box: tuple[int, int, int, int], fill: RGB) -> float:
    """The contrast of ``fill`` against what lies in ``box`` of ``image`` (its worst 2 %)."""
    left, top, right, bottom = (
        max(0, box[0]),
        max(0, box[1]),
        min(image.width, box[2]),
        min(image.height, box[3]),
    )
    if right <= left or bottom <= top:
        return 21.0
    crop = image.crop((left, top, right, bottom))
    if crop.mode != "RGB":
        crop = crop.convert("RGB")
    if crop.width > SAMPLE[0] or crop.height > SAMPLE[1]:
        # averaged over a few pixels, as the eye does at a distance (and 600 colours at
        # most to score: scoring every colour of a 4K line cost 5 ms a word)
        crop = crop.resize(
            (min(crop.width, SAMPLE[0]), min(crop.height, SAMPLE[1])), Image.Resampling.BOX
        )
    colours = crop.getcolors(crop.width * crop.height) or []
    text_l = luminance(fill)
    scored = sorted((ratio(text_l, luminance(c)), n) for n, c in colours)
    allowed = sum(n for _, n in scored) * DARKEST_SHARE
    seen = 0
    for value, count in scored:
        seen += count
        if seen > allowed:
            return value
    return scored[-1][0] if scored else 21.0


class Pen:
    """An ``ImageDraw`` that records every line of text it draws (see :class:`Mark`).

    ``short_side`` is the screen's (not the region's) shorter side, for the large-text
    threshold; ``scrim`` lays a veil behind text the image behind would make unreadable.
    """

    def __init__(
        self,
        image: Image.Image,
        marks: list[Mark] | None,
        short_side: int,
        scrim: bool = False,
        origin: tuple[int, int] = (0, 0),
    ) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image, "RGBA" if image.mode == "RGBA" else None)
        self.marks = marks if marks is not None else []
        self.short_side = short_side
        self.scrim = scrim
        self.origin = origin  # where this image sits on the measured frame (an overlay)
        self.backdrop: Image.Image | None = None  # what lies under a transparent overlay
        self.read = True  # what it writes counts as the slide's words (False: the header)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.draw, name)  # rectangles, lines: drawn as ImageDraw draws them

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        font: ImageFont.FreeTypeFont,
        fill: Any,
        anchor: str | None = None,
        role: str = CONTENT,
    ) -> None:
        if not text.strip():
            return
        colour: RGB = (int(fill[0]), int(fill[1]), int(fill[2]))
        # the line's box from ascender to descender (the height the floors measure)
        left, _, right, _ = self.draw.textbbox(xy, text, font=font, anchor=anchor)
        ascent, descent = font.getmetrics()
        vertical = anchor[1] if anchor else "a"
        shift = {"m": (ascent + descent) // 2, "s": ascent, "d": ascent + descent}.get(vertical, 0)
        top = round(xy[1]) - shift
        height = line_height(font)
        box = (int(left), int(top), int(right), int(top + height))
        needed = self.needed(height)
        found = self.measure(box, colour)
        if self.scrim and found < needed:
            self.veil(box, colour, needed)
            found = self.measure(box, colour)
        self.draw.text(xy, text, font=font, fill=fill, anchor=anchor)
        ox, oy = self.origin
        w, h = self.image.size
        clipped = box[0] < -1 or box[1] < -1 or box[2] > w + 1 or box[3] > h + 1
        moved = (box[0] + ox, box[1] + oy, box[2] + ox, box[3] + oy)
        cap, x_height = letter_heights(font)
        found = round(found, 2)
        self.marks.append(
            Mark(text, role, height, found, moved, needed, clipped, self.read, cap, x_height)
        )

    def guard(self, box: tuple[int, int, int, int], fill: RGB, height: int) -> None:
        """Before drawing a block of text in ``box``: one scrim behind the whole block if
        the picture under it would break the contrast (not a patch per word)."""
        needed = self.needed(height)
        if self.measure(box, fill) < needed:
            self.veil(box, fill, needed)

    def needed(self, height: float) -> float:
        """The contrast text this tall needs: 4.5:1, or 3:1 from S/18 (WCAG's large text)."""
        return LARGE_CONTRAST if height >= self.short_side / LARGE_TEXT else MIN_CONTRAST

    def measure(self, box: tuple[int, int, int, int], fill: RGB) -> float:
        """The contrast of ``fill`` against what shows behind ``box`` (only that piece is
        looked at: composing a whole 4K overlay per line cost 30 ms)."""
        w, h = self.image.size
        area = (max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3]))
        if area[2] <= area[0] or area[3] <= area[1]:
            return 21.0
        piece = self._seen(self.image.crop(area), area)
        return background_contrast(piece, (0, 0, *piece.size), fill)

    def _seen(self, layer: Image.Image, area: tuple[int, int, int, int]) -> Image.Image:
        """``layer`` (the image, or a piece of it at ``area``) as it will look on screen: a
        transparent overlay over its backdrop."""
        if layer.mode != "RGBA":
            return layer
        under = self.backdrop.crop(area) if self.backdrop is not None else None
        behind = (under or Image.new("RGB", layer.size)).convert("RGBA")
        behind.alpha_composite(layer)
        return behind

    def veil(self, box: tuple[int, int, int, int], fill: RGB, needed: float) -> None:
        """Darken (light text) or lighten (dark text) behind ``box``, just enough, with soft
        edges: a scrim only where the picture would break the contrast."""
        shade = (0, 0, 0) if luminance(fill) > 0.3 else (255, 255, 255)
        pad = max(4, (box[3] - box[1]) // 3)
        area = (
            max(0, box[0] - 2 * pad),
            max(0, box[1] - pad),
            min(self.image.width, box[2] + 2 * pad),
            min(self.image.height, box[3] + pad),
        )
        piece = self.image.crop(area)
        inner = (box[0] - area[0] - pad, box[1] - area[1] - pad // 2,
                 box[2] - area[0] + pad, box[3] - area[1] + pad // 2)  # fmt: skip
        local = (box[0] - area[0], box[1] - area[1], box[2] - area[0], box[3] - area[1])
        trial = piece
        for alpha in (90, 130, 170, 200, 225, 245):
            mask = Image.new("L", piece.size, 0)
            ImageDraw.Draw(mask).rounded_rectangle(inner, radius=pad, fill=alpha)
            mask = mask.filter(ImageFilter.BoxBlur(max(1, pad // 2)))
            shade_layer = Image.new("RGBA", piece.size, (*shade, 255))
            shade_layer.putalpha(mask)
            trial = piece.convert("RGBA")
            trial.alpha_composite(shade_layer)
            trial = trial if piece.mode == "RGBA" else trial.convert(piece.mode)
            if background_contrast(self._seen(trial, area), local, fill) >= needed:
                break
        self.image.paste(trial, area[:2])


_MEASURE = ImageDraw.Draw(Image.new("L", (1, 1)))


class DryPen:
    """A pen that draws nothing and records how far down a layout reaches: a view draws
    itself with it at several type sizes and keeps the largest that fills its space."""

    def __init__(self) -> None:
        self.bottom = 0.0
        self.marks: list[Mark] = []

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        font: ImageFont.FreeTypeFont,
        fill: Any = None,
        anchor: str | None = None,
        role: str = CONTENT,
    ) -> None:
        box = _MEASURE.textbbox(xy, text, font=font, anchor=anchor)
        self.bottom = max(self.bottom, box[3])

    def _shape(self, xy: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(xy, tuple | list) and len(xy) == 4:
            self.bottom = max(self.bottom, float(xy[3]))

    def __getattr__(self, name: str) -> Any:
        return self._shape  # rectangles and lines: only their bottom counts

"""Text for screens: a small Markdown subset, word wrapping, and fitting to a box.

Everything here is Pillow and runs off the render thread. Text wraps and shrinks down
to a minimum size (its floor); what still does not fit goes on further pages
(:mod:`signage.draw.pages`), or is cut with an ellipsis where the author asked for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PIL import ImageFont

from signage.draw.typography import GLUED, kept
from signage.draw.typography import carried as carry

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph, or a list item with its marker ("•", "1.")."""

    runs: tuple[Run, ...]
    marker: str = ""


_LIST_RE = re.compile(r"^\s*(?:([-*•])|(\d{1,3})[.)])\s+(.*)$")


def parse_runs(text: str, bold: bool = False) -> tuple[Run, ...]:
    """``a **b** c`` -> runs; an unmatched ``**`` is kept as text."""
    parts = text.split("**")
    if len(parts) % 2 == 0:  # odd number of markers: leave the last one as it is
        parts = [*parts[:-2], parts[-2] + "**" + parts[-1]]
    runs = [Run(part, bold=(i % 2 == 1) != bold) for i, part in enumerate(parts) if part]
    return tuple(runs)


def parse_markdown(text: str) -> list[Block]:
    """Paragraphs (blank-line separated), ``- `` / ``1. `` list items, and ``**bold**``."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block(parse_runs(" ".join(paragraph))))
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        item = _LIST_RE.match(line)
        if item:
            flush()
            marker = "•" if item.group(1) else f"{item.group(2)}."
            blocks.append(Block(parse_runs(item.group(3)), marker))
        elif blocks and blocks[-1].marker and not paragraph and raw[:1].isspace():
            # an indented line continues the list item above
            last = blocks.pop()
            blocks.append(Block((*last.runs, *parse_runs(" " + line)), last.marker))
        else:
            paragraph.append(line)
    flush()
    return blocks


@lru_cache(maxsize=256)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str

    def get(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        return font(self.bold if bold else self.regular, size)


@dataclass(frozen=True)
class Piece:
    x: float
    text: str
    bold: bool


@dataclass(frozen=True)
class Line:
    y: float
    pieces: tuple[Piece, ...]
    width: float


@dataclass(frozen=True)
class Layout:
    size: int
    lines: tuple[Line, ...]
    height: float
    width: float
    fits: bool


def _words(runs: tuple[Run, ...]) -> list[tuple[str, bool, bool]]:
    """(word, bold, space_before) for each word; NBSP keeps French "14 h" together, and
    the space before a colon (see :mod:`signage.draw.typography`)."""
    out: list[tuple[str, bool, bool]] = []
    pending_space = False
    for run in runs:
        chunks = re.split(r"([ \t]+)", GLUED.sub("\u00a0", run.text))
        for chunk in chunks:
            if not chunk:
                continue
            if chunk.isspace():
                pending_space = True
                continue
            joined = bool(out) and not pending_space
            if joined:
                word, bold_prev, space = out[-1]
                if bold_prev == run.bold:
                    out[-1] = (word + chunk, bold_prev, space)
                    continue
            out.append((chunk, run.bold, pending_space and bool(out)))
            pending_space = False
    return out


def _broken(
    runs: tuple[Run, ...], fonts: Fonts, size: int, width: float, breaking: bool
) -> list[tuple[str, bool, bool]]:
    """The words of ``runs``; with ``breaking``, one wider than ``width`` in pieces that
    fit (the pieces after the first follow without a space, each on its own line)."""
    words = _words(runs)
    if not breaking:
        return words
    out: list[tuple[str, bool, bool]] = []
    for whole, bold, spaced in words:
        face = fonts.get(size, bold)
        word, space = whole, spaced
        while face.getlength(word) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and face.getlength(word[:cut]) > width:
                cut -= 1
            hyphen = word.rfind("-", 0, cut) + 1  # "Olympe-de-" then "Gouges"
            cut = hyphen if hyphen > 1 else cut
            out.append((word[:cut], bold, space))
            word, space = word[cut:], True  # the rest starts the next line
        out.append((word, bold, space))
    return out


def _spanned(words: list[tuple[str, bool, bool]], fonts: Fonts, size: int) -> float:
    """The width of ``words`` on one line."""
    spaces = sum(fonts.get(size, bold).getlength(" ") for _, bold, space in words[1:] if space)
    return spaces + sum(fonts.get(size, bold).getlength(word) for word, bold, _ in words)


def layout(
    blocks: list[Block],
    fonts: Fonts,
    size: int,
    width: float,
    line_spacing: float = 1.25,
    paragraph_spacing: float = 0.5,
    max_lines: int | None = None,
    break_words: bool = False,
) -> Layout:
    """Wrap blocks at ``size`` into ``width``; ``fits`` is False when a word is too wide
    (``break_words``: such a word is broken across lines instead, "#NantesDansMa" then
    "Poche": every letter shown, none cut)."""
    lines: list[Line] = []
    y = 0.0
    line_h = size * line_spacing
    fits = True
    widest = 0.0
    for block_index, block in enumerate(blocks):
        if block_index:
            y += size * paragraph_spacing
        indent = 0.0
        marker_piece: Piece | None = None
        if block.marker:
            marker_piece = Piece(0.0, block.marker, False)
            indent = fonts.get(size).getlength(block.marker + "  ")
        pieces: list[Piece] = [marker_piece] if marker_piece else []
        x = indent
        words = _broken(block.runs, fonts, size, width - indent, break_words)
        together = kept(words)
        for index, (word, bold, space) in enumerate(words):
            face = fonts.get(size, bold)
            space_w = face.getlength(" ") if space and x > indent else 0.0
            word_w = face.getlength(word)
            needed = word_w  # a name that fits one line starts a line rather than be split
            if index in together:
                name_w = _spanned(words[index : together[index]], fonts, size)
                needed = name_w if name_w <= width - indent else word_w
            if x + space_w + needed > width and x > indent:
                carried = carry(pieces, fonts, size, width - indent - needed)
                end = pieces[-1] if pieces else None
                x = end.x + fonts.get(size, end.bold).getlength(end.text) if end else indent
                lines.append(Line(y, tuple(pieces), x))
                widest = max(widest, x)
                y += line_h
                pieces, x = [], indent
                for piece in carried:  # "la" goes down with "poche"
                    pieces.append(Piece(x, piece.text, piece.bold))
                    x += fonts.get(size, piece.bold).getlength(piece.text + " ")
                space_w = 0.0
            if word_w > width - indent:
                fits = False
            pieces.append(Piece(x + space_w, word, bold))
            x += space_w + word_w
        lines.append(Line(y, tuple(pieces), x))
        widest = max(widest, x)
        y += line_h
    height = y - (line_h - size * 1.15) if lines else 0.0
    if max_lines is not None and len(lines) > max_lines:
        fits = False
    return Layout(size, tuple(lines), height, widest, fits)


def fit(
    blocks: list[Block],
    fonts: Fonts,
    box: tuple[float, float],
    max_size: int,
    min_size: int,
    max_lines: int | None = None,
    line_spacing: float = 1.25,
    cut: bool = True,
) -> Layout:
    """The largest size from ``max_size`` down to ``min_size`` at which the text fits the box.

    When even ``min_size`` does not fit, the layout is cut to the lines that fit
    and the last one ends with an ellipsis; ``cut=False``: every line at ``min_size``
    (a title or a name, which the caller makes room for, or pages).
    """
    width, height = box
    min_size = max(1, min(min_size, max_size))

    def ok(size: int) -> tuple[bool, Layout]:
        result = layout(blocks, fonts, size, width, line_spacing, max_lines=max_lines)
        return result.fits and result.height <= height, result

    good, best = ok(max_size)
    if good:
        return best
    low, high = min_size, max_size - 1
    found: Layout | None = None
    while low <= high:
        mid = (low + high) // 2
        good, candidate = ok(mid)
        if good:
            found, low = candidate, mid + 1
        else:
            high = mid - 1
    if found is not None:
        return found
    if not cut:
        return layout(blocks, fonts, min_size, width, line_spacing, break_words=True)
    return _truncate(layout(blocks, fonts, min_size, width, line_spacing), fonts, box, max_lines)


def _truncate(
    full: Layout, fonts: Fonts, box: tuple[float, float], max_lines: int | None
) -> Layout:
    width, height = box
    line_h = full.size * 1.25
    keep = [line for line in full.lines if line.y + full.size * 1.15 <= height]
    if max_lines is not None:
        keep = keep[:max_lines]
    if not keep:
        keep = list(full.lines[:1])
    last = keep[-1]
    pieces = list(last.pieces)
    ellipsis_w = fonts.get(full.size).getlength("…")
    # drop words until the ellipsis fits, then cut the last word by characters
    while pieces:
        end = pieces[-1]
        face = fonts.get(full.size, end.bold)
        text = end.text
        while text and end.x + face.getlength(text) + ellipsis_w > width:
            text = text[:-1]
        if text:
            pieces[-1] = Piece(end.x, text.rstrip(" ,;:") + "…", end.bold)
            break
        pieces.pop()
    keep[-1] = Line(last.y, tuple(pieces), width)
    return Layout(full.size, tuple(keep), keep[-1].y + line_h, full.width, True)


def draw(
    target: Any,
    placed: Layout,
    fonts: Fonts,
    origin: tuple[float, float],
    fill: RGB,
    bold_fill: RGB | None = None,
    align: str = "left",
    box_width: float | None = None,
    marker_fill: RGB | None = None,
    role: str = "content",
) -> None:
    """Draw a layout with its top-left corner at ``origin`` with a legibility pen
    (:class:`~signage.draw.legible.Pen`, told each piece's ``role``, or a measuring one)."""
    ox, oy = origin
    for line in placed.lines:
        shift = 0.0
        if align == "center" and box_width is not None:
            shift = (box_width - line.width) / 2
        for piece in line.pieces:
            colour = (bold_fill or fill) if piece.bold else fill
            if piece.text in ("•",) or re.fullmatch(r"\d+\.", piece.text):
                colour = marker_fill or colour
            target.text(
                (ox + shift + piece.x, oy + line.y),
                piece.text,
                font=fonts.get(placed.size, piece.bold),
                fill=colour,
                role=role,
            )


def fit_line(
    text: str, fonts: Fonts, width: float, max_size: int, min_size: int, bold: bool = False
) -> tuple[str, int]:
    """One line of text (a name, a room): the size that fits, cut with an ellipsis if needed."""
    size = max_size
    while size > min_size and fonts.get(size, bold).getlength(text) > width:
        size = max(min_size, int(size * 0.92))
    face = fonts.get(size, bold)
    if face.getlength(text) <= width:
        return text, size
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…", size


def wrap_line(
    text: str,
    fonts: Fonts,
    width: float,
    max_size: int,
    min_size: int,
    bold: bool = False,
    max_lines: int = 2,
) -> Layout:
    """A name, a title or a room: the largest size from ``max_size`` down to ``min_size``
    at which it holds in ``max_lines`` lines of ``width``; at ``min_size`` on as many lines
    as it takes. Never cut: a name or a title with an ellipsis is not acceptable."""
    blocks = [Block((Run(" ".join(text.split()), bold),))]
    size = max(max_size, min_size)
    while True:
        placed = layout(blocks, fonts, size, width, 1.15, 0.0, max_lines)
        if placed.fits or size <= min_size:
            break
        size = max(min_size, int(size * 0.94))
    if not placed.fits:
        placed = layout(blocks, fonts, min_size, width, 1.15, 0.0, break_words=True)
    return placed

"""Pieces the schedule views share: the programme a slide shows and what changed in it, headings, pages, times, talks and their titles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from signage.core import i18n
from signage.draw.canvas import Canvas
from signage.draw.door import ROOM_STATE, state_words
from signage.draw.legible import SECONDARY, DryPen
from signage.draw.text import Layout, fit, parse_markdown
from signage.draw.text import draw as draw_text
from signage.programme.model import Event, Programme, ProgrammeError, fold
from signage.programme.store import STORE, Change, ProgrammeServices, Shown
from signage.slides.schedule import ScheduleSlide

Pen = Any  # a legibility Pen, or a DryPen measuring a layout


def services_of(canvas: Canvas) -> ProgrammeServices | None:
    return canvas.services if isinstance(canvas.services, ProgrammeServices) else None


def shown_for(source: str, canvas: Canvas) -> Shown:
    """The programme as slides show it, with its changes since the previous version and the
    running delays: as the fetcher parsed it where it arrived, else parsed here once per
    version (a preview, or a file the fetcher has not read yet)."""
    services = services_of(canvas)
    if source.startswith(("http://", "https://")):
        path = services.cached(source) if services else None
        if path is None:
            raise ProgrammeError(f"{source}: not downloaded yet")
    else:
        path = canvas.root / Path(source)
    # keyed by the file itself (or the URL): two content folders may both say programme/p.xml
    key = source if source.startswith(("http://", "https://")) else str(path.resolve())
    parsed = services.known(key) if services else None
    if parsed is not None:  # parsed where it arrived (the player's fetcher): drawn as is
        return parsed.shown(services, canvas.at)
    return STORE.shown(key, path, services, canvas.at)  # a preview, or before it arrived


def programme_for(slide: ScheduleSlide, canvas: Canvas) -> Programme:
    return shown_for(slide.source, canvas).programme


def change_label(change: Change | None, canvas: Canvas) -> str:
    if change is None:
        return ""
    if change.kind in ("shift", "delay"):
        sign = "+" if change.minutes >= 0 else "−"
        return f"{sign}{abs(change.minutes)} min"
    if change.kind == "moved" and change.start is not None:
        return i18n.label(
            "moved_to",
            canvas.locale,
            t=i18n.clock(canvas.local(change.start), canvas.locale),
        )
    if change.kind == "room":
        return i18n.label("new_room", canvas.locale)
    return ""


PAGE_S = 12  # a view that does not fit on one page turns a page this often


SCALES = (
    2.5,
    2.25,
    2.0,
    1.75,
    1.5,
    1.3,
    1.15,
    1.0,
)  # type sizes tried, largest first, to fill the space


RUNNING = "▶"  # a talk on now, in words and symbol as well as colour


def _largest(canvas: Canvas, layout: Any) -> float:
    """The largest type scale at which ``layout(pen, scale)`` stays inside the body."""
    _, y, _, h = canvas.body()
    for scale in SCALES:
        dry = DryPen()
        bottom = layout(dry, scale)
        if max(bottom, dry.bottom) <= y + h:
            return scale
    return 1.0


def _page(canvas: Canvas, pages: int) -> tuple[int, dt.datetime | None]:
    """The page on screen at the canvas's moment, and when the next one turns."""
    if pages <= 1:
        return 0, None
    seconds = int(canvas.at.timestamp())
    turn = canvas.at.replace(microsecond=0) + dt.timedelta(seconds=PAGE_S - seconds % PAGE_S)
    return (seconds // PAGE_S) % pages, turn


def _later(event: Event, canvas: Canvas) -> str:
    """When a talk on a later day starts: ``Demain · 08:30``, ``Lundi 30 novembre · 08:30``."""
    start = canvas.local(event.start)
    day = i18n.day_label(start.date(), canvas.local(canvas.at).date(), canvas.locale)
    return f"{day} · {i18n.clock(start, canvas.locale)}"


def _over(programme: Programme, at: dt.datetime) -> bool:
    """Nothing runs and nothing is to come in the whole programme."""
    return not any(e.end > at for e in programme.events)


def _heading(
    pen: Pen,
    canvas: Canvas,
    text: str,
    box: tuple[int, int, int],
    k: float = 1,
    design: float = 64,
    lines: int = 1,
) -> int:
    """The view's title with its accent bar, leaving room at the right for a page number:
    on one line, shrunk to the floor before it wraps (``lines``: a room's name, the largest
    text of its view, takes two rather than shrink)."""
    x, y, w = box
    w -= int(canvas.fonts.get(canvas.font_px(30, SECONDARY)).getlength("00/00")) + canvas.px(24)
    title = canvas.wrap(text, w, design * min(k, 1.4), bold=True, max_lines=lines)  # never cut
    draw_text(pen, title, canvas.fonts, (x, y), canvas.theme.colours.text)
    below = int(title.height)
    pen.rectangle(
        (x, y + below + canvas.px(18), x + canvas.px(120), y + below + canvas.px(26)),
        fill=canvas.theme.colours.accent,
    )
    return below + canvas.px(56)


def _state_band(
    pen: Pen, canvas: Canvas, said: tuple[str, str], box: tuple[int, int, int], k: float
) -> int:
    """A room's state (full, closed) in large white type on its colour, the note under it;
    returns the bottom."""
    x, y, w = box
    word, note = state_words(canvas, said)
    pad = canvas.px(18 * min(k, 1.4))
    big, big_size = canvas.fit_line(word, w - 2 * pad, 96 * min(k, 1.6), bold=True)
    small, small_size = canvas.fit_line(note, w - 2 * pad, 34 * min(k, 1.4))
    height = big_size + small_size + 3 * pad
    pen.rounded_rectangle((x, y, x + w, y + height), radius=canvas.px(14), fill=ROOM_STATE[said[0]])
    pen.text((x + pad, y + pad), big, font=canvas.fonts.get(big_size, True), fill=(255, 255, 255))
    pen.text((x + pad, y + 2 * pad + big_size), small, font=canvas.fonts.get(small_size),
             fill=(255, 255, 255))  # fmt: skip
    return y + height + canvas.px(28)


def _hours(event: Event, canvas: Canvas) -> str:
    return i18n.hours(canvas.local(event.start), canvas.local(event.end), canvas.locale)


def _speakers(event: Event) -> str:
    return ", ".join(s.name for s in event.speakers)


def _minutes(delta: dt.timedelta) -> int:
    return max(0, int((delta.total_seconds() + 59) // 60))


def _talk(
    pen: Pen,
    canvas: Canvas,
    event: Event,
    box: tuple[int, int, int, int],
    title_px: float,
    speaker_px: float,
    lines: int,
) -> int:
    """A talk's title (wrapped, never cut, never under the floor) and its speakers under it
    when they fit whole; returns the y below them. Sizes are in 1080-line pixels."""
    x, y, w, h = box
    bottom = y + h
    fonts = canvas.fonts
    if h < canvas.floor(bold=True) * 1.2:
        return y  # not even one line of the title fits
    title = _title(canvas, event.title, (w, h), title_px, lines)
    if title.height > h:
        return y  # left out whole rather than drawn past the area's edge
    draw_text(pen, title, fonts, (x, y), canvas.theme.colours.text)
    y += int(title.height) + int(title.size * 0.35)
    if event.speakers:
        names = canvas.wrap(_speakers(event), w, speaker_px, SECONDARY)
        if y + names.height <= bottom:  # whole, or not at all: the title comes first
            draw_text(pen, names, fonts, (x, y), canvas.theme.colours.accent, role=SECONDARY)
            y += int(names.height + names.size * 0.7)
    return y


def _title(
    canvas: Canvas,
    text: str,
    box: tuple[float, float],
    design_px: float,
    lines: int,
    shrink: bool = True,
) -> Layout:
    """A title in bold, as large as ``design_px`` allows in ``box`` on ``lines`` lines; at
    the floor, on as many lines as it takes: never cut (the view makes room, or pages).
    ``shrink=False``: always at ``design_px``, like its neighbours in a list (it wraps
    instead of getting smaller)."""
    size = canvas.font_px(design_px, bold=True)
    return fit(
        parse_markdown(f"**{text}**"), canvas.fonts, box,
        size, size if not shrink else canvas.floor(bold=True), max_lines=lines, cut=False,
    )  # fmt: skip


def _time_line(
    pen: Pen,
    canvas: Canvas,
    at: tuple[int, int],
    text: str,
    change: Change | None,
    size: int,
    bold: bool,
) -> None:
    """A time, followed by what changed about it ("+15 min", "moved to 14:30") in the accent colour."""
    face = canvas.fonts.get(size, bold)
    pen.text(at, text, font=face, fill=canvas.theme.colours.muted, role=SECONDARY)
    label = change_label(change, canvas)
    if label:
        x = at[0] + face.getlength(text + "  ")
        pen.text((x, at[1]), label, font=canvas.fonts.get(size, True),
                 fill=canvas.theme.colours.accent, role=SECONDARY)  # fmt: skip


def _cancelled(
    pen: Pen, canvas: Canvas, shown: Shown, room: str, box: tuple[int, int, int, int], k: float
) -> int:
    """Talks of this room that were cancelled and would still have been to come today
    (as many as fit above ``box``'s bottom)."""
    x, y, w, bottom = box
    today = canvas.local(canvas.at).date()
    gone = [e for e in shown.cancelled if fold(e.room) == fold(room) and e.end > canvas.at
            and canvas.local(e.start).date() == today]  # fmt: skip
    for event in gone[:2]:
        text = f"✕ {i18n.label('cancelled', canvas.locale)} · {i18n.clock(canvas.local(event.start), canvas.locale)} · {event.title}"
        line, size = canvas.fit_line(text, w, 30 * k)
        if y + size * 1.2 > bottom:
            break
        pen.text((x, y), line, font=canvas.fonts.get(size), fill=canvas.theme.colours.accent)
        y += int(size * 1.3)
    return y

"""A slide of a playlist's text drawn by the player's own renderer, as a PNG, at the
screen's size: what the editor is about to save, seen before it is saved."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

from signage.content.folder import load_content
from signage.content.playlist import build_playlist
from signage.core.diagnostics import Report
from signage.core.schema import Ctx
from signage.core.yamlsrc import parse
from signage.draw.canvas import Canvas, Screen
from signage.player.frames import SlideError, fallback, flatten, prepare
from signage.programme.store import ProgrammeServices

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


def preview(root: Path, shown: str, text: str, line: int, size: tuple[int, int]) -> bytes:
    """The slide written at ``line`` of ``text`` (a playlist of ``root``), drawn now."""
    content, _ = load_content(root)
    playlist = build_playlist(
        parse(text.encode("utf-8"), shown, what="playlist"), Ctx(shown, Report(), root)
    )
    if content is None or playlist is None:
        raise SlideError("the content or this playlist is not valid: nothing to draw")
    slide = next((s for s in playlist.slides if s.origin == f"{shown}:{line}"), None)
    if slide is None:
        raise SlideError(f"no slide at {shown}:{line}")
    zone = ZoneInfo(content.theme.timezone) if content.theme.timezone else dt.UTC
    services = ProgrammeServices.of(content, None)
    canvas = Canvas(size, content.theme, root, dt.datetime.now(zone), Screen("studio"), services)
    try:
        frame = prepare(slide, canvas)
    except SlideError as exc:
        frame = fallback(canvas, str(exc))
    out = io.BytesIO()
    flatten(frame, size).save(out, "PNG")
    return out.getvalue()

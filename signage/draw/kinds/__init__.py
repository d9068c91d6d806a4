"""One renderer per slide kind, by the slides' ``type`` (a ``photos`` folder makes ``photo``
slides, ``videos`` makes ``video`` slides): a slide and a canvas in, a frame out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from signage.draw.canvas import Canvas, Frame
from signage.draw.kinds import (
    clock,
    news,
    photo,
    qr,
    schedule,
    social,
    speaker,
    speakers,
    text,
    ticker,
    video,
    web,
)

Renderer = Callable[[Any, Canvas], Frame]

RENDERERS: dict[str, Renderer] = {
    "clock": clock.render,
    "news": news.render,
    "photo": photo.render,
    "qr": qr.render,
    "schedule": schedule.render,
    "social": social.render,
    "speaker": speaker.render,
    "speakers": speakers.render,
    "text": text.render,
    "ticker": ticker.render,
    "video": video.render,
    "web": web.render,
}

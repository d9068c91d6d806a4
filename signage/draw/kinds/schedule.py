"""``type: schedule``: the conference programme, for a room, every room, or the day: drawn (the keys and the model are :mod:`signage.slides.schedule`)."""

from __future__ import annotations

from signage.draw.canvas import Canvas, Frame
from signage.draw.views import render_schedule
from signage.slides.schedule import (
    ScheduleSlide,
)


def render(slide: ScheduleSlide, canvas: Canvas) -> Frame:
    return render_schedule(slide, canvas)

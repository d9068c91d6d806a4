"""Schedule slides: a room's now and next, every room, the rest of the day."""

from __future__ import annotations

from PIL import ImageDraw

from signage import i18n
from signage.render.canvas import Canvas, Frame
from signage.slides.schedule import ScheduleSlide


def render_schedule(slide: ScheduleSlide, canvas: Canvas) -> Frame:
    image = canvas.blank()
    draw = ImageDraw.Draw(image)
    x, y, _, _ = canvas.body()
    draw.text(
        (x, y),
        i18n.label("no_programme", canvas.locale),
        font=canvas.fonts.get(canvas.px(60), True),
        fill=canvas.theme.colours.text,
    )
    return canvas.finish(image)

"""``type: web``: the page's last good snapshot, whole, in the slide's area: drawn (the
keys and the model are :mod:`signage.slides.web`; the snapshot is taken by the live hub,
:mod:`signage.live.web`, in a child Chromium, never here)."""

from __future__ import annotations

from pathlib import Path

from signage.draw.canvas import Canvas, Frame
from signage.draw.images import contain, open_image
from signage.live.model import Feed, LiveError, live_key
from signage.slides.web import WebSlide


def render(slide: WebSlide, canvas: Canvas) -> Frame:
    services = canvas.services
    feed: Feed | None = (
        services.feed(live_key(slide.url, canvas.root)) if services is not None else None
    )
    if feed is None or not feed.items or not feed.items[0].image:
        raise LiveError(f"{slide.url}: no snapshot yet")  # the next slide plays meanwhile
    x, y, w, h = canvas.body() if canvas.chrome else (0, 0, canvas.width, canvas.height)
    picture = contain(open_image(Path(feed.items[0].image), (w, h)), (w, h))
    image = canvas.blank()
    image.paste(
        picture.convert("RGB"), (x + (w - picture.width) // 2, y + (h - picture.height) // 2)
    )
    return canvas.finish(image)

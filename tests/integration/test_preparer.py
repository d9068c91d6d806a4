"""The preparation worker's queue: the frame on screen drawn again (a clock at its
minute, an urgent message) goes before the slides drawn ahead, so that a clock is never
frozen behind a playlist being prepared (the chaos soak counted a frozen clock at every
start: the worker was drawing the whole playlist, the clock's minute waited its turn)."""

from __future__ import annotations

import threading
from pathlib import Path

from signage.draw.canvas import Canvas, Screen
from signage.player.messages import FrameReady
from signage.player.preparer import Preparer
from tests.support.content import at, write_content

SLIDES = "".join(f"  - {{type: text, id: t{i}, title: Texte {i}, body: {'mot ' * 200}}}\n"
                 for i in range(8))  # fmt: skip


def test_an_urgent_request_goes_before_the_slides_drawn_ahead(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"p.yaml": f"name: P\nslides:\n{SLIDES}"})
    slides = list(content.playlists[0].slides)
    canvas = Canvas((1920, 1080), content.theme, tmp_path, at("2026-11-30 10:05"), Screen("s"))
    done: list[object] = []
    finished = threading.Event()

    def post(message: object) -> None:
        assert isinstance(message, FrameReady) and message.ready is not None, message
        done.append(message.key)
        if len(done) == len(slides) + 1:
            finished.set()

    preparer = Preparer(post)
    try:
        for slide in slides:  # a playlist drawn ahead, one at a time
            assert preparer.request(("ahead", slide.id), slide, canvas)
        assert preparer.request(("on screen", "clock"), slides[0], canvas, urgent=True)
        assert finished.wait(120), done
    finally:
        preparer.close()
    # the two the worker had already, then the urgent one, then the others in order
    assert done.index(("on screen", "clock")) <= 2, done
    ahead = [key for key in done if key[0] == "ahead"]
    assert ahead == [("ahead", slide.id) for slide in slides]

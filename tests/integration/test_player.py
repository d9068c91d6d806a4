"""The render loop, headless (SDL dummy driver), on a fake clock; the status API over HTTP."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pygame
import pytest
from PIL import Image

from signage.core.clock import FakeClock
from signage.draw.canvas import Screen
from signage.ops.control.server import ControlServer
from signage.player.display import Display
from signage.player.loop import Player
from tests.support.content import at, write_content

TWO = """
name: Deux
defaults: {duration: 5, transition: {type: fade, duration: 0.5}}
slides:
  - {type: text, id: rouge, title: Rouge}
  - {type: photo, id: casse, image: assets/broken.jpg}
  - {type: text, id: bleu, title: Bleu}
"""
THEME = 'header: false\ncolours: {background: "#c81e1e"}\n'


@pytest.fixture
def display():
    shown = Display((320, 180), fullscreen=False)
    yield shown
    shown.close()


def pump(
    player: Player,
    until: Callable[[], bool],
    timeout: float = 20.0,
    clock: FakeClock | None = None,
    tick: float = 0.0,
) -> None:
    """Run loop passes (advancing the fake clock by ``tick`` each) until ``until()``."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "timed out"
        player.iterate()
        if clock is not None and tick:
            clock.advance(tick)
        time.sleep(0.005)


def average(display: Display) -> tuple[float, ...]:
    return tuple(pygame.transform.average_color(display.surface)[:3])


@pytest.fixture
def broken_content(tmp_path: Path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "broken.jpg").write_text("not a photo")
    return write_content(tmp_path, {"deux.yaml": TWO}, THEME)


def test_plays_skips_broken_slide_and_reports_it(display, broken_content) -> None:
    clock = FakeClock(at("2026-11-30 10:00"))
    player = Player(display, clock, Screen("hall"), broken_content)
    try:
        pump(player, lambda: player.current is not None)
        assert player.playing.slide.id == "rouge"
        # the first frame is the slide's, on the theme's red background: never black
        assert average(display)[0] > 150
        clock.advance(5.0)
        pump(
            player,
            lambda: player.seen.playing is not None and player.seen.playing.slide.id == "bleu",
        )
        status = player.status.read()
        assert status["slide"]["id"] == "bleu"
        assert any("broken.jpg" in e for e in status["content"]["skipped"])
    finally:
        player.preparer.close()


def test_crossfade_has_no_black_frame(display, tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "p.yaml": "name: P\ndefaults: {duration: 2, transition: {type: fade, duration: 0.4}}\n"
            "slides: [{type: text, id: a, title: A}, {type: text, id: b, title: B}]\n"
        },
        'header: false\ncolours: {background: "#3060c0"}\n',
    )
    clock = FakeClock(at("2026-11-30 10:00"))
    player = Player(display, clock, Screen("s"), content)
    try:
        pump(player, lambda: player.current is not None and player.compositor.transition is None)
        pump(
            player, lambda: ("p.yaml"[:0] or True) and len(player.timeline.frames) >= 2, timeout=20
        )  # next one prepared
        clock.advance(2.0)
        darkest = 255.0
        saw_transition = False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            player.iterate()
            saw_transition = saw_transition or player.compositor.transition is not None
            darkest = min(darkest, sum(average(display)) / 3)
            if saw_transition and player.compositor.transition is None:
                break
            time.sleep(0.01)
        assert saw_transition
        assert darkest > 60, f"a frame went dark during the fade: {darkest}"
    finally:
        player.preparer.close()


def test_fallback_when_nothing_plays(display, tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {"p.yaml": "name: P\nscreens: [other]\nslides: [{type: text, title: A}]\n"},
        'venue: Salle test\ncolours: {background: "#205020"}\n',
    )
    player = Player(display, FakeClock(at("2026-11-30 10:00")), Screen("hall"), content)
    try:
        pump(player, lambda: player.current is not None)
        assert player.playing.slide is None
        assert player.status.read()["slide"]["id"] == "fallback"
        assert average(display)[1] > 60  # the theme's green, not black
    finally:
        player.preparer.close()


def test_keys_move_pause_and_quit(display, tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "p.yaml": "name: P\nslides: [{type: text, id: a, title: A}, {type: text, id: b, title: B}, {type: text, id: c, title: C}]\n"
        },
    )
    player = Player(display, FakeClock(at("2026-11-30 10:00")), Screen("s"), content)
    try:
        pump(player, lambda: player.current is not None)
        for key, expected in [(pygame.K_RIGHT, "b"), (pygame.K_RIGHT, "c"), (pygame.K_LEFT, "b")]:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key))
            player.iterate()
            assert player.playing.slide.id == expected
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE))
        player.iterate()
        assert player.paused
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_i))
        player.iterate()
        assert player.info
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE))
        player.iterate()
        assert player.stop.is_set()
    finally:
        player.preparer.close()


def test_clock_is_redrawn_each_minute(display, tmp_path: Path) -> None:
    content = write_content(
        tmp_path, {"p.yaml": "name: P\nslides: [{type: text, id: a, title: A, duration: 3600}]\n"}
    )
    clock = FakeClock(at("2026-11-30 10:00:50"))
    player = Player(display, clock, Screen("s"), content)
    try:
        pump(player, lambda: player.current is not None)
        first = player.current
        assert first.valid_until == at("2026-11-30 10:01")
        clock.set(at("2026-11-30 10:00:59"))
        pump(player, lambda: player.timeline.redraw.frame is not None)
        clock.set(at("2026-11-30 10:01:00"))
        player.iterate()
        assert player.current is not first
        assert player.current.valid_until == at("2026-11-30 10:02")
    finally:
        player.preparer.close()


def test_the_clock_is_asked_for_well_before_its_minute(display, tmp_path: Path) -> None:
    """Asked 10 s ahead, the minute's frame is ready at the minute even when the drawing
    worker is held by a slow photo for seconds (the chaos soak saw it 3 s late with 2 s)."""
    content = write_content(
        tmp_path, {"p.yaml": "name: P\nslides: [{type: text, id: a, title: A, duration: 3600}]\n"}
    )
    clock = FakeClock(at("2026-11-30 10:00:30"))
    player = Player(display, clock, Screen("s"), content)
    try:
        pump(player, lambda: player.current is not None)
        player.iterate()
        assert player.timeline.redraw.asked is None  # 30 s before: not yet
        clock.set(at("2026-11-30 10:00:50.5"))
        player.iterate()
        assert player.timeline.redraw.asked == at("2026-11-30 10:01")  # 9.5 s before
        pump(player, lambda: player.timeline.redraw.frame is not None)
        clock.set(at("2026-11-30 10:01:00"))
        player.iterate()
        assert player.current.valid_until == at("2026-11-30 10:02")
    finally:
        player.preparer.close()


def test_slide_ending_by_the_minute_is_not_redrawn_and_the_loop_sleeps(
    display, tmp_path: Path
) -> None:
    """A slide gone by its clock's minute is not redrawn for it, and the loop does not spin
    through the two seconds it would have asked for the redraw (three players in step spun
    together and showed their next slide 20-30 ms late at every minute)."""
    content = write_content(
        tmp_path,
        {"p.yaml": "name: P\nslides:\n  - {type: text, id: a, title: A, duration: 70}\n"
         "  - {type: text, id: b, title: B, duration: 70}\n"},
    )  # fmt: skip
    clock = FakeClock(at("2026-11-30 10:00:50"))  # a ends at 10:02:00, by its second minute
    player = Player(display, clock, Screen("s"), content)
    try:
        pump(player, lambda: player.current is not None and player.compositor.transition is None)
        clock.set(at("2026-11-30 10:00:59"))  # a lasts past this minute: redrawn for it
        pump(player, lambda: player.timeline.redraw.frame is not None)
        clock.set(at("2026-11-30 10:01:00"))
        player.iterate()
        assert player.current.valid_until == at("2026-11-30 10:02")
        clock.set(at("2026-11-30 10:01:58.5"))
        waits = [player.iterate() for _ in range(5)]
        assert player.timeline.redraw.asked != at("2026-11-30 10:02")  # no redraw asked
        assert min(waits) >= 0.1  # asleep until a's end, not spinning
        assert player.playing.slide.id == "a"
        player.timeline.set_paused(True)  # paused, it stays past its end: redrawn after all
        pump(player, lambda: player.timeline.redraw.frame is not None)
        clock.set(at("2026-11-30 10:02:00"))
        player.iterate()
        assert player.current.valid_until == at("2026-11-30 10:03")
    finally:
        player.preparer.close()


def test_static_slide_sleeps(display, tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {"p.yaml": "name: P\nslides: [{type: text, id: a, title: A, duration: 3600}]\n"},
        "clock: false\n",
    )
    player = Player(display, FakeClock(at("2026-11-30 10:00")), Screen("s"), content)
    try:
        pump(player, lambda: player.current is not None and player.compositor.transition is None)
        player.iterate()
        frames = player.status.stats.frames
        waits = [player.iterate() for _ in range(5)]
        assert player.status.stats.frames == frames  # nothing redrawn
        assert (
            min(waits) >= 0.1
        )  # and the loop would sleep, not spin (keys are read 10 times a second)
    finally:
        player.preparer.close()


def test_status_and_screenshot_over_http(display, tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {"p.yaml": "name: P\nslides: [{type: text, id: a, title: Accueil}]\n"},
        'colours: {background: "#1e3cc8"}\n',
    )
    player = Player(
        display, FakeClock(at("2026-11-30 10:00")), Screen("hall", "Salle Seine"), content
    )
    server = ControlServer(("127.0.0.1", 0), player.status.read, player.post)
    server.start()
    results: dict[str, object] = {}

    def client() -> None:
        base = f"http://{server.address}"
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                status = json.load(urllib.request.urlopen(f"{base}/status", timeout=5))
                if status.get("slide", {}).get("id") == "a":
                    break
                time.sleep(0.05)
            results["status"] = status
            time.sleep(0.3)
            results["png"] = urllib.request.urlopen(f"{base}/screenshot.png", timeout=5).read()
            try:
                urllib.request.urlopen(f"{base}/nope", timeout=5)
            except urllib.error.HTTPError as exc:
                results["404"] = exc.code
        finally:
            player.stop.set()
            player.wake()

    thread = threading.Thread(target=client)
    thread.start()
    player.run()
    thread.join()
    server.stop()
    status = results["status"]
    assert status["screen"] == "hall" and status["room"] == "Salle Seine"
    assert status["content"]["version"] == content.version and status["content"]["slides"] == 1
    assert status["slide"]["title"] == "Accueil" and status["slide"]["type"] == "text"
    assert set(status["render"]) >= {"fps", "frame_ms_p99", "frames_over_budget"}
    assert status["uptime_s"] >= 0
    image = Image.open(__import__("io").BytesIO(results["png"]))
    assert image.size == (320, 180)
    assert results["404"] == 404
    assert image.convert("RGB").getpixel((5, 90))[2] > 150  # the theme's blue, from the real frame


def test_rotated_display_is_portrait() -> None:
    shown = Display((320, 180), fullscreen=False, rotate=90)
    try:
        assert shown.logical_size == (180, 320)
        shown.surface.fill((255, 0, 0), pygame.Rect(0, 0, 180, 10))  # top of the portrait picture
        shown.present()
        # turned clockwise: the top edge of the picture is now the right edge of the window
        assert shown.window.get_at((315, 90))[:3] == (255, 0, 0)
    finally:
        shown.close()


def test_clock_jumps_back_and_forth(display, tmp_path: Path) -> None:
    """NTP corrections: a jump back must not hold a slide (or the drawn clock) for the jump's length."""
    content = write_content(
        tmp_path,
        {
            "p.yaml": "name: P\nslides: [{type: text, id: a, title: A, duration: 10}, {type: text, id: b, title: B, duration: 10}]\n"
        },
    )
    clock = FakeClock(at("2026-11-30 10:00:00"))
    player = Player(display, clock, Screen("s"), content)
    try:
        pump(
            player, lambda: player.seen.playing is not None and player.seen.playing.slide.id == "a"
        )
        clock.set(at("2026-11-30 10:00:05"))
        player.iterate()
        clock.set(at("2026-11-30 09:00:05"))  # back one hour
        player.iterate()
        assert player.playing.slide.id == "a"
        assert player.playing.until <= at("2026-11-30 09:00:15")
        pump(
            player, lambda: player.current is not None and player.current.stamp.hour == 9
        )  # clock redrawn
        clock.set(at("2026-11-30 09:00:16"))
        pump(player, lambda: player.seen.playing.slide.id == "b")  # and the loop goes on
        clock.set(at("2026-11-30 11:30:00"))  # forward
        pump(
            player,
            lambda: (
                player.seen.playing.slide.id == "a"
                and player.current.stamp >= at("2026-11-30 11:30")
            ),
        )
    finally:
        player.preparer.close()


def test_photo_pans(display, tmp_path: Path) -> None:
    root = tmp_path
    (root / "assets").mkdir()
    photo = Image.new("RGB", (800, 450))
    for x in range(800):  # a horizontal gradient: any movement changes the pixels
        photo.paste((x % 256, 80, 255 - x % 256), (x, 0, x + 1, 450))
    photo.save(root / "assets" / "g.jpg")
    content = write_content(
        root,
        {
            "p.yaml": "name: P\nslides: [{type: photo, image: assets/g.jpg, pan: true, duration: 10}]\n"
        },
        "header: false\n",
    )
    player = Player(display, FakeClock(at("2026-11-30 10:00")), Screen("s"), content)
    try:
        pump(player, lambda: player.current is not None and player.compositor.transition is None)
        assert player.current.pan and player.current.base.get_width() > 320
        player.compositor.shown_mono -= 1.0
        player.dirty = True
        player.iterate()
        early = pygame.image.tobytes(display.surface, "RGB")
        player.compositor.shown_mono -= 8.0
        player.dirty = True
        player.iterate()
        late = pygame.image.tobytes(display.surface, "RGB")
        assert early != late  # it moved
        assert max(display.surface.get_at((160, 90))[:3]) > 40  # and is not black
        assert player._timeout(player.clock.now()) == pytest.approx(1 / 30)  # panning at 30 fps
    finally:
        player.preparer.close()

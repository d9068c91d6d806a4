"""Stalls and frozen output observed (issue 25, point 3): the render loop watched from
another thread, the presented picture sampled, what overstayed its end marked."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pygame
import pytest

from signage.core.clock import FakeClock
from signage.draw.canvas import Screen
from signage.player.display import Display
from signage.player.loop import Player
from signage.player.proof import Overstays, PlayTracker
from signage.player.status import render_health
from signage.player.watch import FROZEN_AFTER_S, SAMPLE_EVERY_S, OutputWatch, StallWatch
from tests.support.content import at, write_content


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_stall_is_counted_once_and_its_length_kept(tmp_path: Path) -> None:
    ticks = Ticks()
    with (tmp_path / "dump.txt").open("w+") as dump:
        watch = StallWatch(2.0, monotonic=ticks, dump_to=dump)
        watch.beat()
        ticks.now += 1.9
        assert not watch.check()  # under stall_after: nothing
        ticks.now += 0.5
        assert watch.check() and watch.check()  # stalled, and still
        ticks.now += 1.0
        watch.check()
        assert watch.status()["stalls"] == 1 and watch.status()["stalled"]
        assert watch.problem() is not None
        watch.beat()  # the loop comes back after 3.4 s
        status = watch.status()
        assert status["stalls"] == 1 and not status["stalled"]
        assert status["longest_stall_ms"] == pytest.approx(3400, abs=1)
        assert watch.problem() is None
        ticks.now += 5.0
        watch.check()
        assert watch.status()["stalls"] == 2
        dump.seek(0)
        assert dump.read().count("Current thread") == 1  # the stacks dumped once only


def _hold_the_render_thread(seconds: float) -> None:
    time.sleep(seconds)


@pytest.fixture
def display():
    shown = Display((320, 180), fullscreen=False)
    yield shown
    shown.close()


def test_a_blocked_render_thread_is_a_stall_with_its_stack(display, tmp_path: Path) -> None:
    """A real player whose render thread is held 3 s: the watch thread counts one stall of
    about 3 s, dumps every stack (the render thread's shows what held it), and a healthy
    run before it counted none."""
    content = write_content(
        tmp_path, {"p.yaml": "name: P\nslides: [{type: text, id: a, title: A, duration: 60}]\n"}
    )
    player = Player(display, FakeClock(at("2026-11-30 10:00")), Screen("hall"), content)
    stop = threading.Event()
    with (tmp_path / "dump.txt").open("w+") as dump:
        player.watch._dump_to = dump
        player.watch.start(stop)
        try:
            ends = time.monotonic() + 1.5
            while time.monotonic() < ends:  # healthy: a pass at least every 0.1 s
                player.mail.wait(player.iterate())
            assert render_health(player)["stalls"] == 0
            _hold_the_render_thread(3.0)
            player.iterate()
            health = render_health(player)
            assert health["stalls"] == 1
            assert 2900 <= health["longest_stall_ms"] <= 4000
            assert health["last_stall_at"] is not None and not health["stalled"]
        finally:
            stop.set()
            player.preparer.close()
        dump.seek(0)
        stacks = dump.read()
    assert "_hold_the_render_thread" in stacks  # what held the render thread, by name


def _surface(colour: tuple[int, int, int]) -> pygame.Surface:
    surface = pygame.Surface((64, 36))
    surface.fill(colour)
    return surface


def test_frozen_output_is_moving_content_whose_picture_stays() -> None:
    ticks = Ticks()
    watch = OutputWatch(monotonic=ticks)
    red, blue = _surface((200, 0, 0)), _surface((0, 0, 200))
    # a static slide that does not change is not frozen, however long
    for _ in range(10):
        watch.presented(red, red, moving=False, on=True)
        ticks.now += SAMPLE_EVERY_S
    assert watch.status()["frozen"] == 0
    # a ticker that keeps moving is not frozen
    for i in range(10):
        watch.presented(red if i % 2 else blue, red, moving=True, on=True)
        ticks.now += SAMPLE_EVERY_S
    assert watch.status()["frozen"] == 0
    # a video whose frames go on is not frozen, even on a still scene
    for i in range(10):
        watch.presented(red, red, moving=True, on=True, progress=i)
        ticks.now += SAMPLE_EVERY_S
    assert watch.status()["frozen"] == 0
    # moving content, the same picture for FROZEN_AFTER_S: one episode, however long
    for _ in range(int(FROZEN_AFTER_S / SAMPLE_EVERY_S) + 5):
        watch.presented(blue, blue, moving=True, on=True, progress=99)
        ticks.now += SAMPLE_EVERY_S
    assert watch.status()["frozen"] == 1 and watch.status()["frozen_now"]
    watch.presented(red, red, moving=True, on=True, progress=100)
    assert not watch.status()["frozen_now"]


def test_the_longest_unchanged_picture_starts_at_the_first_slide_and_sees_a_cut() -> None:
    ticks = Ticks()
    watch = OutputWatch(monotonic=ticks)
    background, red, blue = _surface((10, 30, 80)), _surface((200, 0, 0)), _surface((0, 0, 200))
    # starting: the theme's background for 5 s, no slide yet (the bench's first_slide_ms)
    for _ in range(20):
        watch.presented(background, None, moving=False, on=True)
        ticks.now += SAMPLE_EVERY_S
    assert watch.unchanged_s() == 0.0
    watch.presented(red, red, moving=False, on=True, first=True)
    ticks.now += SAMPLE_EVERY_S / 5  # a cut, right after a sample: its one frame is sampled
    watch.presented(blue, blue, moving=False, on=True, first=True)
    ticks.now += 1.5  # nothing presented while the cut's slide stays
    watch.presented(red, red, moving=False, on=True, first=True)
    assert watch.unchanged_s() == pytest.approx(1.5)  # not 1.55: the cut was seen


def test_a_black_screen_counts_only_when_its_content_is_not_black() -> None:
    ticks = Ticks()
    watch = OutputWatch(monotonic=ticks)
    black, photo = _surface((0, 0, 0)), _surface((90, 120, 60))
    watch.presented(black, black, moving=False, on=True)  # a black slide: the content's
    ticks.now += SAMPLE_EVERY_S
    watch.presented(black, None, moving=False, on=False)  # display hours: off on purpose
    ticks.now += SAMPLE_EVERY_S
    assert watch.status()["dark"] == 0
    watch.presented(black, photo, moving=False, on=True)
    ticks.now += SAMPLE_EVERY_S
    watch.presented(black, photo, moving=False, on=True)
    assert watch.status()["dark"] == 1 and watch.status()["dark_now"]
    ticks.now += SAMPLE_EVERY_S
    watch.presented(photo, photo, moving=False, on=True)
    assert not watch.status()["dark_now"]


class _Playing:
    def __init__(self, ends: dt.datetime) -> None:
        self.ends = ends


def test_an_overstay_is_counted_and_marked_in_proof_of_play() -> None:
    start = at("2026-11-30 10:00")
    overstays = Overstays()
    assert overstays.ended(_Playing(start), start + dt.timedelta(seconds=0.8), False) is None
    assert overstays.ended(_Playing(start), start + dt.timedelta(seconds=30), True) is None
    late = overstays.ended(_Playing(start), start + dt.timedelta(seconds=4), False)
    assert late == pytest.approx(4.0)
    assert overstays.status() == {"overstays": 1, "longest_overstay_ms": 4000}
    plays: list[dict] = []
    tracker = PlayTracker(plays.append)

    class Slide:
        id, type, title = "a", "text", "A"

    class Playlist:
        name = "P"

    class Playing:
        slide, playlist = Slide(), Playlist()

        def __init__(self, due: dt.datetime) -> None:
            self.started = due  # when its turn began (the plan)

    tracker.started(start, "hall", Playing(start), "v1")
    # the next slide was due 5 s later, starts 9 s later: the one before overstayed by 4 s
    due = start + dt.timedelta(seconds=5)
    tracker.started(start + dt.timedelta(seconds=9), "hall", Playing(due), "v1", "main", late)
    assert len(plays) == 1  # the new play is open, not closed with the old one's overstay
    assert plays[0]["overstay_s"] == 4.0 and plays[0]["duration_s"] == 9.0
    assert plays[0]["late_s"] == 0.0 and plays[0]["due"] == plays[0]["started"]
    tracker.closed(start + dt.timedelta(seconds=14))
    assert "overstay_s" not in plays[1] and plays[1]["duration_s"] == 5.0
    assert plays[1]["late_s"] == 4.0 and plays[1]["due"] == due.isoformat(timespec="milliseconds")


def test_a_stopped_decoder_is_frozen_output_in_status(tmp_path: Path) -> None:
    """A real player: a clip plays (0 stalls, 0 frozen); its decoder process is stopped
    (SIGSTOP), the picture stays while the content says it moves: frozen, in /status;
    the decoder goes on (SIGCONT), the picture moves again."""
    import os
    import signal

    from signage.media.make import make_clip
    from tests.support.process import PlayerProcess

    (tmp_path / "assets").mkdir()
    make_clip(tmp_path / "assets" / "clip.mp4", (320, 180), 3.0)
    write_content(
        tmp_path,
        {
            "v.yaml": "name: V\nslides:\n  - {type: video, id: film, file: assets/clip.mp4, loop: 20}\n"
        },
        "header: false\n",
    )
    player = PlayerProcess([str(tmp_path), "--plays", str(tmp_path / "plays.jsonl")])
    try:
        playing = player.wait_for(
            lambda s: (s["slide"].get("video") or {}).get("frames_shown", 0) > 60, timeout=30
        )
        render = playing["health"]["render"]
        assert (render["stalls"], render["frozen"], render["dark"]) == (0, 0, 0), render
        decoder = next(
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _comm(p) == "video-decoder" and _parent(p) == player.process.pid
        )
        os.kill(decoder, signal.SIGSTOP)
        try:
            frozen = player.wait_for(lambda s: s["health"]["render"]["frozen_now"], timeout=15)
            assert frozen["health"]["render"]["frozen"] == 1
            assert frozen["health"]["render"]["stalls"] == 0  # the loop itself runs
        finally:
            os.kill(decoder, signal.SIGCONT)
        player.wait_for(lambda s: not s["health"]["render"]["frozen_now"], timeout=15)
    finally:
        log = player.stop()
    assert "frozen output" in log and "Traceback" not in log


def _comm(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def test_a_clock_not_redrawn_in_time_is_frozen_output() -> None:
    """Nothing moves but the header's clock: its redraw not in 3 s after its minute is
    frozen output (nothing was presented, so no sample could see it), counted once."""
    ticks = Ticks()
    watch = OutputWatch(monotonic=ticks)
    minute = at("2026-11-30 10:01")
    # the wall clock stepped an hour ahead: due at once, redrawn within a second: fine
    watch.clock_due(minute, minute + dt.timedelta(hours=1), on=True)
    ticks.now += 1
    watch.clock_due(
        minute + dt.timedelta(hours=1, minutes=1), minute + dt.timedelta(hours=1), on=True
    )
    watch.clock_due(None, minute, on=True)  # no clock on screen
    watch.clock_due(minute, minute + dt.timedelta(seconds=9), on=False)  # display hours
    assert watch.status()["frozen"] == 0
    for _ in range(5):  # due, and not redrawn for 5 s
        watch.clock_due(minute, minute + dt.timedelta(seconds=ticks.now), on=True)
        ticks.now += 1
    assert watch.status()["frozen"] == 1
    ticks.now += 30
    watch.clock_due(minute, minute + dt.timedelta(seconds=40), on=True)
    assert watch.status()["frozen"] == 1  # one episode

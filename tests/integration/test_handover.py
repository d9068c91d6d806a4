"""Every slide that cannot start hands over to the next (issue 25, point 1), in every
position: first, last, alone, after another failure, in a layout's region; for a clip that
cannot be opened, a photo gone, a photo folder gone. Clips are made here with PyAV.

The defect that started it: a good clip right after an unreadable first clip never played
(frames_shown 0, fps 0). Its frame was asked twice while the first clip failed; the second
copy replaced the first on screen and the clip's stream, tied to the first copy, stopped.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from signage.core.clock import SystemClock
from signage.draw.canvas import Screen
from signage.media.make import make_clip
from signage.player.display import Display
from signage.player.loop import Player
from signage.player.status import render_health
from tests.support.content import PARIS, write_content

FILM = "{type: video, id: film, file: assets/clip.mp4}"
TEXT = "{type: text, id: texte, title: Texte, duration: 1}"
BAD = {
    "clip": "{type: video, id: casse, file: assets/faux.mp4}",
    "photo": "{type: photo, id: casse, image: assets/parti.jpg}",
    "folder": "{type: photos, id: casse, folder: assets/partis}",
}


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4", (320, 180), 1.5)


@pytest.fixture
def display():
    shown = Display((320, 180), fullscreen=False)
    yield shown
    shown.close()


def _content(root: Path, clip: Path, slides: list[str], layout: bool = False) -> Any:
    """Content whose failing slides fail only once loaded (files removed after), as on a
    screen whose files go while it plays."""
    assets = root / "assets"
    (assets / "partis").mkdir(parents=True)
    shutil.copy(clip, assets / "clip.mp4")
    (assets / "faux.mp4").write_text("pas une vidéo", encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (64, 36), (200, 90, 30)).save(assets / "parti.jpg")
    Image.new("RGB", (64, 36), (30, 90, 200)).save(assets / "partis" / "a.jpg")
    body = "name: P\nslides:\n" + "".join(f"  - {s}\n" for s in slides)
    theme = "header: false\n"
    if layout:
        theme += (
            "layout:\n"
            "  - {name: film, x: 0, y: 0, w: 75%, h: 100%, playlist: p}\n"
            "  - {name: heure, x: 75%, y: 0, w: 25%, h: 100%, widget: clock}\n"
        )
    content = write_content(root, {"p.yaml": body}, theme)
    (assets / "parti.jpg").unlink()
    shutil.rmtree(assets / "partis")
    return content


def _run(player: Player, until: Callable[[list[tuple[str, int]]], bool], timeout: float) -> list:
    """Play for real (the loop's own waits) until ``until(seen)``; ``seen``: each slide id
    the region playing the playlist showed, with the most video frames it showed."""
    seen: list[tuple[str, int]] = []
    deadline = time.monotonic() + timeout
    while not until(seen):
        assert time.monotonic() < deadline, f"timed out; seen {seen}"
        player.mail.wait(player.iterate())
        status = player.status.read()
        region = next(r for r in status["regions"] if r["widget"] is None)
        slide = region["slide"]
        frames = (slide.get("video") or {}).get("frames_shown", 0)
        if slide["id"] is None:
            continue
        if seen and seen[-1][0] == slide["id"]:
            seen[-1] = (slide["id"], max(seen[-1][1], frames))
        else:
            seen.append((slide["id"], frames))
    return seen


def _played(seen: list[tuple[str, int]], first: str, then: str) -> bool:
    """``then`` came after the first showing of ``first``, a clip that played in it
    (frames shown: not its first frame alone, left on screen for the clip's time)."""
    ids = [s for s, _ in seen]
    if first not in ids or then not in ids[ids.index(first) + 1 :]:
        return False
    frames = seen[ids.index(first)][1]
    assert frames > 5, f"the clip did not play when it first came on: {seen}"
    return True


POSITIONS = {
    # the failing slide first: the clip after it plays
    "first": (["{BAD}", FILM, TEXT], ("film", "texte")),
    # last: after the clip, the loop comes round to the text
    "last": ([TEXT, FILM, "{BAD}"], ("film", "texte")),
    # after another failure
    "after a failure": (
        [BAD["photo"].replace("casse", "casse2"), "{BAD}", FILM, TEXT],
        ("film", "texte"),
    ),
    # between two good slides
    "middle": ([FILM, "{BAD}", TEXT], ("film", "texte")),
}


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("kind", BAD)
def test_a_slide_that_cannot_start_hands_over(
    display, clip: Path, tmp_path: Path, position: str, kind: str
) -> None:
    slides, (first, then) = POSITIONS[position]
    slides = [s.replace("{BAD}", BAD[kind]) for s in slides]
    content = _content(tmp_path, clip, slides)
    player = Player(display, SystemClock(PARIS), Screen("hall"), content)
    try:
        seen = _run(player, lambda seen: _played(seen, first, then), timeout=40)
        # never on screen, not even for a frame
        assert not {"casse", "casse2"} & {s for s, _ in seen}
        status = player.status.read()
        assert status["content"]["skipped"], status["content"]
        assert render_health(player)["overstays"] == 0
    finally:
        player.close()
        player.preparer.close()


def test_a_slide_that_cannot_start_alone_shows_why(display, clip: Path, tmp_path: Path) -> None:
    content = _content(tmp_path, clip, [BAD["clip"]])
    player = Player(display, SystemClock(PARIS), Screen("hall"), content)
    try:
        _run(player, lambda seen: bool(seen) and seen[-1][0] == "fallback", timeout=30)
        skipped = player.status.read()["content"]["skipped"]
        assert any("faux.mp4: not a readable video" in s for s in skipped), skipped
    finally:
        player.close()
        player.preparer.close()


@pytest.mark.parametrize("kind", ["clip", "folder"])
def test_a_slide_that_cannot_start_in_a_region_hands_over(
    display, clip: Path, tmp_path: Path, kind: str
) -> None:
    content = _content(tmp_path, clip, [BAD[kind], FILM, TEXT], layout=True)
    player = Player(display, SystemClock(PARIS), Screen("hall"), content)
    try:
        seen = _run(player, lambda seen: _played(seen, "film", "texte"), timeout=40)
        assert "casse" not in [s for s, _ in seen]
    finally:
        player.close()
        player.preparer.close()


def test_a_held_synced_slot_keeps_moving_and_says_when_it_ends(
    display, clip: Path, tmp_path: Path
) -> None:
    """In step, the slide after the clip cannot play (its window is closed): the clip keeps
    its slot and the next one ("the one before stays on"). It plays again instead of
    freezing on its last frame, and /status's ends_at is the held slot's end, never a
    time already past (it stayed 9-11 s stale in every cycle of the bundled example)."""
    import datetime as dt

    content = _content(
        tmp_path,
        clip,
        [
            "{type: video, id: film, file: assets/clip.mp4, duration: 2}",
            "{type: text, id: plus-tard, title: Plus tard, duration: 6, when: {start: 2099-01-01}}",
            "{type: text, id: texte, title: Texte, duration: 2}",
        ],
    )
    (tmp_path / "playlists" / "p.yaml").write_text(
        (tmp_path / "playlists" / "p.yaml")
        .read_text(encoding="utf-8")
        .replace("name: P\n", "name: P\nsync: true\n"),
        encoding="utf-8",
    )
    from signage.content.folder import load_content

    content, _ = load_content(tmp_path)
    assert content is not None
    clock = SystemClock(PARIS)
    player = Player(display, clock, Screen("hall"), content)
    try:
        # from the start of a film's slot: "texte" then "film" (joined mid-cycle, the
        # first film may be half over)
        _run(player, lambda seen: [s for s, _ in seen[-2:]] == ["texte", "film"], timeout=40)
        worst = -99.0
        streams = set()
        ends = set()
        deadline = time.monotonic() + 25  # its slot and the held one are 8 s
        while player.status.read()["slide"]["id"] == "film":
            assert time.monotonic() < deadline, "the film stayed on past its held slot"
            player.mail.wait(player.iterate())
            slide = player.status.read()["slide"]
            if slide["id"] != "film":
                break
            ends.add(slide["ends_at"])
            late = (clock.now() - dt.datetime.fromisoformat(slide["ends_at"])).total_seconds()
            worst = max(worst, late)
            streams.update(id(s) for _, s in player.videos.started())
        assert worst < 1.0, worst  # what /status says is never a past end
        assert len(streams) >= 2, "the clip did not play again in its held slot"
        assert len(ends) >= 2  # the end moved when the slot was held
    finally:
        player.close()
        player.preparer.close()


class _SlowWorker:
    """A preparer whose frames come when the test says (a worker starved or stuck)."""

    def __init__(self) -> None:
        self.asked: list[tuple] = []
        self.pending: list[tuple] = []  # asked, not drawn, not dropped

    def request(self, key, slide, canvas, status="", into=None, urgent=False) -> bool:
        self.asked.append(key)
        self.pending.append(key)
        return True

    def cancel(self, unwanted) -> list:
        dropped = [k for k in self.pending if unwanted(k)]
        self.pending = [k for k in self.pending if not unwanted(k)]
        return dropped


def _timeline(clock, worker, content, on_show):
    """A main-region timeline on a fake clock, served by a worker the test drives."""
    from signage.player.timeline import Timeline

    return Timeline(
        clock, Screen("hall"), (32, 18), worker, content, None,
        content_errors=list, on_change=lambda redraw: None, on_show=on_show,
    )  # fmt: skip


def _pixels():
    from signage.player.preparer import Pixels, Ready

    return Ready(Pixels((32, 18), "RGB", bytes(32 * 18 * 3)), None, None, False, None, (), 1.0)


def test_a_frame_not_ready_in_time_is_passed_over_and_kept_for_its_turn(
    display, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next slide's frame does not come (a hostile file, a starved worker): past the
    timeout the one after it plays instead of the screen holding its slide without end
    (29 s in CI); the late frame, when it comes, is that slide's again."""
    from signage.core.clock import FakeClock
    from signage.player import timeline as timelines
    from tests.support.content import at

    monkeypatch.setattr(timelines, "PREPARE_TIMEOUT_S", 0.2)
    content = write_content(
        tmp_path,
        {
            "p.yaml": "name: P\nslides:\n  - {type: text, id: a, title: A, duration: 5}\n"
            "  - {type: text, id: lent, title: Lent, duration: 5}\n"
            "  - {type: text, id: c, title: C, duration: 5}\n"
        },
    )
    clock = FakeClock(at("2026-11-30 10:00"))
    worker = _SlowWorker()
    shown: list[str] = []
    line = _timeline(
        clock, worker, content, lambda previous, frame, animate: shown.append(frame.key[1][1])
    )
    line.advance(clock.now())
    first = next(k for k in worker.asked if k[0][1][1] == "a")
    line.frame_ready(first[0], first[1], _pixels(), "")
    assert shown == ["a"]
    clock.advance(5.0)
    line.advance(clock.now())  # "lent" is due; its frame does not come
    assert line.waiting is not None and line.waiting[1][1] == "lent"
    time.sleep(0.3)
    line.advance(clock.now())  # past the timeout: passed over, "c" asked for
    assert line.playing.slide.id == "c"
    third = next(k for k in worker.asked if k[0][1][1] == "c")
    line.frame_ready(third[0], third[1], _pixels(), "")
    assert shown == ["a", "c"]
    # passed over for that turn only: once another slide is on, it may come again
    assert not line.skip and not line.slide_errors
    late = next(k for k in worker.asked if k[0][1][1] == "lent")
    line.frame_ready(late[0], late[1], _pixels(), "")  # it comes at last: kept for its turn
    assert line.frame_key(line.playing)[1][1] == "c" and not line.skip


def test_a_first_frame_prepared_slowly_is_shown_not_chased(display, tmp_path: Path) -> None:
    """Nothing on screen yet and the first frame slow to come (a quarter of a core, a
    24 MP photo): the plan waits for it. The sequencer used to move on meanwhile, ask for
    the next slide, move on again before that one came: 1 frame in 20 s."""
    from signage.core.clock import FakeClock
    from signage.player import timeline as timelines
    from tests.support.content import at

    content = write_content(
        tmp_path,
        {
            "p.yaml": "name: P\nslides:\n  - {type: text, id: a, title: A, duration: 2}\n"
            "  - {type: text, id: b, title: B, duration: 2}\n"
        },
    )
    clock = FakeClock(at("2026-11-30 10:00"))
    worker = _SlowWorker()
    shown: list[str] = []
    line = _timeline(
        clock, worker, content, lambda previous, frame, animate: shown.append(frame.key[1][1])
    )
    line.advance(clock.now())
    for _ in range(3):  # 3 s pass, past a's planned end, before its frame comes
        clock.advance(1.0)
        line.advance(clock.now())
    assert line.playing.slide.id == "a"
    first = next(k for k in worker.asked if k[0][1][1] == "a")
    line.frame_ready(first[0], first[1], _pixels(), "")
    assert shown == ["a"]
    assert line.playing.ends == clock.now() + timelines.dt.timedelta(seconds=2)  # its full time


def test_a_burst_of_updates_is_one_redraw_at_a_time(display, tmp_path: Path) -> None:
    """Room states or programme updates, one per pass: the frame on screen is redrawn
    once at a time, and once more after if they changed meanwhile; they were queued one
    per pass at the worker (90 in a burst), and the next slides waited behind them."""
    from signage.core.clock import FakeClock
    from tests.support.content import at

    content = write_content(
        tmp_path, {"p.yaml": "name: P\nslides:\n  - {type: text, id: a, title: A, duration: 60}\n"}
    )
    clock = FakeClock(at("2026-11-30 10:00"))
    worker = _SlowWorker()
    line = _timeline(clock, worker, content, lambda *shown: None)
    line.advance(clock.now())
    first = worker.asked[0]
    line.frame_ready(first[0], first[1], _pixels(), "")
    asked_before = len(worker.asked)
    for _ in range(90):  # a burst: an update, then a pass of the loop
        line.programme_updated(rooms=True)
        clock.advance(0.016)
        line.refresh_clock(clock.now())
    redraws = worker.asked[asked_before:]
    assert len(redraws) == 1, redraws
    assert line.deadlines(clock.now()) and min(line.deadlines(clock.now())) > 1  # no spin
    line.frame_ready(redraws[0][0], redraws[0][1], _pixels(), "")  # it comes back
    clock.advance(0.016)
    line.refresh_clock(clock.now())  # swapped in: changed since, so asked once more
    clock.advance(0.016)
    line.refresh_clock(clock.now())
    assert len(worker.asked) == asked_before + 2


def test_a_burst_of_steps_leaves_no_backlog_at_the_worker(display, tmp_path: Path) -> None:
    """2,500 "next" and "previous": the worker is asked for what is on screen, what plays
    and what comes next, not for every slide stepped past (a backlog it once drew for 20 s
    while the next slides waited)."""
    from signage.core.clock import FakeClock
    from signage.player import timeline as timelines
    from tests.support.content import at

    slides = "".join(f"  - {{type: text, id: s{i}, title: S{i}, duration: 10}}\n" for i in range(8))
    content = write_content(tmp_path, {"p.yaml": "name: P\nslides:\n" + slides})
    clock = FakeClock(at("2026-11-30 10:00"))
    worker = _SlowWorker()
    line = _timeline(clock, worker, content, lambda *shown: None)
    line.advance(clock.now())
    first = worker.asked[0]
    line.frame_ready(first[0], first[1], _pixels(), "")
    worker.pending.remove(first)  # drawn
    for i in range(2500):
        line.step(1 if i % 4 < 2 else -1)
        clock.advance(0.001)
    assert len(worker.asked) > 1000  # it was asked all along...
    assert len(worker.pending) <= 1 + timelines.LOOKAHEAD + 1, worker.pending  # ...no backlog


@pytest.mark.parametrize("kind", ["programme", "photo", "clip"])
def test_a_file_turned_into_a_fifo_does_not_hang_the_worker(
    display, clip: Path, tmp_path: Path, kind: str
) -> None:
    """A programme, a photo or a clip replaced by a FIFO after the content was checked:
    the worker refuses it at once instead of waiting in open() for a writer (which held
    every frame after it: the 29 s stall of CI), and the next slide plays."""
    import os

    from PIL import Image

    (tmp_path / "assets").mkdir()
    (tmp_path / "programme").mkdir()
    shutil.copy(clip, tmp_path / "assets" / "clip.mp4")
    Image.new("RGB", (64, 36), (200, 90, 30)).save(tmp_path / "assets" / "photo.jpg")
    (tmp_path / "programme" / "p.json").write_text('{"sessions": []}', encoding="utf-8")
    bad = {
        "programme": (
            "{type: schedule, id: casse, source: programme/p.json, view: day}",
            "programme/p.json",
        ),
        "photo": ("{type: photo, id: casse, image: assets/photo.jpg}", "assets/photo.jpg"),
        "clip": ("{type: video, id: casse, file: assets/clip.mp4}", "assets/clip.mp4"),
    }[kind]
    content = write_content(
        tmp_path,
        {"p.yaml": f"name: P\nslides:\n  - {bad[0]}\n  - {TEXT}\n"},
        "header: false\n",
    )
    (tmp_path / bad[1]).unlink()
    os.mkfifo(tmp_path / bad[1])
    player = Player(display, SystemClock(PARIS), Screen("hall"), content)
    try:
        _run(player, lambda seen: "texte" in [s for s, _ in seen], timeout=20)
        skipped = " ".join(player.status.read()["content"]["skipped"])
        assert "FIFO" in skipped or "not a file" in skipped, skipped
    finally:
        player.close()
        player.preparer.close()

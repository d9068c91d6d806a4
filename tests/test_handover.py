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

from signage.clock import SystemClock
from signage.draw.canvas import Screen
from signage.media.make import make_clip
from signage.render.display import Display
from signage.render.loop import Player
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
        assert player.render_health()["overstays"] == 0
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

"""The watched folder, end to end: a real player process, real edits, /status over HTTP."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.support.process import PlayerProcess


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "playlists").mkdir(parents=True)
    (root / "assets").mkdir()
    Image.new("RGB", (64, 36), (200, 0, 0)).save(root / "assets" / "photo.jpg")
    (root / "playlists" / "a.yaml").write_text(
        "name: A\nslides:\n  - {type: text, id: un, title: Un, duration: 30}\n  - {type: photo, id: photo, image: assets/photo.jpg}\n"
    )
    return root


def test_edits_show_without_restart_and_errors_keep_the_last_good_content(folder: Path) -> None:
    player = PlayerProcess([str(folder), "--screen", "s"])
    try:
        first = player.status()["content"]["version"]
        playlist = folder / "playlists" / "a.yaml"
        playlist.write_text(playlist.read_text().replace("title: Un", "title: Deux"))
        second = player.wait_for(
            lambda s: s["content"]["version"] != first and s["slide"]["title"] == "Deux"
        )
        assert second["slide"]["id"] == "un"  # kept its place
        # a broken save: nothing changes on screen, the error is in /status with file:line:col
        playlist.write_text(playlist.read_text().replace("duration: 30", "durration: 30"))
        broken = player.wait_for(lambda s: s["content"]["errors"])
        assert broken["content"]["version"] == second["content"]["version"]
        assert broken["content"]["errors"][0].startswith(
            "playlists/a.yaml:3:39: error: slides[0].durration: unknown key"
        )
        assert broken["slide"]["title"] == "Deux"
        # the next good save clears them
        playlist.write_text(playlist.read_text().replace("durration: 30", "duration: 30"))
        fixed = player.wait_for(lambda s: not s["content"]["errors"])
        # a replaced photo is new content (its new pixels are prepared again)
        Image.new("RGB", (64, 36), (0, 0, 200)).save(folder / "assets" / "photo.jpg")
        player.wait_for(lambda s: s["content"]["version"] != fixed["content"]["version"])
    finally:
        log = player.stop()
    assert log.count("unknown key") == 1  # the failure logged once
    assert "Traceback" not in log


def test_a_burst_of_files_is_one_reload(folder: Path) -> None:
    player = PlayerProcess([str(folder), "--screen", "s"])
    try:
        before = player.status()["content"]["version"]
        for n in range(50):  # an rsync of fifty photos
            shutil.copy(folder / "assets" / "photo.jpg", folder / "assets" / f"copy-{n:02d}.jpg")
        after = player.wait_for(lambda s: s["content"]["version"] != before)
        time.sleep(1.0)
        assert player.status()["content"]["version"] == after["content"]["version"]
    finally:
        log = player.stop()
    assert "Traceback" not in log


def test_a_file_still_being_written_is_not_loaded_half_written(folder: Path) -> None:
    """A large file copied slowly (a clip over the network): no reload while it is open for
    writing, past the usual 0.6 s burst limit; one reload when it is closed."""
    player = PlayerProcess([str(folder), "--screen", "s"])
    try:
        before = player.status()["content"]["version"]
        playlist = folder / "playlists" / "b.yaml"
        with playlist.open("w", encoding="utf-8") as handle:
            handle.write("name: B\nslides:\n")
            handle.flush()
            time.sleep(1.5)  # half-written: "slides:" with nothing yet would be an error
            assert player.status()["content"]["version"] == before
            assert not player.status()["content"]["errors"]
            handle.write("  - {type: text, id: deux, title: Deux}\n")
        after = player.wait_for(lambda s: s["content"]["version"] != before)
        assert not after["content"]["errors"]
    finally:
        log = player.stop()
    assert "Traceback" not in log

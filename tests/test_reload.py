"""The watched folder, end to end: a real player process, real edits, /status over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PlayerProcess:
    """`signage play` in a subprocess on the SDL dummy driver, watched through /status."""

    def __init__(self, args: list[str], cwd: Path | None = None) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy",
            "PYGAME_HIDE_SUPPORT_PROMPT": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "signage",
                "play",
                *args,
                "--windowed",
                "--size",
                "320x180",
                "--control",
                f"127.0.0.1:{self.port}",
            ],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.wait_for(lambda s: s["slide"]["id"] is not None, timeout=30)  # something on screen

    def status(self, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/status", timeout=2
                ) as response:
                    return json.load(response)
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def wait_for(self, predicate, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(timeout=timeout)
            if predicate(status):
                return status
            assert time.monotonic() < deadline, status
            time.sleep(0.02)

    def stop(self) -> str:
        self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        return out


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

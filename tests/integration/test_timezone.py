"""The venue's time zone: the screen's configured zone, else theme.yaml's, else the machine's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from signage.content.theme import load_theme
from signage.core.paths import copy_example
from tests.support.paths import REPO
from tests.support.process import PlayerProcess


def test_the_bundled_example_declares_paris() -> None:
    theme, report = load_theme(REPO)
    assert report.ok and theme.timezone == "Europe/Paris"


def test_a_machine_in_utc_shows_the_venues_time(tmp_path: Path) -> None:
    """The bundled example on a machine left in UTC: the clock is Paris time, and a naive
    --at is read as Paris time (it was an hour off before theme.yaml had a zone)."""
    player = PlayerProcess(["--at", "2026-11-30T10:05"], cwd=tmp_path, env={"TZ": "UTC"})
    try:
        status = player.status()
    finally:
        player.stop()
    assert status["now"].startswith("2026-11-30T10:0")
    assert status["now"].endswith("+01:00")


def test_the_screens_configured_zone_wins(tmp_path: Path) -> None:
    player = PlayerProcess(
        ["--at", "2026-11-30T10:05", "--tz", "America/New_York"], cwd=tmp_path, env={"TZ": "UTC"}
    )
    try:
        status = player.status()
    finally:
        player.stop()
    assert status["now"].startswith("2026-11-30T10:0") and status["now"].endswith("-05:00")


def test_check_warns_when_a_programme_is_in_another_zone(tmp_path: Path) -> None:

    content = tmp_path / "content"
    copy_example(REPO, content, without=("theme.yaml", "delays.yaml"))
    (content / "theme.yaml").write_text(
        (REPO / "theme.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    xml = content / "programme" / "rencontres.xml"
    xml.write_text(
        xml.read_text(encoding="utf-8").replace("Europe/Paris", "Europe/Berlin"), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "signage", "check", str(content)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (
        "programme/rencontres.xml: warning: declares the time zone Europe/Berlin, theme.yaml "
        "says Europe/Paris" in result.stdout
    )

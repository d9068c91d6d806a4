"""The short soak: a simulated day of a busy venue on a fast clock, with feed updates,
programme refreshes, reloads and urgent messages. The long one is `python -m signage.soak`."""

from __future__ import annotations

import json
import subprocess
import sys

ALL_CHECKS = {
    "memory_flat": True,
    "fds_flat": True,
    "plays_complete": True,
    "no_black_frame": True,
    "no_traceback": True,
    "simulated_enough": True,
    "no_restarts": True,
}


def soak(*args: str) -> tuple[dict, int]:
    result = subprocess.run(
        [sys.executable, "-m", "signage.soak", *args],
        capture_output=True,
        text=True,
        timeout=400,
    )
    return json.loads(result.stdout.strip().splitlines()[-1]), result.returncode


def test_a_simulated_day_keeps_memory_and_files_flat_and_the_screen_lit() -> None:
    report, code = soak("--days", "1", "--minutes", "0.75")
    assert report["checks"] == ALL_CHECKS, report
    assert code == 0
    assert report["simulated_hours"] >= 21.6
    assert min(report["events"].values()) >= 3  # every kind of event happened


def test_large_content_reloaded_often_keeps_memory_flat() -> None:
    """5,000 more slides in every version, a new version every ~10 simulated minutes."""
    report, code = soak(
        "--days", "0.25", "--minutes", "1.5", "--slides", "5000", "--reload-minutes", "10"
    )
    assert report["checks"] == ALL_CHECKS, report
    assert code == 0
    assert report["events"]["feed_updates"] >= 15
    assert report["memory_growth_mb"] < 25, report

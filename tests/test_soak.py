"""The short soak: a simulated day of a busy venue on a fast clock, with feed updates,
programme refreshes, reloads and urgent messages. The long one is `python -m signage.soak`."""

from __future__ import annotations

import json
import subprocess
import sys


def test_a_simulated_day_keeps_memory_and_files_flat_and_the_screen_lit() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "signage.soak", "--days", "1", "--minutes", "0.75"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["checks"] == {
        "memory_flat": True,
        "fds_flat": True,
        "plays_complete": True,
        "no_black_frame": True,
        "no_traceback": True,
        "simulated_enough": True,
    }, report
    assert result.returncode == 0
    assert report["simulated_hours"] >= 21.6
    assert min(report["events"].values()) >= 3  # every kind of event happened

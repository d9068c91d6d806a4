"""The chaos soak, short: every kind of trouble within a minute and a half, against a real
player, a real Mosquitto and a programme feed. The long run is
``python -m signage.soak --chaos --minutes 60``."""

from __future__ import annotations

import json
import subprocess
import sys

KINDS = {"hogs", "rewrite", "truncate", "clip", "photo", "feed", "broker", "burst", "disk",
         "clock+", "clock-", "display"}  # fmt: skip


def test_a_short_chaos_soak_keeps_the_screen_alive() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "signage.soak", "--chaos", "--minutes", "1.5", "--seed", "11",
         "--json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    report = json.loads(result.stdout.strip().splitlines()[-1])
    happened = {e["event"] for e in report["events"] if "error" not in e}
    assert happened >= KINDS, report["events"]  # every kind of trouble came, none failed
    assert report["samples"] >= 80
    checks = report["checks"]
    for check in ("no_crash", "no_lost_content", "no_unrecovered_stall", "no_unexplained_dark",
                  "fds_flat"):  # fmt: skip
        assert checks[check], (check, report)
    assert result.returncode == (0 if report["ok"] else 1)

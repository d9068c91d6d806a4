"""Slides that overstay: the bundled example played at 1080p, its /status read four times a
second, each slide's lateness past its ``ends_at`` kept; optionally under two CPU hogs and
a ``POST /reload`` every 3 s. Screenshots every second check that ``shown_at`` is when the
picture changed (within a second).

    python bench/overstay.py --seconds 60 --hogs --reload   # the loaded minute
    python bench/overstay.py --seconds 1200                 # 20 minutes as it is
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-overstay-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, data: bytes | None = None) -> bytes:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method="POST" if data is not None else "GET",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--hogs", action="store_true", help="two busy loops beside the player")
    parser.add_argument("--reload", action="store_true", help="POST /reload every 3 s")
    args = parser.parse_args()
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="signage-overstay-"))
    (work / "token").write_text(TOKEN)
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    player = subprocess.Popen(
        [sys.executable, "-m", "signage", "play", str(REPO), "--screen", "hall", "--windowed",
         "--size", "1920x1080", "--control", f"127.0.0.1:{port}", "--token-file", str(work / "token"),
         "--plays", str(work / "plays.jsonl"), "--cache", str(work / "cache")],
        env=env, stdout=(work / "player.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    hogs = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if json.loads(get(port, "/status"))["slide"]["id"]:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the player did not start"
            time.sleep(0.2)
        if args.hogs:
            hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
        worst, late_slides, reloads = 0.0, {}, 0
        changes: list[tuple[float, str]] = []  # (when the picture changed, its slide's shown_at)
        last_shot, last_shown = b"", None
        started = time.monotonic()
        next_reload = started + 3
        next_shot = started
        while time.monotonic() - started < args.seconds:
            if args.reload and time.monotonic() >= next_reload:
                next_reload += 3
                get(port, "/reload", b"")
                reloads += 1
            status = json.loads(get(port, "/status"))
            slide = status["slide"]
            now = dt.datetime.fromisoformat(status["now"])
            if slide["ends_at"]:
                late = (now - dt.datetime.fromisoformat(slide["ends_at"])).total_seconds()
                worst = max(worst, late)
                if late > 1.5:
                    late_slides[f"{slide['id']}@{slide['ends_at']}"] = round(late, 2)
            if time.monotonic() >= next_shot:
                next_shot += 1
                shot = hashlib.sha256(get(port, "/screenshot.png")).digest()
                if shot != last_shot and slide["shown_at"] != last_shown:
                    changes.append((now.timestamp(), slide["shown_at"]))
                last_shot, last_shown = shot, slide["shown_at"]
            time.sleep(0.25)
        final = json.loads(get(port, "/status"))
    finally:
        for hog in hogs:
            hog.kill()
        player.terminate()
        player.wait(timeout=30)
    # shown_at against the screenshot that first showed the new slide (sampled each second)
    gaps = [abs(seen - dt.datetime.fromisoformat(shown).timestamp()) for seen, shown in changes[1:]]
    print(json.dumps({
        "seconds": args.seconds, "hogs": args.hogs, "reloads": reloads,
        "worst_lateness_past_ends_at_s": round(worst, 3),
        "slides_over_1_5_s": late_slides,
        "slide_changes_seen": len(changes),
        "shown_at_vs_screenshot_s_max": round(max(gaps), 2) if gaps else None,
        "health_render": final["health"]["render"],
        "render": final["render"],
    }))  # fmt: skip


if __name__ == "__main__":
    main()

"""Slides that overstay: the bundled example played at 1080p, its /status read four times a
second, each slide's lateness past its ``ends_at`` kept; optionally under two CPU hogs and
a ``POST /reload`` every 3 s. Screenshots every 0.55 s (fresh ones: the control API
shares one for 0.5 s) bracket each change of the picture's middle (header, clock and
ticker left out); ``shown_at`` is checked against the bracket of its change.

    python bench/overstay.py --seconds 60 --hogs --reload   # the loaded minute
    python bench/overstay.py --seconds 1200                 # 20 minutes as it is
"""

from __future__ import annotations

import argparse
import datetime as dt
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
    parser.add_argument(
        "--screen", default="accueil",
        help="screen id (default: one without a layout, the welcome loop full screen; hall: "
        "its four regions, where the other regions' changes blur the screenshots' measure)",
    )  # fmt: skip
    args = parser.parse_args()
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="signage-overstay-"))
    (work / "token").write_text(TOKEN)
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    player = subprocess.Popen(
        [sys.executable, "-m", "signage", "play", str(REPO), "--screen", args.screen, "--windowed",
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
        shots: list[tuple[float, float, bytes]] = []  # (asked at, answered at, middle)
        shown: list[float] = []  # each slide's shown_at, as /status said it
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
            if slide["shown_at"] and (
                not shown or dt.datetime.fromisoformat(slide["shown_at"]).timestamp() != shown[-1]
            ):
                shown.append(dt.datetime.fromisoformat(slide["shown_at"]).timestamp())
            if time.monotonic() >= next_shot:
                next_shot = time.monotonic() + 0.55
                asked = time.time()
                png = get(port, "/screenshot.png")
                shots.append((asked, time.time(), _middle(png)))
            time.sleep(0.1)
        final = json.loads(get(port, "/status"))
    finally:
        for hog in hogs:
            hog.kill()
        player.terminate()
        player.wait(timeout=30)
    gaps, widths = _against_screenshots(shots, shown[1:])
    print(json.dumps({
        "seconds": args.seconds, "hogs": args.hogs, "reloads": reloads,
        "worst_lateness_past_ends_at_s": round(worst, 3),
        "slides_over_1_5_s": late_slides,
        "slide_changes_seen": len(gaps),
        # 0: shown_at lies between the last screenshot of the old picture and the first of
        # the new one; else how far outside that bracket (the bracket's width: its
        # precision): after it (the screen showed the slide before /status said so), or
        # before it (a crossfade's first frames are too faint to count as changed)
        "shown_at_after_its_screenshots_s_max": round(max([0.0, *gaps]), 3),
        "shown_at_before_its_screenshots_s_max": round(-min([0.0, *gaps]), 3),
        "shown_at_gaps_s": [round(g, 2) for g in gaps],  # each change's signed gap
        "screenshot_bracket_s_p50": round(sorted(widths)[len(widths) // 2], 2) if widths else None,
        "health_render": final["health"]["render"],
        "render": final["render"],
    }))  # fmt: skip


CHANGE = 2.0  # mean difference (grey levels) from the old picture: a new slide begins


def _middle(png: bytes) -> bytes:
    """The picture's middle (below the header, above the ticker), 48x20 in grey levels."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    return image.crop((0, height // 8, width, height * 7 // 8)).resize((48, 20)).tobytes()


def _against_screenshots(
    shots: list[tuple[float, float, bytes]], shown: list[float]
) -> tuple[list[float], list[float]]:
    """For each slide's shown_at: the old slide's picture (a screenshot answered 0.6 s or
    more before it), then the first screenshot whose middle differs from it: the change
    lies between the request before that one and that one's answer. How far shown_at
    lies outside its bracket (signed), and the brackets' widths."""

    def diff(a: bytes, b: bytes) -> float:
        return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)

    gaps, widths = [], []
    for at in shown:
        old = [i for i, shot in enumerate(shots) if shot[1] < at - 0.6]
        if not old or old[-1] + 1 >= len(shots):
            continue
        ref = shots[old[-1]]
        for i in range(old[-1] + 1, len(shots)):
            if diff(ref[2], shots[i][2]) > CHANGE:
                low, high = shots[i - 1][0], shots[i][1]
                # signed: > 0, shown_at after the screenshot that showed the new slide; < 0,
                # before the last one that did not (a crossfade's first frames look old)
                gaps.append(at - high if at > high else (at - low if at < low else 0.0))
                widths.append(high - low)
                break
    return gaps, widths


if __name__ == "__main__":
    main()

"""A web region refreshed every 10 s for a long while: the player's memory and its
Chromium children's, and whether any process is left behind (issue 28's target: flat
RSS, no zombie, over 2 hours).

Plays a content folder whose only slide is a web page served on loopback (a page that
changes every request, so each snapshot is a new picture that the player draws), samples
the player's own proportional memory and every process under it each 10 s, counts zombie
and leftover Chromium processes, and prints one JSON line.

    python bench/web_soak.py [--minutes 120] [--refresh 10]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from signage.core.processes import pss_mb
from signage.tools.loopback import descendants, free_port, get, slope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=120.0)
    parser.add_argument("--refresh", type=float, default=10.0)
    args = parser.parse_args()
    counter = itertools.count()

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            n = next(counter)
            body = (f"<!doctype html><meta charset='utf-8'><body style='font:60px sans-serif;"
                    f"background:hsl({n * 37 % 360},60%,40%);color:#fff'><h1>Snapshot {n}</h1>").encode()  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = Path(tempfile.mkdtemp(prefix="signage-web-soak-"))
    (work / "content" / "playlists").mkdir(parents=True)
    (work / "content" / "playlists" / "w.yaml").write_text(
        "name: W\nslides:\n  - {type: web, id: page, url: "
        f"'http://127.0.0.1:{server.server_address[1]}/', refresh: {args.refresh:g}, wait: 0.5}}\n"
    )
    port = free_port()
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    player = subprocess.Popen(
        [sys.executable, "-m", "signage", "play", str(work / "content"), "--windowed", "--size",
         "1280x720", "--control", f"127.0.0.1:{port}", "--cache", str(work / "cache"),
         "--plays", str(work / "plays.jsonl")],
        env=env, stdout=(work / "player.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    samples: list[dict[str, float]] = []
    started = time.monotonic()
    try:
        while time.monotonic() - started < args.minutes * 60:
            time.sleep(10)
            status = get(f"http://127.0.0.1:{port}/status")
            children = descendants(player.pid)
            samples.append({
                "t": round(time.monotonic() - started, 1),
                "player_pss_mb": round(pss_mb(player.pid), 1),
                "children_pss_mb": round(sum(pss_mb(pid) for pid in children if pid != player.pid), 1),
                "processes": len(children),
                "zombies": _zombies(children),
                "snapshots_ok": status.get("sources", {}).get(f"http://127.0.0.1:{server.server_address[1]}/", {}).get("last_error") is None,
            })  # fmt: skip
    finally:
        player.terminate()
        player.wait(timeout=30)
        server.shutdown()
    half = [s for s in samples if s["t"] >= samples[-1]["t"] / 2] if samples else []
    print(json.dumps({
        "minutes": args.minutes, "refresh_s": args.refresh, "samples": len(samples),
        "player_pss_mb_first": samples[0]["player_pss_mb"] if samples else None,
        "player_pss_mb_last": samples[-1]["player_pss_mb"] if samples else None,
        "player_pss_slope_mb_per_hour_second_half": round(slope([(s["t"], s["player_pss_mb"]) for s in half]) * 3600, 2) if len(half) > 2 else None,
        # a level, not a slope over a saw-tooth: the median of the last ten samples less the first ten's
        "player_pss_level_change_mb": round(_median(samples[-10:], "player_pss_mb") - _median(samples[:10], "player_pss_mb"), 1) if len(samples) >= 20 else None,
        "player_pss_mb_range": [min(s["player_pss_mb"] for s in samples), max(s["player_pss_mb"] for s in samples)] if samples else None,
        "children_pss_mb_median": _median(samples, "children_pss_mb") if samples else None,
        "children_pss_mb_max": max((s["children_pss_mb"] for s in samples), default=0),
        "processes_max": max((s["processes"] for s in samples), default=0),
        "zombies_max": max((s["zombies"] for s in samples), default=0),
        "chromium_left_after": _chromiums(),
        "failed_samples": sum(1 for s in samples if not s["snapshots_ok"]),
    }))  # fmt: skip


def _median(samples: list[dict[str, float]], key: str) -> float:
    values = sorted(s[key] for s in samples)
    return values[len(values) // 2]


def _zombies(pids: list[int]) -> int:
    """Zombie processes under the player (a Chromium nobody reaped); the machine's other
    zombies (a container's PID 1 that reaps nothing) are not the player's."""
    found = 0
    for pid in pids:
        try:
            found += Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            continue
    return found


def _chromiums() -> int:
    """Chromium processes of the player's snapshots still running (their profile is in a
    ``signage-web-`` folder): another Chromium on the machine (a browser test) is not one."""
    time.sleep(1)
    found = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found += b"signage-web-" in (entry / "cmdline").read_bytes()
            except OSError:
                continue
    return found


if __name__ == "__main__":
    main()

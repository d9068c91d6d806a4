"""Folder edit to new content on screen: the time from saving a playlist to the player's
/status showing the new content version, over 20 edits of a copy of the bundled example.

    python bench/reload.py [--edits 20]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from signage.core.paths import copy_example  # noqa: E402


def status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as response:
        return json.load(response)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        copy_example(REPO, root)  # the example as it ships, every folder of it
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
        player = subprocess.Popen(
            [sys.executable, "-m", "signage", "play", str(root), "--windowed", "--size", "1920x1080",
             "--control", f"127.0.0.1:{port}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    version = status(port)["content"]["version"]
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            playlist = root / "playlists" / "accueil.yaml"
            original = playlist.read_text(encoding="utf-8")
            times = []
            for n in range(args.edits):
                time.sleep(0.5)
                started = time.perf_counter()
                playlist.write_text(
                    original.replace("Merci et à bientôt !", f"Merci et à bientôt ! ({n})"),
                    encoding="utf-8",
                )
                while True:
                    current = status(port)["content"]["version"]
                    if current != version:
                        break
                    time.sleep(0.002)
                times.append((time.perf_counter() - started) * 1000)
                version = current
        finally:
            player.terminate()
            player.wait(timeout=15)
    print(
        f"edits {len(times)}  median_ms {statistics.median(times):.0f}  worst_ms {max(times):.0f}  "
        f"best_ms {min(times):.0f}"
    )


if __name__ == "__main__":
    main()

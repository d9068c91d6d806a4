"""The remote feed's figures, with a real player process and a real feed server on loopback:

- an unchanged poll: how many requests and how many body bytes;
- network loss: the player keeps playing from its cache, and after the server comes back
  with a new version, how long until /status shows it (target: within one poll interval).

    python bench/feed.py [--poll 5]
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(REPO))

from signage.core.paths import copy_example  # noqa: E402
from signage.delivery.feed import FeedClient  # noqa: E402
from signage.delivery.publish import publish  # noqa: E402
from signage.delivery.server import FeedServer  # noqa: E402


def status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as response:
        return json.load(response)


def wait(predicate, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if predicate():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--poll", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        content = tmp_path / "content"
        copy_example(REPO, content)  # the example as it ships, every folder of it
        feed_dir = tmp_path / "feed"
        publish(content, feed_dir)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            feed_port = sock.getsockname()[1]
        server = FeedServer(feed_dir, ("127.0.0.1", feed_port), None)
        server.start()

        # 1. an unchanged poll
        client = FeedClient(server.url, tmp_path / "probe")
        client.poll()
        server.served.clear()
        client.poll()
        requests_made = len(server.served)
        body_bytes = sum(size for _, _, size in server.served)
        print(
            f"unchanged poll: {requests_made} request(s), {body_bytes} body bytes ({server.served})"
        )

        # 2. network loss and return, with a real player
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            control = sock.getsockname()[1]
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
        player = subprocess.Popen(
            [sys.executable, "-m", "signage", "play", "--feed", server.url, "--poll", str(args.poll),
             "--cache", str(tmp_path / "cache"), "--windowed", "--size", "640x360", "--control", f"127.0.0.1:{control}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait(lambda: status(control)["feed"]["version"], 30)
            first = status(control)["content"]["version"]
            server.stop()  # the network goes down
            wait(lambda: status(control)["feed"]["last_error"], 3 * args.poll + 10)
            still = status(control)
            print(
                f"network down: still playing {still['content']['version'] == first}, "
                f"feed error {still['feed']['last_error']!r}, content age {still['feed']['age_s']} s"
            )
            playlist = content / "playlists" / "accueil.yaml"
            playlist.write_text(
                playlist.read_text(encoding="utf-8").replace("Merci", "Merci beaucoup"),
                encoding="utf-8",
            )
            publish(content, feed_dir)
            time.sleep(args.poll * 1.5)  # stays down a while: failures pile up, back-off grows
            server = FeedServer(feed_dir, ("127.0.0.1", feed_port), None)
            server.start()  # the network is back
            caught_up = wait(lambda: status(control)["content"]["version"] != first, 4 * args.poll)
            print(
                f"network back: new content on screen after {caught_up:.2f} s (poll interval {args.poll:g} s)"
            )
        finally:
            player.terminate()
            player.wait(timeout=15)
            server.stop()


if __name__ == "__main__":
    main()

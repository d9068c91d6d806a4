"""A screen killed with SIGKILL: how long until the fleet's alert reaches a webhook, and
its recovery once started again. Real Mosquitto, real `signage fleet`, real player, a
webhook receiver on loopback.

    python bench/alerts.py [--offline-after 120] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from signage.tools.chaos.troubles import Mosquitto

REPO = Path(__file__).resolve().parent.parent
received: list[tuple[float, dict]] = []
came = threading.Condition()


class Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with came:
            received.append((time.monotonic(), body))
            came.notify_all()
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(state: str, after: float, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    with came:
        while True:
            for at, body in received:
                if at >= after and body["problem"] == "offline" and body["state"] == state:
                    return at
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit(f"no '{state}' alert within {timeout} s")
            came.wait(left)


def player(work: Path, broker: Mosquitto) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.Popen(
        [sys.executable, "-m", "signage", "play", str(REPO), "--screen", "porte", "--windowed",
         "--size", "640x360", "--control", "off", "--plays", str(work / "plays.jsonl"),
         "--cache", str(work / "cache"), "--mqtt", f"mqtt://127.0.0.1:{broker.port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline-after", type=float, default=120.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="signage-alerts-"))
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    broker = Mosquitto(work)
    broker.start()
    page_port = free_port()
    page = subprocess.Popen(
        [sys.executable, "-m", "signage", "fleet", "--mqtt", f"mqtt://127.0.0.1:{broker.port}",
         "--bind", f"127.0.0.1:{page_port}", "--alerts-webhook",
         f"http://127.0.0.1:{hook.server_address[1]}/", "--offline-after", str(args.offline_after)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    screen = player(work, broker)
    rounds = []
    try:
        for _ in range(args.rounds):
            deadline = time.monotonic() + 60
            while True:  # the page sees the screen online
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{page_port}/api/screens", timeout=5
                    ) as r:
                        if any(s["online"] for s in json.load(r)["screens"]):
                            break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "the page never saw the screen"
                time.sleep(0.2)
            screen.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            screen.wait()
            alerted = wait_for("raised", killed, args.offline_after + 120)
            screen = player(work, broker)
            started = time.monotonic()
            back = wait_for("recovered", started, 60)
            rounds.append({"alert_after_kill_s": round(alerted - killed, 1),
                           "recovery_after_start_s": round(back - started, 1)})  # fmt: skip
    finally:
        screen.kill()
        page.terminate()
        broker.kill()
    offline = [b for _, b in received if b["problem"] == "offline"]
    print(json.dumps({
        "offline_after_s": args.offline_after, "rounds": rounds,
        "offline_alerts": [b["state"] for b in offline],
        "target_alert_s": args.offline_after + 10,
    }))  # fmt: skip


if __name__ == "__main__":
    main()

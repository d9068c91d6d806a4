"""5,000 messages of every kind in one second to a screen of the bundled example, through
a real Mosquitto: room states (600 rooms), commands, malformed payloads. Reports the
longest pass of the render loop (drawn or not), stalls, and resident memory (the player
and every process under it) before, just after and 10 s after.

    python bench/burst.py [--messages 5000]
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

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from signage.tools.chaos.troubles import Mosquitto
from signage.tools.loopback import descendants, footprint

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-burst-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=10) as response:
        return json.load(response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="bursts one after the other: the player's memory back on the same slide after each "
        "(a leak grows every round, a high-water mark does not)",
    )  # fmt: skip
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="signage-burst-"))
    broker = Mosquitto(work)
    broker.start()
    port = free_port()
    (work / "token").write_text(TOKEN)
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    player = subprocess.Popen(
        [sys.executable, "-m", "signage", "play", str(REPO), "--screen", "hall", "--room",
         "Amphithéâtre Grand Bleu", "--windowed", "--size", "1920x1080", "--control", f"127.0.0.1:{port}",
         "--plays", str(work / "plays.jsonl"), "--cache", str(work / "cache"),
         "--token-file", str(work / "token"), "--mqtt", f"mqtt://127.0.0.1:{broker.port}"],
        env=env, stdout=(work / "player.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    try:
        deadline = time.monotonic() + 60
        while not (status_ := _try(port)) or not (status_.get("fleet") or {}).get("connected"):
            assert time.monotonic() < deadline, "the player did not start"
            time.sleep(0.2)
        time.sleep(5)  # settled: first slides drawn
        before = status(port)
        rss_before = footprint(player.pid)[0]
        own_before = _own_rss(player.pid)
        processes_before = len(descendants(player.pid))
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
        rounds: list[dict[str, float]] = []
        for _ in range(args.rounds - 1):  # the earlier rounds: memory back on the same slide
            _burst(client, args.messages)
            time.sleep(12)
            _back(port, before["slide"]["id"])
            rounds.append({"player_mb": round(_own_rss(player.pid), 1),
                           "all_mb": round(footprint(player.pid)[0], 1)})  # fmt: skip
        started = time.monotonic()
        _burst(client, args.messages)
        sent_s = time.monotonic() - started
        time.sleep(2)
        after = status(port)
        rss_after = footprint(player.pid)[0]
        time.sleep(10)
        settled = status(port)
        rss_settled = footprint(player.pid)[0]
        own_settled = _own_rss(player.pid)
        processes = len(descendants(player.pid))
        # back on the slide shown before the burst (the burst's steps left another one on,
        # a clip's 50 MB ring mapped, say): the memory of the same picture, compared
        back_on = before["slide"]["id"]
        back = _back(port, back_on)
        rss_back = footprint(player.pid)[0]
        rounds.append({"player_mb": round(_own_rss(player.pid), 1), "all_mb": round(rss_back, 1)})
    finally:
        client.loop_stop()
        player.terminate()
        player.wait(timeout=30)
        broker.kill()
    print(json.dumps({
        "messages": args.messages, "sent_in_s": round(sent_s, 2),
        "received_by_screen": {k: settled["fleet"][k] for k in ("commands", "refused", "room_messages")},
        "pass_ms_max_before": before["render"]["pass_ms_max"],
        "pass_ms_max_after": settled["render"]["pass_ms_max"],
        "frames_over_budget_during": settled["render"]["frames_over_budget"] - before["render"]["frames_over_budget"],
        "stalls": settled["health"]["render"]["stalls"],
        "rss_mb_before": round(rss_before, 1), "rss_mb_after_2s": round(rss_after, 1),
        "rss_mb_after_12s": round(rss_settled, 1),
        "player_rss_mb_before": round(own_before, 1), "player_rss_mb_after_12s": round(own_settled, 1),
        "processes_before": processes_before, "processes_after": processes,
        "slide_after": settled["slide"]["id"], "errors": after["content"]["errors"],
        "slide_before": back_on, "slide_back": back["slide"]["id"],
        "rss_mb_back_on_the_same_slide": round(rss_back, 1),
        "rss_mb_back_minus_before": round(rss_back - rss_before, 1),
        "player_rss_mb_before_back_on_the_same_slide": round(own_before, 1),
        "back_on_the_same_slide_by_round": rounds,
    }))  # fmt: skip


def _burst(client: mqtt.Client, messages: int) -> None:
    """``messages`` room states, commands and malformed payloads, as fast as they go."""
    bad = [b"pas du json", b"[" * 60_000, b"x" * 70_000,
           json.dumps({"command": "show", "id": "x\ud800"}).encode("utf-8", "surrogatepass"),
           json.dumps({"command": "message", "text": "a\u202eb"}).encode()]  # fmt: skip
    for i in range(messages):
        if i % 2 == 0:
            topic = f"signage/rooms/Salle {i % 600}/state"
            payload = json.dumps({"state": ("full", "open", "closed")[i % 3]}).encode()
        elif i % 5 == 1:
            topic, payload = "signage/screens/hall/command", bad[i % len(bad)]
        else:
            verb = ("next", "previous", "clear-message")[i % 3]
            topic, payload = (
                "signage/screens/hall/command",
                json.dumps({"command": verb}).encode(),
            )
        client.publish(topic, payload, qos=0)


def _back(port: int, slide: str) -> dict:
    """Shows ``slide`` again and waits for it; its status."""
    _post(port, f"/show/{slide}")
    deadline = time.monotonic() + 10
    while status(port)["slide"]["id"] != slide and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # its transition over, the next slide not yet drawn
    return status(port)


def _post(port: int, path: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=b"", method="POST",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _own_rss(pid: int) -> float:
    """The player process's own resident memory (its worker and decoders apart)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _try(port: int) -> dict | None:
    try:
        return status(port)
    except OSError:
        return None


if __name__ == "__main__":
    main()

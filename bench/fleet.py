"""The fleet's figures, against a real Mosquitto on loopback (Debian's ``mosquitto``):

- ``broadcast``: a message to signage/all/command, until it is in each real player's
  /status (target: p99 <= 1 s at 5 players over 50 messages);
- ``scale``: 500 simulated screens (light MQTT clients in this process, not players): a
  broadcast's delivery to all (target p99 <= 1 s), every presence on the fleet page, and
  the page's load in headless Chromium (target < 2 s);
- ``restart``: the broker killed and started again under real players: frames over
  budget, time to reconnect after its return (target <= 10 s), presence published again,
  room states received again.

    python bench/fleet.py broadcast [--players 5] [--messages 50]
    python bench/fleet.py scale [--screens 500] [--messages 50]
    python bench/fleet.py restart [--players 3] [--down 10]
"""

from __future__ import annotations

import argparse
import json
import selectors
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402

from tests.support.broker import Broker, Client  # noqa: E402
from tests.support.process import PlayerProcess, free_port  # noqa: E402


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1)


def content(root: Path) -> Path:
    (root / "playlists").mkdir(parents=True)
    (root / "playlists" / "p.yaml").write_text(
        "name: Hall\ndefaults: {duration: 8}\nslides:\n"
        "  - {type: text, id: un, title: Bienvenue, subtitle: Rencontres nationales}\n"
        "  - {type: text, id: deux, title: Programme, subtitle: Amphithéâtre Grand Bleu}\n",
        encoding="utf-8",
    )
    (root / "theme.yaml").write_text("timezone: Europe/Paris\n", encoding="utf-8")
    return root


def players(root: Path, broker: Broker, count: int) -> list[PlayerProcess]:
    made = []
    for n in range(count):
        args = [str(root), "--screen", f"ecran-{n}", "--mqtt", broker.url, "--group", "hall",
                "--plays", str(root.parent / f"plays-{n}.jsonl"), "--cache", str(root.parent / f"cache-{n}")]  # fmt: skip
        made.append(PlayerProcess(args))
    return made


def broadcast(args: argparse.Namespace) -> dict[str, Any]:
    broker = Broker()
    tmp = Path(tempfile.mkdtemp(prefix="signage-fleet-"))
    running = players(content(tmp / "content"), broker, args.players)
    sender = Client(broker.port)
    latencies: list[float] = []
    try:
        for player in running:
            player.wait_for(lambda s: (s.get("fleet") or {}).get("connected"), timeout=30)
        for n in range(args.messages):
            text = f"Message {n} : rendez-vous dans le hall"
            sent = time.monotonic()
            sender.publish(
                "signage/all/command",
                {"command": "message", "text": text, "expires_in": 60},
                expiry_s=60,
            )
            seen: list[float] = []

            def watch(
                player: PlayerProcess,
                found: list[float] = seen,
                text: str = text,
                sent: float = sent,
            ) -> None:
                while time.monotonic() - sent < 10:
                    if (player.status().get("message") or {}).get("text") == text:
                        found.append(time.monotonic() - sent)
                        return
                    time.sleep(0.01)

            threads = [threading.Thread(target=watch, args=(p,)) for p in running]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if len(seen) < len(running):
                print(
                    f"message {n}: seen by {len(seen)} of {len(running)} players", file=sys.stderr
                )
            latencies.extend(seen)
            time.sleep(0.2)
    finally:
        sender.close()
        for player in running:
            player.stop()
        broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "players": args.players,
        "messages": args.messages,
        "deliveries": len(latencies),
        "expected": args.players * args.messages,
        "on_screen_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "on_screen_ms_p99": p99([x * 1000 for x in latencies]),
        "on_screen_ms_max": round(max(latencies) * 1000, 1),
    }


class Swarm:
    """Simulated screens: MQTT clients only (presence retained with a Last Will, broadcasts
    timed), all driven by one thread through Paho's external-loop calls on an epoll
    selector: Paho's own loop uses select(), which stops at file descriptor 1024, and
    500 clients with their wake-up socket pairs hold 1,500."""

    def __init__(self, port: int, count: int) -> None:
        self.received: dict[int, list[float]] = {}
        self.ready = 0
        self.lock = threading.Lock()
        self.selector = selectors.DefaultSelector()
        self.clients = [self._client(port, f"sim-{n:03d}") for n in range(count)]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _client(self, port: int, name: str) -> Any:
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, client_id=name, protocol=mqtt.MQTTv5
        )
        presence = {"screen": name, "online": True, "room": None, "groups": ["sim"],
                    "content": {"version": "bench"}, "slide": {"id": "un", "type": "text", "title": "Bienvenue", "shown_at": None},
                    "regions": [], "errors": [], "message": None, "uptime_s": 0}  # fmt: skip

        def connected(c: Any, _u: Any, _f: Any, _r: Any, _p: Any) -> None:
            c.subscribe("signage/all/command", qos=1)
            c.publish(f"signage/screens/{name}/status", json.dumps(presence), qos=1, retain=True)
            with self.lock:
                self.ready += 1

        def message(_c: Any, _u: Any, msg: Any) -> None:
            at = time.monotonic()
            number = json.loads(msg.payload)["n"]
            with self.lock:
                self.received.setdefault(number, []).append(at)

        client.on_connect = connected
        client.on_message = message
        client.will_set(
            f"signage/screens/{name}/status",
            json.dumps({"screen": name, "online": False}),
            qos=1,
            retain=True,
        )
        client.connect("127.0.0.1", port)
        self.selector.register(client.socket(), selectors.EVENT_READ, client)
        return client

    def _loop(self) -> None:
        misc = time.monotonic()
        while not self.stopped.is_set():
            for client in self.clients:
                if client.want_write():
                    client.loop_write()
            for key, _ in self.selector.select(timeout=0.02):
                key.data.loop_read()
            if time.monotonic() - misc > 1.0:
                misc = time.monotonic()
                for client in self.clients:
                    client.loop_misc()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        for client in self.clients:
            client.disconnect()


def scale(args: argparse.Namespace) -> dict[str, Any]:
    broker = Broker()
    swarm = Swarm(broker.port, args.screens)
    deadline = time.monotonic() + 60
    while swarm.ready < args.screens and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # subscriptions acknowledged
    received = swarm.received
    sender = Client(broker.port)
    sent: dict[int, float] = {}
    for n in range(args.messages):
        sent[n] = time.monotonic()
        sender.client.publish("signage/all/command", json.dumps({"command": "next", "n": n}), qos=1)
        time.sleep(0.2)
    time.sleep(2.0)
    latencies = [t - sent[n] for n, times in received.items() for t in times]
    result: dict[str, Any] = {
        "screens": args.screens,
        "messages": args.messages,
        "deliveries": len(latencies),
        "expected": args.screens * args.messages,
        "broadcast_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "broadcast_ms_p99": p99([x * 1000 for x in latencies]),
        "broadcast_ms_max": round(max(latencies) * 1000, 1),
    }
    page, port = fleet_page(broker)
    try:
        deadline = time.monotonic() + 30
        online = 0
        while time.monotonic() < deadline:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/screens", timeout=5
            ) as answer:
                data = json.loads(answer.read())
            online = sum(1 for s in data["screens"] if s["online"])
            if online >= args.screens:
                break
            time.sleep(0.2)
        result["fleet_page_online"] = online
        result.update(page_load(f"http://127.0.0.1:{port}/", args.screens))
    finally:
        page.terminate()
        page.wait(timeout=10)
        sender.close()
        swarm.close()
        broker.stop()
    return result


def fleet_page(broker: Broker) -> tuple[Any, int]:
    import subprocess

    port = free_port()
    page = subprocess.Popen(
        [sys.executable, "-m", "signage", "fleet", "--mqtt", broker.url, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/screens", timeout=2).close()
            return page, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the fleet page did not start")


def page_load(url: str, expected: int) -> dict[str, Any]:
    """Headless Chromium: from navigation to every screen's card drawn (3 loads, the worst)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=412,915",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "chromedriver"), options=options
    )
    times = []
    try:
        for _ in range(3):
            driver.get("about:blank")
            started = time.monotonic()
            driver.get(url)
            while driver.execute_script("return document.body.dataset.loaded") != str(expected):
                time.sleep(0.01)
            shown = time.monotonic() - started
            cards = driver.execute_script("return document.querySelectorAll('.screen').length")
            times.append(shown)
    finally:
        driver.quit()
    return {
        "page_cards": cards,
        "page_load_ms_max": round(max(times) * 1000, 1),
        "page_load_ms_p50": round(statistics.median(times) * 1000, 1),
    }


def restart(args: argparse.Namespace) -> dict[str, Any]:
    broker = Broker()
    tmp = Path(tempfile.mkdtemp(prefix="signage-fleet-"))
    setter = Client(broker.port)
    setter.publish("signage/rooms/Salle%20Seine/state", {"state": "full", "note": ""}, retain=True)
    setter.close()
    running = players(content(tmp / "content"), broker, args.players)
    try:
        before = [
            p.wait_for(lambda s: (s.get("fleet") or {}).get("room_messages"), timeout=30)
            for p in running
        ]
        time.sleep(3)
        steady = [p.status()["render"]["frames_over_budget"] for p in running]
        broker.kill()
        time.sleep(args.down)
        down = [p.status() for p in running]
        broker.start()
        returned = time.monotonic()
        watcher = Client(broker.port, "signage/screens/+/status")
        reconnect = []
        for player in running:
            player.wait_for(lambda s: s["fleet"]["connected"], timeout=30)
            reconnect.append(time.monotonic() - returned)
        again = [
            p.wait_for(
                lambda s, b=b: s["fleet"]["room_messages"] > b["fleet"]["room_messages"], timeout=15
            )
            for p, b in zip(running, before, strict=True)
        ]
        presences = watcher.wait_for(
            lambda: all(
                watcher.last_json(f"signage/screens/ecran-{n}/status") for n in range(args.players)
            ),
            timeout=15,
        )
        watcher.close()
        time.sleep(2)
        after = [p.status() for p in running]
    finally:
        for player in running:
            player.stop()
        broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "players": args.players,
        "broker_down_s": args.down,
        "played_while_down": all(
            d["render"]["frames"] > 0 and not d["fleet"]["connected"] for d in down
        ),
        "frames_over_budget_during": sum(a["render"]["frames_over_budget"] for a in after)
        - sum(steady),
        "reconnect_s_max": round(max(reconnect), 2),
        "presence_republished": bool(presences),
        # each player's count of room-state messages, before and after the broker's return
        "room_messages_before": [b["fleet"]["room_messages"] for b in before],
        "room_messages_after": [a["fleet"]["room_messages"] for a in again],
        "connections": [a["fleet"]["connections"] for a in after],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("broadcast")
    one.add_argument("--players", type=int, default=5)
    one.add_argument("--messages", type=int, default=50)
    many = sub.add_parser("scale")
    many.add_argument("--screens", type=int, default=500)
    many.add_argument("--messages", type=int, default=50)
    again = sub.add_parser("restart")
    again.add_argument("--players", type=int, default=3)
    again.add_argument("--down", type=float, default=10.0)
    args = parser.parse_args()
    result = {"broadcast": broadcast, "scale": scale, "restart": restart}[args.what](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

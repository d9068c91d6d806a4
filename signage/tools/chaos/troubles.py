"""What goes wrong in the chaos soak: each kind of trouble, done to the player's world
(its content folder, its programme feed, its broker, its CPU, its cache disk, its clock),
and the windows of time in which what the screen shows is explained by it (a clock step
re-plans every deadline, the display's off hours are black on purpose)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from signage.tools.loopback import NewsServer, ProgrammeServer, free_port

STEP_GRACE_S = 3.0  # after a clock step, deadlines are re-planned: not an overstay
KINDS = ("hogs", "rewrite", "truncate", "clip", "photo", "feed", "news", "broker", "burst",
         "disk", "clock+", "clock-", "display")  # fmt: skip
NEWS_TROUBLES = ("html", "busy", "hang", "huge")  # what a news site answers when it is broken


class Mosquitto:
    """A broker on a loopback port, killed and started again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.conf = workdir / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n",
            encoding="utf-8",
        )
        self.binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket_to(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def socket_to(port: int) -> Any:
    import socket

    return socket.create_connection(("127.0.0.1", port), timeout=1)


class Troubles:
    """Each kind of trouble, run on a thread of its own, and what it explains."""

    def __init__(
        self, workdir: Path, content: Path, cache: Path, rng: random.Random,
        elapsed: Callable[[], float],
    ) -> None:  # fmt: skip
        self.content = content
        self.cache = cache
        self.random = rng
        self.elapsed = elapsed
        self.offset_file = workdir / "clock-offset"
        self.offset_file.write_text("0", encoding="utf-8")
        self.events: list[dict[str, Any]] = []
        self.quiet_until = 0.0  # clock steps: deadlines re-planned until then
        self.off_until = 0.0  # display hours: off on purpose until then
        self.hogs: list[subprocess.Popen[bytes]] = []
        self.tmpfs = False
        self.broker = Mosquitto(workdir)
        self.programme = ProgrammeServer()
        self.news = NewsServer(content / "actualites" / "capcom.xml")

    def start(self) -> None:
        if os.geteuid() == 0:  # a small disk for the cache, to fill
            mounted = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(self.cache)],
                capture_output=True, check=False,
            )  # fmt: skip
            self.tmpfs = mounted.returncode == 0
        self.broker.start()

    def stop(self) -> None:
        for hog in self.hogs:
            with contextlib.suppress(OSError):
                hog.kill()
        self.broker.kill()
        with contextlib.suppress(Exception):
            self.programme.httpd.shutdown()
        with contextlib.suppress(Exception):
            self.news.httpd.shutdown()
        if self.tmpfs:
            subprocess.run(["umount", "-l", str(self.cache)], capture_output=True, check=False)

    def explained(self, t: float) -> tuple[bool, bool]:
        """(a clock step being re-planned, the display off on purpose) at ``t``."""
        return t < self.quiet_until, t < self.off_until

    def happen(self, kind: str) -> None:
        self.events.append({"t": round(self.elapsed(), 1), "event": kind})
        action: Callable[[], None] = getattr(
            self, "_" + kind.replace("+", "_ahead").replace("-", "_back")
        )
        threading.Thread(target=self._guarded, args=(kind, action), daemon=True).start()

    def _guarded(self, kind: str, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # the soak's own fault must show, not end the run
            self.events.append({"t": round(self.elapsed(), 1), "event": kind, "error": repr(exc)})

    def _hogs(self) -> None:
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
        self.hogs += hogs
        time.sleep(self.random.uniform(20, 40))
        for hog in hogs:
            hog.kill()
            hog.wait()

    def _playlist(self) -> Path:
        return self.content / "playlists" / "accueil.yaml"

    def _rewrite(self) -> None:
        """An editor saving in two writes: half the file, then all of it."""
        path = self._playlist()
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        time.sleep(0.3)
        path.write_bytes(data)

    def _truncate(self) -> None:
        path = self._playlist()
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
        time.sleep(15)
        path.write_bytes(data)

    def _clip(self) -> None:
        path = self.content / "assets" / "video" / "ouverture.mp4"
        data = path.read_bytes()
        path.write_bytes(os.urandom(len(data) // 4))
        time.sleep(30)
        path.write_bytes(data)

    def _photo(self) -> None:
        photos = sorted((self.content / "assets" / "photos").glob("*.jpg"))
        victim = self.random.choice(photos)
        data = victim.read_bytes()
        victim.unlink()
        time.sleep(30)
        victim.write_bytes(data)

    def _feed(self) -> None:
        port = self.programme.httpd.server_address[1]
        self.programme.httpd.shutdown()
        self.programme.httpd.server_close()
        time.sleep(15)
        for _ in range(20):  # the old socket may linger a moment ("address in use" once)
            try:
                self.programme = ProgrammeServer(port)
                return
            except OSError:
                time.sleep(0.5)
        self.programme = ProgrammeServer(port)

    def _news(self) -> None:
        """The news site broken every way in turn, 45 s each (an error page, maintenance
        with Retry-After, no answer, 60 MB: longer than the 30 s poll and its backoff, so
        that each is asked for), then good again: the screen keeps its items."""
        for mode in NEWS_TROUBLES:
            self.news.mode = mode
            time.sleep(45)
        self.news.mode = "good"

    def _broker(self) -> None:
        self.broker.kill()
        time.sleep(10)
        self.broker.start()

    def _burst(self) -> None:
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        client.connect("127.0.0.1", self.broker.port)
        client.loop_start()
        try:
            for i in range(5000):
                if i % 2:
                    room = f"Salle {i % 400}" if i % 7 else "Amphithéâtre Grand Bleu"
                    state = ("open", "full", "closed")[i % 3]
                    client.publish(f"signage/rooms/{room}/state", json.dumps({"state": state}))
                else:
                    verb = ("next", "previous")[i % 4 // 2]
                    client.publish(
                        "signage/screens/hall-chaos/command", json.dumps({"command": verb})
                    )
            client.publish("signage/rooms/Amphithéâtre Grand Bleu/state", b"", retain=True)
        finally:
            time.sleep(1)
            client.loop_stop()
            client.disconnect()

    def _disk(self) -> None:
        if not self.tmpfs:
            self.events.append(
                {"t": round(self.elapsed(), 1), "event": "disk", "skipped": "not root: no tmpfs"}
            )
            return
        filler = self.cache / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as out:
            while True:
                out.write(b"\0" * (1 << 20))
        time.sleep(30)
        filler.unlink()

    def _step(self, seconds: float, hold_s: float) -> None:
        self.quiet_until = self.elapsed() + hold_s + STEP_GRACE_S
        self.offset_file.write_text(str(seconds), encoding="utf-8")
        time.sleep(hold_s)
        self.quiet_until = self.elapsed() + STEP_GRACE_S + 1
        self.offset_file.write_text("0", encoding="utf-8")

    def _clock_ahead(self) -> None:
        self._step(3600, 20)

    def _clock_back(self) -> None:
        self._step(-3600, 20)

    def _display(self) -> None:
        """Into the display's off hours (3 h ahead) for 20 s, and back."""
        self.off_until = self.elapsed() + 20 + STEP_GRACE_S + 2
        self._step(3 * 3600 + 600, 20)

"""A real Mosquitto broker on a loopback port, started and stopped by the tests (Debian's
``mosquitto``, installed by .ci/run), and a small Paho client to talk to it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from tests.support.process import free_port
from tests.support.waiting import until

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"


class Broker:
    """``mosquitto -c`` a config of its own in a temporary folder; retained messages kept
    on disk, saved at every change, so that a broker killed and started again has them."""

    def __init__(
        self,
        acl: str | None = None,
        users: dict[str, str] | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="signage-mqtt-"))
        self.port = free_port()
        lines = [
            f"listener {self.port} 127.0.0.1",
            *([f"certfile {tls[0]}", f"keyfile {tls[1]}"] if tls else []),
            "persistence true",
            f"persistence_location {self.folder}/",
            "autosave_interval 1",
            "autosave_on_changes true",
            "max_queued_messages 10000",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
        ]
        if os.geteuid() == 0:  # as root, mosquitto would run as "mosquitto", who cannot
            lines.append("user root")  # read this test's private folder
        if users:
            passwords = self.folder / "passwords"
            passwords.write_text("")
            for user, password in users.items():
                subprocess.run(
                    [MOSQUITTO_PASSWD, "-b", str(passwords), user, password],
                    check=True, capture_output=True,
                )  # fmt: skip
            lines += ["allow_anonymous false", f"password_file {passwords}"]
        else:
            lines.append("allow_anonymous true")
        if acl is not None:
            (self.folder / "acl").write_text(acl)
            lines.append(f"acl_file {self.folder / 'acl'}")
        self.config = self.folder / "mosquitto.conf"
        self.config.write_text("\n".join(lines) + "\n")
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def user_url(self, user: str) -> str:
        return f"mqtt://{user}@127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def kill(self) -> None:
        """SIGKILL: the broker gone at once, as a crash or a pulled cable."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=5)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture()
def broker() -> Iterator[Broker]:
    """A real Mosquitto on a free loopback port, stopped after the test."""
    running = Broker()
    try:
        yield running
    finally:
        running.stop()


class Client:
    """A test's own MQTT v5 client: publishes, and keeps every message it receives."""

    def __init__(
        self,
        port: int,
        *topics: str,
        user: str | None = None,
        password: str | None = None,
        wait: bool = True,
    ) -> None:
        self.received: list[tuple[str, bytes, Any, float]] = []
        self.lock = threading.Lock()
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5
        )
        if user:
            self.client.username_pw_set(user, password)
        ready = threading.Event()
        self.refused: list[Any] = []

        def connected(client: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
            if reason.is_failure:
                self.refused.append(reason)
            elif topics:
                client.subscribe([(t, 1) for t in topics])
            ready.set()

        def message(_c: Any, _u: Any, msg: Any) -> None:
            with self.lock:
                self.received.append((msg.topic, msg.payload, msg.properties, time.monotonic()))

        self.client.on_connect = connected
        self.client.on_message = message
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        if not ready.wait(10) and wait:
            raise RuntimeError("the test client could not connect")
        time.sleep(0.2)  # subscriptions acknowledged

    def publish(
        self, topic: str, data: Any, retain: bool = False, expiry_s: int | None = None
    ) -> Any:
        payload = data if isinstance(data, bytes) else json.dumps(data).encode()
        properties = None
        if expiry_s is not None:
            properties = Properties(PacketTypes.PUBLISH)
            properties.MessageExpiryInterval = expiry_s
        info = self.client.publish(topic, payload, qos=1, retain=retain, properties=properties)
        info.wait_for_publish(timeout=5)
        return info

    def messages(self, topic: str) -> list[bytes]:
        with self.lock:
            return [payload for t, payload, _, _ in self.received if t == topic]

    def last_json(self, topic: str) -> Any:
        found = self.messages(topic)
        return json.loads(found[-1]) if found else None

    def wait_for(self, condition: Any, timeout: float = 10.0) -> Any:
        return until(condition, "a message from the broker", timeout, every=0.05)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()

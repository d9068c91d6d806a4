"""systemd's side of the notify protocol, for tests."""

from __future__ import annotations

import socket
import time
from pathlib import Path


class FakeSystemd:
    """Listens on a datagram socket as systemd does for Type=notify services."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "notify.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.sock.settimeout(0.2)

    def receive(self, timeout: float) -> list[str]:
        """Every message received within ``timeout`` seconds."""
        messages: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue
        return messages

    def wait(self, wanted: str, timeout: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                if wanted in self.sock.recv(4096).decode():
                    return time.monotonic() - started
            except TimeoutError:
                continue
        raise AssertionError(f"no {wanted} within {timeout} s")

"""systemd's notify protocol (``Type=notify``): READY, STATUS, watchdog heartbeats, STOPPING.

Implemented directly (a datagram to ``$NOTIFY_SOCKET``) so the player needs no
library; without systemd the calls do nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Notifier:
    """``healthy`` (the supervisor's) is asked before each heartbeat: a player whose
    essential part has been down too long stops beating, and systemd restarts it."""

    def __init__(
        self,
        environ: dict[str, str] | None = None,
        healthy: Callable[[], bool] = lambda: True,
    ) -> None:
        self.healthy = healthy
        self._withheld = False
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        self.address = "\0" + address[1:] if address.startswith("@") else address
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        watched = usec.isdigit() and (not pid or pid == str(os.getpid()))
        # heartbeat at twice the rate systemd requires
        self.interval_s = int(usec) / 1_000_000 / 2 if watched else None
        self._last = 0.0
        self._socket: socket.socket | None = None
        if self.address:
            self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._socket.setblocking(False)

    def send(self, message: str) -> bool:
        if self._socket is None:
            return False
        try:
            self._socket.sendto(message.encode(), self.address)
        except OSError:
            return False
        return True

    def ready(self, status: str = "") -> None:
        self.send("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def heartbeat(self) -> None:
        """Called from the render loop: a frozen loop stops the heartbeats and systemd restarts us."""
        if self.interval_s is None:
            return
        now = time.monotonic()
        if now - self._last >= self.interval_s:
            if not self.healthy():
                if not self._withheld:
                    log.error("a part has been down too long: watchdog heartbeats withheld")
                    self._withheld = True
                return
            self._withheld = False
            self._last = now
            self.send("WATCHDOG=1")

    def stopping(self) -> None:
        self.send("STOPPING=1")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()

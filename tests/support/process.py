"""A real `signage play` process for end-to-end tests, watched through /status."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PlayerProcess:
    """`signage play` in a subprocess on the SDL dummy driver, watched through /status."""

    def __init__(
        self,
        args: list[str],
        cwd: Path | None = None,
        prefix: list[str] | None = None,
        wait: bool = True,
        python: str = sys.executable,
        env: dict[str, str] | None = None,
    ) -> None:
        """``prefix`` runs the player through another command (``unshare …``); ``env``
        adds to the environment (``TZ``)."""
        self.port = free_port()
        env = {
            **os.environ,
            "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy",
            "PYGAME_HIDE_SUPPORT_PROMPT": "1",
            **(env or {}),
        }
        if python != sys.executable:  # another install (a wheel's venv): only its own code
            env.pop("PYTHONPATH", None)
        # a file, not a pipe read only at stop: a chatty player would block on a full pipe
        self._log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            [
                *(prefix or []),
                python,
                "-m",
                "signage",
                "play",
                *args,
                "--windowed",
                "--size",
                "320x180",
                "--control",
                f"127.0.0.1:{self.port}",
            ],
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if wait:
            self.wait_for(lambda s: s["slide"]["id"] is not None, timeout=30)  # something on screen

    def status(self, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/status", timeout=2
                ) as response:
                    return json.load(response)
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def wait_for(self, predicate, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(timeout=timeout)
            if predicate(status):
                return status
            assert time.monotonic() < deadline, status
            time.sleep(0.02)

    def stop(self) -> str:
        """Stop the player (SIGTERM, then SIGKILL after 15 s); returns everything it printed
        (again, when it was stopped already)."""
        if self._log.closed:
            return self._printed
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.seek(0)
        self._printed = self._log.read()
        self._log.close()
        return self._printed

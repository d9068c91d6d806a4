"""The fleet's test pieces, shared by the fleet and the alerts tests: a small content
folder, a player on the broker, and ``signage fleet`` in a subprocess."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.support.broker import Broker
from tests.support.content import write_content
from tests.support.process import PlayerProcess


def fleet_content(root: Path) -> Path:
    """Two text slides of 30 s, no header: a screen for the fleet's tests."""
    write_content(
        root,
        {
            "p.yaml": "name: P\nslides:\n"
            "  - {type: text, id: un, title: Premier, duration: 30}\n"
            "  - {type: text, id: deux, title: Deuxième, duration: 30}\n"
        },
        "header: false\n",
    )
    return root


def fleet_player(root: Path, broker: Broker, screen: str, *more: str) -> PlayerProcess:
    """A player in the fleet of ``broker`` as ``screen``."""
    return PlayerProcess(
        [str(root), "--screen", screen, "--mqtt", broker.url, "--plays", str(root / f"{screen}.jsonl"),
         "--cache", str(root / f"cache-{screen}"), *more],
    )  # fmt: skip


class FleetPage:
    """``signage fleet`` in a subprocess, on a free loopback port."""

    def __init__(self, broker: Broker, token_file: Path | None, *more: str) -> None:
        import subprocess
        import sys

        from tests.support.process import free_port

        self.port = free_port()
        args = [
            sys.executable,
            "-m",
            "signage",
            "fleet",
            "--mqtt",
            broker.url,
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        if token_file is not None:
            args += ["--token-file", str(token_file)]
        args += more
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if self.get("/api/screens")["broker"]["connected"]:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the fleet page did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str) -> dict:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as answer:
            return json.loads(answer.read())

    def post(self, path: str, body: dict, token: str | None) -> tuple[int, dict]:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stop(self) -> str:
        self.process.terminate()
        out, _ = self.process.communicate(timeout=10)
        return out

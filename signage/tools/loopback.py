"""What the soaks share: the bundled example, free ports, requests to the control API, a
programme and a news feed served on loopback, and the footprint of the player's
processes."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from signage.core.processes import pss_mb

REPO = Path(__file__).resolve().parents[2]  # the bundled example: the checkout's top level


TOKEN = "soak-token-0123456789abcdef"  # noqa: S105 - a loopback-only test token


START = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def programme_xml(version: int) -> bytes:
    """A one-room programme that changes with every version (times shift, a talk comes and goes)."""
    events = []
    for day in range(8):
        for slot in range(8):
            start = (START + dt.timedelta(days=day, hours=1 + slot)).isoformat()
            title = f"Session {day}-{slot} v{version}"
            if (slot + version) % 5 == 0:
                continue  # cancelled in this version
            events.append(
                f'<event id="{day}-{slot}"><date>{start}</date><duration>00:{45 + version % 10:02d}</duration>'
                f"<room>Amphithéâtre Grand Bleu</room><title>{title}</title><persons><person>André Santini</person></persons></event>"
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><schedule><conference><title>Soak</title>'
        "<time_zone_name>Europe/Paris</time_zone_name></conference>"
        f'<day index="1" date="2026-11-30"><room name="Amphithéâtre Grand Bleu">{"".join(events)}</room></day></schedule>'
    ).encode()


class ProgrammeServer:
    """Serves the programme URL, with ETags, a new version whenever asked."""

    def __init__(self, port: int = 0) -> None:
        self.version = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                etag = f'"v{outer.version}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                body = programme_xml(outer.version)
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/schedule.xml"


class NewsServer:
    """Serves a news feed (an RSS file of the content) with an ETag, or what a broken site
    answers instead, as ``mode`` says: ``good``, ``html`` (an error page in its place),
    ``busy`` (503 with Retry-After), ``hang`` (nothing for 40 s), ``huge`` (60 MB)."""

    def __init__(self, feed: Path) -> None:
        self.mode = "good"
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with contextlib.suppress(OSError):  # the player may hang up: that is the test
                    outer.answer(self, feed)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/rss.xml"

    def answer(self, handler: BaseHTTPRequestHandler, feed: Path) -> None:
        mode = self.mode
        if mode == "hang":
            time.sleep(40)
            return
        status, kind, body = 200, "application/rss+xml", feed.read_bytes()
        headers = {"ETag": f'"{len(body)}"'}
        if mode == "html":
            kind, body = "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            headers = {}
        elif mode == "busy":
            status, kind, body, headers = 503, "text/plain", b"maintenance", {"Retry-After": "20"}
        elif mode == "huge":
            body, headers = b"<rss>" + b" " * (60 << 20), {}
        elif handler.headers.get("If-None-Match") == headers["ETag"]:
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(status)
        for key, value in {
            "Content-Type": kind,
            "Content-Length": str(len(body)),
            **headers,
        }.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)


def get(url: str, data: bytes | None = None, method: str = "GET", timeout: float = 10) -> Any:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(url)  # the soak only ever talks to its own loopback servers
    headers = {"Authorization": f"Bearer {TOKEN}"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body = response.read()
        return (
            body
            if response.headers.get("Content-Type", "").startswith("image/")
            else json.loads(body)
        )


def descendants(pid: int) -> list[int]:
    """``pid`` and every process under it, whichever of its threads started it: a video
    decoder is started from a helper thread, so it is that thread's child, and reading
    the main thread's children alone left it out of the memory figures."""
    found, waiting = [], [pid]
    while waiting:
        each = waiting.pop()
        found.append(each)
        for task in Path(f"/proc/{each}/task").glob("*"):
            try:
                waiting += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def processes(pid: int) -> list[dict[str, Any]]:
    """Each process under ``pid`` (itself included): its name, resident MB, open files by
    kind (``socket``, ``pipe``, ``file``...), largest first: where a leak lives."""
    found = []
    for each in descendants(pid):
        try:
            name = Path(f"/proc/{each}/comm").read_text().strip()
            rss = next(
                int(line.split()[1]) / 1024
                for line in Path(f"/proc/{each}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
            kinds: dict[str, int] = {}
            for fd in Path(f"/proc/{each}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = str(fd.readlink())
                    kind = target.split(":", maxsplit=1)[0] if target[:1] != "/" else "file"
                    kinds[kind] = kinds.get(kind, 0) + 1
        except (OSError, StopIteration):
            continue
        found.append({"pid": each, "name": name, "rss_mb": round(rss, 1), "fds": kinds})
    return sorted(found, key=lambda p: -p["rss_mb"])


def footprint(pid: int) -> tuple[float, int]:
    """(resident MB, open file descriptors) of the player and every process under it."""
    rss, fds = 0.0, 0
    for each in descendants(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) / 1024
            fds += sum(1 for _ in Path(f"/proc/{each}/fd").iterdir())
        except OSError:
            continue
    return rss, fds


def proportional(pid: int) -> float:
    """Proportional set size (MB) of the player and every process under it: shared memory
    counted once, shared out between the processes that map it (a clip's frame ring is
    mapped by the player and its decoder: summed resident sizes count it twice, and rise
    and fall as clips start and stop)."""
    return sum(pss_mb(each) for each in descendants(pid))


def pss_kinds(pid: int) -> dict[str, float]:
    """The proportional set size (MB) of one process by kind: ``anon`` (its heap, Python's
    and the libraries'), ``shmem`` (frame blocks and clip rings, shared out), ``file``
    (code and fonts mapped): which of them grows is where to look for a leak."""
    kinds = {"Pss_Anon:": "anon", "Pss_Shmem:": "shmem", "Pss_File:": "file"}
    found = dict.fromkeys(kinds.values(), 0.0)
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key = line.split(maxsplit=1)[0] if line else ""
            if key in kinds:
                found[kinds[key]] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found


def slope(points: list[tuple[float, float]]) -> float:
    n = len(points)
    if n < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var if var else 0.0


def floor_change(values: list[float]) -> float:
    """How much a series' floor rose: the lowest of its last fifth less the lowest of its
    first fifth (five samples at least; 0 for fewer than ten). Memory that leaks raises the
    floor; loading a large content is a peak of 13 MB for a moment, and on a loaded machine
    several samples land on such peaks (CI run 42 read 27 MB of "growth" from medians that
    were 3.5 MB on a quiet machine)."""
    if len(values) < 10:
        return 0.0
    k = max(5, len(values) // 5)
    return float(min(values[-k:]) - min(values[:k]))

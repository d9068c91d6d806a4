"""Web pages as pictures: a snapshot made by the system's headless Chromium, in a child
process of its own (a fresh one per snapshot, in its own process group), killed when it
runs past its time or its memory cap, never in the player's process.

The picture is written beside the cache and moved into place only when Chromium wrote a
whole PNG: a refresh that fails leaves the last good snapshot on screen.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from signage.core.paths import atomic_write
from signage.core.processes import become_subreaper, pss_mb
from signage.live.model import Item, LiveError, Want

CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 30.0
MEMORY_MB = 1024.0  # the whole Chromium process tree, summed
WATCH_EVERY_S = 0.1
PNG = b"\x89PNG\r\n\x1a\n"


def chromium() -> str | None:
    """The system's Chromium (or Chrome), if one is installed."""
    return next((found for name in CHROMIUMS if (found := shutil.which(name))), None)


@dataclass(frozen=True)
class Page:
    """What to snapshot and how: the viewport, the zoom, how long to let it settle."""

    url: str
    viewport: tuple[int, int] = (1920, 1080)
    zoom: float = 1.0
    wait_s: float = 2.0
    timeout_s: float = TIMEOUT_S
    memory_mb: float = MEMORY_MB


def snapshot(page: Page, target: Path) -> None:
    """Write ``page`` as a PNG to ``target``; LiveError (the old picture left) when
    Chromium is missing, fails, runs past ``timeout_s`` or over ``memory_mb``.

    Chromium runs under a small supervisor process (``python -m signage.live.web``): it
    becomes the subreaper of everything Chromium starts (a crash handler in a session of
    its own included), kills the lot past the time or the memory, and reaps every one of
    them before it exits, so that no zombie is left whatever the machine's PID 1 does."""
    if chromium() is None:
        raise LiveError("no Chromium installed (apt install chromium): web pages cannot be shown")
    with tempfile.TemporaryDirectory(prefix="signage-web-") as work:
        shot = Path(work) / "shot.png"
        order = json.dumps({**asdict(page), "out": str(shot), "work": work})
        try:
            done = subprocess.run(
                [sys.executable, "-m", "signage.live.web", order], check=False, capture_output=True,
                text=True, timeout=page.timeout_s + 15, start_new_session=True,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise LiveError(f"the page did not finish within {page.timeout_s:g} s") from None
        if done.returncode != 0:
            said = done.stderr.strip().splitlines()
            raise LiveError(said[-1] if said else f"Chromium failed (exit {done.returncode})")
        if not shot.is_file() or shot.read_bytes()[:8] != PNG:
            raise LiveError("Chromium wrote no picture")
        atomic_write(target, shot.read_bytes())  # the old picture until the new one is whole


def _shoot(page: Page, shot: Path, work: str) -> str | None:
    """In the supervisor: run Chromium, watch it, kill and reap it; why it failed, if so."""
    browser = chromium()
    if browser is None:
        return "no Chromium installed"
    become_subreaper()  # orphans of Chromium come to us
    width, height = page.viewport
    command = [
        browser, "--headless=new", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-sync", "--deny-permission-prompts",
        f"--user-data-dir={work}/profile", f"--window-size={width},{height}",
        f"--force-device-scale-factor={page.zoom:g}",
        f"--virtual-time-budget={int(page.wait_s * 1000)}", f"--screenshot={shot}", page.url,
    ]  # fmt: skip
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        return _watch(child, page)
    finally:
        _reap_all()


def _reap_all() -> None:
    """Kill whatever is left of Chromium (our children, adopted as subreaper) and reap it."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for pid in _children():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # nothing left
        if pid == 0:
            time.sleep(0.02)


def _children() -> list[int]:
    me, found = str(os.getpid()), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == me:
                    found.append(int(entry.name))
    return found


def _watch(child: subprocess.Popen[bytes], page: Page) -> str | None:
    """Wait for Chromium; kill its whole group past the time or the memory; why, if so."""
    deadline = time.monotonic() + page.timeout_s
    why = None
    try:
        while child.poll() is None:
            if time.monotonic() > deadline:
                why = f"the page did not finish within {page.timeout_s:g} s"
                break
            used = _group_mb(child.pid)
            if used > page.memory_mb:
                why = f"Chromium used {used:.0f} MB, over its {page.memory_mb:g} MB"
                break
            time.sleep(WATCH_EVERY_S)
    finally:
        _kill_group(child)  # whatever it left behind (a renderer, a GPU process) goes too
    return why


def _group_mb(group: int) -> float:
    """Proportional memory (PSS) of every process in the process group, in MB: Chromium's
    processes share most of their pages, so their resident sizes summed count them often."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            if (
                entry.name.isdigit()
                and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == group
            ):
                total += pss_mb(entry.name)
    return total


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def page_item(url: str, want: Want, folder: Path, screen: tuple[int, int]) -> Item:
    """A web source's one item: the page's picture (its id changes with the picture). With
    no viewport given, the screen's size over the zoom: a portrait screen gets a portrait
    page, not a landscape one shrunk into it."""
    options = dict(want.options)
    zoom = float(options.get("zoom", "1"))
    width, height = (
        (int(n) for n in options["viewport"].split("x"))
        if options.get("viewport")
        else (round(screen[0] / zoom), round(screen[1] / zoom))
    )
    page = Page(
        url, (width, height), zoom, float(options.get("wait", "2")),
        float(options.get("timeout", TIMEOUT_S)),
    )  # fmt: skip
    target = folder / f"{hashlib.sha256((url + repr(want.options)).encode()).hexdigest()[:32]}.png"
    snapshot(page, target)
    digest = pixels_digest(target.read_bytes())
    return Item(id=digest, title="", image=str(target))  # fetched_at says when


def pixels_digest(png: bytes) -> str:
    """A digest of a PNG's pixel data only (its IDAT chunks): two snapshots of an unchanged
    page are the same picture even when the encoder's other chunks differ."""
    digest = hashlib.sha256()
    at = len(PNG)
    while at + 8 <= len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        kind = png[at + 4 : at + 8]
        if kind == b"IDAT":
            digest.update(png[at + 8 : at + 8 + length])
        at += 12 + length
    return digest.hexdigest()[:16]


def main() -> int:
    """``python -m signage.live.web ORDER``: the supervisor of one snapshot."""
    order = json.loads(sys.argv[1])
    shot, work = Path(order.pop("out")), order.pop("work")
    order["viewport"] = tuple(order["viewport"])
    why = _shoot(Page(**order), shot, work)
    if why is not None:
        print(why, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

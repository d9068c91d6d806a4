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
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from signage.core.paths import atomic_write
from signage.core.processes import become_subreaper, pss_mb
from signage.core.urls import read_credentials
from signage.live.devtools import Devtools, DevtoolsError, Visit, picture
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
    wait_s: float = 2.0  # after the page's load event
    timeout_s: float = TIMEOUT_S
    memory_mb: float = MEMORY_MB
    selector: str = ""  # or: until something on the page matches this CSS selector
    credentials: str = ""  # a file holding 'user:password' for the page's own login


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
    """In the supervisor: run Chromium, talk to it over its DevTools pipe while a thread
    watches its time and memory, then kill and reap it; why it failed, if so."""
    browser = chromium()
    if browser is None:
        return "no Chromium installed"
    try:
        login = read_credentials(Path(page.credentials)) if page.credentials else None
    except ValueError as exc:
        return str(exc)
    become_subreaper()  # orphans of Chromium come to us
    command = [
        browser, "--headless=new", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-sync", "--deny-permission-prompts",
        f"--user-data-dir={work}/profile", "--remote-debugging-pipe", "about:blank",
    ]  # fmt: skip
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
    commands_read, commands_write = os.pipe()  # Chromium reads its commands on its fd 3
    answers_read, answers_write = os.pipe()  # and writes its answers and events on fd 4

    def on_fds_3_and_4() -> None:
        reading, writing = os.dup(commands_read), os.dup(answers_write)
        os.dup2(reading, 3)
        os.dup2(writing, 4)

    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        pass_fds=(3, 4), preexec_fn=on_fds_3_and_4,  # noqa: PLW1509 (no thread runs yet)
    )  # fmt: skip
    os.close(commands_read)
    os.close(answers_write)
    late = f"the page did not finish within {page.timeout_s:g} s"
    watch = Watch(child, page)
    try:
        devtools = Devtools(commands_write, answers_read, time.monotonic() + page.timeout_s, late)
        visit = Visit(page.url, page.viewport, page.zoom, page.wait_s, page.selector, login)
        shot.write_bytes(picture(devtools, visit))
        return None
    except (DevtoolsError, OSError) as exc:
        return watch.why or str(exc)
    finally:
        watch.stop()
        _kill_group(child)  # whatever it left behind (a renderer, a GPU process) goes too
        _reap_all()
        os.close(commands_write)
        os.close(answers_read)


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


class Watch(threading.Thread):
    """Kills Chromium's whole process group when it runs past its time (a backstop: the
    conversation has the same deadline) or over its memory, and says why."""

    def __init__(self, child: subprocess.Popen[bytes], page: Page) -> None:
        super().__init__(daemon=True)
        self.child, self.page = child, page
        self.why: str | None = None
        self._stopped = threading.Event()
        self.start()

    def run(self) -> None:
        deadline = time.monotonic() + self.page.timeout_s + 1
        while not self._stopped.wait(WATCH_EVERY_S) and self.child.poll() is None:
            used = _group_mb(self.child.pid)
            if used > self.page.memory_mb:
                self.why = f"Chromium used {used:.0f} MB, over its {self.page.memory_mb:g} MB"
            elif time.monotonic() > deadline:
                self.why = f"the page did not finish within {self.page.timeout_s:g} s"
            if self.why:
                _kill_group(self.child)
                return

    def stop(self) -> None:
        self._stopped.set()
        self.join()


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
    with contextlib.suppress(ChildProcessError):
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
        float(options.get("timeout", TIMEOUT_S)), selector=options.get("wait_for", ""),
        credentials=options.get("credentials", ""),
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

"""The studio's figures, with real processes on loopback: the studio (``--publish`` to a
feed, ``--mqtt``), ``signage serve`` for the feed, a Mosquitto broker, and real players
following the feed.

- **approve → every screen**: a photographer sends a photo, an editor approves it; the
  time until every player's content has it (its ``/status`` slides), per round.
- **50 photos from 5 phones at once** (12-megapixel JPEGs and PNGs): the studio's peak
  resident memory, every photo stored whole (its pixels, against what was sent), and
  none readable by a role or a person the route does not allow.

    python bench/studio.py [--players 3] [--rounds 5] [--json] [--record]

Targets (issue 29): every screen within 5 s; RSS under 200 MB; 50/50 intact; 0 leaks.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from PIL import Image, ImageChops, ImageStat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from signage.core.paths import copy_example  # noqa: E402
from signage.studio.users import Users  # noqa: E402
from signage.tools.chaos.troubles import Mosquitto  # noqa: E402
from signage.tools.loopback import free_port  # noqa: E402

SECRET = "bench-secret-2026"
ENV = {
    **os.environ,
    "SDL_VIDEODRIVER": "dummy",
    "SDL_AUDIODRIVER": "dummy",
    "PYGAME_HIDE_SUPPORT_PROMPT": "1",
}


def signage(*args: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "signage", *args], cwd=REPO, env=ENV,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)  # fmt: skip


def wait(what: str, ready: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = ready()
        except (OSError, requests.RequestException, ValueError, KeyError):
            found = None
        if found:
            return found
        time.sleep(0.05)
    raise RuntimeError(f"{what}: not within {timeout:g} s")


def signed_in(url: str, name: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    answer = http.post(f"{url}/login", data={"name": name, "secret": SECRET}, allow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = http.get(f"{url}/").text
    return http, page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def photo(n: int, size: tuple[int, int] = (4000, 3000), kind: str = "JPEG") -> bytes:
    """A photo as heavy as a phone's: noise (JPEG compresses it little) tinted by ``n``."""
    noise = Image.effect_noise(size, 40)
    tint = ((n * 53) % 200 + 30, (n * 97) % 200 + 30, (n * 31) % 200 + 30)
    image = Image.merge("RGB", [noise.point(lambda v, c=c: min(255, v * c // 128)) for c in tint])
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 92} if kind == "JPEG" else {}))
    return out.getvalue()


def send(url: str, http: requests.Session, csrf: str, name: str, data: bytes) -> int:
    files = [("csrf", (None, csrf)), ("photos", (name, data, "image/jpeg"))]
    return http.post(f"{url}/photos", files=files, timeout=120).status_code


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--record", action="store_true", help="also write docs/figures/")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="signage-bench-studio-"))
    content, feed = copy_example(REPO, work / "content"), work / "feed"
    users = Users.load(work / "users.json", missing_ok=True)
    for name, role in (
        ("ines", "editor"),
        ("steward", "steward"),
        *((f"phone{i}", "photographer") for i in range(5)),
    ):
        users.add(name, role, SECRET)
    users.save()
    subprocess.run([sys.executable, "-m", "signage", "publish", str(content), "--out", str(feed)],
                   cwd=REPO, env=ENV, check=True, capture_output=True)  # fmt: skip
    broker = Mosquitto(work)
    broker.start()
    mqtt = f"mqtt://127.0.0.1:{broker.port}"
    feed_port, studio_port = free_port(), free_port()
    processes = [
        signage("serve", str(feed), "--bind", f"127.0.0.1:{feed_port}", log=work / "serve.log")
    ]
    controls = []
    for n in range(args.players):
        controls.append(free_port())
        processes.append(signage(
            "play", "--feed", f"http://127.0.0.1:{feed_port}", "--poll", "30", "--mqtt", mqtt,
            "--screen", f"ecran-{n}", "--windowed", "--size", "320x180",
            "--control", f"127.0.0.1:{controls[-1]}", "--cache", str(work / f"cache-{n}"),
            log=work / f"player-{n}.log",
        ))  # fmt: skip
    studio = signage("studio", str(content), "--users", str(work / "users.json"),
                     "--bind", f"127.0.0.1:{studio_port}", "--publish", str(feed), "--mqtt", mqtt,
                     log=work / "studio.log")  # fmt: skip
    processes.append(studio)
    url = f"http://127.0.0.1:{studio_port}"
    report: dict[str, Any] = {"players": args.players, "rounds": args.rounds}
    try:

        def slides() -> list[int]:
            return [requests.get(f"http://127.0.0.1:{c}/status", timeout=2).json()["content"]["slides"]
                    for c in controls]  # fmt: skip

        count = wait(
            "every player on the feed",
            lambda: (s := slides()) and len(set(s)) == 1 and s[0] > 0 and s,
        )[0]
        wait("the studio", lambda: requests.get(f"{url}/login", timeout=2).ok)
        phone, phone_csrf = signed_in(url, "phone0")
        editor, editor_csrf = signed_in(url, "ines")
        time.sleep(3)  # the players' MQTT links up (their presence is not what is measured)
        delays = []
        for n in range(args.rounds):
            assert send(url, phone, phone_csrf, f"round-{n}.jpg", photo(n, (1600, 1200))) == 200
            queue = editor.get(f"{url}/photos/queue").text
            ident = queue.split('action="/photos/', 1)[1].split("/", 1)[0]
            started = time.monotonic()
            answer = editor.post(
                f"{url}/photos/{ident}/approve",
                data={"csrf": editor_csrf, "folder": "assets/photos"},
            )
            assert answer.ok, answer.status_code
            count += 2  # the folder feeds two photos slides
            wait(
                "every player with the photo",
                lambda c=count: all(s >= c for s in slides()),
                timeout=60,
            )
            delays.append(time.monotonic() - started)
        report |= {"approve_to_every_screen_s": [round(d, 2) for d in delays],
                   "approve_to_every_screen_s_max": round(max(delays), 2),
                   "approve_to_every_screen_s_median": round(statistics.median(delays), 2)}  # fmt: skip

        # 50 photos from 5 phones at once
        sent: dict[str, bytes] = {}
        for n in range(50):
            sent[f"phone{n % 5}-{n:02d}.{'png' if n % 5 == 0 else 'jpg'}"] = photo(
                100 + n, kind="PNG" if n % 5 == 0 else "JPEG"
            )
        before = rss_mb(studio.pid)
        peak = [before[0]]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak.append(rss_mb(studio.pid)[0])

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        def phone_sends(i: int) -> list[int]:
            http, csrf = signed_in(url, f"phone{i}")
            return [
                send(url, http, csrf, name, data)
                for name, data in sent.items()
                if name.startswith(f"phone{i}-")
            ]

        started = time.monotonic()
        with ThreadPoolExecutor(5) as pool:
            statuses = [s for batch in pool.map(phone_sends, range(5)) for s in batch]
        elapsed = time.monotonic() - started
        done.set()
        sampler.join()
        queue_dir = content / ".studio" / "queue"
        stored = {}
        for meta in queue_dir.glob("*.json"):
            data = json.loads(meta.read_text())
            if data["name"] in sent:
                stored[data["name"]] = (data, queue_dir / data["file"])
        intact = 0
        psnrs: list[float] = []
        for name, (data, path) in stored.items():
            original = Image.open(io.BytesIO(sent[name])).convert("RGB")
            kept = Image.open(path).convert("RGB")
            if kept.size != original.size:
                continue
            if name.endswith(".png"):
                intact += ImageChops.difference(original, kept).getbbox() is None
            else:  # re-encoded without its tags: the same picture within JPEG's error
                rms = max(ImageStat.Stat(ImageChops.difference(original, kept)).rms)
                psnr = 99.0 if rms == 0 else 20 * math.log10(255 / rms)
                psnrs.append(psnr)
                intact += psnr >= 30 and data["by"] == name.split("-")[0]
        leaks = 0
        for data, _ in stored.values():
            owner = data["by"]
            other, _ = signed_in(url, next(f"phone{i}" for i in range(5) if f"phone{i}" != owner))
            steward, _ = signed_in(url, "steward")
            thumb = f"{url}/photos/{data['id']}/thumb"
            leaks += other.get(thumb).status_code != 404
            leaks += steward.get(thumb).status_code != 403
            leaks += requests.get(thumb, allow_redirects=False).status_code != 303
            leaks += data["id"] in other.get(f"{url}/photos/mine").text
        report |= {
            "photos_sent": len(sent), "photos_accepted": statuses.count(200),
            "photos_intact": intact, "jpeg_psnr_db_min": round(min(psnrs), 1) if psnrs else None,
            "upload_s": round(elapsed, 1),
            "megabytes_sent": round(sum(map(len, sent.values())) / 2**20, 1),
            "studio_rss_mb_before": round(before[0], 1), "studio_rss_mb_max": round(max(peak), 1),
            "studio_rss_mb_peak_hwm": round(rss_mb(studio.pid)[1], 1), "leaks": leaks,
        }  # fmt: skip
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        broker.kill()
    if args.json or args.record:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    if args.record:
        subprocess.run([sys.executable, "-m", "signage.tools.figures", "studio", "--command",
                        "python bench/studio.py --record"], input=json.dumps(report), text=True,
                       cwd=REPO, check=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Soak: the real player, on a fast clock, through days of a busy venue in minutes.

    python -m signage.soak --days 7 --minutes 5      # the long run (documented in the README)
    python -m signage.soak --days 1 --minutes 0.75   # the short one CI runs
    python -m signage.soak --days 7 --minutes 45 --slides 5000 --reload-minutes 10
                                                     # large content, a new version every
                                                     # simulated 10 minutes

The player plays a feed served on loopback while this script publishes new
versions, changes the programme it downloads, asks for reloads and pushes
urgent messages. It samples the player's memory and open files, and its
screen, and at the end checks the proof-of-play log. It prints one JSON
report and exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image, ImageStat

from signage.delivery.publish import publish
from signage.delivery.server import FeedServer
from signage.tools import chaos
from signage.tools.loopback import (
    REPO,
    START,
    TOKEN,
    ProgrammeServer,
    floor_change,
    footprint,
    free_port,
    get,
)
from signage.tools.loopback import (
    slope as fitted_slope,
)


def _content(root: Path, programme_url: str, version: int, slides: int = 0) -> None:
    if not root.exists():
        for name in ("assets", "programme"):
            shutil.copytree(REPO / name, root / name)
        shutil.copy(REPO / "theme.yaml", root / "theme.yaml")
        (root / "playlists").mkdir()
        if slides:  # loaded and validated with every version, played by another screen
            body = "".join(
                f"  - {{type: text, title: Diapositive {n}, body: Texte numéro {n} de la journée}}\n"
                for n in range(slides)
            )
            (root / "playlists" / "grande.yaml").write_text(
                f"name: Grande\nscreens: [hall-b]\nslides:\n{body}", encoding="utf-8"
            )
    photos = "".join(f"  - {{type: photo, image: assets/photos/{p.name}, pan: {str(i % 2 == 0).lower()}}}\n"
                     for i, p in enumerate(sorted((root / "assets" / "photos").glob("*.jpg"))))  # fmt: skip
    (root / "playlists" / "busy.yaml").write_text(
        f"name: Soak v{version}\ndefaults: {{duration: 20, transition: fade}}\nslides:\n"
        f"  - {{type: text, id: accueil, title: 'Bienvenue, version {version}', body: '**Soak** de la journée'}}\n"
        f"  - {{type: schedule, id: salle, source: '{programme_url}', room: Amphithéâtre Grand Bleu, view: room, refresh: 30}}\n"
        f"  - {{type: schedule, id: jour, source: '{programme_url}', view: day, refresh: 30}}\n"
        f"  - {{type: speakers, id: qui, source: '{programme_url}', room: Amphithéâtre Grand Bleu, refresh: 30}}\n"
        f"  - {{type: speaker, id: santini, name: André Santini, photo: assets/speakers/andre-santini.png, bio: Maire}}\n"
        f"{photos}",
        encoding="utf-8",
    )


def level_change(values: list[float]) -> float:
    """How much a series' level moved: the median of its last five samples less that of its
    first five (0 for fewer than ten), so that one sample caught at a peak is not a trend."""
    if len(values) < 10:
        return 0.0
    return float(statistics.median(values[-5:]) - statistics.median(values[:5]))


def run(
    days: float,
    minutes: float,
    workdir: Path,
    slides: int = 0,
    reload_minutes: float | None = None,
) -> dict[str, Any]:
    """``slides``: a second playlist that large; ``reload_minutes``: a new feed version every
    that many simulated minutes (default: every 7 real seconds)."""
    seconds = minutes * 60
    speed = days * 86400 / seconds
    update_every_s = reload_minutes * 60 / speed if reload_minutes else 7.0
    programme = ProgrammeServer()
    content = workdir / "content"
    feed_dir = workdir / "feed"
    version = 1
    _content(content, programme.url, version, slides)
    publish(content, feed_dir)
    feed = FeedServer(feed_dir, ("127.0.0.1", 0), None)
    feed.start()
    control = free_port()
    (workdir / "token").write_text(TOKEN)
    plays_path = workdir / "plays.jsonl"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    player_log = (workdir / "player.log").open("w", encoding="utf-8")
    player = subprocess.Popen(
        [sys.executable, "-m", "signage", "play", "--feed", feed.url, "--poll", "1", "--cache", str(workdir / "cache"),
         "--plays", str(plays_path), "--at", START.isoformat(), "--speed", f"{speed:.3f}", "--tz", "Europe/Paris",
         "--windowed", "--size", "960x540", "--control", f"127.0.0.1:{control}", "--token-file", str(workdir / "token"),
         "--screen", "soak"],
        # to a file, not a pipe nobody reads until the end: a week of log lines filled the
        # 64 KB pipe, and the player blocked in its logger (a reload then never answered)
        env=env, stdout=player_log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{control}"
    samples: list[dict[str, Any]] = []
    dark = 0
    events = {"feed_updates": 0, "programme_updates": 0, "reloads": 0, "messages": 0}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(f"{base}/status")["slide"]["id"]:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or player.poll() is not None:
                raise RuntimeError("the player did not start")
            time.sleep(0.2)
        started = time.monotonic()
        last_update = started
        tick = 0
        while time.monotonic() - started < seconds:
            time.sleep(min(1.0, update_every_s))
            if time.monotonic() - last_update >= update_every_s:
                last_update = time.monotonic()
                version += 1
                _content(content, programme.url, version)
                publish(content, feed_dir)
                events["feed_updates"] += 1
            if time.monotonic() - started < tick + 1:
                continue  # the rest happens once a second
            tick += 1
            status = get(f"{base}/status")
            image = Image.open(io.BytesIO(get(f"{base}/screenshot.png"))).convert("L")
            if ImageStat.Stat(image).mean[0] < 12:
                dark += 1
            rss, fds = footprint(player.pid)
            samples.append(
                {"t": time.monotonic() - started, "rss": rss, "fds": fds, "now": status["now"]}
            )
            if tick % 5 == 0:
                programme.version += 1
                events["programme_updates"] += 1
            if tick % 4 == 0:
                reply = get(f"{base}/reload", b"", "POST", timeout=40)  # waits for the poll
                assert reply["source"] == "feed", reply
                events["reloads"] += 1
            if tick % 9 == 0:
                style = "banner" if tick % 2 else "fullscreen"
                body = json.dumps(
                    {"text": f"Message {tick}", "style": style, "expires_in": 1800}
                ).encode()
                get(f"{base}/message", body, "POST")
                events["messages"] += 1
        final = get(f"{base}/status")
    except Exception:
        tail = (workdir / "player.log").read_text(encoding="utf-8", errors="replace")[-4000:]
        print(f"the player's log ended with:\n{tail}", file=sys.stderr)
        raise
    finally:
        player.terminate()
        try:
            player.wait(timeout=30)
        except subprocess.TimeoutExpired:
            player.kill()
            player.wait()
        player_log.close()
        feed.stop()
        programme.httpd.shutdown()
    log = (workdir / "player.log").read_text(encoding="utf-8", errors="replace")
    # memory: compare the second half's slope per simulated day, and the growth after warm-up
    warm = [s for s in samples if s["t"] >= seconds * 0.25]
    simulated_days = [(s["t"] * speed / 86400, s["rss"]) for s in warm]
    slope = fitted_slope(simulated_days)
    # The floor at each end, not one sample caught in the middle of loading a large content
    # (5,000 slides are 13 MB for a moment): medians of five still read 12 to 27 MB of growth
    # from run to run of the same code on a busy machine, 3.5 MB on a quiet one.
    growth = floor_change([s["rss"] for s in warm])
    descriptors = [s["fds"] for s in warm]
    # open files the same way, a level at each end: a leak is a level that climbs (one a
    # reload is 15 here), while one sample caught with the feed's, the fetcher's and the
    # status requests' sockets open at once spread min and max over 7 on a busy CI machine
    fd_growth = level_change(descriptors)
    plays = [json.loads(line) for line in plays_path.read_text(encoding="utf-8").splitlines()]
    gaps = 0
    for before, after in itertools.pairwise(plays):
        if dt.datetime.fromisoformat(after["started"]) < dt.datetime.fromisoformat(before["ended"]):
            gaps += 1  # overlapping entries
        if dt.datetime.fromisoformat(after["started"]) - dt.datetime.fromisoformat(
            before["ended"]
        ) > dt.timedelta(minutes=5):
            gaps += 1  # a hole in the log
    simulated_hours = (dt.datetime.fromisoformat(final["now"]) - START).total_seconds() / 3600
    checks = {
        # A short run's slope is mostly warm-up (font and image caches filling): judge it by
        # its growth alone; from three simulated days on, the slope per day must be small too.
        "memory_flat": growth < 40 and (days < 3 or abs(slope) < 3.0),
        "fds_flat": fd_growth <= 4 if descriptors else False,
        "plays_complete": len(plays) > 50 and gaps == 0,
        "no_black_frame": dark == 0,
        "no_traceback": "Traceback" not in log,
        "simulated_enough": simulated_hours >= days * 24 * 0.9,
        # every background part stayed up: none failed or was restarted (the soak injects
        # no fault of its own)
        "no_restarts": all(
            part["ok"] and not part["restarts"] for part in final.get("health", {}).values()
        ),
    }
    return {
        "simulated_hours": round(simulated_hours, 1),
        "real_seconds": round(seconds),
        "speed": round(speed),
        "samples": len(samples),
        "rss_mb_first": round(warm[0]["rss"], 1) if warm else None,
        "rss_mb_last": round(warm[-1]["rss"], 1) if warm else None,
        "rss_mb_max": round(max(s["rss"] for s in samples), 1) if samples else None,
        "memory_slope_mb_per_day": round(slope, 2),
        "memory_growth_mb": round(growth, 1),
        "fds_min": min(descriptors) if descriptors else None,
        "fds_max": max(descriptors) if descriptors else None,
        "fds_growth": fd_growth,
        "plays": len(plays),
        "play_log_gaps": gaps,
        "dark_screenshots": dark,
        "events": events,
        "simulated_minutes_between_updates": round(
            (simulated_hours * 60) / max(1, events["feed_updates"]), 1
        ),
        "health": final.get("health"),
        "content_errors": final["content"]["errors"],
        "checks": checks,
        "ok": all(checks.values()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=float, default=7.0, help="simulated days (default 7)")
    parser.add_argument("--minutes", type=float, default=5.0, help="real minutes (default 5)")
    parser.add_argument(
        "--slides", type=int, default=0, help="add a playlist of this many slides (e.g. 5000)"
    )
    parser.add_argument(
        "--chaos",
        action="store_true",
        help="the chaos soak: the bundled example at real speed while hogs, reloads, broken "
        "files, dead servers, bursts, a full disk and clock steps come (see signage/tools/chaos/)",
    )
    parser.add_argument("--seed", type=int, help="with --chaos: the seed of its moments")
    parser.add_argument("--json", action="store_true", help="with --chaos: one JSON report")
    parser.add_argument(
        "--record", action="store_true", help="with --chaos: also write docs/figures/chaos.json"
    )
    parser.add_argument(
        "--reload-minutes",
        type=float,
        help="publish a new version every this many simulated minutes (default: every 7 s)",
    )
    args = parser.parse_args()
    if args.chaos:
        report = chaos.run(args.minutes, args.seed)
        if args.record:
            chaos.record_figures(report)
        print(json.dumps(report, ensure_ascii=False) if args.json else chaos.summary(report))
        return 0 if report["ok"] else 1
    with tempfile.TemporaryDirectory(prefix="signage-soak-") as tmp:
        report = run(args.days, args.minutes, Path(tmp), args.slides, args.reload_minutes)
    print(json.dumps(report, ensure_ascii=False))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Walls in step: real players started seconds apart on one ``sync: true`` playlist, one of
them restarted mid-run; how far apart the same slide's start is across their proof-of-play
logs (target: at most 20 ms).

    python bench/sync.py [--players 3] [--minutes 10] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PLAYLIST = """name: Hall en phase
sync: true
defaults: {duration: 5, transition: fade}
slides:
"""


def content(root: Path) -> Path:
    """The playlist, and beside it (not in it: the watcher would reload) the players' logs."""
    (root / "playlists").mkdir(parents=True)
    slides = "".join(
        f"  - {{type: text, id: s{n}, title: Diapositive {n}, subtitle: Les écrans changent ensemble}}\n"
        for n in range(6)
    )
    (root / "playlists" / "hall.yaml").write_text(PLAYLIST + slides, encoding="utf-8")
    (root / "theme.yaml").write_text("timezone: Europe/Paris\n", encoding="utf-8")
    return root


def start(root: Path, n: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PYGAME_HIDE_SUPPORT_PROMPT": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "signage", "play", str(root), "--screen", f"hall-{n}", "--windowed",
         "--size", "640x360", "--control", "off", "--plays", str(root.parent / f"plays-{n}.jsonl"),
         "--cache", str(root.parent / f"cache-{n}")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def in_step(root: Path, n: int) -> list[tuple[float, str]]:
    """(start, slide) of a player's plays that followed another play at once: the first
    slide after a (re)start shows when the player is ready, mid-slot, not on an edge."""
    found = []
    ended = None
    for line in (root.parent / f"plays-{n}.jsonl").read_text().splitlines():
        entry = json.loads(line)
        started = dt.datetime.fromisoformat(entry["started"]).timestamp()
        if ended is not None and started - ended < 0.5:
            found.append((started, entry["slide"]))
        ended = dt.datetime.fromisoformat(entry["ended"]).timestamp()
    return found


def spreads(root: Path, players: int) -> tuple[list[float], int]:
    """Per slot shown by every player: max - min of the slide's start, in ms."""
    starts: list[tuple[float, str, int]] = []
    for n in range(players):
        starts += [(at, slide, n) for at, slide in in_step(root, n)]
    starts.sort()
    groups: list[list[tuple[float, str, int]]] = []
    for item in starts:  # a slot's starts are within a second of each other, slots 5 s apart
        if groups and item[1] == groups[-1][0][1] and item[0] - groups[-1][0][0] < 1.0:
            groups[-1].append(item)
        else:
            groups.append([item])
    full = [g for g in groups if len({p for _, _, p in g}) == players]
    return [(max(t for t, _, _ in g) - min(t for t, _, _ in g)) * 1000 for g in full], len(groups)


def lateness(root: Path, players: int, slot_s: float = 5.0) -> list[float]:
    """How late each slide appeared after its slot began (slots of 5 s from midnight in
    Paris), ms; a player's first slide after a (re)start is left out."""
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    late = []
    for n in range(players):
        for at, _ in in_step(root, n):
            local = dt.datetime.fromtimestamp(at, paris)
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            into = (at - midnight.timestamp() + slot_s / 2) % slot_s - slot_s / 2  # early: < 0
            late.append(into * 1000)
    return sorted(late)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--players", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the players' logs in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="signage-sync-") as tmp:
        root = content((args.keep or Path(tmp)) / "content")
        running = []
        for n in range(args.players):
            running.append(start(root, n))
            time.sleep(2.3)  # started seconds apart: each joins mid-cycle
        total = args.minutes * 60
        time.sleep(total / 2)
        running[1].terminate()  # restarted mid-cycle
        running[1].wait(timeout=15)
        time.sleep(1.7)
        running[1] = start(root, 1)
        time.sleep(total / 2)
        for process in running:
            process.terminate()
        for process in running:
            process.wait(timeout=15)
        values, slots = spreads(root, args.players)
        values.sort()
        late = lateness(root, args.players)
        result = {
            "players": args.players,
            "minutes": args.minutes,
            "slots_compared": len(values),
            "slots_seen": slots,
            "spread_ms_p50": round(statistics.median(values), 1) if values else None,
            "spread_ms_p99": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1)
            if values
            else None,
            "spread_ms_max": round(values[-1], 1) if values else None,
            "late_ms_p50": round(statistics.median(late), 1) if late else None,
            "late_ms_p99": round(late[min(len(late) - 1, int(len(late) * 0.99))], 1)
            if late
            else None,
            "late_ms_max": round(late[-1], 1) if late else None,
        }
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()

"""The process ``signage bench`` measures: plays the workload, prints one JSON line."""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from signage.content.folder import load_content
from signage.core.clock import SystemClock
from signage.core.processes import memory_mb
from signage.draw.canvas import Screen
from signage.live.hub import LiveHub, wants_of
from signage.player.display import Display
from signage.player.loop import Player
from signage.player.messages import ContentReady
from signage.player.preparer import peak_rss_mb
from signage.player.stats import percentile


def _cpu_phase(player: Player, root: Path, finish: bool) -> tuple[float, float]:
    """Play ``root`` for SETTLE_S + MEASURE_S; the player process's CPU share over the last
    MEASURE_S, and the worker's peak memory."""
    content, report = load_content(root)
    assert content is not None, [d.format() for d in report.items]
    player.stop.clear()
    player.post(ContentReady(content, report, root.name))
    threading.Timer(SETTLE_S + MEASURE_S, player.stop.set).start()
    marks: dict[str, float] = {}

    def mark() -> None:
        marks["cpu"] = time.process_time()
        marks["wall"] = time.monotonic()

    threading.Timer(SETTLE_S, mark).start()
    player.run(finish)
    cpu = time.process_time() - marks["cpu"]
    wall = time.monotonic() - marks["wall"]
    return round(100 * cpu / wall, 2), player.preparer.worker_peak_mb


SETTLE_S = 2.0
MEASURE_S = 5.0


def _video(player: Player, result: dict[str, Any], samples: list[tuple[float, float, int]]) -> None:
    """The clip's figures, read before it stops: frames, drops, timing, the decoder."""
    stream = next(iter(s for _, s in player.videos.started()), None)
    if stream is None:
        raise SystemExit("no video played (see the player's log above)")
    errors = sorted(stream.errors_ms)
    p99 = errors[max(0, int(len(errors) * 0.99) - 1)] if errors else 0.0
    decoder_mb = memory_mb(stream.worker.process.pid)
    if samples and stream.clip.length_s:
        # resident memory once the first pass is over (and warmed up) against the end
        start = samples[0][0]
        settled = next((s for s in samples if s[0] - start >= stream.clip.length_s + 5), None)
        if settled is not None:
            result.update(
                rss_after_first_loop_mb=round(settled[1], 1),
                rss_end_mb=round(samples[-1][1], 1),
                rss_growth_mb=round(samples[-1][1] - settled[1], 1),
                fds_after_first_loop=settled[2],
                fds_end=samples[-1][2],
            )
    result.update(
        video_frames=stream.shown,
        video_dropped=stream.dropped + stream.ring.skipped,
        video_pts_error_ms_p99=round(p99, 2),
        decode_fps=round(stream.ring.decode_fps, 1),
        decoder=stream.status()["decoder"],
        peak_rss_mb=round(peak_rss_mb() + player.preparer.worker_peak_mb + decoder_mb, 1),
    )


def viewer(player: Player, seconds: float, stats: dict[str, float]) -> dict[str, Any]:
    """What a viewer saw: frames presented, slides against their due times, the longest
    unchanged picture, frames per crossfade, stalls (``signage.tools.bench.VIEWER_KEYS``)."""
    late = sorted(player.seen.overstays.lateness_ms)
    fades = sorted(player.seen.transitions.counts)
    health = player.watch.status()
    return {
        "presented_fps": round(stats["frames"] / seconds, 1),
        "slides_shown": len(late) + 1,
        "slide_late_ms_p50": round(percentile(late, 0.5), 1),
        "slide_late_ms_p99": round(percentile(late, 0.99), 1),
        "slide_late_ms_max": round(late[-1], 1) if late else 0.0,
        "longest_unchanged_s": round(player.seen.output.unchanged_s(), 2),
        "transition_frames_min": fades[0] if fades else 0,
        "transition_frames_p50": percentile([float(f) for f in fades], 0.5),
        "stalls": health["stalls"],
        "longest_stall_ms": health["longest_stall_ms"],
        "pass_ms_max": stats["pass_ms_max"],
    }


def _sample_memory(player: Player, samples: list[tuple[float, float, int]]) -> None:
    """Every second: (time, resident MB of the player and its decoder, open fds)."""
    while not player.stop.is_set():
        streams = player.videos.started()
        decoder = sum(memory_mb(s.worker.process.pid, "VmRSS") for _, s in streams)
        fds = sum(1 for _ in Path("/proc/self/fd").iterdir())
        samples.append((time.monotonic(), memory_mb(key="VmRSS") + decoder, fds))
        player.stop.wait(1.0)


def main(root: Path, size_text: str, seconds: float, mode: str = "") -> None:
    width, height = (int(v) for v in size_text.split("x"))
    content, report = load_content(root)
    if content is None:
        raise SystemExit("\n".join(d.format() for d in report.errors))
    display = Display((width, height), fullscreen=False)
    marks: dict[str, float] = {}

    def presented() -> None:  # the first frame (the theme's background), the first slide's
        marks.setdefault("first_frame_at", time.time())
        if player.current is not None:
            marks.setdefault("first_slide_at", time.time())

    # live sources (the live layout's news, wall and page): fetched once before the run,
    # then kept fresh on the hub's thread as in a player
    hub = LiveHub(Path(tempfile.mkdtemp(prefix="signage-bench-live-")), screen=(width, height))
    hub.set_sources(wants_of(content))
    for source in wants_of(content):
        hub.fetch(source)
    player = Player(
        display, SystemClock(dt.UTC), Screen("bench"), content, report,
        on_frame=presented, live=hub.feeds,
    )  # fmt: skip
    if hub.feeds():
        hub.start()
    # pygame wants its display on the thread that made it: run the loop here, stop from a timer.
    timer = threading.Timer(seconds, player.stop.set)
    timer.start()
    player.watch.start(threading.Event())  # stalls counted through every phase
    samples: list[tuple[float, float, int]] = []
    if mode == "video":
        threading.Thread(target=_sample_memory, args=(player, samples), daemon=True).start()
    player.run(finish=False)
    player.watch.check()  # a stall still going at the end is counted
    stats = player.status.stats.snapshot()
    result = {
        **viewer(player, seconds, stats),
        "frames": int(stats["frames"]),
        "frame_ms_p50": stats["frame_ms_p50"],
        "frame_ms_p99": stats["frame_ms_p99"],
        "frame_ms_max": stats["frame_ms_max"],
        "frames_over_budget": int(stats["frames_over_budget"]),
        "prepare_ms_max": round(player.preparer.slowest_ms, 1),
        "first_frame_at": marks.get("first_frame_at", time.time()),
        "first_slide_at": marks.get("first_slide_at", time.time()),
    }
    if mode == "video":
        _video(player, result, samples)
        player.close()
        display.close()
        print(json.dumps(result))
        return
    # Idle: nothing moves (the door layout: but its clock); then the ticker alone moves.
    # Process CPU (all threads) over a few seconds, once the new content has settled.
    worker_peak = player.preparer.worker_peak_mb
    for key, folder in (("idle_cpu_percent", "idle"), ("ticker_cpu_percent", "ticker")):
        result[key], peak = _cpu_phase(player, root / folder, folder == "ticker")
        worker_peak = max(worker_peak, peak)
    # The player and its preparation worker, added: what the screen's machine must hold.
    own = peak_rss_mb()
    worker = worker_peak
    result["peak_rss_mb"] = round(own + worker, 1)
    print(f"player {own:.1f} MB, worker {worker:.1f} MB", file=sys.stderr)
    player.close()
    display.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), *sys.argv[4:5])

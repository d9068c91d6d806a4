"""``signage bench``: the player's figures on this machine (and in a CPU quota)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from signage.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
)

# what each bench's figures are held to (issues 5, 14, 25), shown beside them on the page
TARGETS = {
    "bench-default": {"frame_ms_p99": "< 16.7 ms", "frames_over_budget": "0"},
    "bench-door": {"frame_ms_p99": "< 16.7 ms", "frames_over_budget": "0"},
    "bench-video": {"video_dropped": "< 5 %"},
    "bench-default-quota25": {
        "slide_late_ms_max": "< 2000",
        "longest_unchanged_s": "<= a slide's duration",
        "stalls": "0",
    },
}


def add_parser(sub: Any) -> None:
    from signage.tools.bench import LAYOUTS  # the workloads, named where they are made

    bench = sub.add_parser(
        "bench",
        help="measure the player on a demanding built-in workload",
        description="Run the real player offscreen on 24-megapixel photos, long texts, speaker "
        "cards and every transition, and print frame times, preparation time, idle CPU, "
        "time to first frame and peak memory.",
    )
    bench.add_argument("--size", default="1920x1080", help="WxH (default 1920x1080)")
    bench.add_argument("--seconds", type=float, default=20.0, help="length of the transition phase")
    bench.add_argument("--json", action="store_true", help="one JSON object")
    bench.add_argument(
        "--video", nargs="?", const="", default=None, metavar="FILE",
        help="play FILE (without FILE: a built-in 1080p H.264 clip) and print the video figures",
    )  # fmt: skip
    bench.add_argument(
        "--cpu-quota",
        type=float,
        metavar="PERCENT",
        help="run the player and its workers within PERCENT of one core (25: about a "
        "Raspberry Pi 4's core): a cgroup's cpu.max or cpu.cfs_quota_us, systemd-run's "
        "CPUQuota, else a SIGSTOP/SIGCONT duty cycle; cpu_quota_by says which",
    )
    bench.add_argument(
        "--region", metavar="WxH", help="with --video --layout door: the video's region size"
    )
    bench.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="default",
        help="door: the door-screen layout (crossfading photos beside the room's now/next, "
        "a clock, a ticker) instead of full-screen slides; live: photos beside a news list, "
        "a social wall and a web page fed by a loopback site (live-static: text in their "
        "place, to compare)",
    )
    bench.add_argument(
        "--record",
        action="store_true",
        help="also write the result into docs/figures/ (the results page's table of runs)",
    )
    bench.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    from signage.core.values import parse_size
    from signage.tools.bench import KEYS, run

    try:
        size = parse_size(args.size)
    except ValueError as exc:
        print(f"signage bench: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    keys: tuple[str, ...] = KEYS
    try:
        if args.video is not None:
            from signage.tools.bench_video import VIDEO_KEYS, run_video

            region = parse_size(args.region) if args.region else None
            if region is not None and args.layout != "door":
                print("signage bench: error: --region goes with --layout door", file=sys.stderr)
                return EXIT_USAGE
            if args.video and not Path(args.video).is_file():
                print(f"signage bench: error: {args.video}: no such file", file=sys.stderr)
                return EXIT_USAGE
            clip = Path(args.video) if args.video else None
            result = run_video(size, args.seconds, clip, region, args.cpu_quota)
            keys = VIDEO_KEYS
        else:
            result = run(size, args.seconds, args.layout, args.cpu_quota)
    except (RuntimeError, ValueError) as exc:
        print(f"signage bench: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.record:
        from signage.tools.figures import record

        name = "bench-video" if args.video is not None else f"bench-{args.layout}"
        if args.cpu_quota:
            name += f"-quota{args.cpu_quota:g}"
        command = "signage bench " + " ".join(sys.argv[2:]).replace("--record", "").strip()
        shown = {k: result[k] for k in keys if k in result}
        for key in ("cpu_quota_by", "presented_fps", "slide_late_ms_max", "longest_unchanged_s"):
            if key in result:
                shown[key] = result[key]
        record(name, command.strip(), shown, TARGETS.get(name, {}))
    if args.json:
        print(json.dumps(result))
    else:
        for key in result if args.video is not None or args.cpu_quota else keys:
            print(f"{key:24} {result[key]}")
    return EXIT_OK

"""``signage bench --video [FILE]``: a clip played by the real player, offscreen, full
screen or in a region of the door layout while its other regions run; the video figures
(frames shown and dropped, presentation-time error, decoder throughput) with the usual
frame-time figures. Without FILE, a 1080p H.264 clip made here (moving detail), cached.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from signage.core.quota import limited, run_child
from signage.tools.bench import VIEWER_KEYS, _link_photos, _programme, _write, door_layout

VIDEO_KEYS = (
    "video_frames",
    "video_dropped",
    "video_pts_error_ms_p99",
    "decode_fps",
    "frame_ms_p99",
    "frames_over_budget",
    "peak_rss_mb",
    "decoder",
)
CLIP_SECONDS = 20.0  # the built-in clip: 20 s, looped for longer runs


def builtin_clip(cache: Path, size: tuple[int, int] = (1920, 1080)) -> Path:
    """The bench's own clip (made once: about 20 s of encoding on this machine)."""
    from signage.media.make import make_clip

    path = cache / f"clip-{size[0]}x{size[1]}-{CLIP_SECONDS:g}s.mp4"
    if not path.exists():
        partial = path.with_suffix(".part.mp4")
        make_clip(partial, size, CLIP_SECONDS)
        partial.replace(path)
    return path


def make_video_workload(
    root: Path,
    cache: Path,
    clip: Path,
    seconds: float,
    region: tuple[int, int] | None,
    screen: tuple[int, int] = (1920, 1080),
) -> None:
    """Full screen: the clip alone (no header). With ``region``: the door layout, the clip
    in a region of that size at the top left, 24 MP photos crossfading under it, the
    room's now/next, a clock and a ticker."""
    (root / "assets").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(clip, root / "assets" / clip.name)
    film = {"name": "Film", "slides": [{"type": "video", "file": f"assets/{clip.name}",
            "duration": seconds + 30, "transition": "cut"}]}  # fmt: skip
    if region is None:
        _write(root / "playlists" / "film.yaml", film)
        _write(root / "theme.yaml", {"header": False})
        return
    import datetime as dt

    _link_photos(root, cache)
    photos = [{"type": "photo", "image": f"assets/photos/photo-{i:03d}.jpg", "duration": 1.5,
               "transition": {"type": "fade", "duration": 0.8}} for i in range(60)]  # fmt: skip
    w, h = region
    bottom = round(screen[1] * 0.91)
    door = door_layout(ticker=True)
    layout = [
        {"name": "film", "x": 0, "y": 0, "w": w, "h": h, "playlist": "film"},
        {**door[0], "x": 0, "y": h, "w": w, "h": max(1, bottom - h)},
        *door[1:],
    ]
    _write(root / "playlists" / "film.yaml", {**film, "screens": ["none"]})
    _write(root / "playlists" / "door.yaml", {"name": "Porte", "slides": photos})
    theme = {"ticker": ["Wi-Fi : RNCN8-invites", "#RNCN8"], "layouts": {"landscape": layout}}
    _write(root / "theme.yaml", theme)
    _programme(root / "programme" / "bench.xml", dt.datetime.now(dt.UTC).date())


def run_video(
    size: tuple[int, int],
    seconds: float,
    file: Path | None = None,
    region: tuple[int, int] | None = None,
    cpu_quota: float | None = None,
) -> dict[str, Any]:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "signage-bench"
    clip = file or builtin_clip(cache)
    with tempfile.TemporaryDirectory(prefix="signage-bench-video-") as tmp:
        root = Path(tmp) / "content"
        make_video_workload(root, cache, clip, seconds, region, size)
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
               "PYGAME_HIDE_SUPPORT_PROMPT": "1"}  # fmt: skip
        started = time.time()
        with limited(cpu_quota) as quota:
            child = run_child(
                [sys.executable, "-m", "signage.tools.bench_child", str(root), f"{size[0]}x{size[1]}",
                 str(seconds), "video"],
                quota, seconds + 180, env,
            )  # fmt: skip
        if child.returncode != 0:
            raise RuntimeError(f"bench child failed:\n{child.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(time.time() - started, 1)
    extra = (
        "rss_after_first_loop_mb",
        "rss_end_mb",
        "rss_growth_mb",
        "fds_after_first_loop",
        "fds_end",
    )
    if quota is not None:
        result["cpu_quota_by"] = quota.by
    wanted = (*VIDEO_KEYS, *extra, *VIEWER_KEYS, "cpu_quota_by")
    return {key: result[key] for key in wanted if key in result}

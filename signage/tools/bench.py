"""``signage bench``: the real player, offscreen, on a built-in demanding workload.

The parent process makes the workload (24-megapixel JPEGs, long French texts,
speaker cards, every transition), starts a child process that plays it, and
reports what the child measured. ``first_frame_ms`` runs from the child's
spawn, so it includes Python's start-up and imports, as a screen would see.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from signage.core.quota import limited, run_child
from signage.tools import bench_live

# What a viewer sees, beside the work per drawn frame (a p99 over the frames drawn says
# nothing of the frames never drawn): frames presented per second, each slide's lateness
# against its due time, the longest time the picture did not change, frames per
# crossfade, stalls.
VIEWER_KEYS = (
    "presented_fps",
    "slides_shown",
    "slide_late_ms_p50",
    "slide_late_ms_p99",
    "slide_late_ms_max",
    "longest_unchanged_s",
    "transition_frames_min",
    "transition_frames_p50",
    "stalls",
    "longest_stall_ms",
    "pass_ms_max",
)

KEYS = (
    "frames",
    "frame_ms_p50",
    "frame_ms_p99",
    "frame_ms_max",
    "frames_over_budget",
    "prepare_ms_max",
    "idle_cpu_percent",
    "ticker_cpu_percent",
    "first_frame_ms",
    "first_slide_ms",
    "peak_rss_mb",
)

PHOTO_SIZE = (6000, 4000)  # 24 megapixels
DISTINCT_PHOTOS = 4
PHOTO_SLIDES = 200
IDLE_SECONDS = 5.0

LONG_TEXT = (
    "La communication publique numérique change la relation entre les collectivités et les "
    "habitants : **applications mobiles**, réseaux sociaux, écrans dynamiques dans l’espace "
    "public. Les Rencontres réunissent chaque année les communicants des villes, des "
    "départements et des régions pour partager leurs expériences.\n\n"
    "- Comment toucher les adolescents là où ils sont, sans singer leurs codes ?\n"
    "- Que change l’intelligence artificielle pour l’accueil des usagers ?\n"
    "- Comment travailler avec la direction des systèmes d’information ?\n\n"
    "Les ateliers de l’après-midi prolongent les tables rondes du matin, en petits groupes."
)


def _photos(cache: Path) -> list[Path]:
    """Distinct 24 MP JPEGs, made once and kept in a cache folder."""
    from PIL import Image, ImageDraw, ImageFilter

    cache.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(DISTINCT_PHOTOS):
        path = cache / f"photo-24mp-{n}.jpg"
        if not path.exists():
            small = Image.new("RGB", (600, 400))
            draw = ImageDraw.Draw(small)
            for i in range(40):
                hue = (n * 60 + i * 7) % 255
                draw.ellipse(
                    ((i * 37 + n * 50) % 600 - 80, (i * 53) % 400 - 80,
                     (i * 37 + n * 50) % 600 + 80, (i * 53) % 400 + 80),
                    fill=(hue, 255 - hue, (hue * 3) % 255),
                )  # fmt: skip
            big = small.filter(ImageFilter.GaussianBlur(3)).resize(
                PHOTO_SIZE, Image.Resampling.BICUBIC
            )
            noise = Image.effect_noise(PHOTO_SIZE, 40).convert("RGB")
            Image.blend(big, noise, 0.15).save(path, quality=90)
        paths.append(path)
    return paths


def _link_photos(root: Path, cache: Path) -> None:
    """assets/photos/photo-NNN.jpg: the four 24 MP photos, drawn once into the cache, copied
    into the content folder and linked from there (links out of a content folder are refused)."""
    photos = root / "assets" / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    sources = []
    for n, cached in enumerate(_photos(cache)):
        inside = root / "assets" / f"source-{n}.jpg"
        if not inside.exists():
            shutil.copyfile(cached, inside)
        sources.append(inside)
    for i in range(PHOTO_SLIDES):
        link = photos / f"photo-{i:03d}.jpg"
        if not link.exists():
            link.symlink_to(Path("..") / sources[i % len(sources)].name)


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _still(root: Path, theme: dict[str, Any] | None) -> None:
    """A content folder where nothing moves but what ``theme`` adds (a ticker, a clock)."""
    _write(root / "playlists" / "idle.yaml", {"name": "Idle", "slides": [
        {"type": "text", "title": "Pause", "body": LONG_TEXT, "duration": 3600}]})  # fmt: skip
    if theme is not None:
        _write(root / "theme.yaml", theme)


def make_workload(root: Path, cache: Path) -> None:
    """A content folder: 200 photo slides (24 MP each), long texts, speaker cards, every
    transition; ``idle/`` (nothing moves) and ``ticker/`` (the ticker alone moves)."""
    (root / "playlists").mkdir(parents=True, exist_ok=True)
    _link_photos(root, cache)
    slides = []
    transitions = ["fade", "slide", "cut", "fade"]
    for i in range(PHOTO_SLIDES):
        slides.append(
            {"type": "photo", "image": f"assets/photos/photo-{i:03d}.jpg", "duration": 1.5,
             "transition": {"type": transitions[i % 4], "duration": 0.8}}
        )  # fmt: skip
        if i % 10 == 5:
            slides.append(
                {"type": "text", "title": "Bienvenue aux 8es Rencontres nationales de la "
                 "communication numérique, à Issy-les-Moulineaux", "body": LONG_TEXT,
                 "duration": 1.5, "transition": {"type": "slide", "duration": 0.8}}
            )  # fmt: skip
        if i % 10 == 8:
            slides.append(
                {"type": "speaker", "name": "Laurence Lafont",
                 "role": "Directrice de la division Secteur public", "organisation": "Microsoft France",
                 "photo": f"assets/photos/photo-{i:03d}.jpg", "bio": LONG_TEXT, "duration": 1.5,
                 "transition": {"type": "fade", "duration": 0.8}}
            )  # fmt: skip
    playlist = {"name": "Bench", "slides": slides}
    (root / "playlists" / "bench.yaml").write_text(
        json.dumps(playlist, ensure_ascii=False), encoding="utf-8"
    )
    _still(root / "idle", None)
    _still(root / "ticker", {"ticker": TICKER})


TICKER = ["Wi-Fi : RNCN8-invites", "Déjeuner à 12 h 15 dans le hall", "#RNCN8"]
DOOR_ROOM = "Amphithéâtre Grand Bleu"


def door_layout(ticker: bool) -> list[dict[str, Any]]:
    """The door screen of the bundled example: photos, the room's now and next, clock, ticker."""
    bottom = 91 if ticker else 100
    regions: list[dict[str, Any]] = [
        {"name": "main", "x": 0, "y": 0, "w": "68%", "h": f"{bottom}%", "playlist": "door"},
        {"name": "horloge", "x": "68%", "y": 0, "w": "32%", "h": "20%", "widget": "clock"},
        {"name": "salle", "x": "68%", "y": "20%", "w": "32%", "h": f"{bottom - 20}%",
         "widget": "room", "source": "programme/bench.xml", "room": DOOR_ROOM},
    ]  # fmt: skip
    if ticker:
        regions.append(
            {"name": "bandeau", "x": 0, "y": "91%", "w": "100%", "h": "9%", "widget": "ticker"}
        )
    return regions


def _programme(path: Path, day: dt.date) -> None:
    """A frab schedule.xml for ``day`` (UTC, as the bench's clock): a talk every 30 minutes."""
    events = []
    for n in range(48):
        start = dt.datetime.combine(day, dt.time(n // 2, 30 * (n % 2)), dt.UTC)
        events.append(
            f'<event guid="bench-{n}" id="{n + 1}"><date>{start.isoformat()}</date>'
            f"<start>{start:%H:%M}</start><duration>00:30</duration><room>{DOOR_ROOM}</room>"
            f"<title>Session {n + 1} : la communication publique à l’ère numérique</title>"
            f'<type>talk</type><persons><person id="{n}">Intervenant {n + 1}</person></persons>'
            "</event>"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><schedule><conference><title>Bench</title>'
        f"<start>{day}</start><end>{day}</end></conference>"
        f'<day index="1" date="{day}"><room name="{DOOR_ROOM}">{"".join(events)}</room></day>'
        "</schedule>",
        encoding="utf-8",
    )


def make_door_workload(root: Path, cache: Path) -> None:
    """The door-screen layout: 24 MP photos crossfading in the main region, the room's live
    now/next, a clock and a ticker; ``idle/`` without the ticker and with one photo held
    (only the clock moves), ``ticker/`` the same with the ticker scrolling."""
    _link_photos(root, cache)
    photos = [{"type": "photo", "image": f"assets/photos/photo-{i:03d}.jpg", "duration": 1.5,
               "transition": {"type": "fade", "duration": 0.8}} for i in range(PHOTO_SLIDES)]  # fmt: skip
    day = dt.datetime.now(dt.UTC).date()
    for folder, ticker, slides in (
        (root, True, photos),
        (root / "idle", False, photos[:1]),
        (root / "ticker", True, photos[:1]),
    ):
        held = [{**s, "duration": 3600} for s in slides] if folder != root else slides
        _write(folder / "playlists" / "door.yaml", {"name": "Porte", "slides": held})
        _write(folder / "theme.yaml", {"ticker": TICKER, "layout": door_layout(ticker)})
        _programme(folder / "programme" / "bench.xml", day)
        if folder != root:  # one photo, copied (links out of a content folder are refused)
            still = folder / "assets" / "photos" / "photo-000.jpg"
            still.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / "assets" / "source-0.jpg", still)


def make_live_workload(root: Path, cache: Path, url: str | None) -> None:
    """Crossfading photos beside a news list, a social wall and a web page (``url``: the
    loopback site that feeds them), or, without ``url``, text slides in their place."""
    _link_photos(root, cache)
    photos = [{"type": "photo", "image": f"assets/photos/photo-{i:03d}.jpg", "duration": 1.5,
               "transition": {"type": "fade", "duration": 0.8}} for i in range(PHOTO_SLIDES)]  # fmt: skip
    _write(root / "playlists" / "photos.yaml", {"name": "Photos", "slides": photos})
    for name, slides in bench_live.playlists(url).items():
        _write(root / "playlists" / f"{name}.yaml", {"name": name, "slides": slides})
    _write(root / "theme.yaml", {"ticker": TICKER, "layouts": {"landscape": bench_live.layout()}})
    _still(root / "idle", None)  # the idle and ticker phases as the default workload's
    _still(root / "ticker", {"ticker": TICKER})


WORKLOADS = {"default": make_workload, "door": make_door_workload}
LAYOUTS = (*WORKLOADS, "live", "live-static")


def run(
    size: tuple[int, int], seconds: float, layout: str = "default", cpu_quota: float | None = None
) -> dict[str, Any]:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "signage-bench"
    with (
        tempfile.TemporaryDirectory(prefix="signage-bench-") as tmp,
        contextlib.ExitStack() as live,
    ):
        root = Path(tmp) / "content"
        if layout.startswith("live"):  # the loopback site feeds the live regions while it runs
            url = (
                live.enter_context(bench_live.site(Path(tmp) / "site"))
                if layout == "live"
                else None
            )
            make_live_workload(root, cache, url)
        else:
            WORKLOADS[layout](root, cache)
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
               "PYGAME_HIDE_SUPPORT_PROMPT": "1"}  # fmt: skip
        spawned = time.time()
        with limited(cpu_quota) as quota:
            child = run_child(
                [sys.executable, "-m", "signage.tools.bench_child", str(root), f"{size[0]}x{size[1]}", str(seconds)],
                quota, seconds * 4 + 300, env,
            )  # fmt: skip
        if child.returncode != 0:
            raise RuntimeError(f"bench child failed:\n{child.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    for mark in ("first_frame", "first_slide"):
        result[f"{mark}_ms"] = round((result.pop(f"{mark}_at") - spawned) * 1000, 1)
    if quota is not None:
        result["cpu_quota_by"] = quota.by
    return {key: result[key] for key in (*KEYS, *VIEWER_KEYS, "cpu_quota_by") if key in result}

"""``signage bench``: the real player, offscreen, on a built-in demanding workload.

The parent process makes the workload (24-megapixel JPEGs, long French texts,
speaker cards, every transition), starts a child process that plays it, and
reports what the child measured. ``first_frame_ms`` runs from the child's
spawn, so it includes Python's start-up and imports, as a screen would see.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

KEYS = (
    "frames",
    "frame_ms_p50",
    "frame_ms_p99",
    "frame_ms_max",
    "frames_over_budget",
    "prepare_ms_max",
    "idle_cpu_percent",
    "first_frame_ms",
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


def make_workload(root: Path, cache: Path) -> None:
    """A content folder: 200 photo slides (24 MP each), long texts, speaker cards, every transition."""
    (root / "playlists").mkdir(parents=True, exist_ok=True)
    photos = root / "assets" / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    # The four 24 MP photos are drawn once into the cache and copied into the content folder;
    # the 200 slides link to those copies (links out of a content folder are refused).
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
    idle = root / "idle"
    (idle / "playlists").mkdir(parents=True, exist_ok=True)
    (idle / "playlists" / "idle.yaml").write_text(
        json.dumps({"name": "Idle", "slides": [{"type": "text", "title": "Pause", "body": LONG_TEXT,
                                                 "duration": 3600}]}, ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip


def run(size: tuple[int, int], seconds: float) -> dict[str, Any]:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "signage-bench"
    with tempfile.TemporaryDirectory(prefix="signage-bench-") as tmp:
        root = Path(tmp) / "content"
        make_workload(root, cache)
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
               "PYGAME_HIDE_SUPPORT_PROMPT": "1"}  # fmt: skip
        spawned = time.time()
        child = subprocess.run(
            [sys.executable, "-m", "signage.bench_child", str(root), f"{size[0]}x{size[1]}", str(seconds)],
            capture_output=True, text=True, env=env, timeout=seconds + 120, check=False,
        )  # fmt: skip
        if child.returncode != 0:
            raise RuntimeError(f"bench child failed:\n{child.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    result["first_frame_ms"] = round((result.pop("first_frame_at") - spawned) * 1000, 1)
    return {key: result[key] for key in KEYS}

"""Looking at pictures in tests: snapshot comparison with a tolerance, colour shares."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

SNAPSHOTS = Path(__file__).resolve().parent.parent / "data" / "snapshots"


def compare(image: Image.Image, name: str) -> None:
    path = SNAPSHOTS / f"{name}.png"
    if os.environ.get("SIGNAGE_UPDATE_SNAPSHOTS") or not path.exists():
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        image.save(path)
        if not os.environ.get("SIGNAGE_UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {path.name} was missing and has been written; run again")
    reference = Image.open(path).convert("RGB")
    assert reference.size == image.size
    diff = ImageChops.difference(reference, image.convert("RGB")).convert("L")
    mean = ImageStat.Stat(diff).mean[0]
    changed = sum(diff.histogram()[40:]) / (image.width * image.height)
    assert mean < 2.0 and changed < 0.02, (
        f"{name}: mean diff {mean:.2f}, {changed:.1%} pixels changed"
    )


def accent_share(image: Image.Image) -> float:
    raw = image.tobytes()
    hits = sum(
        1
        for i in range(0, len(raw), 3 * 7)
        if raw[i] > 230 and 120 < raw[i + 1] < 160 and raw[i + 2] < 70
    )
    return hits / (len(raw) / (3 * 7))

"""The bundled example read back by OCR: every slide and layout of every screen, at
1920x1080 and 1080x1920, at 08:40, 10:05, 14:20 and 17:30 on the conference day, drawn
by ``signage render`` and read by tesseract. Reports the height of ink of each text line
tesseract finds (outside the header's clock band and the ticker band), per 1080 px of the
screen's shorter side: the smallest and the median.

    python bench/legibility_ocr.py [--json]      # needs tesseract (apt install tesseract-ocr)

Targets (issue 27): smallest >= 30 px, median >= 48 px.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCREENS = ("screen", "hall", "porte-grand-bleu", "porte-salle-seine")
SIZES = ((1920, 1080), (1080, 1920))
MOMENTS = ("08:40", "10:05", "14:20", "17:30")
DAY = "2026-11-30"
BANDS = ("horloge", "bandeau")  # the example's clock and ticker regions


def render(out: Path, screen: str, size: tuple[int, int], moment: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "signage", "render", str(REPO), "--out", str(out),
         "--screen", screen, "--size", f"{size[0]}x{size[1]}", "--at", f"{DAY}T{moment}"],
        check=True, capture_output=True,
    )  # fmt: skip


def lines_of(png: Path) -> list[tuple[int, int, int, str]]:
    """(top, bottom, height, text) of each line tesseract reads with confidence."""
    tsv = subprocess.run(
        ["tesseract", str(png), "-", "-l", "fra", "--psm", "11", "tsv"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    lines: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row["level"] != "5" or float(row["conf"]) < 70 or sum(c.isalnum() for c in text) < 2:
            continue
        lines.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    found = []
    for words in lines.values():
        if not any(sum(c.isalpha() for c in w["text"]) >= 3 for w in words):
            continue  # fragments read in a photo's windows ("CL"), not a line of text
        top = min(int(w["top"]) for w in words)
        bottom = max(int(w["top"]) + int(w["height"]) for w in words)
        found.append((top, bottom, bottom - top, " ".join(w["text"] for w in words)))
    return found


def bands(png: Path, size: tuple[int, int], screen: str) -> list[tuple[int, int]]:
    """The vertical bands of the clock and the ticker on this picture: the header and the
    footer of a full-screen slide; on a layout, its own clock and ticker regions (the
    door's clock is 18 % of the screen's height, the hall's 14 %)."""
    unit = min(size) / 1080
    if png.name.startswith("layout-"):
        found = []
        for playlist in _content().playlists:
            layouts = playlist.layouts
            layout = layouts.pick(size) if layouts is not None else None
            if layout is None or not playlist.plays_on(screen):
                continue
            for region in layout.regions:
                if region.widget in ("clock", "ticker"):
                    _, y, _, h = region.rect(size)
                    found.append((y, y + h))
        return found
    return [(0, round(96 * unit)), (size[1] - round(64 * unit), size[1])]


_LOADED: list[object] = []


def _content():  # type: ignore[no-untyped-def]
    """The bundled example, loaded once."""
    if not _LOADED:
        sys.path.insert(0, str(REPO))
        from signage.content.folder import load_content

        content, _ = load_content(REPO)
        _LOADED.append(content)
    return _LOADED[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--record", action="store_true", help="also write docs/figures/")
    args = parser.parse_args()
    heights: list[tuple[float, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="signage-ocr-") as work:
        pictures: dict[str, tuple[Path, tuple[int, int], str]] = {}  # each picture read once
        for screen in SCREENS:
            for size in SIZES:
                for moment in MOMENTS:
                    out = Path(work) / f"{screen}-{size[0]}x{size[1]}-{moment.replace(':', '')}"
                    render(out, screen, size, moment)
                    for png in sorted(out.glob("*.png")):
                        digest = hashlib.sha256(png.read_bytes()).hexdigest()
                        pictures.setdefault(digest, (png, size, screen))

        def read(item: tuple[Path, tuple[int, int], str]) -> list[tuple[float, str, str]]:
            png, size, screen = item
            skip = bands(png, size, screen)
            return [
                (height * 1080 / min(size), text, f"{png.parent.name}/{png.name}")
                for top, bottom, height, text in lines_of(png)
                if not any(a <= (top + bottom) / 2 <= b for a, b in skip)
            ]

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for found in pool.map(read, pictures.values()):
                heights.extend(found)
    values = sorted(h for h, _, _ in heights)
    smallest = min(heights)
    report = {
        "pictures": len(pictures),
        "lines": len(values),
        "smallest_px_per_1080": round(smallest[0], 1),
        "smallest_line": smallest[1],
        "smallest_in": smallest[2],
        "median_px_per_1080": round(statistics.median(values), 1),
        "p10_px_per_1080": round(values[len(values) // 10], 1),
        "smallest_lines": [
            (round(h, 1), text[:40], where) for h, text, where in sorted(heights)[:12]
        ],
        "targets": {"smallest": 30, "median": 48},
    }
    if args.record:
        sys.path.insert(0, str(REPO))
        from signage.tools.figures import record

        keep = ("pictures", "lines", "smallest_px_per_1080", "smallest_line", "smallest_in",
                "p10_px_per_1080", "median_px_per_1080")  # fmt: skip
        record("legibility-ocr", "python bench/legibility_ocr.py",
               {k: report[k] for k in keep}, {"smallest": ">= 30 px", "median": ">= 48 px"})  # fmt: skip
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()

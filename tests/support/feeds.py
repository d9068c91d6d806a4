"""Feed content for tests: a small content folder with photos, and the upload token."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

TOKEN = "s3cret-token-for-tests-0123456789"


def make_content(root: Path, title: str = "Bonjour", photos: int = 1) -> Path:
    (root / "playlists").mkdir(parents=True, exist_ok=True)
    (root / "assets").mkdir(exist_ok=True)
    for n in range(photos):
        Image.new("RGB", (64, 36), (n * 40 % 255, 80, 160)).save(root / "assets" / f"p{n}.jpg")
    slides = "".join(f"  - {{type: photo, image: assets/p{n}.jpg}}\n" for n in range(photos))
    (root / "playlists" / "a.yaml").write_text(
        f"name: A\nslides:\n  - {{type: text, id: t, title: {title}}}\n{slides}"
    )
    return root

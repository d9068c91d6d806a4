"""Image preparation: draft decoding, EXIF orientation, cover/contain, hostile files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from signage.draw.images import ImageError, contain, cover, load_fitted, open_image


def test_draft_decodes_large_jpeg_at_reduced_size(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("RGB", (6000, 4000), (10, 120, 200)).save(path, quality=80)
    image = open_image(path, (1920, 1080))
    # draft picks a power-of-two reduction that still covers the target
    assert image.size == (3000, 2000)
    fitted = load_fitted(path, (1920, 1080), "cover")
    assert fitted.size == (1920, 1080)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "rotated.jpg"
    image = Image.new("RGB", (400, 200), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees clockwise
    image.save(path, exif=exif)
    width, height = open_image(path, (400, 400)).size
    assert (width, height) == (200, 400)


def test_cover_and_contain_keep_aspect_ratio() -> None:
    wide = Image.new("RGB", (1600, 900), (0, 0, 0))
    assert cover(wide, (1080, 1920)).size == (1080, 1920)
    contained = contain(wide, (1080, 1920))
    assert contained.size == (1080, 608)


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("empty.jpg", b"", "cannot read image"),
        ("text.jpg", b"this is not a photo\n" * 10, "not an image file"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, data: bytes, needle: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImageError, match=needle):
        open_image(path, (100, 100))


def test_truncated_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    Image.effect_noise((800, 600), 50).convert("RGB").save(path, quality=90)
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(ImageError, match=r"truncated|cannot read"):
        open_image(path, (800, 600))


def test_png_claiming_huge_size_is_refused_fast(tmp_path: Path) -> None:
    # A valid PNG header that claims 100,000 x 100,000 pixels.
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )
    path = tmp_path / "bomb.png"
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(ImageError, match="too large"):
        open_image(path, (1920, 1080))
    assert time.perf_counter() - started < 1.0

"""Decoding and scaling images off the render thread, with Pillow.

JPEGs are decoded in draft mode (the decoder scales by 1/2, 1/4 or 1/8 for free),
EXIF orientation is applied, and cover/contain fitting happens here, so the
render loop only ever receives pixels at screen size.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from signage.core.inside import open_regular

# A PNG can claim 100,000 x 100,000 pixels in a few bytes; refuse such files
# rather than allocate tens of gigabytes. 24 MP photos (6000 x 4000) are fine.
MAX_PIXELS = 120_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageError(Exception):
    """An image that cannot be shown; the message says why, for people."""


def open_image(path: Path, target: tuple[int, int]) -> Image.Image:
    """Open, draft-decode to about ``target``, orient by EXIF, convert to RGB(A)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open_regular(path) as file:  # a FIFO is refused, never waited on
                image: Image.Image = Image.open(file)
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageError(f"{path.name}: {width}x{height} pixels is too large to show")
                if image.format == "JPEG":
                    # draft() picks the smallest power-of-two reduction still >= the request
                    image.draft("RGB", _draft_request(image.size, target))
                image.load()
            ImageOps.exif_transpose(image, in_place=True)  # a copy of 24 MP saved
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"{path.name}: image is too large to show") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"{path.name}: cannot read image ({_reason(exc)})") from exc
    except MemoryError as exc:
        raise ImageError(f"{path.name}: image too large for memory") from exc
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    return image if image.mode == mode else image.convert(mode)  # convert() copies


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "cannot identify image file" in text:
        return "not an image file, or an unknown format"
    if "truncated" in text:
        return "the file is truncated"
    return text.split(" (")[0][:120]


def _draft_request(size: tuple[int, int], target: tuple[int, int]) -> tuple[int, int]:
    """The size to ask draft() for so that cover-fitting still has enough pixels."""
    width, height = size
    scale = max(target[0] / width, target[1] / height)
    return max(1, int(width * scale)), max(1, int(height * scale))


# Scaling a photo down to the screen: bicubic, 30 % cheaper than Lanczos for the same
# picture (53 dB PSNR between the two on a 24 MP photo cover-fitted to 1080p): a 24 MP
# photo's slide costs 250 ms of a core, and a quarter of a core has 1.5 s for it.
RESAMPLE = Image.Resampling.BICUBIC


def cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Fill ``size`` exactly, cropping the excess around the centre."""
    return ImageOps.fit(image, size, RESAMPLE, centering=(0.5, 0.45))


MIN_KEPT = 0.6  # a cover that would keep less of the picture than this shows it whole


def kept_by_cover(picture: tuple[int, int], size: tuple[int, int]) -> float:
    """The share of the picture's width (or height) that filling ``size`` keeps: 0.32 for
    a landscape photo on a portrait screen ("ncontres nat" of a banner)."""
    ratio, screen = picture[0] / picture[1], size[0] / size[1]
    return min(ratio, screen) / max(ratio, screen)


def contain(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The whole image inside ``size``, aspect ratio kept (not padded)."""
    return ImageOps.contain(image, size, RESAMPLE)


def load_fitted(path: Path, size: tuple[int, int], fit: str) -> Image.Image:
    image = open_image(path, size)
    return cover(image, size) if fit == "cover" else contain(image, size)


def circle_mask(size: int, shape: str = "circle") -> Image.Image:
    """An antialiased mask (drawn 4x and reduced) for a circle or a rounded square."""
    big = Image.new("L", (size * 4, size * 4), 0)
    draw = ImageDraw.Draw(big)
    if shape == "circle":
        draw.ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    else:
        draw.rounded_rectangle((0, 0, size * 4 - 1, size * 4 - 1), radius=size * 4 // 6, fill=255)
    return big.resize((size, size), Image.Resampling.LANCZOS)

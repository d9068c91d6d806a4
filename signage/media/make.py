"""Clips made here, with PyAV: the bench's built-in clip, the tests' clips, the example's.

The picture moves in detail (a textured pattern sliding under a clock of the frame
number), so decoding costs what a real clip costs; flat colour would decode for free.
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from signage.core.model import BUNDLED_BOLD


def texture(size: tuple[int, int]) -> Image.Image:
    """A pattern twice the clip's size: tiles of colour and diagonal lines."""
    width, height = size[0] * 2, size[1] * 2
    image = Image.new("RGB", (width, height))
    pen = ImageDraw.Draw(image)
    tile = max(8, size[1] // 12)
    for y in range(0, height, tile):
        for x in range(0, width, tile):
            r = (x * 255 // width) ^ (y * 255 // height)
            pen.rectangle(
                (x, y, x + tile - 1, y + tile - 1),
                fill=(r, (x // tile * 37) % 256, (y // tile * 59) % 256),
            )
    for x in range(-height, width, max(4, tile // 3)):
        pen.line((x, 0, x + height, height), fill=(250, 250, 250), width=1)
    return image


def make_clip(
    path: Path,
    size: tuple[int, int] = (1280, 720),
    seconds: float = 4.0,
    fps: int = 30,
    codec: str = "libx264",
    preset: str = "ultrafast",
    tone_hz: float | None = None,
) -> Path:
    """Write a clip of ``seconds`` at ``size`` and ``fps`` (H.264 in MP4 by default), with
    a sound track (AAC, a sine tone of ``tone_hz``) when asked."""
    import av

    background = texture(size)
    face = ImageFont.truetype(str(BUNDLED_BOLD), max(12, size[1] // 8))
    frames = round(seconds * fps)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream: Any = container.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": preset, "crf": "26"}
        sound: Any = None
        if tone_hz is not None:
            sound = container.add_stream("aac", rate=RATE)
            sound.layout = "stereo"
        for n in range(frames):
            dx = (n * 7) % size[0]
            dy = (n * 3) % size[1]
            picture = background.crop((dx, dy, dx + size[0], dy + size[1]))
            ImageDraw.Draw(picture).text(
                (size[0] // 20, size[1] // 20), f"{n // fps:02d}:{n % fps:02d}", font=face,
                fill=(255, 255, 255), stroke_width=2, stroke_fill=(0, 0, 0),
            )  # fmt: skip
            frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]
            for packet in stream.encode(frame):
                container.mux(packet)
            if sound is not None:  # the sound of this frame's time, interleaved with it
                first, last = n * RATE // fps, (n + 1) * RATE // fps
                for packet in sound.encode(_tone(first, last - first, tone_hz or 440.0)):
                    container.mux(packet)
        for encoder in (stream, sound) if sound is not None else (stream,):
            for packet in encoder.encode():
                container.mux(packet)
    return path


RATE = 48000


def _tone(first: int, count: int, hz: float) -> Any:
    """``count`` samples of a stereo sine from sample ``first``, as an audio frame."""
    import av

    samples = (int(12000 * math.sin(2 * math.pi * hz * (first + i) / RATE)) for i in range(count))
    frame = av.AudioFrame(format="s16", layout="stereo", samples=count)
    frame.planes[0].update(b"".join(struct.pack("<hh", s, s) for s in samples))
    frame.sample_rate = RATE
    frame.pts = first
    frame.time_base = Fraction(1, RATE)
    return frame

"""What a video file is, read with PyAV (FFmpeg): container, codec, size, rate, length.

Used by ``signage check`` (unreadable files are errors, risky ones warnings), by the
loader for ``duration: auto`` (the clip's length) and by the status page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from signage.core.inside import ensure_regular

VIDEO_EXTENSIONS = (".mp4", ".m4v", ".mkv", ".webm", ".mov")
MAX_PIXELS = 3840 * 2160  # larger (8K) is refused: no screen here decodes it in time
HEAVY = {"hevc", "vp9", "av1"}  # at 4K, these need a hardware decoder to keep up


class MediaError(Exception):
    """A file that cannot be played as a video: its path and the reason."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Probe:
    container: str
    codec: str
    width: int
    height: int
    fps: float
    duration_s: float
    audio: str = ""  # the first sound stream's codec ("": a silent clip)

    def describe(self) -> str:
        sound = f", sound {self.audio}" if self.audio else ""
        return (
            f"{self.codec} {self.width}x{self.height} {self.fps:g} fps{sound}, "
            f"{self.duration_s:.1f} s ({self.container})"
        )

    def risks(self, screen: tuple[int, int] = (1920, 1080), hardware: bool = False) -> list[str]:
        """What may make it stutter on a screen without a hardware decoder."""
        found = []
        if not hardware and self.width * self.height > 1920 * 1080 * 1.1:
            heavy = self.codec in HEAVY
            found.append(
                f"{self.width}x{self.height} {self.codec} needs a hardware decoder to play "
                f"smoothly{' (software decoding drops frames)' if heavy else ''}"
            )
        if self.fps > 61:
            found.append(f"{self.fps:g} fps: screens show at most 60; frames will be dropped")
        return found


def probe(path: Path) -> Probe:
    """The file's first video stream, or :class:`MediaError` saying why it cannot play."""
    stat = _stat(path)
    return _probe(str(path), stat)


def _stat(path: Path) -> tuple[int, float]:
    try:
        info = path.stat()
        ensure_regular(path)  # FFmpeg's open() of a FIFO waits for a writer
    except OSError as exc:
        raise MediaError(path, f"cannot read: {exc.strerror or exc}") from exc
    if info.st_size == 0:
        raise MediaError(path, "the file is empty (0 bytes)")
    return info.st_size, info.st_mtime


@lru_cache(maxsize=256)
def _probe(path: str, stat: tuple[int, float]) -> Probe:
    import av  # imported when a video is met: 80 ms that players without video never pay

    try:
        with av.open(path, metadata_errors="ignore") as container:
            if not container.streams.video:
                raise MediaError(path, "not a video (no video stream)")
            stream = container.streams.video[0]
            codec = stream.codec_context.name if stream.codec_context else "?"
            width, height = stream.codec_context.width, stream.codec_context.height
            rate = stream.average_rate or stream.guessed_rate or 30
            duration = _duration(container, stream)
            fps = float(rate)
            name = container.format.name.split(",")[0]
            sounds = container.streams.audio
            audio = sounds[0].codec_context.name if sounds and sounds[0].codec_context else ""
    except av.error.FFmpegError as exc:
        raise MediaError(path, f"not a readable video ({_reason(exc)})") from exc
    if width <= 0 or height <= 0:
        raise MediaError(path, "the video stream has no picture size (unknown codec?)")
    if width * height > MAX_PIXELS:
        raise MediaError(
            path, f"{width}x{height} is larger than 3840x2160, more than a screen can decode"
        )
    if not math.isfinite(duration) or duration <= 0:
        raise MediaError(path, "the video has no length (truncated or not a video?)")
    return Probe(name, codec, width, height, fps, duration, audio)


def _duration(container: object, stream: object) -> float:
    if getattr(stream, "duration", None) and getattr(stream, "time_base", None):
        return float(stream.duration * stream.time_base)  # type: ignore[attr-defined]
    if getattr(container, "duration", None):
        return float(container.duration) / 1_000_000  # type: ignore[attr-defined]
    return 0.0


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(": '", 1)[0]

"""Hardware video decoding: which of FFmpeg's decoders work on this machine, found once by
the decoder process when it starts (a driver that crashes takes the decoder down, not the
player), and how a clip is opened on one.

Two kinds: FFmpeg's hwaccels (VAAPI on Intel/AMD, DRM, QSV, CUDA, VideoToolbox,
D3D11VA), used through PyAV's ``HWAccel``; and V4L2 M2M (the Raspberry Pi's decoder),
which FFmpeg offers as decoders of their own (``h264_v4l2m2m``). Each candidate the
loaded FFmpeg has is tried on a tiny H.264 clip made here; what fails says why. A clip
is then opened on the first that works, and on software when that fails for the clip.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.media.audio import resampler
from signage.media.ring import DECODERS

SOFTWARE = "software"
HWACCELS = ("vaapi", "drm", "qsv", "cuda", "videotoolbox", "d3d11va")
CHOICES = ("auto", SOFTWARE, "v4l2m2m", *HWACCELS)


@dataclass(frozen=True)
class Hardware:
    """What was found: the decoder clips will use, and why each other one was not."""

    decoder: str = SOFTWARE
    tried: dict[str, str] = field(default_factory=dict)  # name -> "works" or the reason

    def status(self) -> dict[str, Any]:
        return {"decoder": self.decoder, "tried": dict(self.tried)}


def candidates(preference: str = "auto") -> list[str]:
    """The decoders to try, best first: all this FFmpeg has for ``auto``, else the one asked."""
    if preference == SOFTWARE:
        return []
    import av
    import av.codec.hwaccel

    have = set(av.codec.hwaccel.hwdevices_available())
    found = ["v4l2m2m"] if "h264_v4l2m2m" in av.codecs_available else []
    found += [name for name in HWACCELS if name in have]
    if preference == "auto":
        return found
    return [preference] if preference in found else []


def detect(preference: str = "auto") -> Hardware:
    """Try each candidate on a tiny clip; the first that decodes a frame is the decoder."""
    names = candidates(preference)
    tried: dict[str, str] = {}
    if preference not in ("auto", SOFTWARE) and not names:
        tried[preference] = "not in this FFmpeg (PyAV's build)"
    if not names:
        return Hardware(SOFTWARE, tried)
    from signage.media.make import make_clip

    with tempfile.TemporaryDirectory(prefix="signage-hw-") as folder:
        sample = make_clip(Path(folder) / "probe.mp4", (256, 144), 0.2)
        for name in names:
            reason = _try(name, sample)
            tried[name] = reason or "works"
            if reason is None:
                return Hardware(name, tried)
    return Hardware(SOFTWARE, tried)


def _try(name: str, sample: Path) -> str | None:
    """None when ``name`` decodes a frame of ``sample``, else why not."""
    import av

    if name not in DECODERS:
        return "not a decoder this player knows"
    try:
        Source(str(sample), name).primed().close()
    except (av.error.FFmpegError, RuntimeError, OSError, ValueError) as exc:
        return _reason(exc)
    return None


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.split(": '", 1)[0]


class Source:
    """A clip opened for decoding on ``decoder`` (software, a hwaccel, or V4L2 M2M): its
    video frames, and (``sound``) its first audio stream handed to a callback on the way."""

    def __init__(self, path: str, decoder: str = SOFTWARE, sound: bool = False) -> None:
        import os

        import av

        options: dict[str, Any] = {"metadata_errors": "ignore"}
        if decoder in HWACCELS:
            options["hwaccel"] = av.codec.hwaccel.HWAccel(decoder, allow_software_fallback=False)
        self.container = av.open(path, **options)
        self.decoder = decoder
        self.video = self.container.streams.video[0]
        self.video.thread_type = "AUTO"
        # leave a core to the render thread: a decoder on every core made 4K frames wait
        # 30 ms for their blit on this 2-core machine
        self.video.thread_count = max(1, (os.cpu_count() or 2) - 1)
        audio = self.container.streams.audio
        self.audio = audio[0] if sound and audio else None
        self._resample: Any = None
        self._context: Any = None
        if decoder == "v4l2m2m":
            context = av.CodecContext.create(f"{self.video.codec_context.name}_v4l2m2m", "r")
            context.extradata = self.video.codec_context.extradata
            context.open()
            self._context = context

    def primed(self) -> Source:
        """The first frame decoded now, so that a decoder that cannot take the clip fails
        here, where the caller can fall back, and not in the middle of playing it."""
        try:
            next(iter(self.frames()))
        except StopIteration:
            self.close()
            raise RuntimeError("decoded no frame") from None
        except BaseException:
            self.close()
            raise
        self.container.seek(0)
        return self

    def frames(self, sound: Callable[[Any, Any], None] | None = None) -> Iterator[Any]:
        """The video frames in order; each audio frame met on the way goes to ``sound``
        (with a resampler) when given."""
        streams = [self.video] if self.audio is None or sound is None else [self.video, self.audio]
        for packet in self.container.demux(*streams):
            if packet.stream is self.audio:
                if sound is not None:
                    if self._resample is None:
                        self._resample = resampler()
                    for frame in packet.decode():
                        sound(frame, self._resample)
                continue
            if self._context is not None:
                yield from self._context.decode(None if packet.size == 0 else packet)
            else:
                yield from packet.decode()

    def close(self) -> None:
        self.container.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""A clip's sound, played by the decoder process through SDL, on the picture's clock.

The decoder resamples the clip's audio to 48 kHz stereo 16-bit and adds it to a
:class:`Track` with its presentation times; SDL's audio thread pulls from the track what
is due at the picture's clock (``time.monotonic()`` minus the ring's origin: the same
clock in every process), so sound and picture stay together however long the clip
loops. The device's own clock drifts from the machine's (a few ms a minute): when what
would play is more than ``TOLERANCE_S`` away from the picture's time, the track drops
what is late or waits in silence, instead of drifting further.

This runs in the decoder process, never in the player's: its SDL (the audio subsystem
alone) is not the render thread's. No audio device (a screen without sound, the dummy
driver, a driver that fails) means the clip plays muted; it is never an error.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

RATE = 48000
CHANNELS = 2
FRAME_BYTES = CHANNELS * 2  # s16 stereo
BYTES_PER_S = RATE * FRAME_BYTES
CHUNK = 2048  # frames per SDL callback: 43 ms, enough that the decoder's GIL never starves it
TOLERANCE_S = 0.045  # lip sync is noticed past 45 ms late (ITU-R BT.1359)


def whole(seconds: float) -> int:
    """Seconds of sound as a byte count on a frame boundary."""
    return max(0, round(seconds * RATE)) * FRAME_BYTES


class Track:
    """Sound waiting to be played, with its presentation times (pure: no device)."""

    def __init__(self) -> None:
        self._chunks: deque[tuple[float, bytes]] = deque()
        self._lock = threading.Lock()  # the decoder adds, SDL's thread takes
        self.dropped_s = 0.0  # sound thrown away because it was late
        self.waited_s = 0.0  # silence played because the sound was early
        self.played_s = 0.0

    def add(self, pts: float, data: bytes) -> None:
        if data:
            with self._lock:
                self._chunks.append((pts, data))

    @property
    def queued_s(self) -> float:
        with self._lock:
            return sum(len(data) for _, data in self._chunks) / BYTES_PER_S

    def take(self, size: int, clock_s: float | None) -> bytes:
        """``size`` bytes to play from now, when the picture is at ``clock_s`` (None: not
        started yet: silence)."""
        if clock_s is None:
            return bytes(size)
        out = bytearray()
        with self._lock:
            while len(out) < size and self._chunks:
                pts, data = self._chunks[0]
                at = clock_s + len(out) / BYTES_PER_S  # the picture's time at this byte
                if pts + len(data) / BYTES_PER_S <= at - TOLERANCE_S:
                    self._chunks.popleft()  # wholly late
                    self.dropped_s += len(data) / BYTES_PER_S
                    continue
                if pts < at - TOLERANCE_S:  # partly late: start where the picture is
                    cut = min(len(data), whole(at - pts))
                    self.dropped_s += cut / BYTES_PER_S
                    self._chunks[0] = (pts + cut / BYTES_PER_S, data[cut:])
                    continue
                if pts > at + TOLERANCE_S:  # early: silence until it is due
                    gap = min(size - len(out), whole(pts - at))
                    self.waited_s += gap / BYTES_PER_S
                    out += bytes(gap)
                    continue
                part = data[: size - len(out)]
                out += part
                self.played_s += len(part) / BYTES_PER_S
                if len(part) == len(data):
                    self._chunks.popleft()
                else:
                    self._chunks[0] = (pts + len(part) / BYTES_PER_S, data[len(part) :])
        if len(out) < size:
            out += bytes(size - len(out))  # nothing decoded yet (or the end): silence
        return bytes(out)


class Speaker:
    """An SDL audio device fed from a :class:`Track` at the picture's clock. ``open``
    returns None when there is no device: the clip then plays muted."""

    def __init__(self, device: Any, track: Track) -> None:
        self.device = device
        self.track = track

    @classmethod
    def open(cls, track: Track, clock: Callable[[], float | None]) -> Speaker | None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        try:
            import pygame._sdl2.audio as sdl_audio
            import pygame._sdl2.sdl2 as sdl
        except ImportError:
            return None
        latency_s = CHUNK / RATE  # what is written now is heard one buffer later

        def fill(_device: Any, stream: Any) -> None:
            now = clock()
            stream[:] = track.take(len(stream), None if now is None else now + latency_s)

        try:
            sdl.init_subsystem(sdl.INIT_AUDIO)
            device = sdl_audio.AudioDevice(
                devicename=None, iscapture=False, frequency=RATE, audioformat=sdl_audio.AUDIO_S16,
                numchannels=CHANNELS, chunksize=CHUNK, allowed_changes=0, callback=fill,
            )  # fmt: skip
        except Exception:  # pygame.error and its kin: no device
            return None
        device.pause(0)
        return cls(device, track)

    def drain(self, stopping: Callable[[], bool], limit_s: float = 2.0) -> None:
        """Until what the track holds has been played (the clip's last moment is heard)."""
        deadline = time.monotonic() + limit_s
        while self.track.queued_s > 0 and not stopping() and time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.device.pause(1)
            self.device.close()


def resampler() -> Any:
    import av

    return av.AudioResampler(format="s16", layout="stereo", rate=RATE)


def pcm(resample: Any, frame: Any) -> bytes:
    """An audio frame as 48 kHz stereo s16 bytes (what SDL was opened with)."""
    return b"".join(
        bytes(out.planes[0])[: out.samples * FRAME_BYTES] for out in resample.resample(frame)
    )

"""The video decoder, run in its own process: PyAV decodes, FFmpeg's scaler sizes each
frame to the region in the display's pixel order, and the frames go into a shared-memory
:class:`~signage.media.ring.Ring` with their presentation times. Never on the render
thread: a 1080p H.264 frame costs 15 to 25 ms of decoding here.

Times are counted from the clip's start (or ``start``), loops added end to end, so the
render thread shows each frame at its time on its own clock and a loop has no pause: the
decoder seeks back while the ring still holds the end of the previous pass.
"""

from __future__ import annotations

import logging
import mmap
import os
import time
from dataclasses import dataclass
from typing import Any

from signage.core.paths import SHM_DIR
from signage.core.processes import watch_parent
from signage.media.audio import Speaker, Track, pcm, whole
from signage.media.hardware import SOFTWARE, Source, detect
from signage.media.ring import Layout, Ring

log = logging.getLogger(__name__)

WAIT_S = 0.002  # the ring is full: look again this soon


@dataclass(frozen=True)
class Job:
    path: str
    block: str  # the shared-memory block holding the ring
    size: tuple[int, int]  # the region's
    slots: int
    fit: str = "cover"  # cover | contain
    start_s: float = 0.0
    end_s: float | None = None
    play_s: float = 0.0  # how long to play (loops as needed); 0: once
    length_s: float = 0.0  # one pass, as probed: a pass much shorter means a damaged file
    sound: bool = False  # muted: false, and the clip has sound


def serve(conn: Any, parent: int, preference: str = "auto") -> None:
    """Process entry point: find the hardware decoders (``preference``: auto, software or
    one by name), say what was found on ``conn``, then play the jobs sent on it one after
    the other (None: exit).

    One process serves a region for the player's life: spawning one per clip forked the
    whole player each time, 50 ms with the render thread stopped."""
    watch_parent(parent)  # no orphan decoder, even after a SIGKILL of the player
    _name("video-decoder")
    import av  # noqa: F401  (imported before the first clip, not at its start)

    hardware = detect(preference)
    conn.send(("hardware", hardware.status()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            play(job, hardware.decoder)
        finally:
            conn.send(job.block)


def play(job: Job, decoder: str = SOFTWARE) -> None:
    """Decode one job until its ring says stop or its time is played."""
    fd = os.open(SHM_DIR / job.block, os.O_RDWR)
    layout = Layout(job.size, job.slots)
    try:
        with mmap.mmap(fd, layout.total) as mapped:
            ring = Ring(memoryview(mapped), layout)
            try:
                decode(job, ring, decoder)
            finally:
                ring.buffer.release()
    finally:
        os.close(fd)


def _name(name: str) -> None:
    """The process's name as ``ps`` and ``top`` show it (Linux), for operators."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass


def decode(job: Job, ring: Ring, decoder: str = SOFTWARE) -> None:
    import av

    seq = 0
    clock = time.perf_counter()
    skipped = 0
    waited = 0.0  # seconds spent waiting for room in the ring (not decoding)
    offset = 0.0  # presentation time of the current pass's start
    played = job.play_s
    track = Track() if job.sound else None
    speaker: Speaker | None = None
    ring.say_sound("muted" if not job.sound else "none")

    def sound(frame: Any, resample: Any) -> None:
        if frame.time is None:
            return
        t = float(frame.time) - job.start_s
        if t < -0.05 or (job.end_s is not None and frame.time >= job.end_s):
            return  # outside the trim
        if not played or offset + t < played:
            assert track is not None
            data = pcm(resample, frame)
            if job.length_s:  # the last sound packet runs past the picture: not into the loop
                data = data[: whole(job.length_s - t)]
            track.add(offset + t, data)

    try:
        while not ring.stopping():
            source = _open(job.path, decoder, track is not None)
            decoder = source.decoder  # software from now on if the hardware refused the clip
            ring.say_decoder(decoder)
            if source.audio is not None and speaker is None:
                speaker = Speaker.open(track, _clock(ring))  # type: ignore[arg-type]
                ring.say_sound("playing" if speaker is not None else "no device")
            with source:
                stream = source.video
                frame_s = _frame_s(stream)
                if job.start_s > 0 and stream.time_base:
                    source.container.seek(int(job.start_s / stream.time_base), stream=stream)
                length = 0.0
                for frame in source.frames(sound if speaker is not None else None):
                    if frame.pts is None or frame.time is None:
                        continue
                    t = float(frame.time) - job.start_s
                    if t < -1e-6:
                        continue  # before the trim's start (seek lands on a keyframe)
                    if job.end_s is not None and frame.time >= job.end_s:
                        break
                    pts = offset + t
                    if played and pts >= played:
                        break
                    if seq and pts < ring.reader_s - 1.5 * frame_s:
                        # the screen is already past this frame (a clip too heavy for this
                        # machine): decode it (the next ones need it), do not scale it; the
                        # frames dropped are spread evenly instead of the picture lagging
                        skipped += 1
                        ring.skip(skipped)
                        continue
                    began = time.perf_counter()
                    while not ring.room_for(seq + 1):
                        if ring.stopping():
                            return
                        time.sleep(WAIT_S)
                    waited += time.perf_counter() - began
                    _write(ring, seq + 1, frame, job)
                    seq += 1
                    ring.publish(seq, pts)
                    busy = time.perf_counter() - clock - waited  # decoding and scaling
                    ring.count((seq + skipped) / busy if busy > 0 else 0.0)
                    length = max(length, t + frame_s)
                offset += length
            if not played or offset >= played or length <= 0:
                break
            if job.length_s and length < job.length_s - 0.5:
                break  # the file stops short of its length (damaged): do not loop the rest
    except (av.error.FFmpegError, OSError):
        pass  # a damaged file plays up to the damage (the reader sees it end early)
    finally:
        ring.finish(seq)
        if speaker is not None:
            speaker.drain(ring.stopping)  # the last moment is heard, unless the slide ended
            speaker.close()


def _open(path: str, decoder: str, sound: bool) -> Source:
    """The clip on ``decoder``; on software when the hardware cannot decode its first frame
    (a codec or a size it does not take: a Raspberry Pi decodes H.264 and HEVC, not VP9)."""
    if decoder != SOFTWARE:
        try:
            return Source(path, decoder, sound).primed()
        except Exception as exc:  # FFmpeg's and the drivers' errors, whatever they are
            log.warning("%s: %s cannot decode it (%s): decoding in software", path, decoder, exc)
    return Source(path, SOFTWARE, sound)


def _clock(ring: Ring) -> Any:
    """The picture's time in the clip now, from the reader's origin (None: not started)."""

    def now() -> float | None:
        origin = ring.origin
        return None if origin is None or ring.stopping() else time.monotonic() - origin

    return now


def _frame_s(stream: object) -> float:
    rate = getattr(stream, "average_rate", None) or getattr(stream, "guessed_rate", None) or 30
    return 1 / float(rate)


def _write(ring: Ring, seq: int, frame: object, job: Job) -> None:
    """The frame scaled by FFmpeg to cover (or fit inside) the region, into its slot."""
    width, height = job.size
    src_w, src_h = frame.width, frame.height  # type: ignore[attr-defined]
    scale = (max if job.fit == "cover" else min)(width / src_w, height / src_h)
    out_w = max(2, round(src_w * scale)) // 2 * 2
    out_h = max(2, round(src_h * scale)) // 2 * 2
    if job.fit == "cover":
        out_w, out_h = max(out_w, width), max(out_h, height)
    scaled = frame.reformat(width=out_w, height=out_h, format="bgra")  # type: ignore[attr-defined]
    plane = scaled.planes[0]
    source = memoryview(plane)
    stride = plane.line_size
    target = ring.pixels(seq)
    row = width * 4
    if (out_w, out_h) == (width, height) and stride == row:
        target[:] = source[: row * height]
        return
    if job.fit == "cover":  # the middle of a larger picture
        left, top = (out_w - width) // 2, (out_h - height) // 2
        for y in range(height):
            start = (top + y) * stride + left * 4
            target[y * row : (y + 1) * row] = source[start : start + row]
        return
    # contain: the picture in the middle, black around it
    target[:] = bytes(len(target))
    left, top = (width - out_w) // 2, (height - out_h) // 2
    line = out_w * 4
    for y in range(out_h):
        start = (top + y) * row + left * 4
        target[start : start + line] = source[y * stride : y * stride + line]

"""One clip playing: its decoder process (``Worker``), the shared-memory ring it decodes into, and the frames due (``VideoStream``)."""

from __future__ import annotations

import contextlib
import logging
import mmap
import multiprocessing
import os
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing import shared_memory
from pathlib import Path
from typing import Any

import pygame

from signage.core.paths import SHM_DIR
from signage.media import decoder
from signage.media.ring import Layout, Ring

log = logging.getLogger(__name__)

SLOTS = 6  # frames decoded ahead: 200 ms at 30 fps, 50 MB at 4K


HARDWARE_WAIT_S = 10.0  # a decoder process's start, hardware tried (a VAAPI driver can be slow)


ERRORS_KEPT = 2000  # presentation-time errors kept for the p99


@dataclass(frozen=True)
class Clip:
    """What to play: a file, how to fit it, which part, for how long."""

    path: Path
    fit: str = "cover"
    start_s: float = 0.0
    end_s: float | None = None
    play_s: float = 0.0  # 0: once through
    codec: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0
    length_s: float = 0.0  # one pass between start and end, as probed
    sound: bool = False  # muted: false and the clip has sound


class Worker:
    """A decoder process serving one region, one clip at a time (``decoder.serve``). Its
    first word is what it found of hardware decoding (``hardware``, None until said)."""

    def __init__(self, preference: str = "auto") -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=decoder.serve, args=(child, os.getpid(), preference), name="video-decoder",
            daemon=True,
        )  # fmt: skip
        self.process.start()
        child.close()
        self.busy = False
        self.hardware: dict[str, Any] | None = None

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def send(self, job: decoder.Job) -> None:
        self.busy = True
        self.conn.send(job)

    def listen(self, timeout: float = 0.0) -> Any:
        """The decoder's next word within ``timeout`` (None: nothing); what it found of the
        hardware is kept, not returned."""
        if not self.conn.poll(timeout):
            return None
        said = self.conn.recv()
        if isinstance(said, tuple) and said[0] == "hardware":
            self.hardware = said[1]
            return None
        return said

    def wait(self, block: str, timeout: float = 2.0) -> None:
        """Until the job on ``block`` has ended (a stuck decoder is killed)."""
        deadline = time.monotonic() + timeout
        while self.busy and time.monotonic() < deadline:
            try:
                if self.listen(max(0.0, deadline - time.monotonic())) == block:
                    self.busy = False
            except (EOFError, OSError):
                break
        if self.busy:
            log.warning("the video decoder did not stop: restarting it")
            self.close(kill=True)

    def close(self, kill: bool = False) -> None:
        with contextlib.suppress(OSError, ValueError):
            if not kill:
                self.conn.send(None)
        self.process.join(timeout=0.0 if kill else 1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=1.0)
        with contextlib.suppress(OSError):
            self.conn.close()
        self.busy = False


class VideoStream:
    """One video in one region: its decoder process, its ring, what it showed."""

    def __init__(self, clip: Clip, size: tuple[int, int], worker: Worker) -> None:
        self.clip = clip
        self.size = size
        self.layout = Layout(size, SLOTS)
        # registered with the resource tracker: unlinked even if the player is killed
        block = shared_memory.SharedMemory(create=True, size=self.layout.total)
        block.close()
        self._block = block
        fd = os.open(SHM_DIR / block.name, os.O_RDWR)
        try:
            # Not MAP_POPULATE: CPython's mmap() holds the GIL while the kernel maps every
            # page (60 ms for this ring, the render thread stopped). The decoder's writes
            # bring the pages in; this side then takes minor faults on its first reads.
            self._map = mmap.mmap(fd, self.layout.total, flags=mmap.MAP_SHARED)
        finally:
            os.close(fd)
        self._view = memoryview(self._map)
        self.ring = Ring(self._view, self.layout)
        job = decoder.Job(
            str(clip.path), block.name, size, SLOTS, clip.fit, clip.start_s, clip.end_s,
            clip.play_s, clip.length_s, clip.sound,
        )  # fmt: skip
        self.worker = worker
        worker.send(job)
        self.started: float | None = None  # monotonic time of the clip's time 0
        self.next_seq = 1
        self.shown = 0
        self.dropped = 0
        self.position_s = 0.0
        self.errors_ms: deque[float] = deque(maxlen=ERRORS_KEPT)
        self.closed = False

    # -- playing ---------------------------------------------------------------------

    def advance(self, now: float) -> pygame.Surface | None:
        """The frame due at ``now`` (monotonic) when it is a new one: a surface over its slot
        in the ring, valid until the next call (the decoder leaves that slot alone)."""
        ring = self.ring
        if self.closed:
            return None
        if self.started is None:
            first = ring.frame(1)
            if first is None:
                return None  # still decoding the first frame: the prepared one stays
            self.started = now - first
            self.ring.start(self.started)  # the sound's clock (same monotonic clock)
        t = now - self.started
        ring.tell(t)
        best: tuple[int, float] | None = None
        seq = self.next_seq
        while (pts := ring.frame(seq)) is not None and pts <= t:
            best = (seq, pts)
            seq += 1
        if best is None:
            return None
        number, pts = best
        self.dropped += number - self.next_seq
        surface = pygame.image.frombuffer(ring.pixels(number), self.size, "BGRA")
        surface.set_alpha(None)  # opaque: a plain copy
        ring.take(number)
        self.next_seq = number + 1
        self.shown += 1
        self.position_s = pts
        self.errors_ms.append((t - pts) * 1000)
        return surface

    def due_in(self, now: float) -> float | None:
        """Seconds until the next frame is due (None: not known yet)."""
        if self.started is None:
            return 0.005 if not self.closed else None
        pts = self.ring.frame(self.next_seq)
        if pts is None:
            return 0.005 if not self.finished else None
        return max(0.0, self.started + pts - now)

    @property
    def cut_short(self) -> bool:
        """Every frame shown, but the clip stopped well before its time (a damaged file)."""
        return self.finished and self.position_s < self.clip.play_s - 1.0

    @property
    def finished(self) -> bool:
        """The decoder has stopped and every frame it made has been shown (or dropped)."""
        done = self.ring.done
        return bool(done) and self.next_seq >= done

    def status(self) -> dict[str, Any]:
        clip = self.clip
        return {
            "file": clip.path.name,
            "codec": clip.codec,
            "width": clip.width,
            "height": clip.height,
            "fps": round(clip.fps, 3),
            "position_s": round(self.position_s, 3),
            "frames_shown": self.shown,
            "frames_dropped": self.dropped + self.ring.skipped,
            "decoder": self.ring.decoder or "software",
            "audio": self.ring.sound or ("muted" if not clip.sound else "none"),
        }

    def close(self) -> None:
        """Stop the decoder, free the ring (the process is gone before the memory is)."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(ValueError):
            self.ring.stop()
        self.worker.wait(self._block.name)  # the decoder has let go of the ring
        with contextlib.suppress(FileNotFoundError):
            self._block.unlink()  # the memory goes with the last mapping
        # a surface over a slot may still be alive somewhere: then the mapping is freed
        # with it, by the garbage collector, instead of now
        with contextlib.suppress(BufferError):
            self._view.release()
            self._map.close()

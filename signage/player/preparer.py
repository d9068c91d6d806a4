"""Preparing frames on a worker thread, ahead of their turn.

The worker draws a slide with Pillow and converts it to raw bytes; the render
thread only wraps those bytes in a pygame surface (``frombuffer``, about a
millisecond), so a slide change costs the loop no decoding and no layout.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from PIL import Image

from signage.content.urgent import UrgentMessage
from signage.core.processes import memory_mb, trim_heap, watch_parent
from signage.core.supervisor import Supervisor
from signage.draw import shm
from signage.draw.canvas import Canvas, Frame
from signage.draw.urgent import render_message
from signage.player.frames import SlideError, fallback, prepare
from signage.player.messages import FrameReady
from signage.slides import Slide

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pixels:
    size: tuple[int, int]
    mode: str  # "RGB" or "RGBA"; "BGRA" when written into a shared-memory block
    data: bytes
    block: str | None = None  # the shared-memory block holding the pixels (data is empty)

    @classmethod
    def of(cls, image: Image.Image) -> Pixels:
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        if image.mode != mode:
            image = image.convert(mode)
        return cls(image.size, mode, image.tobytes())


@dataclass(frozen=True)
class Ready:
    """A frame as bytes, ready for the render thread, and how long it stays valid."""

    base: Pixels
    overlay: Pixels | None
    ticker: Pixels | None
    pan: bool
    valid_until: Any  # datetime | None
    notes: tuple[str, ...]
    prepare_ms: float
    worker_peak_mb: float = 0.0
    words: int = 0  # words drawn (duration: auto of a schedule slide)
    video: dict[str, Any] | None = None  # the clip this slide plays (see render/video.py)
    reading_s: float = 0.0  # reading every page of a paged slide takes this long

    @classmethod
    def of(cls, frame: Frame, prepare_ms: float, into: str | None = None) -> Ready:
        base = None
        if into is not None and shm.write(into, frame.image):
            base = Pixels(frame.image.size, shm.PIXEL_ORDER, b"", into)
        return cls(
            base or Pixels.of(frame.image),
            Pixels.of(frame.overlay) if frame.overlay is not None else None,
            Pixels.of(frame.ticker) if frame.ticker is not None else None,
            frame.pan,
            frame.valid_until,
            tuple(frame.notes),
            prepare_ms,
            peak_rss_mb(),
            frame.words,
            frame.video,
            frame.reading_s,
        )


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    return memory_mb()


def draw(
    slide: Slide | UrgentMessage | None, canvas: Canvas, status: str, into: str | None = None
) -> Ready:
    """In the worker: draw the slide, an urgent message, or the fallback; its picture goes
    into the shared-memory block ``into`` when one was lent, else back as bytes."""
    started = time.perf_counter()
    try:
        if isinstance(slide, UrgentMessage):
            frame = render_message(slide, canvas)
        elif slide is not None:
            frame = prepare(slide, canvas)
        else:
            frame = fallback(canvas, status)
        return Ready.of(frame, (time.perf_counter() - started) * 1000, into)
    finally:
        # a decoded 24 MP photo passes through several large buffers: without this the
        # worker's footprint ratchets up with every photo
        trim_heap()


def _warm() -> None:
    """Import the renderers in the worker before the first real request (they are, with
    this module: nothing left to do but be called once)."""


class Preparer:
    """Runs slide preparation in a worker process and posts :class:`FrameReady` messages."""

    def __init__(self, post: Callable[[Any], None], supervisor: Supervisor | None = None) -> None:
        self._post = post
        self._pending: set[Any] = set()
        self._futures: dict[Any, Future[Ready]] = {}  # submitted, not yet done
        self._lock = threading.Lock()
        self._supervisor = supervisor or Supervisor()
        self._supervisor.register("prepare")
        self._pool = self._new_pool()
        self._held: list[tuple[Any, ...]] | None = None
        # asked, not yet given to the worker: the most urgent first (the frame on screen
        # redrawn, a clock at its minute, before slides drawn ahead), then in order; the
        # worker has two at a time, so that a clock is not queued behind a playlist
        self._waiting: list[tuple[int, int, tuple[Any, ...]]] = []
        self._order = itertools.count()
        self._in_flight = 0
        self.slowest_ms = 0.0
        self.worker_peak_mb = 0.0

    @staticmethod
    def _new_pool() -> ProcessPoolExecutor:
        # spawn, not fork: the parent holds a display and threads that a fork would copy.
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        pool.submit(_warm)
        return pool

    def _replace_pool(self, error: BaseException) -> None:
        """The worker died (killed, out of memory): report it and start a new one."""
        self._supervisor.failed("prepare", f"the preparation worker died ({error!r})")
        self._pool = self._new_pool()
        self._supervisor.restarted("prepare")

    def request(
        self,
        key: Any,
        slide: Slide | UrgentMessage | None,
        canvas: Canvas,
        status: str = "",
        into: str | None = None,
        urgent: bool = False,
    ) -> bool:
        """Ask for ``slide`` (None: the fallback slide) drawn on ``canvas``, into the
        shared-memory block ``into`` if given; False if already asked. ``urgent``: before
        whatever is waiting (the frame on screen, due again at its moment)."""
        with self._lock:
            if key in self._pending:
                return False
            self._pending.add(key)
        if self._held is not None:
            self._held.append((key, slide, canvas, status, into, urgent))
        else:
            self._enqueue((key, slide, canvas, status, into, urgent))
        return True

    def hold(self) -> None:
        """Keep requests until :meth:`release`: the render loop holds them while it draws a
        frame, so that the worker's next decoding does not start during a slide's first
        (largest) blit and compete with it for the memory bus."""
        if self._held is None:
            self._held = []

    def release(self) -> None:
        held, self._held = self._held or [], None
        for request in held:
            self._enqueue(request)

    def _enqueue(self, request: tuple[Any, ...]) -> None:
        with self._lock:
            heapq.heappush(self._waiting, (0 if request[-1] else 1, next(self._order), request))
        self._pump()

    def _pump(self) -> None:
        """Give the worker the most urgent request waiting, while it has fewer than
        ``IN_FLIGHT``."""
        with self._lock:
            if self._in_flight >= IN_FLIGHT or not self._waiting:
                return
            key, slide, canvas, status, into, _ = heapq.heappop(self._waiting)[2]
            self._in_flight += 1
            try:
                future = self._pool.submit(draw, slide, canvas, status, into)
            except (BrokenProcessPool, RuntimeError) as exc:
                self._replace_pool(exc)
                future = self._pool.submit(draw, slide, canvas, status, into)
            pool = self._pool
            self._futures[key] = future
        future.add_done_callback(lambda done: self._done(key, slide, done, pool))

    def _done(
        self,
        key: Any,
        slide: Slide | UrgentMessage | None,
        future: Future[Ready],
        pool: ProcessPoolExecutor,
    ) -> None:
        with self._lock:
            self._pending.discard(key)
            self._in_flight -= 1
            if self._futures.get(key) is future:
                del self._futures[key]
        self._pump()
        if future.cancelled():
            return
        error = future.exception()
        message: FrameReady
        if error is None:
            ready = future.result()
            self.slowest_ms = max(self.slowest_ms, ready.prepare_ms)
            self.worker_peak_mb = max(self.worker_peak_mb, ready.worker_peak_mb)
            message = FrameReady(key, ready)
        elif isinstance(error, SlideError):
            message = FrameReady(key, None, str(error))
        else:  # a renderer bug or a crashed worker must not take the player down
            where = getattr(slide, "origin", "fallback slide")
            log.error("preparing %s failed: %r", where, error)
            if isinstance(error, BrokenProcessPool):
                with self._lock:
                    if self._pool is pool:  # once per dead worker, not once per pending slide
                        self._replace_pool(error)
            message = FrameReady(key, None, f"{where}: internal error: {error!r}")
        self._post(message)

    def cancel(self, unwanted: Callable[[Any], bool]) -> list[Any]:
        """Drop the requests not started yet for which ``unwanted(key)`` holds (a slide
        skipped past before its turn: fifty "next" commands are one drawing, not fifty in
        a row while the screen waits for the last); returns their keys."""
        dropped = []
        if self._held is not None:
            keep = [r for r in self._held if not unwanted(r[0])]
            dropped = [r[0] for r in self._held if unwanted(r[0])]
            self._held[:] = keep
        with self._lock:
            waiting = [entry for entry in self._waiting if unwanted(entry[2][0])]
            if waiting:
                self._waiting = [e for e in self._waiting if not unwanted(e[2][0])]
                heapq.heapify(self._waiting)
            dropped += [entry[2][0] for entry in waiting]
            futures = [(k, f) for k, f in self._futures.items() if unwanted(k)]
        dropped += [key for key, future in futures if future.cancel()]
        with self._lock:
            self._pending.difference_update(dropped)
        return dropped

    def close(self) -> None:
        with self._lock:
            self._waiting.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)


# requests given to the worker at a time: the one it draws and the next, queued at it (as
# the pool queued them before; one alone leaves it idle between two, waiting for the
# player's reply, slow at a quarter of a core); the others wait here, most urgent first
IN_FLIGHT = 2
WORKER_NICE = 5  # drawing ahead yields the CPU to the render thread


def _start_worker(parent: int) -> None:
    """The preparation worker: gone with its parent, and behind the render thread for the
    CPU. Drawing is work done ahead (seconds before the frame is due); the render thread's
    wake-up is due now: screens in step all changed slide up to 30 ms late when their
    workers, redrawing the header's clock at the same minute, had the cores."""
    watch_parent(parent)
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)

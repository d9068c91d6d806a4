"""Videos playing in regions, on the render thread's side: a decoder process per video
(``signage.media.decoder``), its frames read from a shared-memory ring and put on screen
at their presentation times against the player's monotonic clock.

A frame that is late is dropped (counted), never waited for: the clock does not slow
down. The video's clock starts when its first frame is in the ring and the transition
into the slide has ended, so a transition starts on a real frame (the prepared first
frame) and the clip then plays from its start. The last frame shown stays in the slide's
frame, so the transition out starts from it.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import shared_memory
from pathlib import Path
from typing import Any

import pygame

from signage.draw.shm import SHM_DIR
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


class Videos:
    """The videos playing in a screen's regions: started when a video slide's frame is put
    on screen, advanced each pass, stopped when the region shows something else.

    A stream is started on a helper thread: its 50 MB ring mapped and its process spawned
    took 40 ms, more than a frame's budget, on the render thread."""

    def __init__(self, decoder: str = "auto") -> None:
        self.decoder = decoder  # hardware decoding: auto, software, or one by name
        # id(view) -> (view, the slide's frame, its stream being started or started)
        self.streams: dict[int, tuple[Any, Any, Future[VideoStream]]] = {}
        # the prepared frame's own surface while the slide's base shows the ring's slot
        self._bases: dict[int, pygame.Surface] = {}
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="video-start")
        self._workers: list[Worker] = []  # idle decoder processes, kept for the next clip
        self._closing: deque[Future[VideoStream]] = deque()  # stopped, to close (helper)
        # clips played to their end whose slide stays on (view, frame, clip), by region
        self._rested: dict[int, tuple[Any, Any, Clip]] = {}

    def warm(self, count: int = 1) -> None:
        """Start decoder processes now (before the first frame, or at a reload that brings
        videos), not when a clip comes on screen."""
        while len(self._workers) < count:
            self._workers.append(self._spawn())

    def _spawn(self) -> Worker:
        """A decoder process, once it has said what it found of the hardware (on the helper
        thread: it tries each hardware decoder on a tiny clip, a few hundred ms)."""
        worker = Worker(self.decoder)
        with contextlib.suppress(EOFError, OSError):
            worker.listen(timeout=HARDWARE_WAIT_S)
        return worker

    @property
    def hardware(self) -> dict[str, Any] | None:
        """What the decoder processes found of hardware decoding when they started."""
        return next((w.hardware for w in self._workers if w.hardware is not None), None)

    def warm_for(self, content: Any) -> None:
        """A decoder process ready before the content's first clip comes on screen."""
        if content is not None and any(s.type in ("video", "videos") for s in content.slides()):
            # on the helper thread: not a process started before the first frame
            self._later(self.warm)

    def _start(self, clip: Clip, size: tuple[int, int]) -> VideoStream:
        self._drain()
        worker = next((w for w in self._workers if not w.busy), None)
        if worker is None:
            worker = self._spawn()
            self._workers.append(worker)
        return VideoStream(clip, size, worker)

    def _reap(self) -> None:
        """Forget decoder processes that died (killed when they would not stop) and stop
        idle ones beyond one spare (a burst of steps through a video slide once left
        dozens, 3 GB, for the player's life: the 60-minute chaos soak)."""
        for worker in [w for w in self._workers if not w.alive]:
            worker.close(kill=True)
            self._workers.remove(worker)
        idle = [w for w in self._workers if not w.busy]
        for worker in idle[1:]:
            worker.close()
            self._workers.remove(worker)

    def _stop(self, key: int) -> None:
        """Stop a video; its slide's frame keeps the last picture shown (a copy out of the
        ring, made once), so a transition out starts from it."""
        _, shown, future = self.streams.pop(key)
        base = self._bases.pop(key, None)
        if base is not None:
            base.blit(shown.base, (0, 0))
            shown.base = base
        if future.cancel():
            return  # never started: a burst of steps passed over it
        # stopped on the helper thread: waiting for the decoder to let go of its ring (up
        # to a frame's decoding) must not hold the render thread
        self._closing.append(future)
        future.add_done_callback(lambda _: self._later(self._drain))

    def shown(self, view: Any, shown: Any, playing: Any, root: Path) -> None:
        """A region has a new frame: its video (if the slide plays one) replaces the old."""
        self._rested.pop(id(view), None)
        if id(view) in self.streams:
            self._stop(id(view))
        slide = playing.slide if playing is not None else None
        if shown.video is None or slide is None or slide.type not in ("video", "videos"):
            return
        info = shown.video
        clip = Clip(
            root / slide.file, slide.fit, slide.start_s, slide.end_s, slide.duration_s,
            info.get("codec", ""), info.get("width", 0), info.get("height", 0),
            info.get("fps", 0.0), slide.length_s, not slide.muted and bool(info.get("audio")),
        )  # fmt: skip
        future = self._starter.submit(self._start, clip, view.rect.size)
        self.streams[id(view)] = (view, shown, future)

    def _drain(self) -> None:
        """Close the streams stopped since (on the helper thread, before any start: a clip
        started while the one before was still stopping took a process of its own), then
        the processes no longer needed."""
        for _ in range(len(self._closing)):
            future = self._closing.popleft()
            if not future.done():
                self._closing.append(future)  # still starting: closed once started
            elif future.exception() is None:
                future.result().close()
        self._reap()

    def _later(self, task: Any, *args: Any) -> None:
        try:
            self._starter.submit(task, *args)
        except RuntimeError:  # shutting down: here and now
            task(*args)

    @property
    def playing(self) -> bool:
        return bool(self.streams)

    def started(self) -> list[tuple[Any, VideoStream]]:
        """(view, stream) of the videos whose decoder runs."""
        return [
            (view, future.result())
            for view, _, future in list(self.streams.values())
            if future.done() and future.exception() is None
        ]

    def frames_shown(self) -> int:
        """Video frames put on screen so far, every region's (grows while clips play)."""
        return sum(stream.shown for _, stream in self.started())

    def advance(self, now: float, views: list[Any]) -> None:
        """Each video's frame due at ``now`` into its slide's frame; regions that got one
        are marked for drawing. Videos of regions that are gone are stopped."""
        for key in list(self._rested):
            self._again(key)
        for key, (view, was, future) in list(self.streams.items()):
            current = view.timeline.current
            shown = was
            if view in views and current is not was and _redrawn(current, was):
                shown = self._follow(key, was, current)
            if view not in views or current is not shown:
                self._stop(key)
                continue
            if not future.done():
                continue  # starting: the prepared first frame stays
            if future.exception() is not None:  # no shared memory, no process
                log.error("cannot start the video decoder: %s", future.exception())
                del self.streams[key]
                continue
            if view.compositor.transition is not None:
                continue  # the clip starts once the transition into it has ended
            stream = future.result()
            if stream.finished and not stream.cut_short:
                self._held_on(key, view, shown, stream)
                continue
            frame = stream.advance(now)
            if stream.cut_short:  # a damaged file: played up to the damage, move on
                log.warning(
                    "%s: the video ends early (damaged?) at %.1f s",
                    stream.clip.path.name,
                    stream.position_s,
                )
                self._stop(key)
                view.timeline.step(1)
                continue
            if frame is not None:
                # the slide's picture is the ring's slot itself: no copy per frame
                self._bases.setdefault(key, shown.base)
                shown.base = frame
                view.dirty = True

    def _follow(self, key: int, old: Any, new: Any) -> Any:
        """The slide's frame was redrawn (a second copy prepared while it was awaited, a
        programme or header change): the clip goes on in the new frame instead of stopping
        on the first one (the clip after an unreadable first clip never played: its frame
        arrived twice, the second replaced the first, and the stream went with it)."""
        view, _, future = self.streams[key]
        base = self._bases.pop(key, None)
        if base is not None:
            old.base = base  # the old frame gets its own picture back
        self.streams[key] = (view, new, future)
        return new

    def _held_on(self, key: int, view: Any, shown: Any, stream: VideoStream) -> None:
        """The clip has played to its end and its slide is still on: held past it (a
        synced slot whose next slide cannot play keeps this one). It plays again while a
        second or more is left, so the held slot is not a frozen picture; else it rests
        on its last frame and the loop stops drawing for it (it spun at 60 fps on it)."""
        self._stop(key)
        self._rested[key] = (view, shown, stream.clip)
        self._again(key)

    def _again(self, key: int) -> None:
        """A rested clip plays again when its slide has a second or more left (its slot
        was held after the clip ended); a slide gone, it is forgotten."""
        view, shown, clip = self._rested[key]
        if view.timeline.current is not shown:
            del self._rested[key]
            return
        playing = view.timeline.playing
        left = (playing.ends - view.timeline.clock.now()).total_seconds() if playing else 0.0
        if left > 1.0:
            del self._rested[key]
            future = self._starter.submit(self._start, clip, view.rect.size)
            self.streams[key] = (view, shown, future)

    def due_in(self, now: float) -> float | None:
        dues = [d for _, stream in self.started() if (d := stream.due_in(now)) is not None]
        if len(dues) < len(self.streams):
            dues.append(0.005)  # one is starting: look again soon
        return min(dues) if dues else None

    def status(self, data: dict[str, Any]) -> None:
        """``/status``: each region's (and the main slide's) ``video`` figures, read live."""
        regions = list(data.get("regions") or [])
        for view, stream in self.started():
            figures = stream.status()
            for index, region in enumerate(regions):
                if region.get("name") == view.name:
                    regions[index] = {**region, "slide": {**region["slide"], "video": figures}}
                    if len(regions) == 1 or region.get("name") == "main":
                        data["slide"] = {**data.get("slide", {}), "video": figures}
        data["regions"] = regions
        if self._workers:
            data["video_decoder"] = self.hardware or {"decoder": "detecting", "tried": {}}

    def close(self) -> None:
        for key in list(self.streams):
            self._stop(key)
        self._starter.shutdown(wait=True)
        for worker in self._workers:
            worker.close()
        self._workers.clear()


def _redrawn(current: Any, shown: Any) -> bool:
    """``current`` is the same slide's frame as ``shown``, drawn again."""
    return current is not None and current.key == shown.key and current.video is not None

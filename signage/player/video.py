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
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pygame

from signage.player.stream import HARDWARE_WAIT_S, Clip, VideoStream, Worker

log = logging.getLogger(__name__)


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
        if content is not None and any(s.type == "video" for s in content.slides()):
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
        if shown.video is None or slide is None or slide.type != "video":
            return
        info = shown.video
        clip = Clip(
            root / slide.file, info.get("fit", slide.fit), slide.start_s, slide.end_s, slide.duration_s,
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

    def figures(self) -> dict[str, dict[str, Any]]:
        """``/status``: the figures of each clip playing, by its region's name."""
        return {view.name: stream.status() for view, stream in self.started()}

    def decoder_status(self) -> dict[str, Any] | None:
        """``/status.video_decoder`` once a decoder process was started (None before)."""
        if not self._workers:
            return None
        return self.hardware or {"decoder": "detecting", "tried": {}}

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

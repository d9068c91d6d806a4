"""Frame timing: how long each frame's work took, against the 60 Hz budget."""

from __future__ import annotations

import threading
import time
from collections import deque

FRAME_BUDGET_MS = 1000 / 60


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class FrameStats:
    """Work time per drawn frame (not the sleep between frames). Read from any thread."""

    def __init__(self, window: int = 5000) -> None:
        self._times: deque[float] = deque(maxlen=window)
        self._stamps: deque[float] = deque(maxlen=240)
        self._lock = threading.Lock()
        self.frames = 0
        self.over_budget = 0
        self.max_ms = 0.0
        self.longest_pass_ms = 0.0  # any pass, drawn or not: a pass that drew nothing
        # (messages, the sequencer) still held the screen

    def record(self, work_ms: float) -> None:
        with self._lock:
            self._times.append(work_ms)
            self._stamps.append(time.monotonic())
            self.frames += 1
            self.max_ms = max(self.max_ms, work_ms)
            if work_ms > FRAME_BUDGET_MS:
                self.over_budget += 1

    def passed(self, work_ms: float) -> None:
        """A pass of the loop took ``work_ms``, whether it drew a frame or not."""
        self.longest_pass_ms = max(self.longest_pass_ms, work_ms)

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            times = list(self._times)
            stamps = list(self._stamps)
        now = time.monotonic()
        recent = [s for s in stamps if now - s <= 1.0]
        return {
            "fps": float(len(recent)),
            "frames": float(self.frames),
            "frame_ms_p50": round(percentile(times, 0.5), 3),
            "frame_ms_p99": round(percentile(times, 0.99), 3),
            "frame_ms_max": round(self.max_ms, 3),
            "pass_ms_max": round(self.longest_pass_ms, 3),
            "frames_over_budget": float(self.over_budget),
        }

"""A ring of video frames in one shared-memory block: the decoder writes, the render
thread reads, nothing is copied in between.

Layout: a control header, then one small header per slot, then the slots' pixels (the
region's size, display order ``BGRA``). The decoder writes a frame's pixels, then its
presentation time, then its sequence number (last, so a reader never sees a number over
half-written pixels); it stays at most ``slots - 1`` frames ahead of the last frame the
reader took, so a slot on screen is never overwritten.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# taken, stop, done, skipped, decode_fps, reader's time, the clock's origin (monotonic),
# the decoder in use and the sound's state (indexes into DECODERS and SOUND)
CONTROL = struct.Struct("<QQQQdddQQ")
SLOT = struct.Struct("<Qd")  # sequence number (0: empty), presentation time (s)
CONTROL_SIZE = 128
# what the decoder writes into the ring for /status: 0 is "not said yet"
DECODERS = ("", "software", "v4l2m2m", "vaapi", "drm", "qsv", "cuda", "videotoolbox", "d3d11va")
SOUND = ("", "muted", "none", "playing", "no device")
SLOT_HEADER = 16


@dataclass(frozen=True)
class Layout:
    size: tuple[int, int]
    slots: int

    @property
    def frame_bytes(self) -> int:
        return self.size[0] * self.size[1] * 4

    @property
    def total(self) -> int:
        return CONTROL_SIZE + self.slots * SLOT_HEADER + self.slots * self.frame_bytes

    def pixels(self, seq: int) -> int:
        """Offset of the pixels of frame ``seq``."""
        return CONTROL_SIZE + self.slots * SLOT_HEADER + (seq % self.slots) * self.frame_bytes

    def header(self, seq: int) -> int:
        return CONTROL_SIZE + (seq % self.slots) * SLOT_HEADER


class Ring:
    """Either side's view of the block (``buffer``: a writable memoryview or mmap)."""

    def __init__(self, buffer: memoryview, layout: Layout) -> None:
        self.buffer = buffer
        self.layout = layout

    # -- control ---------------------------------------------------------------------

    def _control(self) -> tuple[int, int, int, int, float, float, float, int, int]:
        return CONTROL.unpack_from(self.buffer, 0)

    def _set(self, index: int, value: int | float) -> None:
        fmt = "<d" if 4 <= index <= 6 else "<Q"
        struct.pack_into(fmt, self.buffer, index * 8, value)

    @property
    def taken(self) -> int:
        return self._control()[0]

    def take(self, seq: int) -> None:
        """Reader: frame ``seq`` is on screen; older slots may be written again."""
        self._set(0, seq)

    def stopping(self) -> bool:
        return bool(self._control()[1])

    def stop(self) -> None:
        self._set(1, 1)

    @property
    def done(self) -> int:
        """Once the decoder has finished: the number after its last frame (0 before)."""
        return self._control()[2]

    def finish(self, last: int) -> None:
        self._set(2, last + 1)

    @property
    def skipped(self) -> int:
        """Frames the decoder did not scale because the reader was already past them."""
        return self._control()[3]

    def skip(self, count: int) -> None:
        self._set(3, count)

    @property
    def reader_s(self) -> float:
        """Where the reader's clock is in the clip (its presentation time), seconds."""
        return self._control()[5]

    def tell(self, t: float) -> None:
        self._set(5, t)

    @property
    def origin(self) -> float | None:
        """The reader's ``time.monotonic()`` at the clip's time 0 (None: not playing yet).
        CLOCK_MONOTONIC is the same in every process, so the sound follows the picture's
        clock exactly instead of the last time the reader wrote."""
        return self._control()[6] or None

    def start(self, origin: float) -> None:
        self._set(6, origin)

    @property
    def decoder(self) -> str:
        return DECODERS[self._control()[7]]

    def say_decoder(self, name: str) -> None:
        self._set(7, DECODERS.index(name))

    @property
    def sound(self) -> str:
        return SOUND[self._control()[8]]

    def say_sound(self, state: str) -> None:
        self._set(8, SOUND.index(state))

    @property
    def decode_fps(self) -> float:
        return self._control()[4]

    def count(self, fps: float) -> None:
        self._set(4, fps)

    # -- frames ----------------------------------------------------------------------

    def frame(self, seq: int) -> float | None:
        """The presentation time of frame ``seq`` if it is in the ring, else None."""
        number, pts = SLOT.unpack_from(self.buffer, self.layout.header(seq))
        return pts if number == seq else None

    def pixels(self, seq: int) -> memoryview:
        start = self.layout.pixels(seq)
        return self.buffer[start : start + self.layout.frame_bytes]

    def publish(self, seq: int, pts: float) -> None:
        """Writer: the pixels of ``seq`` are written; make them visible."""
        offset = self.layout.header(seq)
        struct.pack_into("<d", self.buffer, offset + 8, pts)
        struct.pack_into("<Q", self.buffer, offset, seq)

    def room_for(self, seq: int) -> bool:
        """Writer: whether frame ``seq`` may be written without touching one being shown."""
        return seq - self.taken < self.layout.slots

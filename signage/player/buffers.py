"""Frames in shared memory: the worker writes, the render thread wraps, nobody copies.

A region's :class:`FrameBuffers` owns a few blocks of ``multiprocessing.shared_memory``
sized for the region (and for a panning photo's larger picture). A request lends one
block to the worker, which writes the finished frame into it in the display's pixel
order (``BGRA``: what SDL's XRGB8888/ARGB8888 surfaces hold in memory on little-endian
machines). The render thread wraps the block as a surface with ``frombuffer``: no bytes
are copied and nothing is allocated per slide. Blocks are touched once when created, so
their pages are mapped before the first slide: no page faults on the render thread later.
"""

from __future__ import annotations

import contextlib
import logging
import math
import mmap
import os
from multiprocessing import shared_memory

import pygame

from signage.core.paths import SHM_DIR

log = logging.getLogger(__name__)

PAN_MARGIN = 1.13  # a panning photo is prepared 12 % larger (slides.photo.PAN_SCALE)
MAX_BLOCKS = 8  # per region: on screen, next, a redrawn clock, a transition's outgoing, spares


def capacity_for(size: tuple[int, int]) -> int:
    width, height = size
    return math.ceil(width * PAN_MARGIN + 2) * math.ceil(height * PAN_MARGIN + 2) * 4


class FrameBuffers:
    """The shared-memory blocks of one region, lent to the worker one request at a time."""

    def __init__(self, size: tuple[int, int], count: int = 3) -> None:
        self.size = size
        self.count = count  # kept; more are made for a burst and given back after it
        self.capacity = capacity_for(size)
        self._blocks: dict[str, shared_memory.SharedMemory] = {}
        # The mapping surfaces wrap: a plain mmap of the block's file, which (unlike
        # SharedMemory's own) may be left to the garbage collector while surfaces export it.
        self._maps: dict[str, mmap.mmap] = {}
        for _ in range(count):
            self._new()

    def _new(self) -> str:
        # SharedMemory registers the block with multiprocessing's resource tracker, which
        # unlinks it if the player is killed before it can (33 MB of RAM per 4K block).
        block = shared_memory.SharedMemory(create=True, size=self.capacity)
        block.close()
        fd = os.open(SHM_DIR / block.name, os.O_RDWR)
        # Every page mapped now, not mid-slide. MAP_POPULATE has the kernel do it inside
        # mmap() (35 ms for a 4K block, the GIL released) instead of writing a 42 MB
        # buffer of zeros through it (53 ms, and the buffer counted in the peak memory).
        populate = getattr(mmap, "MAP_POPULATE", 0)
        try:
            mapped = mmap.mmap(fd, self.capacity, flags=mmap.MAP_SHARED | populate)
        finally:
            os.close(fd)
        if not populate:
            mapped.write(bytes(self.capacity))
        self._blocks[block.name] = block
        self._maps[block.name] = mapped
        return block.name

    def lend(self, held: set[str]) -> str | None:
        """A block no frame holds (None when the region already has its maximum)."""
        for name in self._blocks:
            if name not in held:
                return name
        if len(self._blocks) >= MAX_BLOCKS:
            return None
        log.info("frame buffers for %dx%d: one more block (%d)", *self.size, len(self._blocks) + 1)
        return self._new()

    def trim(self, keep: set[str]) -> None:
        """Blocks beyond the first ``count`` that no frame holds, given back (a burst of
        steps made the region's blocks 8: 40 MB more at 1080p, kept for the player's life).
        A block a surface still wraps stays until the next time."""
        spare = [name for name in self._blocks if name not in keep]
        while len(self._blocks) > self.count and spare:
            name = spare.pop()
            try:
                self._maps[name].close()
            except BufferError:
                continue  # a surface over it is still alive somewhere
            del self._maps[name]
            with contextlib.suppress(FileNotFoundError):
                self._blocks.pop(name).unlink()
            log.info("frame buffers for %dx%d: back to %d blocks", *self.size, len(self._blocks))

    def surface(self, name: str, size: tuple[int, int]) -> pygame.Surface | None:
        """The block as an opaque display-order surface, without copying (None if not ours)."""
        mapped = self._maps.get(name)
        length = size[0] * size[1] * 4
        if mapped is None or length > self.capacity:
            return None
        surface = pygame.image.frombuffer(memoryview(mapped)[:length], size, "BGRA")
        # Written opaque: blit it as a plain copy (no per-pixel blending) unless a fade
        # sets an alpha on it.
        surface.set_alpha(None)
        return surface

    @property
    def names(self) -> list[str]:
        return list(self._blocks)

    def close(self) -> None:
        for block in self._blocks.values():
            with contextlib.suppress(FileNotFoundError):
                block.unlink()  # the memory goes when the last surface over it does
        self._blocks.clear()
        self._maps.clear()

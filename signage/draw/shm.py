"""The worker's side of the shared-memory frames (``signage.player.buffers``): writing a
finished picture into a block lent by the render thread, in the display's pixel order."""

from __future__ import annotations

import mmap
import os

from PIL import Image

from signage.core.paths import SHM_DIR

PIXEL_ORDER = "BGRA"  # byte order of a 32-bit display surface (XRGB8888) on little-endian


def write(name: str, image: Image.Image) -> bool:
    """In the worker: the image into the block, in the display's pixel order. False when the
    block is gone (the player closed the region) or too small."""
    data = image.convert("RGBA").tobytes("raw", PIXEL_ORDER)
    try:
        # Opened as a file, not through SharedMemory: that would register the block with
        # multiprocessing's resource tracker from the worker too, and the first of the two
        # processes to exit would unlink it under the other.
        fd = os.open(SHM_DIR / name, os.O_RDWR)
    except OSError:
        return False
    try:
        if os.fstat(fd).st_size < len(data):
            return False
        with mmap.mmap(fd, len(data)) as mapped:
            mapped[: len(data)] = data
    finally:
        os.close(fd)
    return True

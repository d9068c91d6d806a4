"""A timeline's requests to the drawing worker, and what they come back as.

It asks the worker for a slide's frame drawn for a moment, lends the shared-memory block
the frame is written into (see ``buffers.py``), drops requests no longer wanted before the
worker starts them (a slide stepped past, an older moment of the same slide), and turns
what comes back into surfaces: the block wrapped, or pixels into a pooled surface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pygame

from signage.player.buffers import FrameBuffers
from signage.player.compositor import Shown
from signage.player.preparer import Pixels, Preparer, Ready

Request = tuple[Any, Any, str]  # (frame key, the moment drawn for, region)


def to_surface(pixels: Pixels, into: pygame.Surface | None = None) -> pygame.Surface:
    """A display-format surface of the pixels; blitted into ``into`` when given (no allocation)."""
    surface = pygame.image.frombuffer(pixels.data, pixels.size, pixels.mode)  # type: ignore[arg-type]
    if into is not None:
        into.blit(surface, (0, 0))
        return into
    return surface.convert_alpha() if pixels.mode == "RGBA" else surface.convert()


POOL_KEPT = 2  # spare area-size surfaces kept (8 MB each at 1080p); a burst's go back


class FrameRequests:
    """One region's requests to the worker and the blocks lent to them."""

    def __init__(
        self,
        preparer: Preparer,
        name: str,
        size: tuple[int, int],
        buffers: FrameBuffers | None,
        held: Callable[[], set[str]],
    ) -> None:
        self.preparer = preparer
        self.name = name
        self.size = size
        # Frames are written by the worker into these shared-memory blocks and shown
        # from there (no copy, no allocation per slide; see buffers.py).
        self.buffers = buffers
        self.held = held  # blocks others still show (a transition's outgoing frame)
        self._lent: dict[Any, str] = {}  # request -> block the worker is writing
        self._asked: set[Request] = set()  # asked of the worker, not back yet
        self._outdated: set[Request] = set()  # asked before the data they draw changed
        # Area-size surfaces for frames that came back as bytes, reused: allocating 8 MB
        # per slide cost 3 to 7 ms of page faults on the render thread.
        self._pool: list[pygame.Surface] = []

    def ask(
        self,
        request: Request,
        slide: Any,
        canvas: Any,
        status: str,
        shown: Iterable[Shown | None],
        urgent: bool = False,
    ) -> None:
        """Ask for ``request``'s frame, into a block no frame in ``shown`` holds (``urgent``:
        before the frames drawn ahead, see :meth:`Preparer.request`)."""
        into = None
        if self.buffers is not None and request not in self._lent:
            shown = list(shown)
            used = {s.block for s in shown if s is not None and s.block is not None}
            keep = used | set(self._lent.values()) | self.held()
            if not self._lent:  # nothing being drawn: what a burst added goes back
                self.buffers.trim(keep)
                held = {id(s.base) for s in shown if s is not None}
                spare = {id(f) for f in self._pool if id(f) not in held}
                extra = [i for i in (id(f) for f in self._pool) if i in spare][POOL_KEPT:]
                self._pool = [f for f in self._pool if id(f) not in extra]
            into = self.buffers.lend(keep)
        self._asked.add(request)
        if self.preparer.request(request, slide, canvas, status, into, urgent) and into:
            self._lent[request] = into

    def drop(self, unwanted: Callable[[Request], bool]) -> list[Request]:
        """This region's requests not started yet for which ``unwanted`` holds, dropped;
        their blocks may be lent again."""
        dropped = self.preparer.cancel(lambda r: len(r) == 3 and r[2] == self.name and unwanted(r))
        for request in dropped:
            self._lent.pop(request, None)
            self._asked.discard(request)
        return dropped

    def outdate(self) -> None:
        """The data the frames are drawn from changed (a programme): the ones being drawn
        will come back drawn from the old, and are not to be shown."""
        self._outdated |= self._asked

    def returned(self, request: Request) -> bool:
        """The worker is done with ``request`` (drawn or failed): its block is free. False
        when it was drawn from data that has changed since (``outdate``)."""
        self._lent.pop(request, None)
        self._asked.discard(request)
        fresh = request not in self._outdated
        self._outdated.discard(request)
        return fresh

    def shown(
        self, key: Any, stamp: Any, ready: Ready, held: Iterable[Shown | None]
    ) -> Shown | None:
        """The frame that came back, as surfaces (None: its block went with its layout)."""
        base = self.base(ready.base, held)
        if base is None:
            return None
        return Shown(
            key,
            base,
            to_surface(ready.overlay) if ready.overlay else None,
            to_surface(ready.ticker) if ready.ticker else None,
            ready.pan,
            ready.valid_until,
            stamp,
            ready.notes,
            ready.base.block,
            ready.words,
            ready.video,
            ready.reading_s,
        )

    def base(self, pixels: Pixels, shown: Iterable[Shown | None]) -> pygame.Surface | None:
        """The frame's picture: its block wrapped (None: a block of a layout that is gone),
        or its pixels in a pooled surface no frame in ``shown`` holds."""
        if pixels.block is not None:
            return self.buffers.surface(pixels.block, pixels.size) if self.buffers else None
        return to_surface(pixels, self._free_surface(pixels, shown))

    def _free_surface(self, pixels: Pixels, shown: Iterable[Shown | None]) -> pygame.Surface | None:
        """A pooled area-size surface that no frame holds, for opaque full-area pixels."""
        if pixels.mode != "RGB" or pixels.size != self.size:
            return None
        held = {id(s.base) for s in shown if s is not None}
        for surface in self._pool:
            if id(surface) not in held:
                return surface
        surface = pygame.Surface(self.size).convert()
        self._pool.append(surface)
        return surface

"""Painting the screen: the regions that changed or move (and those over them), then the
layers above them (the urgent message, the technician's overlay), and which rectangles
of the screen to present."""

from __future__ import annotations

from collections.abc import Callable

import pygame

from signage.player.regions import Regions
from signage.player.urgent_layer import UrgentLayer


class Painter:
    """Draws the regions and the layers above them on the screen's surface."""

    def __init__(self, surface: pygame.Surface, regions: Regions, urgent: UrgentLayer) -> None:
        self.surface = surface
        self.regions = regions
        self.urgent = urgent

    def animating(self) -> bool:
        """Whether frames must be drawn continuously (a transition, a pan, a ticker)."""
        if self.urgent.covers_screen:
            return False
        return any(view.animating() for view in self.regions.views)

    def draw(
        self,
        whole: bool,
        background: tuple[int, int, int],
        overlay: Callable[[pygame.Surface], None] | None,
    ) -> list[pygame.Rect] | None:
        """Draw what changed (everything when ``whole``); the rectangles to present, None
        for the whole screen."""
        surface = self.surface
        whole = whole or overlay is not None
        if self.urgent.covers_screen:
            self.urgent.draw(surface, 0)
            return None
        rects: list[pygame.Rect] = []
        partial = False  # a region is half drawn: present the others only
        again: set[int] = set()  # regions to draw whole: one under them was drawn
        banner = self.urgent.shown is not None and self.urgent.frame is not None
        for view in self.regions.views:
            if not (whole or view.dirty or view.animating() or id(view) in again):
                continue
            # a fade or slide goes on from what the region holds, unless a layer drew over it
            clean = overlay is None and not banner
            rect = view.draw(background, clean=clean, whole=id(view) in again)
            view.dirty = False
            if rect is None:
                partial = True
                continue
            rects.append(rect)
            again.update(id(v) for v in self.regions.above(view) if v.rect.colliderect(rect))
        if rects and (whole or banner):
            self.urgent.draw(surface, self._footer())
        if overlay is not None:
            overlay(surface)
        if (whole or banner) and not partial:
            return None
        return rects

    def _footer(self) -> int:
        """The height of the theme's ticker in a screen without layout (a banner sits above it)."""
        main = self.regions.main
        shown = main.timeline.current
        if main.region is not None or shown is None or shown.ticker is None:
            return 0
        return shown.ticker.get_height()

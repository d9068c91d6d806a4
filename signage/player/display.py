"""The window or fullscreen display. Only the render thread creates or touches it."""

from __future__ import annotations

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

HEADLESS_DRIVERS = ("offscreen", "dummy")


class NoDisplayError(Exception):
    """No screen to draw on; the message tells a person what to do instead."""


class Display:
    """A pygame display of ``physical`` size; slides are drawn on a ``logical`` surface.

    With ``rotate`` 90 or 270 the logical surface is portrait and is turned when
    presented, so portrait screens mounted on their side show upright content.
    """

    def __init__(
        self,
        size: tuple[int, int] | None,
        fullscreen: bool,
        rotate: int = 0,
        title: str = "signage",
    ) -> None:
        explicit = os.environ.get("SDL_VIDEODRIVER", "")
        try:
            pygame.display.init()
        except pygame.error as exc:
            raise NoDisplayError(_no_display(str(exc))) from exc
        driver = pygame.display.get_driver()
        if driver in HEADLESS_DRIVERS and driver not in explicit:
            pygame.display.quit()
            raise NoDisplayError(_no_display(f"SDL fell back to the '{driver}' driver"))
        pygame.display.set_caption(title)
        pygame.display.set_allow_screensaver(False)  # no blanking while we play
        if size is None:
            desktop = pygame.display.get_desktop_sizes()
            size = desktop[0] if desktop and fullscreen else (1280, 720)
        flags = pygame.FULLSCREEN if fullscreen else 0
        try:
            self.window = pygame.display.set_mode(size, flags)
        except pygame.error as exc:
            pygame.display.quit()
            raise NoDisplayError(_no_display(str(exc))) from exc
        if fullscreen:
            pygame.mouse.set_visible(False)
        self.rotate = rotate % 360
        width, height = self.window.get_size()
        self.logical_size = (height, width) if self.rotate in (90, 270) else (width, height)
        self.surface = (
            self.window if self.rotate == 0 else pygame.Surface(self.logical_size).convert()
        )
        self.driver = driver
        # Touch every page of the screen's surface now (not presented): the first full
        # frame would otherwise pay for them, 60 ms at 4K.
        self.surface.fill((0, 0, 0))

    def present(self, rects: list[pygame.Rect] | None = None) -> None:
        """Show the logical surface (only ``rects`` of it when given and not rotated;
        nothing for an empty list)."""
        if rects is not None and not rects:
            return
        if self.rotate:
            turned = pygame.transform.rotate(self.surface, -self.rotate)
            self.window.blit(turned, (0, 0))
            pygame.display.flip()
        elif rects:
            pygame.display.update(rects)
        else:
            pygame.display.flip()

    def close(self) -> None:
        pygame.display.quit()


def _no_display(reason: str) -> str:
    return (
        f"no display to play on ({reason}). Run it on the screen's desktop or console, "
        "or under an X server (xvfb-run signage play); add --windowed for a window; "
        "preview without a screen with `signage render --out DIR`, or run offscreen with "
        "SDL_VIDEODRIVER=offscreen signage play (watch it at /screenshot.png)"
    )

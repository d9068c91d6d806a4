"""The compositor on its own: frames drawn into a region's target, headless."""

from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

import pygame

from signage.player.compositor import Compositor, Shown
from signage.player.regions import RegionView

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")


def test_a_large_cut_with_a_ticker_is_drawn_whole() -> None:
    """A cut larger than a megapixel is drawn in two passes; a ticker scrolling over it must
    not make the region redraw only its strip after the first pass (found on a portrait
    door screen under Xvfb: everything below mid-height stayed empty)."""
    size = (1080, 1920)
    target = pygame.Surface(size)
    base = pygame.Surface(size)
    base.fill((200, 0, 0))
    ticker = pygame.Surface((2400, 100), pygame.SRCALPHA)
    ticker.fill((0, 0, 255, 255))
    shown = Shown(("v", None), base, None, ticker, False, None, dt.datetime.now(dt.UTC))
    compositor = Compositor(size)
    compositor.begin("cut", 0.0, False, None, None)
    timeline = SimpleNamespace(current=shown, playing=None)
    view = RegionView("main", pygame.Rect((0, 0), size), 0, timeline, compositor, target, None)  # type: ignore[arg-type]
    presented = []
    for _ in range(3):
        presented.append(view.draw((0, 0, 0), clean=True, whole=False))
        view.dirty = False
    assert presented[0] is None  # half drawn: not presented yet
    assert presented[1] == pygame.Rect((0, 0), size)  # then the whole region
    assert target.get_at((540, 400))[:3] == (200, 0, 0)
    assert target.get_at((540, 1500))[:3] == (200, 0, 0)  # the second half too
    assert target.get_at((540, 1900))[:3] == (0, 0, 255)  # and the ticker over it

"""The screen as regions: which layout applies, and one timeline and compositor per region.

With no layout, the screen is one region, ``main``, playing the screen's playlists with
the theme's header and ticker drawn into its slides (the frame every existing playlist
was made for). With a layout (theme.yaml's, or the active playlist's), each region plays
its own playlist or widget in its own rectangle, drawn without the theme's header and
ticker (those are regions of their own when wanted). Runs on the render thread only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame

from signage.content.layout import region_content
from signage.content.model import Content, Layout, Region
from signage.content.sequencer import layout_for, next_boundary
from signage.draw.canvas import Area, Screen
from signage.live.model import Feed
from signage.player.buffers import FrameBuffers
from signage.player.compositor import Compositor, Shown
from signage.player.preparer import Preparer
from signage.player.timeline import Timeline
from signage.programme.store import Parsed

log = logging.getLogger(__name__)

MAIN = "main"
LAYOUT_RECHECK = dt.timedelta(minutes=5)


@dataclass(eq=False)
class RegionView:
    """One region on screen: its rectangle, its timeline, its compositor, its target."""

    name: str
    rect: pygame.Rect
    z: int
    timeline: Timeline
    compositor: Compositor
    target: pygame.Surface
    buffers: FrameBuffers
    region: Region | None = None
    dirty: bool = True
    drawn: bool = False  # the target holds this region's last frame

    @property
    def widget(self) -> str | None:
        return self.region.widget if self.region is not None else None

    def animating(self) -> bool:
        return self.compositor.animating(self.timeline.current)

    def draw(
        self, background: tuple[int, int, int], clean: bool, whole: bool
    ) -> pygame.Rect | None:
        """Draw what changed; the screen rectangle to present (the ticker's strip alone
        when only it moves and nothing asked for the whole region; None while a large
        cut is half drawn)."""
        shown = self.timeline.current
        if shown is None:
            self.target.fill(background)
            self.drawn = False
            return self.rect
        strip = self.compositor.ticker_rect(shown)
        if not (whole or self.dirty) and strip is not None and self.drawn:
            self.compositor.draw_ticker(self.target, shown)
            return strip.move(self.rect.topleft)
        complete = self.compositor.draw(
            self.target, shown, self.timeline.playing, clean and self.drawn
        )
        self.drawn = True
        return self.rect if complete else None


class Regions:
    """The screen's region views for the layout in force; rebuilt when the layout changes."""

    def __init__(
        self,
        surface: pygame.Surface,
        clock: Any,
        screen: Screen,
        preparer: Preparer,
        cache_dir: Path | None,
        content_errors: Callable[[], list[str]],
        on_show: Callable[[RegionView, Shown | None, Shown, bool], None],
        on_change: Callable[[RegionView, bool], None],
    ) -> None:
        self.surface = surface
        self.size = surface.get_size()
        self.clock = clock
        self.screen = screen
        self.preparer = preparer
        self.cache_dir = cache_dir
        self.content_errors = content_errors
        self.on_show = on_show
        self.on_change = on_change
        # the fleet's room states, (folded room, state, note): every timeline draws with them
        self.room_states: tuple[tuple[str, str, str], ...] = ()
        # the programmes as the fetcher parsed them (the player's; none in a preview)
        self.programmes: Callable[[], tuple[Parsed, ...]] = tuple
        # the live sources' last good data (news feeds), as the live hub parsed it
        self.live: Callable[[], tuple[Feed, ...]] = tuple
        self.layout: Layout | None = None
        self.views: list[RegionView] = []
        self.recheck_at: dt.datetime | None = None

    # -- building ------------------------------------------------------------------------

    def _view(self, region: Region | None, content: Content | None) -> RegionView:
        if region is None:
            rect = pygame.Rect((0, 0), self.size)
            target = self.surface
        else:
            rect = pygame.Rect(region.rect(self.size))
            target = self.surface.subsurface(rect)
        # on screen, the next slide, its outgoing frame in a transition, one being written;
        # a widget has no transitions and no next slide
        widget = region is not None and region.widget is not None
        buffers = FrameBuffers(rect.size, 3 if widget else 4)
        holder: list[RegionView] = []
        timeline = Timeline(
            self.clock, self.screen, rect.size, self.preparer,
            region_content(content, region) if content is not None else None, self.cache_dir,
            content_errors=self.content_errors,
            on_show=lambda previous, shown, animate: self.on_show(holder[0], previous, shown, animate),
            on_change=lambda redraw: self.on_change(holder[0], redraw),
            name=region.name if region is not None else MAIN,
            rooms=lambda: self.room_states,
            programmes=self.programmes,
            live=self.live,
            only=region.playlist if region is not None else None,
            buffers=buffers,
            held=lambda: holder[0].compositor.held() if holder else set(),
            area=Area(region is None, self.size, self.layout.distance_of(region)
                      if self.layout and region else None),
        )  # fmt: skip
        view = RegionView(
            timeline.name, rect, region.z if region is not None else 0, timeline,
            Compositor(rect.size), target, buffers, region,
        )  # fmt: skip
        holder.append(view)
        return view

    def build(self, layout: Layout | None, content: Content | None) -> None:
        """The views for ``layout`` (None: one full-screen region), started on ``content``."""
        self.close()
        self.layout = layout
        regions: list[Region | None] = [None]
        if layout is not None:
            regions = [*sorted(layout.regions, key=lambda r: r.z)]
        self.views = [self._view(region, content) for region in regions]
        if layout is not None:
            names = ", ".join(
                f"{v.name} {v.rect.w}x{v.rect.h}+{v.rect.x}+{v.rect.y}" for v in self.views
            )
            log.info("layout %s: %s", layout.origin, names)

    def start(self, content: Content | None) -> None:
        """The views for what applies now; the next moment to look again."""
        now = self.clock.now()
        self.build(layout_for(content, self.screen.id, now, self.size), content)
        self._plan_recheck(content, now)

    def set_content(self, content: Content) -> bool:
        """New content: the same layout keeps its views (each swaps content), another rebuilds.
        True when something changed."""
        now = self.clock.now()
        layout = layout_for(content, self.screen.id, now, self.size)
        self._plan_recheck(content, now)
        if layout != self.layout or not self.views:
            self.build(layout, content)
            for view in self.views:
                view.timeline.replan(now)
            return True
        changed = False
        for view in self.views:
            changed = view.timeline.set_content(region_content(content, view.region)) or changed
        return changed

    def _plan_recheck(self, content: Content | None, now: dt.datetime) -> None:
        boundary = next_boundary(content, self.screen.id, now)
        self.recheck_at = min(boundary, now + LAYOUT_RECHECK) if boundary else now + LAYOUT_RECHECK

    def deadlines(self, now: dt.datetime) -> list[float]:
        """Seconds until each region's timeline, or the layout's recheck, needs the loop."""
        found = [d for view in self.views for d in view.timeline.deadlines(now)]
        if self.recheck_at is not None:
            found.append((self.recheck_at - now).total_seconds())
        return found

    def recheck(self, content: Content | None, now: dt.datetime) -> bool:
        """At a playlist window's edge the active playlist, and so the layout, may change."""
        if self.recheck_at is None or now < self.recheck_at:
            return False
        self._plan_recheck(content, now)
        layout = layout_for(content, self.screen.id, now, self.size)
        if layout == self.layout:
            return False
        self.build(layout, content)
        for view in self.views:
            view.timeline.replan(now)
        return True

    # -- reading -------------------------------------------------------------------------

    @property
    def main(self) -> RegionView:
        """The region commands (next, previous, show) act on: ``main``, else the first that
        plays a playlist, else the first."""
        for view in self.views:
            if view.name == MAIN:
                return view
        for view in self.views:
            if view.region is None or view.region.playlist is not None:
                return view
        return self.views[0]

    def above(self, view: RegionView) -> list[RegionView]:
        """Regions drawn over ``view`` (a higher z) that overlap it."""
        index = self.views.index(view)
        return [v for v in self.views[index + 1 :] if v.rect.colliderect(view.rect)]

    def close(self) -> None:
        for view in self.views:
            view.timeline.frames.clear()
            view.timeline.current = None
            view.timeline.redraw.frame = None
            view.compositor.transition = None
            view.buffers.close()
        self.views = []

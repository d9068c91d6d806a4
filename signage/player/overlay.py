"""The technician's ``i`` overlay: screen, content, slide, feed and errors over the picture."""

from __future__ import annotations

from typing import Any

import pygame

from signage.core.model import BUNDLED_REGULAR


class InfoOverlay:
    """Draws the status panel at the bottom of the screen (its font made on first use)."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self._font: pygame.font.Font | None = None

    def draw(
        self, surface: pygame.Surface, data: dict[str, Any], paused: bool, slide_errors: list[str]
    ) -> None:
        if self._font is None:
            pygame.font.init()
            self._font = pygame.font.Font(
                str(BUNDLED_REGULAR), max(14, round(min(self.size) / 1080 * 24))
            )
        font = self._font
        content = data.get("content", {})
        slide = data.get("slide") or {}
        lines = [
            f"screen {data.get('screen')}  room {data.get('room') or '-'}  {'PAUSED' if paused else ''}",
            f"content {content.get('version') or '-'} from {content.get('source', '')}",
            f"slide {slide.get('index')}: {slide.get('id')} ({slide.get('type')}) {slide.get('title', '')}",
            f"control {data.get('control') or 'off'}   fps {data['render']['fps']:.0f}   p99 {data['render']['frame_ms_p99']:.1f} ms",
        ]
        feed = data.get("feed")
        if feed:
            lines.append(
                f"feed {feed.get('url')}  version {feed.get('version')}  age {feed.get('age_s')} s"
            )
            if feed.get("last_error"):
                lines.append(f"feed error: {feed['last_error']}")
        errors = content.get("errors") or []
        lines += [f"! {e}" for e in errors[:6]]
        lines += [f"! {e}" for e in slide_errors[:3]]
        line_h = font.get_linesize()
        width = self.size[0] - 40
        panel = pygame.Surface((width, line_h * len(lines) + 20), pygame.SRCALPHA)
        panel.fill((0, 0, 0, 200))
        for i, text in enumerate(lines):
            colour = (255, 150, 120) if text.startswith("!") else (240, 240, 240)
            panel.blit(font.render(text[:200], True, colour), (12, 10 + i * line_h))
        surface.blit(panel, (20, self.size[1] - panel.get_height() - 20))

"""Colour contrast as WCAG 2 defines it: relative luminance and the ratio of two colours."""

from __future__ import annotations

from functools import lru_cache

RGB = tuple[int, int, int]
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
LARGE_CONTRAST = 3.0  # ... and for large text


@lru_cache(maxsize=65536)
def luminance(colour: RGB) -> float:
    """Relative luminance, 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(light: float, dark: float) -> float:
    """The contrast ratio of two luminances, 1 to 21."""
    high, low = max(light, dark), min(light, dark)
    return (high + 0.05) / (low + 0.05)


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    return ratio(luminance(a), luminance(b))


def readable(fg: RGB, bg: RGB, needed: float = MIN_CONTRAST) -> RGB:
    """``fg`` mixed towards white or black (whichever the background needs) just enough to
    reach ``needed``: the closest colour of the same hue that passes."""
    target = (255, 255, 255) if luminance(bg) < 0.18 else (0, 0, 0)
    for step in range(1, 101):
        t = step / 100
        mixed = tuple(round(f + (g - f) * t) for f, g in zip(fg, target, strict=True))
        if contrast(mixed, bg) >= needed:  # type: ignore[arg-type]
            return mixed  # type: ignore[return-value]
    return target

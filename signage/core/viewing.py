"""The real screen and the real distance: how big a letter must be to be read from there.

Legibility is an angle, not a pixel count. A capital letter of height ``h`` seen from
``d`` subtends ``2·atan(h / 2d)``; ISO 9241-303 asks for at least 16 minutes of arc for
text that must be read (20 for comfortable reading). So the floors of the drawing
(:mod:`signage.draw.legible`) are cap heights: the pixels a capital must have on a panel
of this diagonal, at this resolution, read from this distance.

    >>> hall = Viewing.of("55in", "4m")
    >>> round(hall.pitch_mm((1920, 1080)), 3)
    0.634
    >>> round(hall.cap_floor_px(20, (1920, 1080)), 1)
    36.7

Standard library only: the schema type that reads ``viewing:`` lives in
:mod:`signage.core.values`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

CONTENT_ARCMIN = 20.0  # titles, names, rooms, now/next entries
SECONDARY_ARCMIN = 16.0  # times, roles, labels, captions; the clock and the ticker (ISO 9241-303)
READABLE_ARCMIN = 16.0  # "readable from N m": the distance at which a line still subtends this

MM_PER = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
DEFAULT_DIAGONAL_MM = 55 * 25.4  # a 55-inch panel: what a venue hires when nobody says
HALL_DISTANCE_MM = 4000.0  # people read a hall screen from 3 to 10 m
DOOR_DISTANCE_MM = 2000.0  # a door sign is read by someone about to walk in
_LENGTH_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(mm|cm|m|in|\"|inch|inches)\s*", re.IGNORECASE)


def parse_length(text: str) -> float:
    """Millimetres in ``"55in"``, ``"4m"``, ``"140 cm"``, ``"1397mm"``; ValueError otherwise
    (a bare number is refused: 55 what?)."""
    match = _LENGTH_RE.fullmatch(str(text))
    if match is None:
        raise ValueError(f"'{text}' is not a length like 55in, 4m, 140cm or 1397mm")
    unit = match.group(2).lower()
    unit = "in" if unit in ('"', "inch", "inches") else unit
    value = float(match.group(1)) * MM_PER[unit]
    if value <= 0:
        raise ValueError(f"'{text}' is not a length above zero")
    return value


def show_length(mm: float, diagonal: bool = False) -> str:
    """A length as people say it: ``55 in`` for a diagonal, ``4 m`` or ``80 cm`` for a
    distance."""
    if diagonal:
        return f"{mm / 25.4:.3g} in"
    return f"{mm / 1000:.3g} m" if mm >= 1000 else f"{mm / 10:.3g} cm"


@dataclass(frozen=True)
class Viewing:
    """A screen's diagonal and the distance it is read from, in millimetres.

    ``assumed`` says the diagonal was not given (55 in was assumed)."""

    diagonal_mm: float = DEFAULT_DIAGONAL_MM
    distance_mm: float = HALL_DISTANCE_MM
    assumed: bool = True

    @classmethod
    def of(cls, diagonal: str | None = None, distance: str | None = None) -> Viewing:
        return cls(
            parse_length(diagonal) if diagonal else DEFAULT_DIAGONAL_MM,
            parse_length(distance) if distance else HALL_DISTANCE_MM,
            diagonal is None,
        )

    def at(self, distance_mm: float | None) -> Viewing:
        """The same screen read from another distance (a door layout, a region)."""
        if distance_mm is None:
            return self
        return Viewing(self.diagonal_mm, distance_mm, self.assumed)

    def pitch_mm(self, size: tuple[int, int]) -> float:
        """Millimetres per pixel of a panel of this diagonal showing ``size`` pixels."""
        width, height = size
        return self.diagonal_mm / math.hypot(width, height)

    def cap_floor_px(self, arcmin: float, size: tuple[int, int]) -> float:
        """The cap height, in pixels, that subtends ``arcmin`` from this distance."""
        return height_for(arcmin, self.distance_mm) / self.pitch_mm(size)

    def arcmin(self, cap_px: float, size: tuple[int, int]) -> float:
        """The angle, in minutes of arc, a capital ``cap_px`` tall subtends from here."""
        return angle_of(cap_px * self.pitch_mm(size), self.distance_mm)

    def readable_from_mm(self, cap_px: float, size: tuple[int, int]) -> float:
        """The distance at which a capital ``cap_px`` tall still subtends 16 minutes of arc."""
        return distance_for(cap_px * self.pitch_mm(size), READABLE_ARCMIN)

    def design_scale(self, size: tuple[int, int]) -> float:
        """How much larger than drawn for the reference screen (55 in at 1080 lines, read
        from 4 m) the layouts' type must be here so it subtends the same angle: 2 on the
        same screen read from 8 m, 1.7 on a 32-inch one read from 4 m. Never under 1: a
        screen read from closer keeps the reference's type (its floors are lower)."""
        design_px_mm = self.pitch_mm(size) * min(size) / 1080
        reference_mm = DEFAULT_DIAGONAL_MM / math.hypot(1920, 1080)
        return max(1.0, (self.distance_mm / design_px_mm) / (HALL_DISTANCE_MM / reference_mm))

    def describe(self) -> str:
        said = "assumed" if self.assumed else "given"
        diagonal = show_length(self.diagonal_mm, diagonal=True)
        return f"{diagonal} ({said}) read from {show_length(self.distance_mm)}"


def height_for(arcmin: float, distance_mm: float) -> float:
    """The height, in mm, that subtends ``arcmin`` at ``distance_mm``."""
    return 2 * distance_mm * math.tan(math.radians(arcmin / 60) / 2)


def angle_of(height_mm: float, distance_mm: float) -> float:
    """The angle, in minutes of arc, ``height_mm`` subtends at ``distance_mm``."""
    return math.degrees(2 * math.atan(height_mm / (2 * distance_mm))) * 60


def distance_for(height_mm: float, arcmin: float) -> float:
    """The distance, in mm, at which ``height_mm`` subtends ``arcmin``."""
    return height_mm / (2 * math.tan(math.radians(arcmin / 60) / 2))

"""Frozen models every layer shares: when a slide or playlist plays, how it changes, and the
theme it is drawn with. They know nothing of pygame or of YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from signage.core.viewing import Viewing

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Transition:
    kind: str = "fade"  # cut | fade | slide
    duration_s: float = 0.8


@dataclass(frozen=True)
class When:
    """A window of time: weekdays, hours of the day, and a range of dates (all optional).

    ``from`` after ``to`` is a window across midnight (22:00 to 02:00); the part
    after midnight belongs to the day it started on, for ``days`` and dates.
    """

    days: frozenset[int] | None = None  # 0 = Monday
    from_time: dt.time | None = None
    to_time: dt.time | None = None
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive

    def contains(self, at: dt.datetime) -> bool:
        day = at.date()
        clock = at.time()
        start_t, end_t = self.from_time, self.to_time
        if start_t is not None and end_t is not None and end_t <= start_t:
            if clock >= start_t:
                pass
            elif clock < end_t:
                day = day - dt.timedelta(days=1)
            else:
                return False
        else:
            if start_t is not None and clock < start_t:
                return False
            if end_t is not None and clock >= end_t and end_t != dt.time.max:
                return False
        if self.days is not None and day.weekday() not in self.days:
            return False
        if self.start is not None and day < self.start:
            return False
        return not (self.end is not None and day > self.end)

    def boundaries(self, at: dt.datetime) -> list[dt.datetime]:
        """Instants after ``at`` (within two days) where :meth:`contains` may change."""
        out: list[dt.datetime] = []
        base = at.date()
        for offset in range(3):
            day = base + dt.timedelta(days=offset)
            times = [dt.time(0, 0)]
            times += [t for t in (self.from_time, self.to_time) if t and t != dt.time.max]
            for t in times:
                moment = dt.datetime.combine(day, t, tzinfo=at.tzinfo)
                if moment > at:
                    out.append(moment)
        return sorted(out)


FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
BUNDLED_REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BUNDLED_BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Colours:
    background: RGB = (12, 35, 78)
    text: RGB = (255, 255, 255)
    muted: RGB = (170, 190, 220)
    accent: RGB = (255, 140, 40)
    panel: RGB = (22, 52, 106)
    header: RGB = (6, 20, 48)


@dataclass(frozen=True)
class TickerFeed:
    """A ticker entry read from a news feed (``ticker: [{source: URL}]``): its newest
    titles scroll with the fixed messages."""

    source: str  # an http(s) URL, or a feed file of the content folder
    items: int = 5
    max_age_s: float | None = None
    poll_s: float = 300.0


@dataclass(frozen=True)
class Theme:
    venue: str = ""
    locale: str = "fr"
    colours: Colours = field(default_factory=Colours)
    font_regular: str = str(BUNDLED_REGULAR)
    font_bold: str = str(BUNDLED_BOLD)
    logo: str | None = None  # absolute path
    header: bool = True
    clock: bool = True
    ticker: tuple[str | TickerFeed, ...] = ()  # fixed messages and news feeds' titles
    timezone: str | None = None  # the venue's zone (IANA), when the screen has none configured
    text_scale: float = 1.0  # the ``large`` accessibility profile: every text floor x 1.25
    # the screen's diagonal and the distance it is read from (theme.yaml's ``viewing``,
    # the player's configuration over it): the text floors follow from them
    viewing: Viewing = field(default_factory=Viewing)

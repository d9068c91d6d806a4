"""What a slide renderer draws on: the screen's size, the theme, the moment, and the chrome.

A renderer returns a :class:`Frame` of Pillow images at screen size; the render
loop turns it into a pygame surface. Nothing here touches pygame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from signage.core import i18n
from signage.core.model import Theme, TickerFeed
from signage.core.viewing import Viewing
from signage.draw.images import ImageError, contain, open_image
from signage.draw.legible import (
    CLOCK,
    CONTENT,
    SECONDARY,
    Mark,
    Pen,
    floor_cap,
    size_for,
    words_read,
)
from signage.draw.text import Fonts, Layout, fit_line, wrap_line
from signage.live.model import live_key

RGB = tuple[int, int, int]
TICKER_SEPARATOR = "     •     "


@dataclass(frozen=True)
class Screen:
    """What the player knows of its screen: its id and the room it stands at."""

    id: str = "screen"
    room: str | None = None


@dataclass(frozen=True)
class Area:
    """Where a player's timeline draws its slides: with the theme's header and ticker (the
    whole screen) or not (a region), the whole screen's size (text floors follow it), how
    far it is read from (None: the theme's distance). See :class:`Canvas`."""

    chrome: bool = True
    display: tuple[int, int] | None = None
    distance_mm: float | None = None


@dataclass
class Frame:
    """A prepared slide: pixels at screen size (larger when it pans), and when to redraw it."""

    image: Image.Image
    overlay: Image.Image | None = None  # RGBA chrome over a panning image
    pan: bool = False
    valid_until: dt.datetime | None = None  # prepare again at this moment (clock, progress)
    ticker: Image.Image | None = None  # RGBA strip scrolled in the footer
    notes: list[str] = field(default_factory=list)  # problems to report (a missing photo)
    marks: list[Mark] = field(default_factory=list)  # every text line drawn (legibility)
    video: dict[str, Any] | None = None  # a playable clip's codec, size and rate
    pages: int = 1  # a slide in pages: how many (this frame shows one)
    page: int = 0
    reading_s: float = 0.0  # reading every page takes this long (the slide is held that long)

    @property
    def words(self) -> int:
        """Words a passer-by reads on this frame (``duration: auto`` of live slides)."""
        return words_read(self.marks)


@dataclass(frozen=True)
class Canvas:
    size: tuple[int, int]
    theme: Theme
    root: Path
    at: dt.datetime
    screen: Screen = field(default_factory=Screen)
    services: Any = None  # programme store and the like, for live slides
    # the theme's header and ticker around the slide; False in a region of a layout, where
    # they are regions of their own (a ticker widget still reads the theme's items)
    chrome: bool = True
    # the whole screen's size when this canvas is a region of it: text floors are relative
    # to the screen's shorter side, whatever the region (None: the canvas is the screen)
    display: tuple[int, int] | None = None
    marks: list[Mark] = field(default_factory=list, compare=False)  # filled by pens
    # how far this region is read from when it is not the theme's (a door sign: 2 m)
    distance_mm: float | None = None
    # when the slide appeared on screen: a slide in pages turns them from then (None: not
    # playing, a preview); ``page`` draws that page (a preview of every page)
    started: dt.datetime | None = None
    page: int | None = None

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    @property
    def unit(self) -> float:
        """One "pixel" of a 1080-line design, so layouts scale from 720p to 4K and portrait."""
        return min(self.size) / 1080

    @property
    def portrait(self) -> bool:
        return self.size[1] > self.size[0]

    @property
    def fonts(self) -> Fonts:
        return Fonts(self.theme.font_regular, self.theme.font_bold)

    @property
    def locale(self) -> str:
        return self.theme.locale

    def px(self, value: float) -> int:
        return max(1, round(value * self.unit))

    def screen_font_px(self, design: float, role: str = CONTENT) -> int:
        """A font size from the 1080-line design of the whole screen (not of this region:
        a ticker's band is 97 px high, its 60 design px are the screen's), never under the
        role's floor."""
        unit = min(self.screen_size) / 1080
        return max(1, round(design * self.scale * unit), self.floor(role))

    @property
    def short_side(self) -> int:
        """The screen's shorter side S: what text floors are measured against."""
        return min(self.display or self.size)

    @property
    def viewing(self) -> Viewing:
        """The screen's diagonal and the distance this canvas is read from."""
        return self.theme.viewing.at(self.distance_mm)

    @property
    def screen_size(self) -> tuple[int, int]:
        return self.display or self.size

    @property
    def scale(self) -> float:
        """The type scale: the theme's (1.25 with the ``large`` accessibility profile) times
        what the viewing distance asks over the reference (55 in, 4 m; never under 1)."""
        return self.theme.text_scale * self.viewing.design_scale(self.screen_size)

    def floor_cap(self, role: str = CONTENT) -> float:
        """The smallest cap height, in pixels, text of ``role`` may have here."""
        return floor_cap(role, self.viewing, self.screen_size, self.theme.text_scale)

    def floor(self, role: str = CONTENT, bold: bool = False) -> int:
        """The smallest font size text of ``role`` may be drawn at on this screen."""
        path = self.theme.font_bold if bold else self.theme.font_regular
        return size_for(path, self.floor_cap(role))

    def font_px(self, design: float, role: str = CONTENT, bold: bool = False) -> int:
        """A font size from the 1080-line design, never under the role's floor."""
        return max(self.px(design * self.scale), self.floor(role, bold))

    def fit_line(
        self, text: str, width: float, design: float, role: str = CONTENT, bold: bool = False
    ) -> tuple[str, int]:
        """One line at the design's size (1080-line pixels) shrunk to ``width`` but never
        under the role's floor, then cut with an ellipsis: the line and its font size."""
        largest, smallest = self.font_px(design, role, bold), self.floor(role, bold)
        return fit_line(text, self.fonts, width, largest, smallest, bold)

    def wrap(
        self,
        text: str,
        width: float,
        design: float,
        role: str = CONTENT,
        bold: bool = False,
        max_lines: int = 2,
    ) -> Layout:
        """A name, a title or a role at the design's size (1080-line pixels) shrunk to hold
        in ``max_lines`` lines of ``width``, never under the role's floor, never cut."""
        largest, smallest = self.font_px(design, role, bold), self.floor(role, bold)
        return wrap_line(text, self.fonts, width, largest, smallest, bold, max_lines)

    def pen(self, image: Image.Image, scrim: bool = False) -> Pen:
        """A drawing pen on ``image`` that records the text it draws in ``marks``."""
        return Pen(image, self.marks, self.short_side, scrim)

    @property
    def margin(self) -> int:
        return self.px(72 if not self.portrait else 56)

    @property
    def header_height(self) -> int:
        return self.px(96 * self.scale) if self.chrome and self.theme.header else 0

    @property
    def footer_height(self) -> int:
        return self.px(64 * self.scale) if self.chrome and self.theme.ticker else 0

    def body(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the area between header and footer, inside margins."""
        top = self.header_height + self.px(48)
        bottom = self.footer_height + self.px(48)
        return (
            self.margin,
            top,
            self.width - 2 * self.margin,
            self.height - top - bottom,
        )

    def blank(self, colour: RGB | None = None) -> Image.Image:
        return Image.new("RGB", self.size, colour or self.theme.colours.background)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` on the screen's clock (the zone the canvas is drawn for)."""
        return moment.astimezone(self.at.tzinfo)

    def next_minute(self) -> dt.datetime:
        return (self.at + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)

    def finish(self, image: Image.Image, translucent: bool = False, **kwargs: Any) -> Frame:
        """Add the header (logo, venue, clock) and footer, and say when the clock needs redrawing."""
        if translucent and kwargs.get("overlay") is None:
            overlay = Image.new("RGBA", self.size, (0, 0, 0, 0))
            self.draw_chrome(overlay, backdrop=image)
            image = image.convert("RGB")
            if not kwargs.get("pan"):
                image.paste(overlay, (0, 0), overlay)
                overlay = None  # type: ignore[assignment]
            kwargs["overlay"] = overlay
        elif translucent:  # the caller drew the chrome on its own overlay (a panning photo)
            image = image.convert("RGB")
        else:
            self.draw_chrome(image)
        valid = self.next_minute() if self.header_height and self.theme.clock else None
        frame = Frame(image, valid_until=kwargs.pop("valid_until", None) or valid, **kwargs)
        if frame.valid_until and valid:
            frame.valid_until = min(frame.valid_until, valid)
        frame.ticker = self.ticker_strip()
        return frame

    def draw_chrome(self, image: Image.Image, backdrop: Image.Image | None = None) -> None:
        """The header: logo, venue, clock and date, on its own opaque band (over a photo,
        ``backdrop``, the overlay is measured against what shows under it)."""
        if not self.header_height:
            return
        colours = self.theme.colours
        draw = self.pen(image, scrim=backdrop is not None)
        draw.backdrop = backdrop
        draw.read = False  # the venue and date are not what the slide says
        h = self.header_height
        # opaque over a photo or a clip too: a translucent band let the picture's stripes
        # run behind the date
        fill = (*colours.header, 255)
        draw.rectangle((0, 0, self.width, h), fill=fill)
        draw.rectangle((0, h - self.px(4), self.width, h), fill=(*colours.accent, 255))
        x = self.margin
        if self.theme.logo:
            try:
                logo = contain(
                    open_image(Path(self.theme.logo), (self.width, h)),
                    (self.px(320), h - self.px(28)),
                )
                logo = logo.convert("RGBA")
                image.paste(logo, (x, (h - logo.height) // 2), logo)
                x += logo.width + self.px(28)
            except ImageError:
                pass  # a broken logo never takes the frame down; check reports it
        fonts = self.fonts
        right = self.width - self.margin
        if self.theme.clock:
            clock = i18n.clock(self.at, self.locale)
            face = fonts.get(self.font_px(44, CLOCK, True), bold=True)
            draw.text(
                (right, h // 2 - self.px(2)), clock, font=face, fill=colours.text, anchor="rm",
                role=CLOCK,
            )  # fmt: skip
            right -= int(face.getlength(clock)) + self.px(24)
            if not self.portrait:
                date = i18n.long_date(self.at.date(), self.locale)
                small = fonts.get(self.font_px(28, SECONDARY))
                draw.text(
                    (right, h // 2), date, font=small, fill=colours.muted, anchor="rm",
                    role=SECONDARY,
                )  # fmt: skip
                right -= int(small.getlength(date)) + self.px(32)
        venue = self.header_venue(right - x)
        if venue is not None:
            draw.text(
                (x, h // 2), venue[0], font=fonts.get(venue[1]), fill=colours.text, anchor="lm",
                role=SECONDARY,
            )  # fmt: skip

    def header_venue(self, width: float) -> tuple[str, int] | None:
        """The venue as the header can show it whole in ``width``: all of it, else its first
        part ("Microsoft France" of "Microsoft France · Issy-les-Moulineaux"), else nothing
        (the logo says it): never cut with an ellipsis."""
        venue = self.theme.venue.strip()
        for candidate in (venue, venue.split(" · ")[0].strip()):
            if not candidate:
                continue
            line, size = self.fit_line(candidate, width, 30, SECONDARY)
            if line == candidate:
                return line, size
        return None

    def ticker_strip(self) -> Image.Image | None:
        """The footer's messages, joined, as one RGBA strip the loop scrolls."""
        if not self.footer_height:
            return None
        messages = self.messages(self.theme.ticker) or (self.theme.venue or " ",)
        return self.strip(messages, self.footer_height, self.font_px(30, CLOCK))

    def messages(self, entries: tuple[str | TickerFeed, ...]) -> tuple[str, ...]:
        """A ticker's messages: each fixed one as written, each feed's newest titles (those
        its live source has; none before the first download)."""
        found: list[str] = []
        for entry in entries:
            if isinstance(entry, str):
                found.append(entry)
                continue
            feed = self.services.feed(live_key(entry.source, self.root)) if self.services else None
            if feed is not None:
                recent = feed.recent(self.at, entry.max_age_s, entry.items)
                found += [item.title for item in recent if item.title]
        return tuple(found)

    def strip(self, items: tuple[str, ...], height: int, font_px: int) -> Image.Image:
        """Messages joined into one RGBA strip at least as wide as the canvas; it repeats
        seamlessly when tiled."""
        colours = self.theme.colours
        face = self.fonts.get(font_px)
        unit = TICKER_SEPARATOR.join(items) + TICKER_SEPARATOR
        text = unit
        while face.getlength(text) < self.width:
            text += unit
        width = round(face.getlength(text))
        strip = Image.new("RGBA", (width, height), (*colours.header, 255))
        pen = Pen(strip, self.marks, self.short_side, origin=(0, self.height - height))
        pen.text((0, height // 2), text, font=face, fill=colours.text, anchor="lm", role=CLOCK)
        return strip

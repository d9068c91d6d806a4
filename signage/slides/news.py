"""``type: news``: the items of a news feed (RSS 2.0, RSS 1.0, Atom), as a list or one at
a time, with their pictures."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Choice, Field, Integer, Obj, Text
from signage.core.values import Asset, Duration, is_url
from signage.live.model import Want
from signage.slides.base import Slide, SlideKind

FEED_EXTENSIONS = (".xml", ".rss", ".atom", ".rdf")
MIN_POLL_S = 30.0


@dataclass(frozen=True, kw_only=True)
class NewsSlide(Slide):
    type = "news"
    source: str  # an http(s) URL, or a feed file in the content folder
    view: str = "list"  # list | single
    items: int = 5
    max_age_s: float | None = None
    poll_s: float = 300.0
    heading: str = ""

    @property
    def title(self) -> str:
        return self.heading or "News"

    def files(self) -> tuple[str, ...]:
        return () if is_url(self.source) else (self.source,)

    def live(self) -> dict[str, Want]:
        return {self.source: Want("news", self.poll_s)}


# a feed's keys, the same on a news slide and in the theme's ticker (``ticker: [{source:}]``)
FEED_FIELDS = {
    "source": Field(
        Asset("file", FEED_EXTENSIONS, urls=True),
        required=True,
        doc="The feed's http(s) URL, or a feed file in the content folder",
    ),
    "items": Field(Integer(1, 20), default=5, doc="How many of the newest items are shown"),
    "max_age": Field(
        Duration(60, 90 * 86400),
        doc="Items older than this are left out (e.g. 12h, 48h); default: none",
        attr="max_age_s",
    ),
    "poll": Field(
        Duration(MIN_POLL_S, 86400),
        default=300.0,
        doc=f"How often the feed is fetched again (seconds; at least {MIN_POLL_S:g})",
        attr="poll_s",
    ),
}

TICKER_FEED = Obj(
    FEED_FIELDS,
    doc="A news feed whose newest titles scroll in the ticker",
    name="a feed like {source: https://example.org/rss.xml, items: 5}",
)

KIND = SlideKind(
    type="news",
    doc="The newest items of a news feed (RSS 2.0, RSS 1.0 or Atom) with their pictures: a "
    "list, or one item at a time. Fetched off the render thread; the last good items stay "
    "on screen when the feed cannot be reached.",
    fields={
        **FEED_FIELDS,
        "view": Field(
            Choice(("list", "single")),
            default="list",
            doc="list: the newest items, a title and a line each; single: one item at a "
            "time, with its picture and its text",
        ),
        "title": Field(
            Text(max_len=200), doc="Heading (default: the feed's own title)", attr="heading"
        ),
    },
    model=NewsSlide,
)

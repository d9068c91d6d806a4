"""What a live source hands the renderers: a :class:`Feed` of :class:`Item` values,
frozen and picklable (they travel to the drawing worker)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from signage.core.text import clean_text

SKEW_S = 600.0  # a feed's clock ahead of the screen's by up to this: its items still show


class LiveError(ValueError):
    """A source's data cannot be used (not a feed, too large, nothing yet): said in
    ``/status.sources``; the last good data stays."""


@dataclass(frozen=True)
class Want:
    """A source the content shows: which parser reads it, and how often it is fetched."""

    kind: str  # "news", "social"
    poll_s: float
    moderated: bool = False  # new items wait for an operator's approval (a social wall)
    options: tuple[tuple[str, str], ...] = ()  # a kind's own: a web page's viewport, zoom, wait


@dataclass(frozen=True)
class Item:
    """One entry of a source: a news item (a post, later)."""

    id: str
    title: str
    text: str = ""  # plain text: HTML stripped
    link: str = ""
    published: dt.datetime | None = None  # aware, UTC
    author: str = ""
    image_url: str | None = None  # the item's picture (enclosure, media:content)
    image: str | None = None  # where the hub stored it (None: none, or not downloaded)
    image_alt: str = ""  # the picture's description by its author (alt text), plain
    verdict: str | None = None  # a moderated source's: "approved", "rejected", None: waiting

    def as_json(self) -> dict[str, Any]:
        found = asdict(self)
        found["published"] = self.published.isoformat() if self.published else None
        return found

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        published = data.get("published")
        return cls(
            **{**data, "published": dt.datetime.fromisoformat(published) if published else None}
        )


@dataclass(frozen=True)
class Feed:
    """A source's last good data: its items, newest first, and when they were fetched."""

    source: str  # the URL (or a file's resolved path) as the content names it
    kind: str
    title: str = ""
    items: tuple[Item, ...] = ()
    fetched_at: dt.datetime | None = None
    version: str = field(default="")  # changes when what is shown would change

    @staticmethod
    def version_of(title: str, items: tuple[Item, ...]) -> str:
        blob = json.dumps([title, [i.as_json() for i in items]], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def recent(self, at: dt.datetime, max_age_s: float | None, count: int) -> tuple[Item, ...]:
        """The ``count`` newest items no older than ``max_age_s`` at ``at`` and not yet to
        come (an item dated later than ``at``, beyond a clock's skew, is not news yet);
        items without a date count as new: a feed that gives none still shows."""
        kept = [
            item
            for item in self.items
            if item.published is None
            or (
                (at - item.published).total_seconds() >= -SKEW_S
                and (max_age_s is None or (at - item.published).total_seconds() <= max_age_s)
            )
        ]
        return tuple(kept[:count])


def aware_time(value: Any) -> dt.datetime | None:
    """An ISO 8601 time from an API (``...Z`` included) as an aware datetime; None if not."""
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def live_key(source: str, root: str | Path) -> str:
    """How the hub and the renderers name a source: a URL as written, a file of the
    content folder by its resolved path."""
    if source.startswith(("http://", "https://")):
        return source
    return str((Path(root) / source).resolve())


MAX_ALT = 1500  # Mastodon's own limit on a description


def alt_text(description: Any) -> str:
    """A picture's description (Mastodon's ``description``, Bluesky's ``alt``): plain text,
    on one line, bounded; empty when the author gave none or something not text."""
    if not isinstance(description, str):
        return ""
    return " ".join(clean_text(description).split())[:MAX_ALT]


def source_status(
    kind: str, items: int, last_success: dt.datetime | None, last_error: str | None, due_in_s: float
) -> dict[str, Any]:
    """What ``/status.sources`` says of one source of data, whichever fetched it (the live
    hub, the programme fetcher): the same keys for all."""
    return {
        "kind": kind,
        "items": items,
        "last_success": last_success.isoformat(timespec="seconds") if last_success else None,
        "last_error": last_error,
        "next_fetch_in_s": round(max(0.0, due_in_s), 1),
    }

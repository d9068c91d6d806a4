"""A Bluesky account's posts (``app.bsky.feed.getAuthorFeed`` on the public AppView, which
answers without an account) into :class:`~signage.live.model.Item` values, as the
``app.bsky.feed.defs#feedViewPost`` lexicon documents them.

Only an account can be read: Bluesky's public API no longer answers post searches
(``app.bsky.feed.searchPosts``, hence hashtags) without an account.

A post that carries any label (``porn``, ``sexual``, ``nudity``, ``graphic-media``,
``!warn``…, set by its author or by a moderation service) is dropped here, so no mode can
show it; so are the posts of an author who asked not to be shown to logged-out viewers
(``!no-unauthenticated``), reposts and replies.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from signage.core.text import clean_text
from signage.live.model import Item, LiveError, alt_text, aware_time

PUBLIC_API = "https://public.api.bsky.app"
MAX_TEXT = 1000
_IMAGES = ("app.bsky.embed.images#view", "app.bsky.embed.recordWithMedia#view")


def author_feed_url(api: str, handle: str) -> str:
    """The address of an account's own posts (no replies) on ``api``."""
    actor = urllib.parse.quote(handle.lstrip("@"))
    return f"{api.rstrip('/')}/xrpc/app.bsky.feed.getAuthorFeed?actor={actor}&filter=posts_no_replies&limit=40"


def is_feed(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("feed"), list)


def parse_feed(answer: dict[str, Any]) -> tuple[Item, ...]:
    """The posts of an author feed answer, newest first."""
    entries = [e for e in answer["feed"][:100] if isinstance(e, dict)]
    if entries and not any(isinstance(e.get("post"), dict) for e in entries):
        raise LiveError("not a Bluesky feed (its entries are not posts)")
    kept = [item for entry in entries if _shown(entry) and (item := _item(entry["post"]))]
    kept.sort(key=lambda i: i.published or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    return tuple(kept)


def _shown(entry: dict[str, Any]) -> bool:
    """Never a repost, a reply, a labelled post, or an author who refused logged-out eyes."""
    post = entry.get("post")
    if not isinstance(post, dict) or entry.get("reason") or entry.get("reply"):
        return False
    author = post.get("author")
    labels = author.get("labels") if isinstance(author, dict) else None
    return not post.get("labels") and not any(
        isinstance(label, dict) and label.get("val") == "!no-unauthenticated"
        for label in labels or []
    )


def _item(post: dict[str, Any]) -> Item | None:
    record, author, uri = post.get("record"), post.get("author"), post.get("uri")
    if not isinstance(record, dict) or not isinstance(author, dict) or not isinstance(uri, str):
        return None  # a shape the lexicon does not give: left out, not a crash
    if record.get("reply"):
        return None
    text = clean_text(str(record.get("text") or "")).strip()
    text = text if len(text) <= MAX_TEXT else text[:MAX_TEXT].rsplit(" ", 1)[0] + " …"
    picture, alt = _picture(post.get("embed"))
    if not text and picture is None:
        return None
    handle = clean_text(str(author.get("handle") or ""))[:200]
    name = clean_text(" ".join(str(author.get("displayName") or "").split()))[:100]
    key = uri.rsplit("/", 1)[-1]
    return Item(
        id=uri[:300],
        title="",
        text=text,
        link=f"https://bsky.app/profile/{handle}/post/{key}" if handle else "",
        published=aware_time(record.get("createdAt")),
        author=f"{name} · @{handle}" if name and handle else name or f"@{handle}",
        image_url=picture,
        image_alt=alt,
    )


def _picture(embed: Any) -> tuple[str | None, str]:
    """The first image of a post's embed and its alt text: (None, "") when it has none."""
    if not isinstance(embed, dict) or embed.get("$type") not in _IMAGES:
        return None, ""
    media = embed.get("media") if embed["$type"] != _IMAGES[0] else embed
    images = media.get("images") if isinstance(media, dict) else None
    for image in images or []:
        found = image.get("fullsize") if isinstance(image, dict) else None
        if isinstance(found, str) and found.startswith(("http://", "https://")):
            return found, alt_text(image.get("alt"))
    return None, ""

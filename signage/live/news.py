"""News feeds (RSS 2.0, RSS 1.0, Atom) into :class:`~signage.live.model.Item` values.

feedparser reads the XML (encodings such as windows-1251 included), sanitises the HTML
and resolves relative links against the feed's address; what is left here is choosing,
per entry, its title, its text as plain text, its date and its picture (an enclosure,
``media:content``, ``media:thumbnail``, or the first image of its body).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import urllib.parse
from typing import Any

import feedparser

from signage.core.markup import strip_html
from signage.core.text import clean_text
from signage.live.model import Item, LiveError

MAX_TITLE = 500
MAX_TEXT = 4000
MAX_ITEMS = 100
_ENTITY_RE = re.compile(rb"<!ENTITY", re.IGNORECASE)
_IMG_RE = re.compile(r"""<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


def parse_news(data: bytes, url: str) -> tuple[str, tuple[Item, ...]]:
    """The feed's title and its items, newest first (``url``: what relative links are
    relative to); LiveError, saying why, when ``data`` is not a feed."""
    if _ENTITY_RE.search(data[:65536]):
        # feeds declare no entities; a document that does is an entity bomb, not news
        raise LiveError("declares XML entities (<!ENTITY>); refused")
    parsed = feedparser.parse(data, response_headers={"content-location": url})
    if not parsed.get("version"):
        head = data[:2048].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            raise LiveError("an HTML page, not an RSS or Atom feed")
        problem = parsed.get("bozo_exception")
        why = f" ({_short(str(problem))})" if problem else ""
        raise LiveError(f"not an RSS or Atom feed{why}")
    items = [_item(entry, url) for entry in parsed.entries[:MAX_ITEMS]]
    kept = [item for item in items if item.title or item.text]
    kept.sort(key=lambda i: i.published or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    title = _line(parsed.feed.get("title", ""), MAX_TITLE)
    return title, tuple(kept)


def _item(entry: Any, url: str) -> Item:
    body = _body(entry)
    title = _line(entry.get("title", ""), MAX_TITLE)
    text = _text(body, MAX_TEXT)
    if text == title:
        text = ""  # RSS items with a description that repeats the title
    link = entry.get("link", "") or ""
    ident = entry.get("id") or link or hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:16]
    return Item(
        id=str(ident)[:500],
        title=title,
        text=text,
        link=link if link.startswith(("http://", "https://")) else "",
        published=_date(entry),
        author=_line(entry.get("author", ""), 200),
        image_url=_image(entry, body, url),
    )


def _body(entry: Any) -> str:
    """The entry's longest text: its content (Atom, content:encoded) or its summary."""
    found = [str(c.get("value", "")) for c in entry.get("content", []) or []]
    found.append(str(entry.get("summary", "") or ""))
    return max(found, key=len)


def _text(html: str, limit: int) -> str:
    lines = [" ".join(line.split()) for line in strip_html(html).split("\n")]
    text = "\n".join(line for line in lines if line)
    text = clean_text(text)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text


def _line(value: object, limit: int) -> str:
    text = " ".join(strip_html(str(value or "")).split())
    return clean_text(text)[:limit]


def _date(entry: Any) -> dt.datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    try:
        year, month, day, hour, minute, second = stamp[:6]
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def _image(entry: Any, body: str, base: str) -> str | None:
    """The entry's picture: an image enclosure, media:content or media:thumbnail, then the
    first <img> of its body; an http(s) URL, made absolute."""
    candidates: list[str] = []
    for media in entry.get("media_content", []) or []:
        kind = str(media.get("type", "") or media.get("medium", ""))
        if kind in _IMAGE_TYPES or kind == "image" or not kind:
            candidates.append(str(media.get("url", "")))
    for link in entry.get("links", []) or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")) in _IMAGE_TYPES:
            candidates.append(str(link.get("href", "")))
    for thumb in entry.get("media_thumbnail", []) or []:
        candidates.append(str(thumb.get("url", "")))
    match = _IMG_RE.search(body)
    if match:
        candidates.append(match.group(1))
    for candidate in candidates:
        absolute = urllib.parse.urljoin(base, candidate.strip()) if candidate else ""
        if absolute.startswith(("http://", "https://")):
            return absolute
    return None


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "…"

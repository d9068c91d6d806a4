"""A Mastodon timeline (``/api/v1/timelines/tag/NAME``, an account's statuses) into
:class:`~signage.live.model.Item` values, as the API documents its Status entity.

A post marked ``sensitive`` or with a content warning (``spoiler_text``) is dropped here,
so no mode and no page can ever show it; so are boosts and posts that are not public.
The HTML of a post becomes text the way Mastodon means it to be read: the parts of a
link it hides (``<span class="invisible">``) go, a shortened link keeps its "…", a
custom emoji stays its ``:shortcode:``.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from typing import Any

from signage.core.text import clean_text
from signage.live.bluesky import is_feed, parse_feed
from signage.live.fetch import download
from signage.live.model import Item, LiveError, alt_text, aware_time

MAX_TEXT = 1000
_BLOCK = {"p", "br", "div", "li", "blockquote"}


class _PostText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[str] = []  # the class of each open span
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "span":
            classes = (dict(attrs).get("class") or "").split()
            self._stack.append(
                "invisible"
                if "invisible" in classes
                else "ellipsis"
                if "ellipsis" in classes
                else ""
            )
            if "invisible" in classes:
                self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        if tag == "span" and self._stack:
            kind = self._stack.pop()
            if kind == "invisible":
                self._hidden = max(0, self._hidden - 1)
            elif kind == "ellipsis":
                self.parts.append("…")
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def post_text(html: str) -> str:
    parser = _PostText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = clean_text("\n".join(line for line in lines if line))
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT].rsplit(" ", 1)[0] + " …"


def parse_statuses(data: bytes, url: str) -> tuple[str, tuple[Item, ...]]:
    """The posts of a timeline (Mastodon's, or a Bluesky author feed), newest first;
    LiveError when ``data`` is not one."""
    try:
        statuses = json.loads(data)
    except (ValueError, RecursionError):
        raise LiveError("not JSON: not a Mastodon timeline") from None
    if is_feed(statuses):
        return "", parse_feed(statuses)
    if not isinstance(statuses, list):
        raise LiveError("not a Mastodon timeline (expected a list of statuses)")
    items = [_item(s) for s in statuses[:80] if _shown(s)]
    if statuses and not any(isinstance(s, dict) and "content" in s for s in statuses):
        raise LiveError("not a Mastodon timeline (its entries are not statuses)")
    kept = [item for item in items if item is not None]
    kept.sort(key=lambda i: i.published or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    return "", tuple(kept)


def _shown(status: Any) -> bool:
    """Never a sensitive post, one behind a content warning, a boost, or a private one."""
    return (
        isinstance(status, dict)
        and status.get("sensitive") is not True
        and not status.get("spoiler_text")
        and not status.get("reblog")
        and status.get("visibility", "public") in ("public", "unlisted")
    )


def _item(status: dict[str, Any]) -> Item | None:
    content, account, ident = status.get("content"), status.get("account"), status.get("id")
    if (
        not isinstance(content, str)
        or not isinstance(account, dict)
        or not isinstance(ident, str | int)
    ):
        return None  # a shape the API does not give: left out, not a crash
    text = post_text(content)
    picture, alt = None, ""
    for media in status.get("media_attachments") or []:
        if isinstance(media, dict) and media.get("type") in ("image", "gifv"):
            found = media.get("url") if media.get("type") == "image" else media.get("preview_url")
            if isinstance(found, str) and found.startswith(("http://", "https://")):
                picture, alt = found, alt_text(media.get("description"))
                break
    if not text and picture is None:
        return None
    name = clean_text(
        " ".join(str(account.get("display_name") or account.get("username") or "").split())
    )[:100]
    acct = clean_text(str(account.get("acct") or ""))[:200]
    link = str(status.get("url") or "")
    return Item(
        id=str(ident)[:100],
        title="",
        text=text,
        link=link if link.startswith(("http://", "https://")) else "",
        published=aware_time(status.get("created_at")),
        author=f"{name} · @{acct}" if name and acct else name or f"@{acct}",
        image_url=picture,
        image_alt=alt,
    )


def statuses_url(session: Any, lookup: str) -> str:
    """The statuses URL of an account, from its ``/api/v1/accounts/lookup`` answer."""
    got = download(session, lookup, (None, None), 256 * 1024)
    try:
        account = json.loads(got.data) if got is not None else None
    except ValueError:
        account = None
    if not isinstance(account, dict) or not isinstance(account.get("id"), str):
        raise LiveError("the account lookup did not answer with an account")
    base = lookup.split("/api/v1/accounts/lookup?", 1)[0]
    return f"{base}/api/v1/accounts/{account['id']}/statuses?limit=40&exclude_replies=true&exclude_reblogs=true"

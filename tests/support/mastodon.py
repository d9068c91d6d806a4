"""A loopback server that answers as a Mastodon instance's public API does (documented at
docs.joinmastodon.org: the Status, Account and MediaAttachment entities; the rate-limit
headers on every answer), with statuses shaped like real ones: HTML with mentions
(``h-card``), hashtags, shortened links (``invisible`` / ``ellipsis`` spans), custom
emoji, image attachments with blurhash and alt text, boosts, ``sensitive`` posts and
content warnings."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.jsonapi import JsonApi
from tests.support.newsfeeds import picture


def account(username: str, domain: str | None = None, name: str | None = None) -> dict[str, Any]:
    acct = f"{username}@{domain}" if domain else username
    return {
        "id": str(abs(hash(acct)) % 10**17), "username": username, "acct": acct,
        "display_name": name or username.title(), "locked": False, "bot": False,
        "url": f"https://{domain or 'mastodon.example'}/@{username}",
        "avatar": f"https://{domain or 'mastodon.example'}/avatars/{username}.png",
        "emojis": [], "fields": [],
    }  # fmt: skip


def status(
    ident: str,
    html: str,
    who: dict[str, Any],
    minutes_ago: float = 5,
    *,
    sensitive: bool = False,
    spoiler: str = "",
    media: list[dict[str, Any]] | None = None,
    reblog: dict[str, Any] | None = None,
    base: str = "https://mastodon.example",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    created = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(minutes=minutes_ago)
    return {
        "id": ident,
        "created_at": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "in_reply_to_id": None, "in_reply_to_account_id": None,
        "sensitive": sensitive, "spoiler_text": spoiler, "visibility": "public", "language": "fr",
        "uri": f"{base}/users/{who['username']}/statuses/{ident}",
        "url": f"{base}/@{who['username']}/{ident}",
        "replies_count": 0, "reblogs_count": 2, "favourites_count": 5, "edited_at": None,
        "content": html, "reblog": reblog, "account": who,
        "media_attachments": media or [],
        "mentions": [], "tags": [{"name": "rncn8", "url": f"{base}/tags/rncn8"}],
        "emojis": [{"shortcode": "capcom", "url": f"{base}/emoji/capcom.png",
                    "static_url": f"{base}/emoji/capcom.png", "visible_in_picker": True}],
        "card": None, "poll": None,
    }  # fmt: skip


def image(base: str, name: str, alt: str = "") -> dict[str, Any]:
    return {
        "id": name, "type": "image", "url": f"{base}/media/{name}.jpg",
        "preview_url": f"{base}/media/{name}-small.jpg", "remote_url": None,
        "description": alt, "blurhash": "UeKUpFxuo~R%0nW;WCnhF6RjaJt757oJodS$",
        "meta": {"original": {"width": 320, "height": 180, "size": "320x180", "aspect": 1.78}},
    }  # fmt: skip


MENTION = (
    '<span class="h-card" translate="no"><a href="https://mastodon.example/@capcom" '
    'class="u-url mention">@<span>capcom</span></a></span>'
)
TAG = '<a href="https://mastodon.example/tags/rncn8" class="mention hashtag" rel="tag">#<span>rncn8</span></a>'
LINK = (
    '<a href="https://www.cap-com.org/actualites/rencontres-numerique-2026" target="_blank" '
    'rel="nofollow noopener noreferrer" translate="no"><span class="invisible">https://www.</span>'
    '<span class="ellipsis">cap-com.org/actualites/rencont</span>'
    '<span class="invisible">res-numerique-2026</span></a>'
)


class Mastodon(JsonApi):
    """``statuses`` (newest first) for every hashtag and account; change them at will."""

    def __init__(self) -> None:
        self.statuses: list[dict[str, Any]] = []
        self.accounts: dict[str, dict[str, Any]] = {}
        self.remaining = 299  # X-RateLimit-Remaining
        self.media: bytes = picture((30, 140, 200))  # every attachment's picture
        super().__init__()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        path, query = parsed.path, urllib.parse.parse_qs(parsed.query)
        with self.lock:
            statuses = list(self.statuses)
        if path.startswith("/media/"):
            return self.send(handler, 200, self.media, "image/jpeg")
        if path.startswith("/api/v1/timelines/tag/"):
            tag = urllib.parse.unquote(path.rsplit("/", 1)[1]).lower()
            found = [s for s in statuses if any(t["name"] == tag for t in s["tags"])]
            return self.json(handler, found[: int(query.get("limit", ["20"])[0])])
        if path == "/api/v1/accounts/lookup":
            who = self.accounts.get(query.get("acct", [""])[0])
            if who is None:
                return self.json(handler, {"error": "Record not found"}, 404)
            return self.json(handler, who)
        if path.startswith("/api/v1/accounts/") and path.endswith("/statuses"):
            ident = path.split("/")[4]
            return self.json(handler, [s for s in statuses if s["account"]["id"] == ident])
        return self.json(handler, {"error": "Record not found"}, 404)

    def rate_headers(self) -> dict[str, str]:
        reset = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        return {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": reset.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }

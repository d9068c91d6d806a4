"""A loopback server that answers as Bluesky's public AppView does for
``app.bsky.feed.getAuthorFeed`` (documented at docs.bsky.app: the ``feedViewPost`` and
``postView`` of ``app.bsky.feed.defs``, ``app.bsky.embed.images#view``, labels, the
``RateLimit-*`` headers, and ``{"error", "message"}`` with HTTP 400 for an unknown actor),
with posts shaped like real ones: a facet for a link, images with alt text, reposts,
replies and labelled posts."""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.jsonapi import JsonApi
from tests.support.newsfeeds import picture

DID = "did:plc:z72i7hdynmk6r22z27h6tvur"


def author(handle: str, name: str = "", labels: tuple[str, ...] = ()) -> dict[str, Any]:
    did = f"did:plc:{abs(hash(handle)) % 10**20:020d}"
    return {
        "did": did, "handle": handle, "displayName": name,
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkreiavatar@jpeg",
        "associated": {"chat": {"allowIncoming": "following"}},
        "labels": [{"src": did, "uri": f"at://{did}/app.bsky.actor.profile/self",
                    "cid": "bafyreilabel", "val": val, "cts": "2024-01-01T00:00:00.000Z"}
                   for val in labels],
        "createdAt": "2023-05-04T10:00:00.000Z",
    }  # fmt: skip


def post(
    key: str,
    text: str,
    by: dict[str, Any],
    minutes_ago: float = 5,
    *,
    base: str = "https://cdn.bsky.app",
    images: tuple[str, ...] = (),
    labels: tuple[str, ...] = (),
    now: dt.datetime | None = None,
    repost_by: dict[str, Any] | None = None,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """One ``feedViewPost`` of ``by``'s feed."""
    created = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(minutes=minutes_ago)
    stamp = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    uri = f"at://{by['did']}/app.bsky.feed.post/{key}"
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": stamp,
                              "langs": ["fr"]}  # fmt: skip
    if "cap-com.org/" in text:
        start = text.encode().index(b"cap-com.org/")
        record["facets"] = [{
            "index": {"byteStart": start, "byteEnd": start + len("cap-com.org/actu...")},
            "features": [{"$type": "app.bsky.richtext.facet#link",
                          "uri": "https://www.cap-com.org/actualites/rencontres-numerique-2026"}],
        }]  # fmt: skip
    if reply_to:
        parent = {"uri": f"at://{by['did']}/app.bsky.feed.post/{reply_to}", "cid": "bafyparent"}
        record["reply"] = {"root": parent, "parent": parent}
    view: dict[str, Any] = {
        "uri": uri, "cid": f"bafyrei{key}", "author": by, "record": record,
        "replyCount": 0, "repostCount": 3, "likeCount": 12, "quoteCount": 0,
        "indexedAt": stamp,
        "labels": [{"src": DID, "uri": uri, "cid": f"bafyrei{key}", "val": val, "cts": stamp}
                   for val in labels],
    }  # fmt: skip
    if images:
        view["embed"] = {
            "$type": "app.bsky.embed.images#view",
            "images": [{"thumb": f"{base}/img/feed_thumbnail/plain/{by['did']}/{name}@jpeg",
                        "fullsize": f"{base}/img/feed_fullsize/plain/{by['did']}/{name}@jpeg",
                        "alt": "La salle pendant la plénière",
                        "aspectRatio": {"width": 320, "height": 180}} for name in images],
        }  # fmt: skip
    entry: dict[str, Any] = {"post": view}
    if repost_by:
        entry["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost", "by": repost_by,
                           "indexedAt": stamp}  # fmt: skip
    if reply_to:
        entry["reply"] = {"root": {"$type": "app.bsky.feed.defs#postView", **view},
                          "parent": {"$type": "app.bsky.feed.defs#postView", **view}}  # fmt: skip
    return entry


class Bluesky(JsonApi):
    """``feeds`` by handle (each newest first); change them at will."""

    def __init__(self) -> None:
        self.feeds: dict[str, list[dict[str, Any]]] = {}
        self.remaining = 2999  # RateLimit-Remaining
        self.media: bytes = picture((30, 140, 200))
        super().__init__()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        query = urllib.parse.parse_qs(parsed.query)
        with self.lock:
            feeds = {handle: list(entries) for handle, entries in self.feeds.items()}
        if parsed.path.startswith("/img/"):
            return self.send(handler, 200, self.media, "image/jpeg")
        if parsed.path == "/xrpc/app.bsky.feed.searchPosts":
            return self.json(handler, {"error": "Forbidden", "message": "Forbidden"}, 403)
        if parsed.path != "/xrpc/app.bsky.feed.getAuthorFeed":
            return self.json(handler, {"error": "MethodNotImplemented",
                                        "message": "Method Not Implemented"}, 501)  # fmt: skip
        actor = query.get("actor", [""])[0]
        if actor not in feeds:
            return self.json(
                handler, {"error": "InvalidRequest", "message": "Profile not found"}, 400
            )
        entries = feeds[actor]
        if query.get("filter", ["posts_with_replies"])[0] == "posts_no_replies":
            entries = [e for e in entries if "reply" not in e]
        limit = int(query.get("limit", ["50"])[0])
        return self.json(handler, {"cursor": "2026-11-30T08:00:00.000Z", "feed": entries[:limit]})

    def rate_headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(int(time.time()) + 300),
            "RateLimit-Policy": "3000;w=300",
        }

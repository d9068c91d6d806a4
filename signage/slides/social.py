"""``type: social``: a moderated wall of posts from a Mastodon hashtag or account, or a
Bluesky account."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from signage.core.schema import Choice, Field, Integer, ListOf, Text
from signage.core.values import Duration
from signage.live.bluesky import PUBLIC_API, author_feed_url
from signage.live.model import Want
from signage.slides.base import Slide, SlideKind

MIN_POLL_S = 15.0


@dataclass(frozen=True, kw_only=True)
class SocialSlide(Slide):
    type = "social"
    network: str = "mastodon"
    instance: str = ""
    hashtag: str | None = None
    account: str | None = None
    moderation: str = "approve"  # approve | auto
    block: tuple[str, ...] = ()  # accounts (@name@host) and words never shown
    max_age_s: float | None = None
    view: str = "wall"  # wall | single
    poll_s: float = 60.0
    items: int = 6
    heading: str = ""

    @property
    def title(self) -> str:
        tag, account = (self.hashtag or "").lstrip("#"), (self.account or "").lstrip("@")
        return self.heading or (f"#{tag}" if tag else f"@{account}")

    def sources(self) -> tuple[str, ...]:
        """The API addresses read: the hashtag's public timeline, the account's statuses
        (found by its name first); on Bluesky, the account's own posts."""
        if self.network == "bluesky":
            return (author_feed_url(self.instance or PUBLIC_API, self.account or ""),)
        base = self.instance.rstrip("/")
        found = []
        if self.hashtag:
            tag = urllib.parse.quote(self.hashtag.lstrip("#"))
            found.append(f"{base}/api/v1/timelines/tag/{tag}?limit=40")
        if self.account:
            account = urllib.parse.quote(self.account.lstrip("@"))
            found.append(f"{base}/api/v1/accounts/lookup?acct={account}")
        return tuple(found)

    def live(self) -> dict[str, Want]:
        moderated = self.moderation == "approve"
        return {source: Want("social", self.poll_s, moderated) for source in self.sources()}


def _network_rule(values: Mapping[str, Any]) -> str | None:
    if values.get("network") == "bluesky":
        if values.get("hashtag"):
            return (
                "network: bluesky reads an account, not a hashtag: Bluesky's public API no "
                "longer answers post searches without an account (app.bsky.feed.searchPosts); "
                "give account: (like capcom.bsky.social), or read the hashtag on Mastodon"
            )
        return None
    if not values.get("instance"):
        return "a mastodon social slide needs instance: the server, e.g. https://mastodon.social"
    return None


KIND = SlideKind(
    type="social",
    doc="Posts of a Mastodon hashtag or account, moderated: with moderation: approve (the "
    "default) a post is shown once an operator approved it on the control API's page. A "
    "sensitive post or one behind a content warning is never shown.",
    fields={
        "network": Field(
            Choice(("mastodon", "bluesky")),
            default="mastodon",
            doc="mastodon: a hashtag or an account of a Mastodon server; bluesky: an account "
            "(Bluesky's public API does not answer hashtag searches without an account)",
        ),
        "instance": Field(
            Text(max_len=300, pattern=r"https?://[^\s/]+(/[^\s]*)?", pattern_help="an http(s) URL"),
            doc="The Mastodon server, e.g. https://mastodon.social (required for Mastodon); "
            f"for Bluesky, the API server (default {PUBLIC_API})",
        ),
        "hashtag": Field(
            Text(max_len=100, pattern=r"#?[\w]+", pattern_help="a hashtag like rncn8"),
            doc="A hashtag, without or with its #",
        ),
        "account": Field(
            Text(
                max_len=300,
                pattern=r"@?[\w.-]+(@[\w.-]+)?",
                pattern_help="an account like capcom@mastodon.social or capcom.bsky.social",
            ),
            doc="An account whose public posts are shown",
        ),
        "moderation": Field(
            Choice(("approve", "auto")),
            default="approve",
            doc="approve: each post waits for an operator's approval; auto: shown at once "
            "(blocked accounts and words still left out)",
        ),
        "block": Field(
            ListOf(Text(max_len=200), single_ok=True),
            doc="Accounts (@name@server) and words never shown",
        ),
        "max_age": Field(
            Duration(60, 90 * 86400), doc="Posts older than this are left out", attr="max_age_s"
        ),
        "view": Field(
            Choice(("wall", "single")),
            default="wall",
            doc="wall: the newest posts; single: one at a time",
        ),
        "poll": Field(
            Duration(MIN_POLL_S, 86400),
            default=60.0,
            doc=f"How often the server is asked (seconds, at least {MIN_POLL_S:g}; its "
            "rate limit and Retry-After are honoured)",
            attr="poll_s",
        ),
        "items": Field(Integer(1, 20), default=6, doc="How many posts at most"),
        "title": Field(Text(max_len=200), doc="Heading (default: the hashtag)", attr="heading"),
    },
    model=SocialSlide,
    one_of=("hashtag", "account"),
    rule=_network_rule,
)

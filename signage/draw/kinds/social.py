"""``type: social``: the posts of a Mastodon hashtag or account, moderated: drawn (the
keys and the model are :mod:`signage.slides.social`; the posts come parsed from the live
hub, sensitive ones already dropped there). A wall is the news list's layout (the post,
then who and when, a picture beside it); one at a time its single view."""

from __future__ import annotations

import re
from dataclasses import replace

from signage.draw.canvas import Canvas, Frame
from signage.draw.kinds.news import list_view, single_view
from signage.live.model import Feed, Item, LiveError, live_key
from signage.slides.social import SocialSlide


def render(slide: SocialSlide, canvas: Canvas) -> Frame:
    posts = shown_posts(slide, canvas)
    if not posts:
        # nothing approved (or nothing yet): the next slide plays, the wall says nothing
        raise LiveError(f"{slide.title}: no post to show yet")
    if slide.view == "single":  # the author as the title, the post as the text
        return single_view(
            slide, canvas, tuple(replace(p, title=p.author, author="") for p in posts), slide.title
        )
    return list_view(
        slide, canvas, tuple(replace(p, title=p.text, text="") for p in posts), slide.title
    )


def shown_posts(slide: SocialSlide, canvas: Canvas) -> tuple[Item, ...]:
    """The posts this wall may show, newest first: approved (with ``moderation: approve``)
    or not rejected (``auto``), from no blocked account, with no blocked word."""
    services = canvas.services
    feeds: list[Feed] = [
        found
        for source in slide.sources()
        if services is not None and (found := services.feed(live_key(source, canvas.root)))
    ]
    merged = {
        post.id: post for feed in feeds for post in feed.recent(canvas.at, slide.max_age_s, 80)
    }
    allowed = ("approved",) if slide.moderation == "approve" else ("approved", None)
    accounts = {b.lstrip("@").casefold() for b in slide.block if "@" in b}
    words = [b.casefold() for b in slide.block if "@" not in b]
    kept = [
        post
        for post in merged.values()
        if post.verdict in allowed
        and not _blocked(post, accounts)
        and not any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", post.text.casefold()) for w in words)
    ]
    kept.sort(key=lambda p: p.published.timestamp() if p.published else 0.0, reverse=True)
    return tuple(kept[: slide.items])


def _blocked(post: Item, accounts: set[str]) -> bool:
    """Whether the post's author (``acct`` after " · @": name, or name@server for another
    server's) is one of ``accounts`` (name@server)."""
    acct = post.author.rsplit(" · @", 1)[-1].casefold()
    return any(
        acct == blocked or ("@" not in acct and blocked.split("@")[0] == acct)
        for blocked in accounts
    )

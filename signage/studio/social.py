"""The studio's social wall page: the posts of the content's moderated walls, read by the
studio itself as a screen reads them, approved or refused by an editor from a phone. The
verdicts go to every screen over the fleet's broker (retained on
``signage/social/verdicts``), so that one decision holds on every wall that shows the post.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from signage.content.folder import load_content
from signage.core.http import image_type
from signage.live.hub import LiveHub, wants_of
from signage.live.model import Item
from signage.studio import pages
from signage.studio.frame import Answer, StudioHandler
from signage.studio.sessions import Session
from signage.studio.words import _

SOCIAL_NEED_MQTT = (
    "Les décisions partent vers les écrans par le courtier MQTT : le studio doit être lancé "
    "avec --mqtt. Sans lui, chaque écran se modère sur sa propre page."
)
ACTIONS = {"approve": "approved", "reject": "rejected"}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Post:
    """A post of a moderated wall: its short name in the studio's paths, its source (as
    the content names it) and the item, with the studio's verdict."""

    key: str
    source: str
    item: Item


def key_of(source: str, post_id: str) -> str:
    """A post's short name in the studio's paths (a Bluesky post's id holds slashes)."""
    return hashlib.sha256(f"{source}\n{post_id}".encode()).hexdigest()[:16]


class SocialDesk:
    """The moderated walls of the content, fetched on the studio's own live hub (its cache
    in ``CONTENT/.studio/live``), and the verdicts sent to the screens."""

    def __init__(self, root: Path, state: Path) -> None:
        self.root = root
        self.hub = LiveHub(state)
        self.send: Callable[[dict[str, dict[str, str]]], bool] | None = None  # the broker's

    def refresh(self) -> None:
        """The content's moderated walls, as they are now (an editor may have added one)."""
        content, _ = load_content(self.root)
        wants = wants_of(content) if content is not None else {}
        self.hub.set_sources({s: w for s, w in wants.items() if w.moderated})

    def start(self) -> None:
        self.refresh()
        self.hub.start()

    def stop(self) -> None:
        self.hub.stop()

    def posts(self) -> list[Post]:
        """The queue, newest first."""
        found = [
            Post(key_of(feed.source, item.id), feed.source, item)
            for feed in self.hub.feeds()  # only moderated walls: see refresh()
            for item in feed.items
        ]
        found.sort(key=lambda p: p.item.published or _EPOCH, reverse=True)
        return found

    def find(self, key: str) -> Post | None:
        return next((p for p in self.posts() if p.key == key), None)

    def decide(self, key: str, action: str) -> tuple[Post, bool] | None:
        """The verdict on the post ``key``: (the post, whether the screens were told), or
        None when the studio does not have that post (any more)."""
        post = self.find(key)
        if post is None or action not in ACTIONS:
            return None
        self.hub.moderation.merge({post.source: {post.item.id: ACTIONS[action]}})
        told = self.send(self.hub.moderation.said()) if self.send is not None else False
        return post, told


# -- the routes ----------------------------------------------------------------------------


def social_page(
    h: StudioHandler, session: Session | None, path: str, message: str = "", bad: bool = False
) -> Answer:
    assert session is not None
    desk: SocialDesk = h.studio.social
    desk.refresh()
    body = pages.said(message, bad) + (
        "" if h.studio.link is not None else f'<p class="hint">{_(SOCIAL_NEED_MQTT)}</p>'
    )
    body += _cards(desk.posts(), session.csrf)
    return Answer(200 if not bad else 404, pages.page("Mur social", body, session, session.csrf))


def picture(h: StudioHandler, session: Session | None, path: str) -> Answer:
    post = h.studio.social.find(path.split("/")[2])
    image = post.item.image if post is not None else None
    try:
        data = Path(image).read_bytes() if image else None
    except OSError:
        data = None
    return Answer(200, data, image_type(data)) if data is not None else _gone()


def decide(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    key, action = path.split("/")[2], path.split("/")[3]
    done = h.studio.social.decide(key, action)
    if done is None:
        return social_page(h, session, path, _("Cette publication n’est plus sur le mur."), True)
    post, told = done
    item = post.item
    h.studio.audit.record(session.user, f"post {ACTIONS[action]}", h.client(),
                          post=item.id, source=post.source, author=item.author)  # fmt: skip
    said = (
        _("Publication de {who} validée.", who=item.author)
        if action == "approve"
        else _("Publication de {who} refusée.", who=item.author)
    )
    if told:
        said += " " + _("Envoyé aux écrans.")
    return social_page(h, session, path, said)


def _gone() -> Answer:
    return Answer(404, b"", "text/plain")


def _cards(posts: list[Post], csrf: str) -> str:
    cards = []
    for post in posts:
        item, key = post.item, post.key
        verdict = item.verdict  # the studio's own, as its hub judged the wall
        state = _({"approved": "Validée", "rejected": "Refusée"}.get(verdict or "", "En attente"))
        picture = ""
        if item.image:
            alt = item.image_alt
            picture = (
                f'<img src="/social/{key}/picture" alt="{escape(alt)}" loading="lazy">'
                f'<span class="hint">{escape(_("Description : {alt}", alt=alt) if alt else _("Image sans description"))}</span>'
            )
        buttons = "".join(
            f'<form method="post" action="/social/{key}/{action}">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<button class="{"" if action == "approve" else "secondary"}">{_(label)}</button></form>'
            for action, label in (("approve", "Valider"), ("reject", "Refuser"))
            if ACTIONS[action] != verdict
        )
        cards.append(
            f'<li class="photo" data-post="{key}" data-verdict="{verdict or "waiting"}">'
            f"<p><strong>{escape(item.author)}</strong><br>{escape(item.text)}</p>{picture}"
            f"<p><strong>{escape(state)}</strong></p>"
            f'<div class="actions">{buttons}</div></li>'
        )
    if not cards:
        return f'<p class="hint">{_("Aucune publication à modérer.")}</p>'
    return f'<ul class="photos">{"".join(cards)}</ul>'

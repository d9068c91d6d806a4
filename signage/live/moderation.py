"""Operators' verdicts on the posts of moderated sources (a social wall with ``moderation:
approve``): kept by source and post id, on disk, so a restart does not ask again."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from signage.core.paths import atomic_write
from signage.core.urls import redact_url
from signage.live.model import Feed

log = logging.getLogger(__name__)

VERDICTS = ("approved", "rejected")


class Moderation:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "moderation.json"
        self._lock = threading.Lock()
        self._said = self._load()  # source -> post id -> verdict

    def judged(self, feed: Feed) -> Feed:
        """``feed`` with each item's verdict (None: waiting); its version changes with them."""
        with self._lock:
            said = dict(self._said.get(feed.source, {}))
        items = tuple(replace(item, verdict=said.get(item.id)) for item in feed.items)
        verdicts = json.dumps([(item.id, item.verdict) for item in items]).encode()
        return replace(
            feed, items=items, version=f"{feed.version}:{hashlib.sha256(verdicts).hexdigest()[:8]}"
        )

    def decide(self, sources: list[str], post_id: str, verdict: str) -> None:
        """``verdict`` on ``post_id`` in each of ``sources`` (the moderated feeds that have it)."""
        if verdict not in VERDICTS:
            raise ValueError(f"a verdict is one of {', '.join(VERDICTS)}")
        self.merge({source: {post_id: verdict} for source in sources})
        log.info("post %s %s", post_id, verdict)

    def said(self) -> dict[str, dict[str, str]]:
        """Every verdict, by source then post id, in the order they were given."""
        with self._lock:
            return {source: dict(posts) for source, posts in self._said.items()}

    def merge(self, said: dict[str, dict[str, str]]) -> bool:
        """Verdicts given elsewhere (the studio's, over the fleet) over this screen's own;
        True when one changed. A verdict given again moves to the end (the latest)."""
        with self._lock:
            changed = False
            for source, posts in said.items():
                mine = self._said.setdefault(source, {})
                for post_id, verdict in posts.items():
                    if verdict in VERDICTS and mine.get(post_id) != verdict:
                        mine.pop(post_id, None)
                        mine[post_id] = verdict
                        changed = True
            if not changed:
                return False
            record = json.dumps(self._said).encode()
        try:
            atomic_write(self.path, record)
        except OSError as exc:
            log.warning("moderation not written to the cache (%s): kept until a restart", exc)
        return True

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(found, dict):
            return {}
        return {
            str(source): {str(k): v for k, v in said.items() if v in VERDICTS}
            for source, said in found.items()
            if isinstance(said, dict)
        }


def queue_of(feeds: tuple[Feed, ...]) -> list[dict[str, Any]]:
    """The posts of moderated feeds, newest first, each with its verdict (None: waiting):
    what the operator page shows with its approve and reject buttons."""
    found = [
        {
            "source": redact_url(feed.source),
            "id": item.id,
            "author": item.author,
            "text": item.text,
            "link": item.link,
            "picture": item.image is not None,
            "alt": item.image_alt,
            "published": item.published.isoformat(timespec="seconds") if item.published else None,
            "verdict": item.verdict,
        }
        for feed in feeds
        for item in feed.items
    ]
    found.sort(key=lambda post: post["published"] or "", reverse=True)
    return found

"""The bench's live layout (``signage bench --layout live``, and ``live-static`` to compare):
crossfading 24 MP photos beside a news list, a social wall and a web page, the three fed
by a loopback site the bench serves (a feed file, a Mastodon timeline as a static JSON
file, a page for Chromium); ``live-static`` is the same layout with text slides of the same
words in those regions. The difference of their figures is what live sources cost the
render loop."""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

POSTS = [
    "Plénière d’ouverture dans l’Amphithéâtre Grand Bleu : salle comble ! #rncn8",
    "Atelier « Applis mobiles : le territoire dans la poche » à 11 h en Salle Seine #rncn8",
    "Merci à Cap’Com pour l’accueil et le café #rncn8",
]
NEWS = [
    "Les 8es Rencontres nationales de la communication numérique ouvrent à Issy-les-Moulineaux",
    "Open data : les collectivités publient leurs données en temps réel",
    "Prix de la communication publique : les candidatures sont ouvertes",
]
PAGE = (
    "<!doctype html><html lang='fr'><meta charset='utf-8'><body style='font:40px sans-serif;"
    "background:#f4f6fb;color:#0c234e;margin:40px'><h1>Infos pratiques</h1><p>Tram T2 : "
    "trafic normal</p><p>Qualité de l’air : bonne</p></body></html>"
)


@contextlib.contextmanager
def site(folder: Path) -> Iterator[str]:
    """A loopback web server for ``folder`` while the bench runs; its URL."""
    (folder / "api" / "v1" / "timelines" / "tag").mkdir(parents=True, exist_ok=True)
    statuses: list[dict[str, Any]] = [
        {"id": str(n), "created_at": f"2026-11-30T09:0{n}:00Z", "content": f"<p>{text}</p>",
         "sensitive": False, "spoiler_text": "", "visibility": "public", "reblog": None,
         "url": f"https://mastodon.example/@capcom/{n}", "media_attachments": [],
         "account": {"id": "1", "username": "capcom", "acct": "capcom", "display_name": "Cap’Com"}}
        for n, text in enumerate(POSTS)
    ]  # fmt: skip
    (folder / "api" / "v1" / "timelines" / "tag" / "rncn8").write_text(json.dumps(statuses))
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    items = "".join(
        f"<item><title>{title}</title><guid>n{n}</guid>"
        f"<pubDate>Mon, 30 Nov 2026 0{8 - n}:00:00 +0100</pubDate></item>"
        for n, title in enumerate(NEWS)
    )
    (folder / "fil.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Cap’Com</title>{items}</channel></rss>",
        encoding="utf-8",
    )
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def layout() -> list[dict[str, Any]]:
    return [
        {"name": "main", "x": 0, "y": 0, "w": "60%", "h": "100%", "playlist": "photos"},
        {
            "name": "actualites",
            "x": "60%",
            "y": 0,
            "w": "40%",
            "h": "34%",
            "playlist": "actualites",
        },
        {"name": "mur", "x": "60%", "y": "34%", "w": "40%", "h": "33%", "playlist": "mur"},
        {"name": "page", "x": "60%", "y": "67%", "w": "40%", "h": "33%", "playlist": "page"},
    ]


def playlists(url: str | None) -> dict[str, list[dict[str, Any]]]:
    """The three side regions' slides: live (``url``: the loopback site) or static text."""
    if url is None:
        return {
            "actualites": [{"type": "text", "title": "Actualités", "body": "\n\n".join(NEWS), "duration": 3600}],
            "mur": [{"type": "text", "title": "#rncn8", "body": "\n\n".join(POSTS), "duration": 3600}],
            "page": [{"type": "text", "title": "Infos pratiques", "body": "Tram T2 : trafic normal", "duration": 3600}],
        }  # fmt: skip
    return {
        "actualites": [{"type": "news", "source": f"{url}/fil.xml", "duration": 3600, "poll": 30}],
        "mur": [{"type": "social", "instance": url, "hashtag": "rncn8", "moderation": "auto",
                 "duration": 3600, "poll": 15}],
        "page": [{"type": "web", "url": f"{url}/page.html", "refresh": 10, "wait": 0.5, "duration": 3600}],
    }  # fmt: skip

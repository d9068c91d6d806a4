"""The frame of every request to the studio: which roles each route admits, the
session from its cookie, the forms (bounded, CSRF-checked), and the answer.

Each route is a function ``(handler, session, path) -> Answer`` (:mod:`.routes`)."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from signage.core.httpd import GuardedHandler
from signage.studio import pages
from signage.studio.sessions import COOKIE, Session
from signage.studio.words import LANG, _, language_of

ANYONE = ("admin", "editor", "photographer", "steward")
UPLOADERS = ("admin", "editor", "photographer")
EDITORS = ("admin", "editor")
STEWARDS = ("admin", "editor", "steward")
ADMINS = ("admin",)
MAX_FORM = 16 * 1024
# paths with a part that varies, and the route each belongs to
PATTERNS = (
    (re.compile(r"/photos/[a-z0-9]{16}/(thumb|approve|reject)"), "/photos/<id>/{0}"),
    (re.compile(r"/slides/[\w.-]{1,80}/\d{1,4}"), "/slides/<file>/<n>"),
    (
        re.compile(r"/slides/[\w.-]{1,80}/\d{1,4}/(move|delete|preview\.png)"),
        "/slides/<file>/<n>/{0}",
    ),
    (re.compile(r"/slides/[\w.-]{1,80}/add"), "/slides/<file>/add"),
    (re.compile(r"/slides/[\w.-]{1,80}/settings"), "/slides/<file>/settings"),
    (re.compile(r"/slides/[\w.-]{1,80}/new"), "/slides/<file>/new"),
    (re.compile(r"/history/\d{1,6}/restore"), "/history/<n>/restore"),
    (re.compile(r"/social/[a-f0-9]{16}/(picture|approve|reject)"), "/social/<key>/{0}"),
    (re.compile(r"/rooms/[^/]{1,600}"), "/rooms/<room>"),
)

# (method, route) -> the roles allowed; None: open to all (signing in, the style sheet)
ROUTES: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("GET", "/login"): None,
    ("POST", "/login"): None,
    ("GET", "/studio.css"): None,
    ("POST", "/logout"): ANYONE,
    ("GET", "/"): ANYONE,
    ("GET", "/photos/new"): UPLOADERS,
    ("POST", "/photos"): UPLOADERS,
    ("GET", "/photos/mine"): UPLOADERS,
    ("GET", "/photos/queue"): EDITORS,
    ("GET", "/photos/<id>/thumb"): UPLOADERS,  # a photographer: their own only
    ("POST", "/photos/<id>/approve"): EDITORS,
    ("POST", "/photos/<id>/reject"): EDITORS,
    ("GET", "/rooms"): STEWARDS,
    ("POST", "/rooms"): STEWARDS,
    ("GET", "/rooms/<room>"): STEWARDS,
    ("GET", "/slides"): EDITORS,
    ("GET", "/slides/<file>/<n>"): EDITORS,
    ("POST", "/slides/<file>/<n>"): EDITORS,
    ("POST", "/slides/<file>/<n>/move"): EDITORS,
    ("POST", "/slides/<file>/<n>/delete"): EDITORS,
    ("POST", "/slides/<file>/add"): EDITORS,
    ("GET", "/slides/<file>/settings"): EDITORS,
    ("POST", "/slides/<file>/settings"): EDITORS,
    ("GET", "/slides/<file>/new"): EDITORS,
    ("POST", "/slides/<file>/new"): EDITORS,
    ("GET", "/slides/<file>/<n>/preview.png"): EDITORS,
    ("GET", "/history"): EDITORS,
    ("POST", "/history/<n>/restore"): EDITORS,
    ("GET", "/screens"): EDITORS,
    ("POST", "/screens/message"): EDITORS,
    ("POST", "/screens/clear"): EDITORS,
    ("GET", "/social"): EDITORS,
    ("GET", "/social/<key>/picture"): EDITORS,
    ("POST", "/social/<key>/approve"): EDITORS,
    ("POST", "/social/<key>/reject"): EDITORS,
    ("GET", "/audit"): ADMINS,
}


@dataclass
class Answer:
    status: int
    body: bytes
    kind: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def allowed(method: str, route: str, role: str | None) -> bool:
    roles = ROUTES.get((method, route), ())
    return roles is None or (role is not None and role in (roles or ()))


def route_of(path: str) -> str:
    for pattern, route in PATTERNS:
        if match := pattern.fullmatch(path):
            return route.format(*match.groups())
    return path


class StudioHandler(GuardedHandler):
    """One request; ``studio`` (the Studio) and ``routes`` are set by the server."""

    server_version = "signage-studio"
    studio: Any
    routes: dict[tuple[str, str], Callable[[StudioHandler, Session | None, str], Answer]]

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    # -- the frame of every request ------------------------------------------------

    def _serve(self, method: str) -> None:
        path = urllib.parse.urlsplit(self.path).path
        LANG.set(language_of(self.headers.get("Accept-Language")))  # this request's thread only
        route = route_of(path)
        if (method, route) not in ROUTES:
            return self._answer(
                Answer(
                    404,
                    pages.page(
                        "Page introuvable", pages.said(_("Cette adresse n’existe pas."), True)
                    ),
                )
            )
        self.studio.refresh_users()  # `signage users` may have changed who can sign in
        session = self.studio.sessions.get(self._cookie())
        roles = ROUTES[(method, route)]
        if roles is not None and session is None:
            if method == "GET":
                return self._redirect(f"/login?next={urllib.parse.quote(path)}")
            return self._answer(
                Answer(
                    401,
                    pages.page(
                        "Session expirée",
                        pages.login(_("Votre session a expiré : reconnectez-vous."), "/"),
                    ),
                )
            )
        if roles is not None and session is not None and session.role not in roles:
            return self._answer(Answer(403, pages.page("Accès refusé", pages.said(
                _("Votre rôle ({role}) ne donne pas accès à cette page.", role=_(pages.ROLE_NAMES[session.role])), True), session, session.csrf)))  # fmt: skip
        handler = self.routes[(method, route)]
        return self._answer(handler(self, session, path))

    def _answer(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.kind)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def _redirect(self, to: str, *headers: tuple[str, str]) -> None:
        self._answer(Answer(303, b"", "text/plain", (("Location", to), *headers)))

    def _cookie(self) -> str | None:
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE:
                return value
        return None

    def client(self) -> str:
        """Who asks: the peer, or behind a proxy on this machine, the address it names."""
        peer = str(self.client_address[0])
        forwarded = (self.headers.get("X-Forwarded-For") or "").split(",")[-1].strip()
        return forwarded[:64] if peer in ("127.0.0.1", "::1") and forwarded else peer

    def secure(self) -> bool:
        """Served over TLS by a proxy on this machine (the nginx snippet in deploy/)."""
        return (
            self.client() in ("127.0.0.1", "::1")
            and self.headers.get("X-Forwarded-Proto") == "https"
        )

    def form(self) -> dict[str, str] | Answer:
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            return Answer(
                415,
                pages.page(
                    "Formulaire attendu",
                    pages.said(_("Envoyez ce formulaire depuis la page du studio."), True),
                ),
            )
        try:
            length = self.content_length(MAX_FORM)
            raw = self.rfile.read(length).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            self.close_connection = True
            return Answer(
                400,
                pages.page(
                    "Formulaire refusé",
                    pages.said(_("Ce formulaire est trop long ou illisible."), True),
                ),
            )
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}

    def checked_form(self, session: Session | None) -> dict[str, str] | Answer:
        """The form of a change: refused without the session's CSRF token."""
        form = self.form()
        if isinstance(form, Answer):
            return form
        if session is None or not session.csrf_ok(form.get("csrf")):
            return Answer(403, pages.page("Formulaire périmé", pages.said(_(
                "Ce formulaire n’est plus valable (page trop ancienne ou ouverte ailleurs) : "
                "rechargez la page et recommencez."), True)))  # fmt: skip
        return form


def local_path(path: str) -> str:
    """Only a path of this site to go back to after signing in (never another site)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"

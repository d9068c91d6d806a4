"""``signage studio``: the web app where photographers send photos, editors approve them
into the content, and stewards set their rooms' states, each signed in with a role.

Served by the player's own HTTP stack (:mod:`signage.core.httpd`: the Host allow-list,
the Content-Security-Policy, no framing, bounded bodies and connections). Every route
says which roles may use it (:data:`ROUTES`); a change needs the session's CSRF token and
is written to the audit log.
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from signage.core.http import bound_address
from signage.core.httpd import GuardedHandler, GuardedServer
from signage.studio import pages
from signage.studio.audit import Audit
from signage.studio.photos import (
    MAX_REQUEST_BYTES,
    PhotoError,
    Queue,
    StaleForm,
    remove_parts,
    upload,
)  # fmt: skip
from signage.studio.sessions import COOKIE, LoginLimit, Session, Sessions
from signage.studio.users import Users

log = logging.getLogger(__name__)

ANYONE = ("admin", "editor", "photographer", "steward")
UPLOADERS = ("admin", "editor", "photographer")
EDITORS = ("admin", "editor")
STEWARDS = ("admin", "editor", "steward")
ADMINS = ("admin",)
MAX_FORM = 16 * 1024
PHOTO_ROUTE = re.compile(r"/photos/([a-z0-9]{16})/(thumb|approve|reject)")

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
    ("GET", "/audit"): ADMINS,
}


class StudioError(ValueError):
    """The studio cannot start; the text says why."""


@dataclass
class Answer:
    status: int
    body: bytes
    kind: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class Studio:
    """The studio of one content folder."""

    def __init__(
        self,
        root: Path,
        users_file: Path,
        address: tuple[str, int] = ("127.0.0.1", 8790),
        names: tuple[str, ...] = (),
        publish_to: Path | None = None,
        broker: Any = None,
        prefix: str = "signage",
        idle_s: float | None = None,
    ) -> None:
        self.root = root
        self.users_file = users_file
        self.users = Users.load(users_file)
        if not self.users.users:
            raise StudioError(
                f"{users_file}: no users yet (signage users add NAME --role admin --users {users_file})"
            )
        self.sessions = Sessions(idle_s) if idle_s else Sessions()
        self.limit = LoginLimit()
        state = root / ".studio"
        self.queue = Queue(state / "queue")
        self.incoming = state / "incoming"
        remove_parts(self.incoming)
        self.audit = Audit(state / "audit.jsonl")
        self.publish_to = publish_to
        self._publishing = threading.Lock()
        self.link: Any = None
        self.topics: Any = None
        self.room_states: dict[str, dict[str, Any]] = {}
        if broker is not None:
            self._connect(broker, prefix)
        self.httpd = GuardedServer(address, _handler_for(self), names)

    @property
    def address(self) -> str:
        return bound_address(self.httpd)

    def serve(self) -> None:
        if self.link is not None:
            threading.Thread(target=self.link.run, name="studio-mqtt", daemon=True).start()
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()
            if self.link is not None:
                self.link.stop()

    def stop(self) -> None:
        self.httpd.shutdown()

    # -- what the content holds --------------------------------------------------------

    def photo_folders(self) -> tuple[str, ...]:
        """The folders of the content's ``photos`` slides, in the playlists' order."""
        found: list[str] = []
        for playlist in sorted((self.root / "playlists").glob("*.yaml")):
            try:
                data = yaml.safe_load(playlist.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            slides = data.get("slides") if isinstance(data, dict) else None
            for slide in slides if isinstance(slides, list) else []:
                if isinstance(slide, dict) and slide.get("type") == "photos":
                    folder = str(slide.get("folder") or "").strip("/")
                    if folder and folder not in found and (self.root / folder).is_dir():
                        found.append(folder)
        return tuple(found)

    def rooms(self) -> list[str]:
        """The rooms of the content's programmes, then any whose state was set."""
        from signage.content.folder import load_content
        from signage.programme.fetch import sources_of
        from signage.programme.load import load
        from signage.programme.model import ProgrammeError

        content, _ = load_content(self.root)
        names: list[str] = []
        if content is not None:
            for path in sources_of(content)[1]:
                try:
                    names += [r for r in load(str(path)).room_names() if r not in names]
                except (ProgrammeError, OSError):
                    continue
        return names + sorted(r for r in self.room_states if r not in names)

    # -- changes -----------------------------------------------------------------------

    def published(self) -> None:
        """With ``--publish``: the content as the feed's new version (screens follow)."""
        if self.publish_to is None:
            return
        from signage.delivery.publish import PublishError, publish

        with self._publishing:
            try:
                publish(self.root, self.publish_to)
            except PublishError as exc:
                log.error("studio: the change is saved but not published: %s", exc)

    def set_room(self, room: str, state: str, note: str) -> None:
        from signage.ops.fleet.protocol import room_state_payload

        payload = room_state_payload(state, note)  # CommandError for a state not known
        if self.link is None or not self.link.publish(
            self.topics.room_state(room), payload, qos=1, retain=True
        ):
            raise ConnectionError("le courtier MQTT n’est pas joignable")

    def _connect(self, broker: Any, prefix: str) -> None:
        from signage.ops.fleet.link import Link
        from signage.ops.fleet.protocol import Topics, parse_room_state

        self.topics = Topics(prefix)

        def heard(message: Any) -> None:
            room = self.topics.room_of(message.topic)
            if room is None:
                return
            try:
                state = parse_room_state(message.payload)
            except ValueError:
                state = None
            if state is None:
                self.room_states.pop(room, None)
            else:
                self.room_states[room] = state.to_json()

        self.link = Link(broker, f"signage-studio-{uuid.uuid4().hex[:8]}", [self.topics.room_states],
                         heard, persistent=False)  # fmt: skip


def allowed(method: str, route: str, role: str | None) -> bool:
    roles = ROUTES.get((method, route), ())
    return roles is None or (role is not None and role in (roles or ()))


def route_of(path: str) -> str:
    match = PHOTO_ROUTE.fullmatch(path)
    return f"/photos/<id>/{match.group(2)}" if match else path


def _handler_for(studio: Studio) -> type[GuardedHandler]:
    class Handler(GuardedHandler):
        server_version = "signage-studio"

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        # -- the frame of every request ------------------------------------------------

        def _serve(self, method: str) -> None:
            path = urllib.parse.urlsplit(self.path).path
            route = route_of(path)
            if (method, route) not in ROUTES:
                return self._answer(
                    Answer(
                        404,
                        pages.page(
                            "Page introuvable", pages.said("Cette adresse n’existe pas.", True)
                        ),
                    )
                )
            session = studio.sessions.get(self._cookie())
            roles = ROUTES[(method, route)]
            if roles is not None and session is None:
                if method == "GET":
                    return self._redirect(f"/login?next={urllib.parse.quote(path)}")
                return self._answer(
                    Answer(
                        401,
                        pages.page(
                            "Session expirée",
                            pages.login("Votre session a expiré : reconnectez-vous.", "/"),
                        ),
                    )
                )
            if roles is not None and session is not None and session.role not in roles:
                return self._answer(Answer(403, pages.page("Accès refusé", pages.said(
                    f"Votre rôle ({pages.ROLE_NAMES[session.role]}) ne donne pas accès à cette page.", True), session, session.csrf)))  # fmt: skip
            handler = HANDLERS[(method, route)]
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
                        pages.said("Envoyez ce formulaire depuis la page du studio.", True),
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
                        pages.said("Ce formulaire est trop long ou illisible.", True),
                    ),
                )
            return {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}

        def checked_form(self, session: Session | None) -> dict[str, str] | Answer:
            """The form of a change: refused without the session's CSRF token."""
            form = self.form()
            if isinstance(form, Answer):
                return form
            if session is None or not session.csrf_ok(form.get("csrf")):
                return Answer(403, pages.page("Formulaire périmé", pages.said(
                    "Ce formulaire n’est plus valable (page trop ancienne ou ouverte ailleurs) : "
                    "rechargez la page et recommencez.", True)))  # fmt: skip
            return form

    # -- the routes --------------------------------------------------------------------

    def login_page(h: Handler, session: Session | None, path: str) -> Answer:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(h.path).query)
        next_path = _local(query.get("next", ["/"])[0])
        return Answer(200, pages.page("Connexion", pages.login("", next_path)))

    def login(h: Handler, session: Session | None, path: str) -> Answer:
        form = h.form()
        if isinstance(form, Answer):
            return form
        name, secret = form.get("name", "").strip(), form.get("secret", "")
        keys = (f"ip:{h.client()}", f"name:{name.lower()}")
        wait = studio.limit.wait_s(*keys)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            return Answer(429, pages.page("Connexion", pages.login(
                f"Trop d’essais : réessayez dans {minutes} min.", form.get("next", "/"))),
                headers=(("Retry-After", str(int(wait) + 1)),))  # fmt: skip
        user = studio.users.check(name, secret)
        if user is None:
            studio.limit.failed(*keys)
            studio.audit.record(name[:64] or "?", "login refused", h.client())
            return Answer(
                401,
                pages.page(
                    "Connexion",
                    pages.login("Nom ou mot de passe incorrect.", form.get("next", "/")),
                ),
            )
        studio.limit.succeeded(*keys)
        opened = studio.sessions.open(user.name, user.role)
        studio.audit.record(user.name, "signed in", h.client())
        secure = "; Secure" if h.secure() else ""
        cookie = f"{COOKIE}={opened.token}; Path=/; HttpOnly; SameSite=Strict{secure}"
        return Answer(
            303,
            b"",
            "text/plain",
            (("Location", _local(form.get("next", "/"))), ("Set-Cookie", cookie)),
        )

    def logout(h: Handler, session: Session | None, path: str) -> Answer:
        form = h.checked_form(session)
        if isinstance(form, Answer):
            return form
        assert session is not None
        studio.sessions.close(session.token)
        cookie = f"{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        return Answer(303, b"", "text/plain", (("Location", "/login"), ("Set-Cookie", cookie)))

    def home(h: Handler, session: Session | None, path: str) -> Answer:
        assert session is not None
        return Answer(200, pages.page("Studio", pages.home(session.role), session, session.csrf))

    def style(h: Handler, session: Session | None, path: str) -> Answer:
        css = resources.files("signage.studio").joinpath("static/studio.css").read_bytes()
        return Answer(200, css, "text/css; charset=utf-8")

    def new_photos(h: Handler, session: Session | None, path: str) -> Answer:
        assert session is not None
        return Answer(
            200,
            pages.page(
                "Envoyer des photos", pages.upload_form(session.csrf), session, session.csrf
            ),
        )

    def send_photos(h: Handler, session: Session | None, path: str) -> Answer:
        assert session is not None

        def refused(status: int, message: str) -> Answer:
            h.close_connection = True
            return Answer(
                status,
                pages.page(
                    "Envoyer des photos",
                    pages.upload_form(session.csrf, message, bad=True),
                    session,
                    session.csrf,
                ),
            )

        try:
            length = h.content_length(MAX_REQUEST_BYTES)
        except ValueError:
            return refused(
                413, f"Envoi trop gros : {MAX_REQUEST_BYTES // 2**20} Mo au plus par envoi."
            )
        received, problems = [], []
        try:
            parts = upload(
                h.rfile,
                h.headers.get("Content-Type") or "",
                length,
                studio.incoming,
                session.csrf_ok,
            )
            for name, part in parts:
                try:
                    photo = studio.queue.add(part, session.user, name)
                except PhotoError as exc:
                    problems.append(f"{name} : {exc}")
                    continue
                received.append(photo)
                studio.audit.record(
                    session.user, "photo sent", h.client(), photo=photo.id, name=name
                )
        except StaleForm:
            return refused(
                403, "Ce formulaire n’est plus valable : rechargez la page et recommencez."
            )
        except PhotoError as exc:
            problems.append(str(exc))
            h.close_connection = True
        message = (
            f"{len(received)} photo(s) reçue(s), en attente de validation." if received else ""
        )
        if problems:
            message = " ".join(filter(None, [message, "Refusé : " + " ; ".join(problems)]))
        status = 200 if received or not problems else 400
        body = pages.upload_form(session.csrf, message, bad=bool(problems)) + pages.photo_cards(
            received
        )
        return Answer(status, pages.page("Envoyer des photos", body, session, session.csrf))

    def my_photos(h: Handler, session: Session | None, path: str) -> Answer:
        assert session is not None
        mine = [p for p in studio.queue.all() if p.by == session.user]
        return Answer(
            200, pages.page("Mes photos envoyées", pages.photo_cards(mine), session, session.csrf)
        )

    def photo_queue(
        h: Handler, session: Session | None, path: str, message: str = "", bad: bool = False
    ) -> Answer:
        assert session is not None
        waiting = [p for p in studio.queue.all() if p.verdict is None]
        body = pages.said(message, bad) + pages.photo_cards(
            waiting, session.csrf, studio.photo_folders()
        )
        return Answer(
            200 if not bad else 409, pages.page("Photos à valider", body, session, session.csrf)
        )

    def thumb(h: Handler, session: Session | None, path: str) -> Answer:
        assert session is not None
        photo = studio.queue.get(path.split("/")[2])
        if photo is None or (session.role not in EDITORS and photo.by != session.user):
            return Answer(404, b"", "text/plain")  # another's photo: as if it did not exist
        try:
            return Answer(200, studio.queue.thumb(photo).read_bytes(), "image/jpeg")
        except OSError:
            return Answer(404, b"", "text/plain")

    def decide(h: Handler, session: Session | None, path: str) -> Answer:
        form = h.checked_form(session)
        if isinstance(form, Answer):
            return form
        assert session is not None
        ident, verdict = path.split("/")[2], path.split("/")[3]
        try:
            if verdict == "approve":
                folder = form.get("folder", "")
                if folder not in studio.photo_folders():
                    raise PhotoError("choisissez un dossier d’une diapositive photos")
                photo = studio.queue.approve(ident, studio.root, folder)
                studio.published()
            else:
                photo = studio.queue.reject(ident)
        except PhotoError as exc:
            return photo_queue(h, session, path, str(exc), bad=True)
        studio.audit.record(
            session.user, f"photo {verdict}d", h.client(), photo=ident, folder=photo.folder
        )
        said = (
            f"« {photo.name} » validée dans {photo.folder}."
            if verdict == "approve"
            else f"« {photo.name} » refusée."
        )
        return photo_queue(h, session, path, said)

    def rooms_page(
        h: Handler, session: Session | None, path: str, message: str = "", bad: bool = False
    ) -> Answer:
        assert session is not None
        body = pages.rooms(
            studio.rooms(), studio.room_states, session.csrf, message, bad, studio.link is not None
        )
        return Answer(
            200 if not bad else 400, pages.page("État des salles", body, session, session.csrf)
        )

    def set_room(h: Handler, session: Session | None, path: str) -> Answer:
        form = h.checked_form(session)
        if isinstance(form, Answer):
            return form
        assert session is not None
        room, state, note = (
            form.get("room", "").strip(),
            form.get("state", ""),
            form.get("note", ""),
        )
        if room not in studio.rooms():
            return rooms_page(
                h, session, path, f"« {room} » n’est pas une salle du programme.", bad=True
            )
        try:
            studio.set_room(room, state, note)
        except (ValueError, ConnectionError) as exc:
            return rooms_page(h, session, path, f"Non envoyé : {exc}", bad=True)
        studio.room_states[room] = {"state": state, "note": note.strip()}
        studio.audit.record(
            session.user, "room state", h.client(), room=room, state=state, note=note.strip()
        )
        return rooms_page(
            h, session, path, f"{room} : {pages.STATE_NAMES[state]} — envoyé aux écrans."
        )

    def audit_page(h: Handler, session: Session | None, path: str) -> Answer:
        assert session is not None
        return Answer(
            200,
            pages.page(
                "Journal des changements", pages.audit(studio.audit.last()), session, session.csrf
            ),
        )

    HANDLERS: dict[tuple[str, str], Callable[[Handler, Session | None, str], Answer]] = {
        ("GET", "/login"): login_page,
        ("POST", "/login"): login,
        ("GET", "/studio.css"): style,
        ("POST", "/logout"): logout,
        ("GET", "/"): home,
        ("GET", "/photos/new"): new_photos,
        ("POST", "/photos"): send_photos,
        ("GET", "/photos/mine"): my_photos,
        ("GET", "/photos/queue"): photo_queue,
        ("GET", "/photos/<id>/thumb"): thumb,
        ("POST", "/photos/<id>/approve"): decide,
        ("POST", "/photos/<id>/reject"): decide,
        ("GET", "/rooms"): rooms_page,
        ("POST", "/rooms"): set_room,
        ("GET", "/audit"): audit_page,
    }
    assert set(HANDLERS) == set(ROUTES), "every route has its roles and its handler"
    return Handler


def _local(path: str) -> str:
    """Only a path of this site to go back to after signing in (never another site)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"

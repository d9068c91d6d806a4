"""The studio's routes: each ``(handler, session, path) -> Answer``, admitted by the roles
:data:`~signage.studio.frame.ROUTES` gives it."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from importlib import resources

from signage.studio import adding, editing, messaging, pages, social
from signage.studio.frame import EDITORS, ROUTES, Answer, StudioHandler, local_path
from signage.studio.photos import MAX_REQUEST_BYTES, PhotoError, StaleForm, upload
from signage.studio.sessions import COOKIE, Session
from signage.studio.words import _


def login_page(h: StudioHandler, session: Session | None, path: str) -> Answer:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(h.path).query)
    next_path = local_path(query.get("next", ["/"])[0])
    return Answer(200, pages.page("Connexion", pages.login("", next_path)))


def login(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.form()
    if isinstance(form, Answer):
        return form
    name, secret = form.get("name", "").strip(), form.get("secret", "")
    keys = (f"ip:{h.client()}", f"name:{name.lower()}")
    wait = h.studio.limit.wait_s(*keys)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return Answer(429, pages.page("Connexion", pages.login(
            _("Trop d’essais : réessayez dans {minutes} min.", minutes=minutes), form.get("next", "/"))),
            headers=(("Retry-After", str(int(wait) + 1)),))  # fmt: skip
    user = h.studio.users.check(name, secret)
    if user is None:
        h.studio.limit.failed(*keys)
        h.studio.audit.record(name[:64] or "?", "login refused", h.client())
        return Answer(
            401,
            pages.page(
                "Connexion",
                pages.login(_("Nom ou mot de passe incorrect."), form.get("next", "/")),
            ),
        )
    h.studio.limit.succeeded(*keys)
    opened = h.studio.sessions.open(user.name, user.role)
    h.studio.audit.record(user.name, "signed in", h.client())
    secure = "; Secure" if h.secure() else ""
    cookie = f"{COOKIE}={opened.token}; Path=/; HttpOnly; SameSite=Strict{secure}"
    return Answer(
        303,
        b"",
        "text/plain",
        (("Location", local_path(form.get("next", "/"))), ("Set-Cookie", cookie)),
    )


def logout(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    h.studio.sessions.close(session.token)
    cookie = f"{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    return Answer(303, b"", "text/plain", (("Location", "/login"), ("Set-Cookie", cookie)))


def home(h: StudioHandler, session: Session | None, path: str) -> Answer:
    assert session is not None
    return Answer(200, pages.page("Studio", pages.home(session.role), session, session.csrf))


def style(h: StudioHandler, session: Session | None, path: str) -> Answer:
    css = resources.files("signage.studio").joinpath("static/studio.css").read_bytes()
    return Answer(200, css, "text/css; charset=utf-8")


def new_photos(h: StudioHandler, session: Session | None, path: str) -> Answer:
    assert session is not None
    return Answer(
        200,
        pages.page("Envoyer des photos", pages.upload_form(session.csrf), session, session.csrf),
    )


def send_photos(h: StudioHandler, session: Session | None, path: str) -> Answer:
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
            413, _("Envoi trop gros : {mb} Mo au plus par envoi.", mb=MAX_REQUEST_BYTES // 2**20)
        )
    received, problems = [], []
    try:
        parts = upload(
            h.rfile,
            h.headers.get("Content-Type") or "",
            length,
            h.studio.incoming,
            session.csrf_ok,
        )
        for name, part in parts:
            try:
                photo = h.studio.queue.add(part, session.user, name)
            except PhotoError as exc:
                problems.append(_("{name} : {why}", name=name, why=exc))
                continue
            received.append(photo)
            h.studio.audit.record(session.user, "photo sent", h.client(), photo=photo.id, name=name)
    except StaleForm:
        return refused(
            403, _("Ce formulaire n’est plus valable : rechargez la page et recommencez.")
        )
    except PhotoError as exc:
        problems.append(str(exc))
        h.close_connection = True
    message = (
        _("{n} photo(s) reçue(s), en attente de validation.", n=len(received)) if received else ""
    )
    if problems:
        message = " ".join(
            filter(None, [message, _("Refusé : {problems}", problems=" ; ".join(problems))])
        )
    status = 200 if received or not problems else 400
    body = pages.upload_form(session.csrf, message, bad=bool(problems)) + pages.photo_cards(
        received
    )
    return Answer(status, pages.page("Envoyer des photos", body, session, session.csrf))


def my_photos(h: StudioHandler, session: Session | None, path: str) -> Answer:
    assert session is not None
    mine = [p for p in h.studio.queue.all() if p.by == session.user]
    return Answer(
        200, pages.page("Mes photos envoyées", pages.photo_cards(mine), session, session.csrf)
    )


def photo_queue(
    h: StudioHandler, session: Session | None, path: str, message: str = "", bad: bool = False
) -> Answer:
    assert session is not None
    waiting = [p for p in h.studio.queue.all() if p.verdict is None]
    body = pages.said(message, bad) + pages.photo_cards(
        waiting, session.csrf, h.studio.photo_folders()
    )
    return Answer(
        200 if not bad else 409, pages.page("Photos à valider", body, session, session.csrf)
    )


def thumb(h: StudioHandler, session: Session | None, path: str) -> Answer:
    assert session is not None
    photo = h.studio.queue.get(path.split("/")[2])
    if photo is None or (session.role not in EDITORS and photo.by != session.user):
        return Answer(404, b"", "text/plain")  # another's photo: as if it did not exist
    try:
        return Answer(200, h.studio.queue.thumb(photo).read_bytes(), "image/jpeg")
    except OSError:
        return Answer(404, b"", "text/plain")


def decide(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    ident, verdict = path.split("/")[2], path.split("/")[3]
    try:
        if verdict == "approve":
            folder = form.get("folder", "")
            if folder not in h.studio.photo_folders():
                raise PhotoError(_("choisissez un dossier d’une diapositive photos"))
            photo = h.studio.queue.approve(ident, h.studio.root, folder)
            h.studio.history.record(session.user, f"photo {photo.name} into {folder}")
            h.studio.published()
        else:
            photo = h.studio.queue.reject(ident)
    except PhotoError as exc:
        return photo_queue(h, session, path, str(exc), bad=True)
    h.studio.audit.record(
        session.user, f"photo {verdict}d", h.client(), photo=ident, folder=photo.folder
    )
    said = (
        _("« {name} » validée dans {folder}.", name=photo.name, folder=photo.folder)
        if verdict == "approve"
        else _("« {name} » refusée.", name=photo.name)
    )
    return photo_queue(h, session, path, said)


def rooms_page(
    h: StudioHandler, session: Session | None, path: str, message: str = "", bad: bool = False,
    only: str | None = None,
) -> Answer:  # fmt: skip
    """Every room of the programmes; ``only``: one room's page (``/rooms/<room>``)."""
    assert session is not None
    names = h.studio.rooms()
    if only is not None:
        if only not in names:
            said = pages.said(_("« {room} » n’est pas une salle du programme.", room=only), True)
            return Answer(404, pages.page("État des salles", said, session, session.csrf))
        names = [only]
    body = pages.rooms(names, h.studio.room_states, session.csrf, message, bad,
                       h.studio.link is not None, one=only is not None)  # fmt: skip
    title = only if only is not None else "État des salles"
    return Answer(200 if not bad else 400, pages.page(title, body, session, session.csrf))


def room_page(h: StudioHandler, session: Session | None, path: str) -> Answer:
    return rooms_page(h, session, path, only=urllib.parse.unquote(path.split("/", 2)[2]))


def set_room(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    room, state, note = (
        form.get("room", "").strip(),
        form.get("state", ""),
        form.get("note", ""),
    )
    # from one room's page: back to it
    only = room if form.get("back") == f"/rooms/{urllib.parse.quote(room, safe='')}" else None
    if room not in h.studio.rooms():
        return rooms_page(
            h, session, path, _("« {room} » n’est pas une salle du programme.", room=room), bad=True
        )
    try:
        h.studio.set_room(room, state, note)
    except (ValueError, ConnectionError) as exc:
        return rooms_page(h, session, path, _("Non envoyé : {why}", why=exc), bad=True, only=only)
    with h.studio.board.lock:  # shown at once; the broker's retained copy follows
        h.studio.board.rooms[room] = {"state": state, "note": note.strip(), "set_at": None}
    h.studio.audit.record(
        session.user, "room state", h.client(), room=room, state=state, note=note.strip()
    )
    said = _("{room} : {state} — envoyé aux écrans.", room=room, state=_(pages.STATE_NAMES[state]))
    return rooms_page(h, session, path, said, only=only)


def audit_page(h: StudioHandler, session: Session | None, path: str) -> Answer:
    assert session is not None
    return Answer(
        200,
        pages.page(
            "Journal des changements", pages.audit(h.studio.audit.last()), session, session.csrf
        ),
    )


HANDLERS: dict[tuple[str, str], Callable[[StudioHandler, Session | None, str], Answer]] = {
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
    ("GET", "/rooms/<room>"): room_page,
    ("GET", "/slides"): editing.slide_list,
    ("GET", "/slides/<file>/<n>"): editing.slide_page,
    ("POST", "/slides/<file>/<n>"): editing.slide_save,
    ("POST", "/slides/<file>/<n>/move"): editing.slide_move,
    ("POST", "/slides/<file>/<n>/delete"): editing.slide_delete,
    ("POST", "/slides/<file>/add"): editing.slide_add,
    ("GET", "/slides/<file>/settings"): editing.playlist_page,
    ("POST", "/slides/<file>/settings"): editing.playlist_save,
    ("GET", "/slides/<file>/new"): adding.new_slide_page,
    ("POST", "/slides/<file>/new"): adding.new_slide,
    ("GET", "/slides/<file>/<n>/preview.png"): editing.slide_preview,
    ("GET", "/history"): editing.history_page,
    ("POST", "/history/<n>/restore"): editing.history_restore,
    ("GET", "/screens"): messaging.screens_page,
    ("POST", "/screens/message"): messaging.send_message,
    ("POST", "/screens/clear"): messaging.send_message,
    ("GET", "/social"): social.social_page,
    ("GET", "/social/<key>/picture"): social.picture,
    ("POST", "/social/<key>/approve"): social.decide,
    ("POST", "/social/<key>/reject"): social.decide,
    ("GET", "/audit"): audit_page,
}
assert set(HANDLERS) == set(ROUTES), "every route has its roles and its handler"

"""The studio's screens page: every screen the broker knows of, and messages sent to one
of them, or (after a confirmation that names how many) to every one."""

from __future__ import annotations

from signage.content.urgent import MAX_TEXT
from signage.studio import pages
from signage.studio.frame import Answer, StudioHandler
from signage.studio.sessions import Session
from signage.studio.words import _

MINUTES = (5, 15, 30, 60, 120)


def screens_page(
    h: StudioHandler, session: Session | None, path: str, message: str = "", bad: bool = False,
    status: int = 200, typed: dict[str, str] | None = None,
) -> Answer:  # fmt: skip
    assert session is not None
    screens = h.studio.screens()
    body = pages.screens(
        screens, session.csrf, message, bad, typed or {}, h.studio.link is not None
    )
    return Answer(status, pages.page("Écrans et messages", body, session, session.csrf))


def send_message(h: StudioHandler, session: Session | None, path: str) -> Answer:
    """A message (or, from ``/screens/clear``, its removal) to the chosen screen; to every
    screen only once the form says how many it confirms (the count shown to the person)."""
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    target = form.get("target", "")
    clearing = path.endswith("/clear")
    if not target:
        return screens_page(
            h, session, path, _("Choisissez l’écran (ou tous les écrans)."), True, 400, form
        )
    body: dict[str, object] = {"command": "clear-message"}
    if not clearing:
        text = form.get("text", "").strip()
        minutes = int(form["minutes"]) if form.get("minutes", "").isdigit() else 15
        if not text or len(text) > MAX_TEXT:
            return screens_page(h, session, path, _("Écrivez le message ({n} caractères au plus).", n=MAX_TEXT),
                                True, 400, form)  # fmt: skip
        body = {"command": "message", "text": text, "style": form.get("style", "banner"),
                "level": form.get("level", "notice"), "expires_in": max(1, min(minutes, 1440)) * 60}  # fmt: skip
    online = [s["screen"] for s in h.studio.screens() if s["online"]]
    if target == "all" and form.get("confirm") != str(len(online)):
        confirm = pages.confirm_all(form, len(online), online, session.csrf, clearing)
        return Answer(200, pages.page("Confirmer", confirm, session, session.csrf))
    try:
        h.studio.command(target, body)
    except (ValueError, ConnectionError) as exc:
        return screens_page(h, session, path, _("Non envoyé : {why}", why=exc), True, 400, form)
    who = (
        _("tous les écrans")
        if target == "all"
        else _("l’écran {name}", name=target.partition(":")[2])
    )
    what = "message retiré" if clearing else "message envoyé"
    h.studio.audit.record(session.user, what, h.client(), target=target, text=body.get("text", ""))
    done = (
        _("Message retiré de {who}.", who=who)
        if clearing
        else _("Message envoyé à {who}.", who=who)
    )
    return screens_page(h, session, path, done)

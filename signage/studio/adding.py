"""A new slide of any kind added at the end of a playlist: its form generated from the
kind's declared keys (as an existing slide's), its files chosen among the content's, and
the slide written as the file's other slides are, checked before it is."""

from __future__ import annotations

import urllib.parse

from signage.slides import KINDS
from signage.studio import forms, pages
from signage.studio.assets import with_options
from signage.studio.edit import Conflict, EditError, Key, add_slide, blank_keys, version_of
from signage.studio.editing import slide_list
from signage.studio.frame import Answer, StudioHandler
from signage.studio.sessions import Session
from signage.studio.words import _


def new_slide_page(h: StudioHandler, session: Session | None, path: str) -> Answer:
    assert session is not None
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(h.path).query)
    return _form(h, session, path, query.get("kind", [""])[0])


def new_slide(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    kind, stem = form.get("kind", ""), path.split("/")[2]
    file = h.studio.playlist(stem)
    if file is None or kind not in KINDS:
        return _form(h, session, path, kind, message=_("Choisissez un type de diapositive."))
    keys = blank_keys(kind)
    values = {k.name: _posted(k, form) for k in keys if k.widget != "readonly"}
    shown = str(file.relative_to(h.studio.root))
    try:
        h.studio.save(file, version_of(file.read_text(encoding="utf-8")),
                      lambda text: add_slide(text, shown, kind, values),
                      session.user, f"{shown}: a {kind} slide added")  # fmt: skip
    except (Conflict, EditError) as exc:
        problems = getattr(exc, "problems", ())
        return _form(h, session, path, kind, values, problems, str(exc), 400)
    h.studio.audit.record(session.user, "slide added", h.client(), file=shown, kind=kind)
    said = _("Diapositive {kind} ajoutée à la fin de {name}.", kind=kind, name=shown)
    return slide_list(h, session, path, said)


def _posted(key: Key, form: dict[str, str]) -> str:
    posted = form.get(f"f.{key.name}", "").replace("\r\n", "\n")
    if key.widget == "checkbox":
        return "true" if posted else ""
    return posted


def _form(
    h: StudioHandler, session: Session, path: str, kind: str, typed: dict[str, str] | None = None,
    problems: tuple[str, ...] = (), message: str = "", status: int = 200,
) -> Answer:  # fmt: skip
    stem = path.split("/")[2]
    if h.studio.playlist(stem) is None:
        said = pages.said(_("Pas de playlist « {name} ».", name=stem), True)
        return Answer(404, pages.page("Ajouter une diapositive", said, session, session.csrf))
    if kind not in KINDS:  # the kind to choose first
        body = pages.said(message, bad=bool(message)) + forms.kind_chooser(stem)
        return Answer(200, pages.page("Ajouter une diapositive", body, session, session.csrf))
    keys = with_options(blank_keys(kind), h.studio.root)
    body = forms.new_slide_form(stem, kind, keys, session.csrf, typed, problems, message,
                                bad=status != 200)  # fmt: skip
    return Answer(status, pages.page("Ajouter une diapositive", body, session, session.csrf))

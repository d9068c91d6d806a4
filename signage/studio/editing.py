"""The studio's editing routes: slides changed through forms generated from their kind's
declared keys, reordered, previewed by the real renderer, and versions brought back."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from signage.player.frames import SlideError
from signage.studio import forms, pages
from signage.studio.assets import with_options
from signage.studio.edit import (
    Conflict,
    EditError,
    Key,
    add_text_slide,
    checked,
    edit_playlist,
    edit_slide,
    keys_of,
    line_of,
    move_slide,
    playlist_keys,
    remove_slide,
    slides_of,
    version_of,
)  # fmt: skip
from signage.studio.frame import Answer, StudioHandler
from signage.studio.preview import SIZES, preview
from signage.studio.sessions import Session
from signage.studio.words import _


def slide_list(
    h: StudioHandler, session: Session | None, path: str, message: str = "", bad: bool = False
) -> Answer:
    assert session is not None
    found = []
    for file in sorted((h.studio.root / "playlists").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        try:
            slides = slides_of(text, f"playlists/{file.name}")
        except EditError:
            continue  # a playlist that does not parse: signage check says why
        found.append((file.stem, _name(text) or file.stem, slides))
    body = forms.playlists(found, session.csrf, message, bad)
    return Answer(200 if not bad else 409, pages.page("Diapositives", body, session, session.csrf))


@dataclass(frozen=True)
class Opened:
    """A slide of a playlist file as its form shows it."""

    file: Path
    shown: str  # playlists/NAME.yaml
    index: int
    kind: str
    keys: list[Key]


def slide_page(h: StudioHandler, session: Session | None, path: str) -> Answer:
    assert session is not None
    opened = _open(h, session, path)
    if isinstance(opened, Answer):
        return opened
    version = h.studio.opened(opened.file.read_text(encoding="utf-8"))
    return _form_page(session, opened, version)


def slide_save(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    opened = _open(h, session, path)
    if isinstance(opened, Answer):
        return opened
    shown, index = opened.shown, opened.index
    changes = _changes(opened.keys, form)
    if form.get("do") == "preview":
        return _draft(h, session, opened, form, changes)
    try:
        h.studio.save(opened.file, form.get("version", ""), lambda t: edit_slide(t, shown, index, changes),
                      session.user, f"{shown}: slide {index + 1}: {', '.join(changes) or 'nothing'}")  # fmt: skip
    except Conflict as exc:
        body = forms.conflict(f"{opened.file.stem}/{index}", str(exc))
        return Answer(409, pages.page("Conflit", body, session, session.csrf))
    except EditError as exc:
        return _form_page(session, opened, form.get("version", ""), _typed(opened.keys, form),
                          exc.problems, str(exc), 400)  # fmt: skip
    if changes:
        h.studio.audit.record(session.user, "slide edited", h.client(), file=shown, slide=index + 1,
                              keys=sorted(changes))  # fmt: skip
    saved = _open(h, session, path)
    if isinstance(saved, Answer):
        return saved
    message = _saved(changes)
    version = h.studio.opened(saved.file.read_text(encoding="utf-8"))
    return _form_page(session, saved, version, message=message)


def slide_move(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    found = _slide_at(h, path.rsplit("/", 1)[0])
    if isinstance(found, Answer):
        return found
    file, index = found
    shown = _shown(h, file)
    to = int(form["to"]) if form.get("to", "").isdigit() else index
    text = file.read_text(encoding="utf-8")
    try:
        h.studio.save(file, version_of(text), lambda t: move_slide(t, shown, index, to),
                      session.user, f"{shown}: slide {index + 1} moved to {to + 1}")  # fmt: skip
    except (Conflict, EditError) as exc:
        return slide_list(h, session, path, _("Non déplacée : {why}", why=exc), bad=True)
    h.studio.audit.record(
        session.user, "slide moved", h.client(), file=shown, slide=index + 1, to=to + 1
    )
    return slide_list(
        h, session, path, _("Diapositive {n} déplacée en position {to}.", n=index + 1, to=to + 1)
    )


def slide_delete(h: StudioHandler, session: Session | None, path: str) -> Answer:
    """A slide taken out of its playlist, once the second step confirms which."""
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    opened = _open(h, session, path.rsplit("/", 1)[0])
    if isinstance(opened, Answer):
        return opened
    label = next(
        (k.value for k in opened.keys if k.name in ("title", "name", "id") and k.value), opened.kind
    )
    if form.get("confirm") != "yes":
        body = forms.confirm_delete(opened.file.stem, opened.index, label, session.csrf)
        return Answer(200, pages.page("Confirmer", body, session, session.csrf))
    shown, index = opened.shown, opened.index
    text = opened.file.read_text(encoding="utf-8")
    try:
        h.studio.save(opened.file, version_of(text), lambda t: remove_slide(t, shown, index),
                      session.user, f"{shown}: slide {index + 1} ({label}) deleted")  # fmt: skip
    except (Conflict, EditError) as exc:
        return slide_list(h, session, path, _("Non supprimée : {why}", why=exc), bad=True)
    h.studio.audit.record(
        session.user, "slide deleted", h.client(), file=shown, slide=index + 1, label=label
    )
    return slide_list(h, session, path, _("Diapositive {n} supprimée.", n=index + 1))


def slide_add(h: StudioHandler, session: Session | None, path: str) -> Answer:
    """An announcement (a text slide) added at the end of a playlist."""
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    stem = path.split("/")[2]
    file = h.studio.playlist(stem)
    if file is None:
        return _not_found(session, _("Pas de playlist « {name} ».", name=stem))
    title, body = form.get("title", "").strip(), form.get("body", "").replace("\r\n", "\n")
    if not title:
        return slide_list(h, session, path, _("Donnez un titre à l’annonce."), bad=True)
    shown = _shown(h, file)
    text = file.read_text(encoding="utf-8")
    try:
        h.studio.save(file, version_of(text), lambda t: add_text_slide(t, shown, title, body),
                      session.user, f"{shown}: announcement added ({title})")  # fmt: skip
    except (Conflict, EditError) as exc:
        problems = " ".join(getattr(exc, "problems", ()))
        return slide_list(
            h, session, path, _("Non ajoutée : {why}", why=f"{exc} {problems}".strip()), bad=True
        )
    h.studio.audit.record(session.user, "announcement added", h.client(), file=shown, title=title)
    return slide_list(h, session, path, _("Annonce ajoutée à la fin de {name}.", name=shown))


def playlist_page(h: StudioHandler, session: Session | None, path: str) -> Answer:
    """The playlist's own keys in a form: its name, the screens that play it, its priority,
    whether it plays in step."""
    assert session is not None
    found = _playlist_keys(h, session, path)
    if isinstance(found, Answer):
        return found
    file, keys = found
    version = h.studio.opened(file.read_text(encoding="utf-8"))
    return _playlist_form(session, file.stem, keys, version)


def playlist_save(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    found = _playlist_keys(h, session, path)
    if isinstance(found, Answer):
        return found
    file, keys = found
    shown, changes = _shown(h, file), _changes(keys, form)
    try:
        h.studio.save(file, form.get("version", ""), lambda t: edit_playlist(t, shown, changes),
                      session.user, f"{shown}: {', '.join(changes) or 'nothing'}")  # fmt: skip
    except Conflict as exc:
        body = forms.conflict(f"{file.stem}/settings", str(exc))
        return Answer(409, pages.page("Conflit", body, session, session.csrf))
    except EditError as exc:
        return _playlist_form(session, file.stem, keys, form.get("version", ""),
                              _typed(keys, form), exc.problems, str(exc), 400)  # fmt: skip
    if changes:
        h.studio.audit.record(session.user, "playlist edited", h.client(), file=shown,
                              keys=sorted(changes))  # fmt: skip
    saved = _playlist_keys(h, session, path)
    if isinstance(saved, Answer):
        return saved
    message = _saved(changes)
    version = h.studio.opened(file.read_text(encoding="utf-8"))
    return _playlist_form(session, file.stem, saved[1], version, message=message)


def _playlist_keys(
    h: StudioHandler, session: Session, path: str
) -> tuple[Path, list[Key]] | Answer:
    stem = path.split("/")[2]
    file = h.studio.playlist(stem)
    if file is None:
        return _not_found(session, _("Pas de playlist « {name} ».", name=stem))
    try:
        return file, playlist_keys(file.read_text(encoding="utf-8"), _shown(h, file))
    except EditError as exc:
        return _not_found(session, str(exc))


def _playlist_form(
    session: Session, stem: str, keys: list[Key], version: str, typed: dict[str, str] | None = None,
    problems: tuple[str, ...] = (), message: str = "", status: int = 200,
) -> Answer:  # fmt: skip
    body = forms.playlist_form(stem, keys, version, session.csrf, typed, problems, message,
                               bad=status != 200)  # fmt: skip
    return Answer(status, pages.page("Réglages de la playlist", body, session, session.csrf))


def _open(h: StudioHandler, session: Session, path: str) -> Opened | Answer:
    found = _slide_at(h, path)
    if isinstance(found, Answer):
        return found
    file, index = found
    shown = _shown(h, file)
    try:
        kind, keys = keys_of(file.read_text(encoding="utf-8"), shown, index)
    except EditError as exc:
        return _not_found(session, str(exc))
    return Opened(file, shown, index, kind, with_options(keys, h.studio.root))


def _draft(
    h: StudioHandler, session: Session, opened: Opened, form: dict[str, str], changes: dict[str, str | None]
) -> Answer:  # fmt: skip
    """The slide as the form has it, drawn by the renderer and nothing saved: the form again,
    with what was typed and the picture of it (or the problems, as a save would say them)."""
    typed = _typed(opened.keys, form)
    version = form.get("version", "")
    try:
        edited = edit_slide(
            opened.file.read_text(encoding="utf-8"), opened.shown, opened.index, changes
        )
        checked(edited, opened.shown, h.studio.root)
    except EditError as exc:
        return _form_page(session, opened, version, typed, exc.problems, str(exc), 400)
    token = h.studio.draft(session.user, opened.shown, edited)
    said = _("Aperçu : rien n’est encore enregistré.")
    return _form_page(session, opened, version, typed, message=said, draft=token)


def _form_page(
    session: Session, opened: Opened, version: str, typed: dict[str, str] | None = None,
    problems: tuple[str, ...] = (), message: str = "", status: int = 200, draft: str = "",
) -> Answer:  # fmt: skip
    body = forms.slide_form(opened.file.stem, opened.index, opened.kind, opened.keys, version,
                            session.csrf, typed, problems, message, bad=status != 200,
                            draft=draft)  # fmt: skip
    return Answer(status, pages.page("Modifier une diapositive", body, session, session.csrf))


def slide_preview(h: StudioHandler, session: Session | None, path: str) -> Answer:
    found = _slide_at(h, path.rsplit("/", 1)[0])
    if isinstance(found, Answer):
        return found
    file, index = found
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(h.path).query)
    size = SIZES.get(query.get("size", ["landscape"])[0], SIZES["landscape"])
    text = file.read_text(encoding="utf-8")
    shown = _shown(h, file)
    if "draft" in query:  # a change not saved, as its author previewed it (theirs only)
        assert session is not None
        drafted = h.studio.drafted(query["draft"][0], session.user, shown)
        if drafted is None:
            return Answer(404, b"this preview is no longer kept", "text/plain; charset=utf-8")
        text = drafted
    try:
        line = line_of(text, shown, index)
        return Answer(200, preview(h.studio.root, shown, text, line, size), "image/png")
    except (EditError, SlideError) as exc:
        return Answer(404, str(exc).encode(), "text/plain; charset=utf-8")


def history_page(
    h: StudioHandler, session: Session | None, path: str, message: str = "", bad: bool = False
) -> Answer:
    assert session is not None
    body = forms.versions(h.studio.history.versions(), session.csrf, message, bad)
    return Answer(200 if not bad else 404, pages.page("Versions", body, session, session.csrf))


def history_restore(h: StudioHandler, session: Session | None, path: str) -> Answer:
    form = h.checked_form(session)
    if isinstance(form, Answer):
        return form
    assert session is not None
    n = int(path.split("/")[2])
    try:
        changed = h.studio.restore(n, session.user)
    except KeyError:
        return history_page(h, session, path, _("Il n’y a pas de version {n}.", n=n), bad=True)
    h.studio.audit.record(session.user, "version restored", h.client(), version=n, files=changed)
    files = ", ".join(changed) or _("aucun changement")
    said = _(
        "Version {n} rétablie ({count} fichier(s) : {files}).", n=n, count=len(changed), files=files
    )
    return history_page(h, session, path, said)


def _slide_at(h: StudioHandler, path: str) -> tuple[Path, int] | Answer:
    stem, index = path.split("/")[2:4]
    file = h.studio.playlist(stem)
    if file is None:
        return Answer(
            404,
            pages.page(
                "Introuvable", pages.said(_("Pas de playlist « {name} ».", name=stem), True)
            ),
        )
    return file, int(index)


def _shown(h: StudioHandler, file: Path) -> str:
    return str(file.relative_to(h.studio.root))


def _not_found(session: Session, message: str) -> Answer:
    return Answer(404, pages.page("Introuvable", pages.said(message, True), session, session.csrf))


def _name(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("name:"):
            return line.split(":", 1)[1].strip().strip("\"'")
    return ""


def _saved(changes: dict[str, str | None]) -> str:
    if not changes:
        return _("Rien n’a changé.")
    return _("Enregistré : {keys}.", keys=", ".join(sorted(changes)))


def _typed(keys: list[Key], form: dict[str, str]) -> dict[str, str]:
    """What the form had in each field: shown again when a save is refused."""
    return {k.name: form.get(f"f.{k.name}", "") for k in keys}


def _changes(keys: list[Key], form: dict[str, str]) -> dict[str, str | None]:
    """What the form changes: a key given a new value, a key emptied (removed, unless the
    kind requires it), a key written for the first time."""
    changes: dict[str, str | None] = {}
    for key in keys:
        if key.widget == "readonly" or f"shown.{key.name}" not in form:
            continue  # not on the form that was sent: left as it is
        posted = form.get(f"f.{key.name}", "").replace("\r\n", "\n")
        if key.widget == "checkbox":
            posted = "true" if posted else ("false" if key.present else "")
        if key.widget == "textarea":
            same = posted.rstrip("\n") == key.value.rstrip("\n")
        else:
            posted = posted.strip()
            same = posted == key.value
        if same or (not posted and not key.present):
            continue
        changes[key.name] = None if not posted and not key.field.required else posted
    return changes

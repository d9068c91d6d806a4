"""The studio's editing pages: the playlists with their slides, a slide's form generated
from its kind's keys, a conflict's difference, the versions, and the second step before a
slide is deleted."""

from __future__ import annotations

from html import escape
from typing import Any

from signage.slides import KINDS
from signage.studio.edit import Key
from signage.studio.pages import said
from signage.studio.words import _

CONFLICT = (
    "Le fichier a changé depuis l’ouverture de ce formulaire (quelqu’un d’autre l’a "
    "enregistré) : rien n’a été écrit. Voici ce qui a changé ; rouvrez le formulaire pour "
    "repartir de la version actuelle."
)


def playlists(
    found: list[tuple[str, str, list[tuple[int, str, str]]]],
    csrf: str,
    message: str = "",
    bad: bool = False,
) -> str:
    """Each playlist (its file's name, its name) with its slides: edit, up, down."""
    parts = [said(message, bad)]
    for stem, name, slides in found:
        items = []
        for index, kind, label in slides:
            moves = "".join(
                f'<form method="post" action="/slides/{escape(stem)}/{index}/move">'
                f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
                f'<input type="hidden" name="to" value="{to}">'
                f'<button class="secondary" aria-label="{_(aria)}">{arrow}</button></form>'
                for to, arrow, aria, ok in (
                    (index - 1, "↑", "monter", index > 0),
                    (index + 1, "↓", "descendre", index < len(slides) - 1),
                )
                if ok
            )
            delete = (
                f'<form method="post" action="/slides/{escape(stem)}/{index}/delete">'
                f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
                f'<button class="secondary" aria-label="{_("Supprimer")}">✕</button></form>'
            )
            items.append(
                f'<li><a href="/slides/{escape(stem)}/{index}"><strong>{escape(label or kind)}</strong>'
                f'<span class="hint"> · {escape(kind)}</span></a><div class="moves">{moves}{delete}</div></li>'
            )
        add = (
            f'<form method="post" action="/slides/{escape(stem)}/add" class="add">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f"<h3>{_('Ajouter une annonce')}</h3>"
            f'<label>{_("Titre")}<input name="title" maxlength="200"></label>'
            f'<label>{_("Texte (facultatif)")}<textarea name="body" rows=3></textarea></label>'
            f"<button>{_('Ajouter')}</button></form>"
            f"{kind_chooser(stem)}"
        )
        parts.append(
            f'<section class="card"><h2>{escape(name)}</h2><p class="hint">playlists/{escape(stem)}.yaml · '
            f'<a href="/slides/{escape(stem)}/settings">{_("réglages de la playlist")}</a></p>'
            f'<ul class="slides">{"".join(items)}</ul>{add}</section>'
        )
    return "".join(parts)


def _fields(keys: list[Key], values: dict[str, str] | None) -> list[str]:
    """Each key's label and control, generated from its declared field."""
    fields = []
    for key in keys:
        value = (values or {}).get(key.name, key.value)
        label = f'<label for="f-{key.name}">{escape(key.name)}<span class="hint"> — {escape(key.field.doc)}</span></label>'
        name = f'name="f.{key.name}" id="f-{key.name}"'
        if key.widget != "readonly":  # says the key was on the form (an unticked box is not sent)
            label += f'<input type="hidden" name="shown.{key.name}" value="1">'
        if key.widget == "textarea":
            control = f"<textarea {name} rows=8>{escape(value.rstrip(chr(10)))}</textarea>"
        elif key.widget in ("select", "asset"):
            if key.widget == "select":
                choices = tuple(getattr(key.field.type, "choices", ()))
                blank = not key.field.required
            else:  # a file or folder of the content (the one written kept, even if gone)
                choices = (*key.options, *((value,) if value and value not in key.options else ()))
                blank = not (key.field.required and value)
            options = ['<option value=""></option>' if blank else ""]
            options += [
                f"<option{' selected' if value == choice else ''}>{escape(choice)}</option>"
                for choice in choices
            ]
            control = f"<select {name}>{''.join(options)}</select>"
        elif key.widget == "checkbox":
            control = f'<input type="checkbox" {name}{" checked" if value.lower() in ("true", "yes", "on") else ""}>'
        elif key.widget == "readonly":
            shown = escape(value) if key.present else "—"
            control = f'<p class="readonly">{shown} <span class="hint">{_("(à changer dans le fichier)")}</span></p>'
        elif key.widget == "list":
            hint = _("(séparés par des virgules)")
            control = f'<input {name} value="{escape(value)}"><span class="hint">{hint}</span>'
        else:
            control = f'<input {name} value="{escape(value)}">'
        fields.append(f"{label}{control}")
    return fields


def _said_with(message: str, bad: bool, problems: tuple[str, ...]) -> str:
    """What a save said, and the checker's problems under it."""
    listed = "".join(f"<li>{escape(p)}</li>" for p in problems)
    return said(message, bad) + (f'<ul class="problems">{listed}</ul>' if problems else "")


def _hidden(csrf: str, version: str) -> str:
    """A form's token and the version of the file it was opened on."""
    return (
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="version" value="{escape(version)}">'
    )


def kind_chooser(stem: str) -> str:
    """The first step of a new slide of any kind: which kind."""
    kinds = "".join(f"<option>{escape(kind)}</option>" for kind in sorted(KINDS))
    return (
        f'<form method="get" action="/slides/{escape(stem)}/new" class="add">'
        f"<h3>{_('Ajouter une diapositive')}</h3>"
        f'<label>{_("Type")}<select name="kind">{kinds}</select></label>'
        f"<button>{_('Continuer')}</button></form>"
    )


def new_slide_form(
    stem: str,
    kind: str,
    keys: list[Key],
    csrf: str,
    values: dict[str, str] | None = None,
    problems: tuple[str, ...] = (),
    message: str = "",
    bad: bool = False,
) -> str:
    """A new slide's form: its kind's keys, empty (or as typed), added at the playlist's end."""
    return (
        f"{_said_with(message, bad, problems)}"
        f'<p class="hint">playlists/{escape(stem)}.yaml · {escape(kind)}</p>'
        f'<form method="post" action="/slides/{escape(stem)}/new" class="card">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="kind" value="{escape(kind)}">'
        f"{''.join(_fields(keys, values))}<button>{_('Ajouter')}</button></form>"
    )


def slide_form(
    stem: str,
    index: int,
    kind: str,
    keys: list[Key],
    version: str,
    csrf: str,
    values: dict[str, str] | None = None,
    problems: tuple[str, ...] = (),
    message: str = "",
    bad: bool = False,
    draft: str = "",
) -> str:
    """The form of one slide's keys, generated from the kind's declared fields; ``draft``:
    the picture shown is of the change not saved (its preview's token)."""
    fields = _fields(keys, values)
    action = f"/slides/{escape(stem)}/{index}"
    query = f"?draft={escape(draft)}" if draft else ""
    return (
        f"{_said_with(message, bad, problems)}"
        f'<p class="hint">playlists/{escape(stem)}.yaml · {_("diapositive {n}", n=index + 1)} · {escape(kind)}</p>'
        f'<img class="preview" src="{action}/preview.png{query}" alt="{_("Aperçu de la diapositive")}">'
        f'<p><a href="{action}/preview.png{query}{"&amp;" if query else "?"}size=portrait">{_("Aperçu en portrait")}</a></p>'
        f'<form method="post" action="{action}" class="card">{_hidden(csrf, version)}'
        f"{''.join(fields)}<button>{_('Enregistrer')}</button>"
        f'<button name="do" value="preview" class="secondary">{_("Aperçu sans enregistrer")}</button></form>'
    )


def playlist_form(
    stem: str,
    keys: list[Key],
    version: str,
    csrf: str,
    values: dict[str, str] | None = None,
    problems: tuple[str, ...] = (),
    message: str = "",
    bad: bool = False,
) -> str:
    """The form of a playlist's own keys (name, screens, priority, sync…), generated from
    the playlist's declared fields like a slide's."""
    return (
        f"{_said_with(message, bad, problems)}"
        f'<p class="hint">playlists/{escape(stem)}.yaml · {_("la playlist")}</p>'
        f'<form method="post" action="/slides/{escape(stem)}/settings" class="card">'
        f"{_hidden(csrf, version)}"
        f"{''.join(_fields(keys, values))}<button>{_('Enregistrer')}</button></form>"
        f'<p><a href="/slides">{_("Retour aux diapositives")}</a></p>'
    )


def conflict(form: str, difference: str) -> str:
    """A save refused because the file changed since ``form`` (``STEM/N``, ``STEM/settings``)
    was opened: the difference, and the form to open again."""
    return (
        said(_(CONFLICT), bad=True)
        + f'<pre class="diff">{escape(difference)}</pre>'
        + f'<p><a class="button" href="/slides/{escape(form)}">{_("Rouvrir le formulaire")}</a></p>'
    )


def versions(found: list[Any], csrf: str, message: str = "", bad: bool = False) -> str:
    rows = []
    for version in found:
        rows.append(
            f'<li class="card"><strong>Version {version.n}</strong> · {escape(version.at[:16].replace("T", " "))} UTC'
            f'<br><span class="hint">{escape(version.who)} : {escape(version.what)}</span>'
            f'<form method="post" action="/history/{version.n}/restore">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<button class="secondary">{_("Revenir à cette version")}</button></form></li>'
        )
    listed = "".join(rows) or f'<li class="hint">{_("Aucune version encore.")}</li>'
    return f'{said(message, bad)}<ul class="versions">{listed}</ul>'


def confirm_delete(stem: str, index: int, label: str, csrf: str) -> str:
    question = _("Supprimer la diapositive « {label} »\u00a0?", label=label)
    return (
        f'<form method="post" action="/slides/{escape(stem)}/{index}/delete" class="card">'
        f"<p><strong>{escape(question)}</strong></p>"
        f'<p class="hint">{escape(_("Elle reste dans les versions : on peut la faire revenir."))}</p>'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<input type="hidden" name="confirm" value="yes">'
        f"<button>{escape(_('Oui, supprimer'))}</button></form>"
        f'<p><a class="button secondary" href="/slides">{_("Annuler")}</a></p>'
    )

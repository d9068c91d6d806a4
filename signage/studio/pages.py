"""The studio's pages: plain HTML forms (no script, so the Content-Security-Policy forbids
every script), in French (English for a browser that prefers it: :mod:`.words`), built for
a phone first: one column, touch targets of 48 px."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from html import escape
from typing import Any

from signage.studio.photos import MAX_FILE_BYTES, MAX_FILES, Photo
from signage.studio.words import LANG, _

UPLOAD_HINT = (
    "Jusqu’à {files} photos à la fois, {mb} Mo chacune (JPEG, PNG, HEIC). La position GPS et "
    "les informations de l’appareil sont retirées. Une personne de l’équipe de communication "
    "valide chaque photo avant qu’elle passe à l’écran."
)
ROOMS_NEED_MQTT = (
    "Les états des salles partent vers les écrans par le courtier MQTT : le studio doit être "
    "lancé avec --mqtt."
)
SCREENS_NEED_MQTT = (
    "Les écrans sont joints par le courtier MQTT : le studio doit être lancé avec --mqtt."
)

ROLE_NAMES = {
    "admin": "administration",
    "editor": "édition",
    "photographer": "photographe",
    "steward": "accueil des salles",
}  # said through _(): in the request's language
STATE_NAMES = {"open": "Ouverte", "full": "Complète", "closed": "Fermée"}


def page(title: str, body: str, user: Any = None, csrf: str = "") -> bytes:
    """A whole page: the header (who is signed in, a way out) and the body."""
    who = ""
    if user is not None:
        who = (
            f'<form class="who" method="post" action="/logout">'
            f"<span>{escape(user.user)} · {escape(_(ROLE_NAMES[user.role]))}</span>"
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<button class="secondary">{_("Se déconnecter")}</button></form>'
        )
    return (
        f"<!doctype html><html lang={LANG.get()}><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(_(title))} · Studio</title><link rel="stylesheet" href="/studio.css"></head>'
        f'<body><header><a class="home" href="/">Studio</a>{who}</header>'
        f"<main><h1>{escape(_(title))}</h1>{body}</main></body></html>"
    ).encode()


def french(text: str) -> str:
    """A no-break space before « : ; ! ? » (so that the sign never starts a line)."""
    for sign in ":;!?":
        text = text.replace(f" {sign}", f"\u00a0{sign}")
    return text


def said(message: str, bad: bool = False) -> str:
    kind = "bad" if bad else "ok"
    return f'<p class="said {kind}" role="status">{escape(french(message))}</p>' if message else ""


def login(message: str = "", next_path: str = "/") -> str:
    return (
        f"{said(message, bad=bool(message))}"
        '<form method="post" action="/login" class="card">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
        f'<label for="name">{_("Nom")}</label>'
        '<input id="name" name="name" autocomplete="username" autocapitalize="none" required>'
        f'<label for="secret">{_("Mot de passe")}</label>'
        '<input id="secret" name="secret" type="password" autocomplete="current-password" required>'
        f"<button>{_('Se connecter')}</button></form>"
    )


def home(role: str) -> str:
    links = []
    if role in ("admin", "editor", "photographer"):
        links.append(("/photos/new", "Envoyer des photos"))
        links.append(("/photos/mine", "Mes photos envoyées"))
    if role in ("admin", "editor"):
        links.append(("/photos/queue", "Photos à valider"))
        links.append(("/slides", "Diapositives"))
        links.append(("/history", "Versions"))
        links.append(("/screens", "Écrans et messages"))
        links.append(("/social", "Mur social"))
    if role in ("admin", "editor", "steward"):
        links.append(("/rooms", "État des salles"))
    if role == "admin":
        links.append(("/audit", "Journal des changements"))
    items = "".join(
        f'<li><a class="button" href="{href}">{escape(_(text))}</a></li>' for href, text in links
    )
    return f'<ul class="menu">{items}</ul>'


def upload_form(csrf: str, message: str = "", bad: bool = False) -> str:
    return (
        f"{said(message, bad)}"
        '<form method="post" action="/photos" enctype="multipart/form-data" class="card">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<label for="photos">{_("Photos (appareil photo ou galerie)")}</label>'
        '<input id="photos" name="photos" type="file" accept="image/*" capture="environment" multiple required>'
        f'<p class="hint">{_(UPLOAD_HINT, files=MAX_FILES, mb=MAX_FILE_BYTES // 2**20)}</p>'
        f"<button>{_('Envoyer')}</button></form>"
    )


def photo_cards(photos: Iterable[Photo], csrf: str = "", folders: tuple[str, ...] = ()) -> str:
    cards = []
    for photo in photos:
        state = _(
            {"approved": "Validée", "rejected": "Refusée"}.get(photo.verdict or "", "En attente")
        )
        thumb = (
            f'<img src="/photos/{photo.id}/thumb" alt="{escape(photo.name)}" loading="lazy">'
            if photo.verdict != "rejected"
            else ""
        )
        actions = ""
        if csrf and photo.verdict is None:
            choice = "".join(f"<option>{escape(f)}</option>" for f in folders)
            approve = (
                f'<form method="post" action="/photos/{photo.id}/approve">'
                f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
                f'<label>{_("Dossier")}<select name="folder">{choice}</select></label>'
                f"<button>{_('Valider')}</button></form>"
                if folders
                else f'<p class="hint">{_("Aucune diapositive photos dans le contenu.")}</p>'
            )
            actions = (
                f'<div class="actions">{approve}'
                f'<form method="post" action="/photos/{photo.id}/reject">'
                f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
                f'<button class="secondary">{_("Refuser")}</button></form></div>'
            )
        where = f" → {escape(photo.folder)}" if photo.folder else ""
        cards.append(
            f'<li class="photo">{thumb}<p><strong>{escape(state)}</strong>{where}<br>'
            f'<span class="hint">{escape(photo.name)} · {escape(photo.by)} · {escape(photo.at[:16].replace("T", " "))} UTC</span></p>'
            f"{actions}</li>"
        )
    return (
        f'<ul class="photos">{"".join(cards)}</ul>'
        if cards
        else f'<p class="hint">{_("Aucune photo.")}</p>'
    )


def rooms(names: list[str], states: dict[str, dict[str, Any]], csrf: str, message: str = "",
          bad: bool = False, connected: bool = True, one: bool = False) -> str:  # fmt: skip
    """Each room with its state's buttons and a note; ``one``: the page of one room (a
    steward's bookmark), whose form comes back to it."""
    if not connected:
        return said(_(ROOMS_NEED_MQTT), bad=True)
    items = []
    for name in names:
        page = f"/rooms/{urllib.parse.quote(name, safe='')}"
        own = "" if one else f' · <a href="{escape(page)}">{_("sa page")}</a>'
        back = f'<input type="hidden" name="back" value="{escape(page)}">' if one else ""
        current = states.get(name, {})
        state = current.get("state", "open")
        buttons = "".join(
            f'<button name="state" value="{key}" class="{"on " if key == state else ""}{key}">{_(label)}</button>'
            for key, label in STATE_NAMES.items()
        )
        items.append(
            f'<li><form method="post" action="/rooms" class="room">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<input type="hidden" name="room" value="{escape(name)}">{back}'
            f'<h2>{escape(name)}</h2><p class="hint">{escape(french(_("Actuellement : {state}", state=_(STATE_NAMES.get(state, state)))))}{own}</p>'
            f'<label>{_("Note (facultative)")}<input name="note" maxlength="120" value="{escape(current.get("note", ""))}"></label>'
            f'<div class="states">{buttons}</div></form></li>'
        )
    listed = "".join(items) or f'<li class="hint">{_("Aucune salle dans le programme.")}</li>'
    return f'{said(message, bad)}<ul class="rooms">{listed}</ul>'


def audit(entries: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{escape(str(e.get('at', ''))[:19].replace('T', ' '))}</td><td>{escape(str(e.get('who', '')))}</td>"
        f"<td>{escape(str(e.get('what', '')))}</td><td>{escape(str(e.get('from', '')))}</td></tr>"
        for e in entries
    )
    return (
        f'<table class="audit"><thead><tr>{"".join(f"<th>{_(h)}</th>" for h in ("Quand (UTC)", "Qui", "Quoi", "D’où"))}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def screens(found: list[dict[str, Any]], csrf: str, message: str, bad: bool, typed: dict[str, str],
            connected: bool) -> str:  # fmt: skip
    """The fleet as a list, and the message form beside it (its feedback above it)."""
    if not connected:
        return said(_(SCREENS_NEED_MQTT), bad=True)
    online = [s for s in found if s["online"]]
    rows = (
        "".join(
            f'<li class="{"on" if s["online"] else "off"}"><strong>{escape(s["screen"])}</strong>'
            f'<span class="hint"> · {_("en ligne") if s["online"] else _("hors ligne")}'
            f"{' · ' + escape(str(s.get('room'))) if s.get('room') else ''}"
            f"{' · ' + escape(str((s.get('slide') or {}).get('title') or '')) if s.get('slide') else ''}</span></li>"
            for s in found
        )
        or f'<li class="hint">{_("Aucun écran ne s’est encore annoncé.")}</li>'
    )
    chosen = typed.get("target", "")
    options = [f'<option value="">{_("— choisir —")}</option>']
    options += [
        f'<option value="screen:{escape(s["screen"])}"{" selected" if chosen == "screen:" + s["screen"] else ""}>'
        f"{escape(s['screen'])}</option>"
        for s in online
    ]
    options.append(
        f'<option value="all"{" selected" if chosen == "all" else ""}>{_("Tous les écrans ({n})", n=len(online))}</option>'
    )
    levels = "".join(
        f'<option value="{k}"{" selected" if typed.get("level") == k else ""}>{_(v)}</option>'
        for k, v in (("notice", "Information"), ("warning", "Avertissement"))
    )
    styles = "".join(
        f'<option value="{k}"{" selected" if typed.get("style", "banner") == k else ""}>{_(v)}</option>'
        for k, v in (("banner", "Bandeau"), ("fullscreen", "Plein écran"))
    )
    minutes = "".join(
        f'<option value="{m}"{" selected" if typed.get("minutes", "15") == str(m) else ""}>{m} min</option>'
        for m in (5, 15, 30, 60, 120)
    )
    form = (
        f'<form method="post" action="/screens/message" class="card">{said(message, bad)}'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<label for="target">{_("Écran")}</label><select id="target" name="target">{"".join(options)}</select>'
        f'<label for="text">{_("Message")}</label><textarea id="text" name="text" rows=3 maxlength=500>'
        f"{escape(typed.get('text', ''))}</textarea>"
        f'<label for="style">{_("Forme")}</label><select id="style" name="style">{styles}</select>'
        f'<label for="level">{_("Niveau")}</label><select id="level" name="level">{levels}</select>'
        f'<label for="minutes">{_("Pendant")}</label><select id="minutes" name="minutes">{minutes}</select>'
        f"<button>{_('Envoyer')}</button>"
        f'<button class="secondary" formaction="/screens/clear">{_("Retirer le message")}</button></form>'
    )
    return f'{form}<section class="card"><h2>{_("Écrans")}</h2><ul class="screens">{rows}</ul></section>'


def confirm_all(
    form: dict[str, str], count: int, names: list[str], csrf: str, clearing: bool
) -> str:
    """The second step before anything reaches more than one screen: how many, which."""
    kept = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
        for k, v in form.items()
        if k not in ("csrf", "confirm")
    )
    many = "s" if count != 1 else ""
    if clearing:
        question = (
            "Retirer le message de {n} écrans\u00a0?"
            if many
            else "Retirer le message de {n} écran\u00a0?"
        )
    else:
        question = (
            "Envoyer ce message à {n} écrans\u00a0?"
            if many
            else "Envoyer ce message à {n} écran\u00a0?"
        )
    yes = "Oui, à {n} écrans" if many else "Oui, à {n} écran"
    quoted = "" if clearing else f"<blockquote>{escape(form.get('text', ''))}</blockquote>"
    action = "/screens/clear" if clearing else "/screens/message"
    listed = ", ".join(escape(n) for n in names) or _("aucun écran en ligne")
    return (
        f'<form method="post" action="{action}" class="card">'
        f"<p><strong>{escape(_(question, n=count))}</strong></p>{quoted}"
        f'<p class="hint">{listed}</p>'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">{kept}'
        f'<input type="hidden" name="confirm" value="{count}">'
        f"<button>{escape(_(yes, n=count))}</button></form>"
        f'<p><a class="button secondary" href="/screens">{_("Annuler")}</a></p>'
    )

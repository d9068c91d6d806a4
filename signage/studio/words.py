"""The studio's words: French, and English for a browser that prefers it (its
``Accept-Language``). Every text of the pages is written in French and passed through
:func:`_`, which gives the English one when the request asked for English; a text with
values is a template (``{n}``), filled in the language chosen.
"""

from __future__ import annotations

from contextvars import ContextVar

LANG: ContextVar[str] = ContextVar("studio_language", default="fr")
LANGUAGES = ("fr", "en")

ENGLISH = {
    # roles, states
    "administration": "administration",
    "édition": "editing",
    "photographe": "photographer",
    "accueil des salles": "room stewarding",
    "Ouverte": "Open",
    "Complète": "Full",
    "Fermée": "Closed",
    # the frame
    "Se déconnecter": "Sign out",
    "Connexion": "Sign in",
    "Nom": "Name",
    "Mot de passe": "Password",
    "Se connecter": "Sign in",
    "Page introuvable": "Page not found",
    "Cette adresse n’existe pas.": "There is no such page.",
    "Session expirée": "Session expired",
    "Votre session a expiré : reconnectez-vous.": "Your session has expired: sign in again.",
    "Accès refusé": "Access refused",
    "Votre rôle ({role}) ne donne pas accès à cette page.": "Your role ({role}) does not give access to this page.",
    "Formulaire attendu": "A form was expected",
    "Envoyez ce formulaire depuis la page du studio.": "Send this form from the studio's page.",
    "Formulaire refusé": "Form refused",
    "Ce formulaire est trop long ou illisible.": "This form is too long or unreadable.",
    "Formulaire périmé": "Form expired",
    "Ce formulaire n’est plus valable (page trop ancienne ou ouverte ailleurs) : rechargez la page et recommencez.": "This form is no longer valid (the page is too old, or was opened elsewhere): reload the page and try again.",
    "Trop d’essais : réessayez dans {minutes} min.": "Too many tries: try again in {minutes} min.",
    "Nom ou mot de passe incorrect.": "Wrong name or password.",
    # the menu
    "Studio": "Studio",
    "Envoyer des photos": "Send photos",
    "Mes photos envoyées": "My photos",
    "Photos à valider": "Photos to approve",
    "Diapositives": "Slides",
    "Versions": "Versions",
    "Écrans et messages": "Screens and messages",
    "État des salles": "Room states",
    "Journal des changements": "Change log",
    # photos
    "Photos (appareil photo ou galerie)": "Photos (camera or gallery)",
    "Jusqu’à {files} photos à la fois, {mb} Mo chacune (JPEG, PNG, HEIC). La position GPS et les informations de l’appareil sont retirées. Une personne de l’équipe de communication valide chaque photo avant qu’elle passe à l’écran.": "Up to {files} photos at once, {mb} MB each (JPEG, PNG, HEIC). The GPS position and the camera's details are removed. Someone of the communication team approves each photo before it goes on screen.",
    "Envoyer": "Send",
    "Validée": "Approved",
    "Refusée": "Refused",
    "En attente": "Waiting",
    "Dossier": "Folder",
    "Valider": "Approve",
    "Refuser": "Refuse",
    "Aucune diapositive photos dans le contenu.": "No photos slide in the content.",
    "Aucune photo.": "No photo.",
    "{n} photo(s) reçue(s), en attente de validation.": "{n} photo(s) received, waiting for approval.",
    "Refusé : {problems}": "Refused: {problems}",
    "Envoi trop gros : {mb} Mo au plus par envoi.": "Too large: {mb} MB at most per upload.",
    "Ce formulaire n’est plus valable : rechargez la page et recommencez.": "This form is no longer valid: reload the page and try again.",
    "choisissez un dossier d’une diapositive photos": "choose the folder of a photos slide",
    "« {name} » validée dans {folder}.": "“{name}” approved into {folder}.",
    "« {name} » refusée.": "“{name}” refused.",
    "ce formulaire n’est plus valable : rechargez la page": "this form is no longer valid: reload the page",
    "{n} photos au plus par envoi": "{n} photos at most per upload",
    "{name} : plus de {mb} Mo": "{name}: more than {mb} MB",
    "l’envoi s’est arrêté avant la fin": "the upload stopped before its end",
    "un fichier {kind} n’est pas une photo que les écrans montrent (JPEG, PNG, HEIC)": "a {kind} file is not a photo the screens show (JPEG, PNG, HEIC)",
    "{size} pixels : plus de {most} mégapixels": "{size} pixels: more than {most} megapixels",
    "{n} mégapixels : plus de {most} mégapixels": "{n} megapixels: more than {most} megapixels",
    "les photos HEIC demandent pillow-heif (pip install 'signage[heic]')": "HEIC photos need pillow-heif (pip install 'signage[heic]')",
    "pas une photo (JPEG, PNG ou HEIC), ou une photo abîmée": "not a photo (JPEG, PNG or HEIC), or a damaged one",
    "cette photo n’est plus en attente (déjà validée ou refusée)": "this photo is no longer waiting (approved or refused already)",
    # rooms
    "Les états des salles partent vers les écrans par le courtier MQTT : le studio doit être lancé avec --mqtt.": "Room states reach the screens through the MQTT broker: start the studio with --mqtt.",
    "Actuellement : {state}": "Now: {state}",
    "Note (facultative)": "Note (optional)",
    "Aucune salle dans le programme.": "No room in the programme.",
    "« {room} » n’est pas une salle du programme.": "“{room}” is not a room of the programme.",
    "Non envoyé : {why}": "Not sent: {why}",
    "{room} : {state} — envoyé aux écrans.": "{room}: {state} — sent to the screens.",
    # the log
    "Quand (UTC)": "When (UTC)",
    "Qui": "Who",
    "Quoi": "What",
    "D’où": "From",
    # slides
    "monter": "up",
    "descendre": "down",
    "(à changer dans le fichier)": "(to change in the file)",
    "diapositive {n}": "slide {n}",
    "Aperçu de la diapositive": "Preview of the slide",
    "Aperçu en portrait": "Portrait preview",
    "Enregistrer": "Save",
    "Modifier une diapositive": "Edit a slide",
    "Conflit": "Conflict",
    "Le fichier a changé depuis l’ouverture de ce formulaire (quelqu’un d’autre l’a enregistré) : rien n’a été écrit. Voici ce qui a changé ; rouvrez le formulaire pour repartir de la version actuelle.": "The file changed since this form was opened (someone else saved it): nothing was written. Here is what changed; open the form again to start from the current version.",
    "Rouvrir le formulaire": "Open the form again",
    "réglages de la playlist": "the playlist's settings",
    "la playlist": "the playlist",
    "Retour aux diapositives": "Back to the slides",
    "(séparés par des virgules)": "(comma separated)",
    "Réglages de la playlist": "The playlist's settings",
    "Enregistré : {keys}.": "Saved: {keys}.",
    "Rien n’a changé.": "Nothing changed.",
    "Rien n’a été enregistré : la playlist ne serait plus valable.": "Nothing was saved: the playlist would not be valid.",
    "Non déplacée : {why}": "Not moved: {why}",
    "Diapositive {n} déplacée en position {to}.": "Slide {n} moved to position {to}.",
    "Introuvable": "Not found",
    "une playlist garde au moins une diapositive": "a playlist keeps one slide at least",
    "cette playlist n’a pas de diapositives à modifier ici": "this playlist has no slides to change here",
    "les diapositives ne sont pas écrites une par « - » : modifiez le fichier": "the slides are not written one per “- ”: change the file",
    "Supprimer": "Delete",
    "Supprimer la diapositive « {label} »\u00a0?": "Delete the slide “{label}”?",
    "Elle reste dans les versions : on peut la faire revenir.": "It stays in the versions: it can be brought back.",
    "Oui, supprimer": "Yes, delete",
    "Ajouter une annonce": "Add an announcement",
    "Titre": "Title",
    "Texte (facultatif)": "Text (optional)",
    "Ajouter": "Add",
    "Diapositive {n} supprimée.": "Slide {n} deleted.",
    "Annonce ajoutée à la fin de {name}.": "Announcement added at the end of {name}.",
    "Non supprimée : {why}": "Not deleted: {why}",
    "Non ajoutée : {why}": "Not added: {why}",
    "Donnez un titre à l’annonce.": "Give the announcement a title.",
    "Pas de playlist « {name} ».": "No playlist “{name}”.",
    # versions
    "Revenir à cette version": "Go back to this version",
    "Aucune version encore.": "No version yet.",
    "Il n’y a pas de version {n}.": "There is no version {n}.",
    "Version {n} rétablie ({count} fichier(s) : {files}).": "Version {n} brought back ({count} file(s): {files}).",
    "aucun changement": "no change",
    # screens and messages
    "Les écrans sont joints par le courtier MQTT : le studio doit être lancé avec --mqtt.": "Screens are reached through the MQTT broker: start the studio with --mqtt.",
    "en ligne": "online",
    "hors ligne": "offline",
    "Aucun écran ne s’est encore annoncé.": "No screen has announced itself yet.",
    "— choisir —": "— choose —",
    "Tous les écrans ({n})": "Every screen ({n})",
    "Information": "Notice",
    "Avertissement": "Warning",
    "Bandeau": "Banner",
    "Plein écran": "Full screen",
    "Écran": "Screen",
    "Message": "Message",
    "Forme": "Form",
    "Niveau": "Level",
    "Pendant": "For",
    "Retirer le message": "Take the message off",
    "Écrans": "Screens",
    "Confirmer": "Confirm",
    "Envoyer ce message à {n} écran\u00a0?": "Send this message to {n} screen?",
    "Envoyer ce message à {n} écrans\u00a0?": "Send this message to {n} screens?",
    "Retirer le message de {n} écran\u00a0?": "Take the message off {n} screen?",
    "Retirer le message de {n} écrans\u00a0?": "Take the message off {n} screens?",
    "Oui, à {n} écran": "Yes, to {n} screen",
    "Oui, à {n} écrans": "Yes, to {n} screens",
    "{name} : {why}": "{name}: {why}",
    "aucun écran en ligne": "no screen online",
    "Annuler": "Cancel",
    "Choisissez l’écran (ou tous les écrans).": "Choose the screen (or every screen).",
    "Écrivez le message ({n} caractères au plus).": "Write the message ({n} characters at most).",
    "tous les écrans": "every screen",
    "l’écran {name}": "screen {name}",
    "Message envoyé à {who}.": "Message sent to {who}.",
    "Message retiré de {who}.": "Message taken off {who}.",
    # previews of changes not saved
    "Aperçu sans enregistrer": "Preview without saving",
    "Aperçu : rien n’est encore enregistré.": "Preview: nothing is saved yet.",
    "sa page": "its own page",
    # a new slide of any kind
    "Ajouter une diapositive": "Add a slide",
    "Type": "Kind",
    "Continuer": "Continue",
    "Choisissez un type de diapositive.": "Choose a kind of slide.",
    "Diapositive {kind} ajoutée à la fin de {name}.": "{kind} slide added at the end of {name}.",
    "« {kind} » n’est pas un type de diapositive": "“{kind}” is not a kind of slide",
    # the social wall
    "Mur social": "Social wall",
    "Les décisions partent vers les écrans par le courtier MQTT : le studio doit être lancé avec --mqtt. Sans lui, chaque écran se modère sur sa propre page.": "Decisions reach the screens through the MQTT broker: start the studio with --mqtt. Without it, each screen is moderated on its own page.",
    "Cette publication n’est plus sur le mur.": "This post is no longer on the wall.",
    "Publication de {who} validée.": "Post by {who} approved.",
    "Publication de {who} refusée.": "Post by {who} refused.",
    "Envoyé aux écrans.": "Sent to the screens.",
    "Description : {alt}": "Description: {alt}",
    "Image sans description": "Picture without a description",
    "Aucune publication à modérer.": "No post to moderate.",
}


def _(text: str, **values: object) -> str:
    """``text`` in the request's language, its ``{values}`` filled in."""
    template = ENGLISH.get(text, text) if LANG.get() == "en" else text
    return template.format(**values) if values else template


def language_of(accept: str | None) -> str:
    """The first of our languages in an ``Accept-Language`` header, by its weights
    (French when none is named)."""
    ranked = []
    for n, part in enumerate((accept or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, n, tag.strip().lower().split("-")[0]))
    return next((tag for *_rest, tag in sorted(ranked) if tag in LANGUAGES), "fr")

"""Labels and dates in the content's locale (``fr`` and ``en``)."""

from __future__ import annotations

import datetime as dt

LOCALES = ("fr", "en")

_LABELS: dict[str, dict[str, str]] = {
    "now": {"fr": "Maintenant", "en": "Now"},
    "next": {"fr": "Ensuite", "en": "Next"},
    "in_minutes": {"fr": "dans {n} min", "en": "in {n} min"},
    "in_hours": {"fr": "dans {h} h {m:02d}", "en": "in {h} h {m:02d}"},
    "left_minutes": {"fr": "encore {n} min", "en": "{n} min left"},
    "starting": {"fr": "commence", "en": "starting"},
    "nothing_now": {"fr": "Pas de session en ce moment", "en": "No session right now"},
    "nothing_left": {"fr": "Fin du programme pour aujourd’hui", "en": "Nothing more today"},
    "no_programme": {"fr": "Programme indisponible", "en": "Programme unavailable"},
    "from_time": {"fr": "à partir de {t}", "en": "from {t}"},
    "programme": {"fr": "Programme", "en": "Programme"},
    "today": {"fr": "Aujourd’hui", "en": "Today"},
    "starts_on": {"fr": "Début le {d}", "en": "Starts on {d}"},
    "tomorrow": {"fr": "Demain", "en": "Tomorrow"},
    "free": {"fr": "Libre", "en": "Free"},
    "busy": {"fr": "Occupé", "en": "Busy"},
    "until": {"fr": "jusqu’à {t}", "en": "until {t}"},
    "rest_of_day": {"fr": "pour le reste de la journée", "en": "for the rest of the day"},
    "reserved": {"fr": "Réservé", "en": "Reserved"},
    "later_today": {"fr": "Plus tard aujourd’hui", "en": "Later today"},
    "none_later": {"fr": "Aucune autre réunion aujourd’hui", "en": "No other meeting today"},
    "room_done": {"fr": "Plus de session dans cette salle", "en": "No more sessions in this room"},
    "programme_over": {
        "fr": "Fin du programme — merci !",
        "en": "End of the programme — thank you!",
    },
    "cancelled": {"fr": "Annulé", "en": "Cancelled"},
    "moved_to": {"fr": "déplacé à {t}", "en": "moved to {t}"},
    "new_room": {"fr": "nouvelle salle", "en": "new room"},
    "delayed": {"fr": "+{n} min", "en": "+{n} min"},
    "room": {"fr": "Salle", "en": "Room"},
    "page": {"fr": "{p}/{n}", "en": "{p}/{n}"},
    "no_content": {"fr": "Aucun contenu à afficher", "en": "Nothing to show"},
    "content_errors": {"fr": "{n} erreur(s) de contenu", "en": "{n} content error(s)"},
    "welcome": {"fr": "Bienvenue", "en": "Welcome"},
    "speakers": {"fr": "Intervenants", "en": "Speakers"},
    "news": {"fr": "Actualités", "en": "News"},
    "no_news": {"fr": "Pas d’actualité récente", "en": "No recent news"},
    "urgent": {"fr": "Message important", "en": "Important message"},
    "emergency": {"fr": "Alerte", "en": "Alert"},
    "warning": {"fr": "Vigilance", "en": "Warning"},
    "issued": {"fr": "{sender} · émise à {t}", "en": "{sender} · issued at {t}"},
    "full": {"fr": "Complet", "en": "Full"},
    "closed": {"fr": "Fermé", "en": "Closed"},
    "full_hint": {"fr": "Plus de place dans la salle", "en": "No seats left in the room"},
    "closed_hint": {"fr": "La salle est fermée", "en": "The room is closed"},
}

_DAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def label(key: str, locale: str, **values: object) -> str:
    """A label in the locale (English when the locale is unknown)."""
    texts = _LABELS[key]
    return texts.get(locale, texts["en"]).format(**values)


def day_label(day: dt.date, today: dt.date, locale: str) -> str:
    """``Demain`` for tomorrow, else ``Lundi 30 novembre`` (a later day with talks)."""
    if day == today + dt.timedelta(days=1):
        return label("tomorrow", locale)
    text = long_date(day, locale)
    return text[:1].upper() + text[1:]


def long_date(day: dt.date, locale: str) -> str:
    """``samedi 28 novembre`` / ``Saturday 28 November``."""
    loc = locale if locale in _DAYS else "en"
    return f"{_DAYS[loc][day.weekday()]} {day.day} {_MONTHS[loc][day.month - 1]}"


def hours(start: dt.datetime, end: dt.datetime, locale: str) -> str:
    """``09:50 – 10:45``."""
    return f"{clock(start, locale)} – {clock(end, locale)}"


def clock(moment: dt.datetime | dt.time, locale: str) -> str:
    """``14:05`` in both locales (French writes 14 h 05 in prose, but screens use 14:05)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def minutes_until(minutes: int, locale: str) -> str:
    """``dans 12 min`` / ``in 12 min``, in hours past 90 minutes."""
    if minutes < 90:
        return label("in_minutes", locale, n=max(minutes, 1))
    hours, rest = divmod(minutes, 60)
    return label("in_hours", locale, h=hours, m=rest)

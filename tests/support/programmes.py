"""Programmes written by tests: as many rooms as asked, long French titles (frab XML)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

TITLES = (
    "Intelligence artificielle : ce que les agents conversationnels changent pour l’accueil "
    "des usagers dans les mairies, les départements et les régions",
    "Accessibilité numérique des services publics : du RGAA à la pratique quotidienne des "
    "équipes de communication territoriale",
    "Réseaux sociaux et crise : tenir la parole publique quand tout s’accélère",
    "Données ouvertes et cartographie participative au service des politiques de mobilité",
)
ROOMS = (
    "Amphithéâtre Grand Bleu",
    "Salle Seine",
    "Auditorium Jean-Jaurès et mezzanine du pavillon des congrès",
    "Salle Montmartre",
    "Salon Lumière",
    "Atelier Belleville",
    "Salle des Fêtes de l’Hôtel de Ville",
    "Studio Garance",
    "Salle Marie-Curie",
    "Espace Simone-Veil",
    "Salle Olympe-de-Gouges",
    "Agora",
)
SPEAKERS = ("Marie-Christine de La Rochefoucauld", "Jean-Baptiste Lefèvre-Dumoulin")


def write_programme(path: Path, rooms: int, day: str = "2026-11-30") -> list[str]:
    """A one-day programme with ``rooms`` rooms and four long-titled talks in each, from
    09:00, an hour each; returns the room names."""
    names = [ROOMS[i % len(ROOMS)] + ("" if i < len(ROOMS) else f" {i}") for i in range(rooms)]
    events = []
    for r, room in enumerate(names):
        events.append(f'<room name="{escape(room)}">')
        for n in range(4):
            ident = 1000 + r * 10 + n
            persons = "".join(
                f'<person id="{ident}{k}">{escape(name)}</person>'
                for k, name in enumerate(SPEAKERS)
            )
            events.append(
                f'<event guid="00000000-0000-4000-8000-{ident:012d}" id="{ident}">'
                f"<date>{day}T{9 + n:02d}:00:00+01:00</date><start>{9 + n:02d}:00</start>"
                f"<duration>01:00</duration><room>{escape(room)}</room>"
                f"<title>{escape(TITLES[(r + n) % len(TITLES)])}</title><track>Plénière</track>"
                f"<type>talk</type><language>fr</language><persons>{persons}</persons></event>"
            )
        events.append("</room>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><schedule><version>1</version><conference>'
        f"<acronym>t</acronym><title>Test</title><start>{day}</start><end>{day}</end>"
        "<days>1</days><time_zone_name>Europe/Paris</time_zone_name></conference>"
        f'<day index="1" date="{day}">{"".join(events)}</day></schedule>',
        encoding="utf-8",
    )
    return names

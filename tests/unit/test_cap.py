"""Public alerts (CAP 1.2): read as publishers write them, kept once per (sender,
identifier), updated and cancelled by reference, shown only where, when and as severe as
the screen's rules say, in the screen's language."""

from __future__ import annotations

import datetime as dt

import pytest

from signage.live.cap import AlertBook, AlertRules, Area, Venue, covers, parse_cap, polygon_of
from signage.live.model import LiveError
from tests.support.cap import (
    BILLION_LAUGHS,
    ISSY,
    ISSY_POLYGON,
    MARSEILLE_POLYGON,
    NWS_THUNDERSTORM,
    french_alert,
    reference,
)

PARIS = dt.timezone(dt.timedelta(hours=1))
NOON = dt.datetime(2026, 11, 30, 12, tzinfo=PARIS)
RULES = AlertRules(Venue(point=ISSY), "Moderate")


def test_the_specifications_thunderstorm_warning_reads_whole() -> None:
    alert = parse_cap(NWS_THUNDERSTORM.encode())
    assert alert.key == ("KSTO@NWS.NOAA.GOV", "KSTO1055887203")
    (info,) = alert.infos
    assert (info.event, info.severity, info.urgency) == (
        "SEVERE THUNDERSTORM",
        "Severe",
        "Immediate",
    )
    assert info.instruction == "TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES."
    assert info.expires == dt.datetime(2003, 6, 17, 16, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    (area,) = info.areas
    assert area.polygons[0][0] == (38.47, -120.14) and len(area.polygons[0]) == 5
    assert ("SAME", "006109") in area.geocodes
    # Sonora, CA lies inside the warning's polygon; Issy does not
    assert covers(area, Venue(point=(38.5, -119.95)))
    assert not covers(area, Venue(point=ISSY))


def test_shown_in_the_screens_language_where_it_offers_it() -> None:
    book = AlertBook(RULES)
    assert book.take(parse_cap(french_alert().encode()))
    shown = book.current(NOON, "fr")
    assert shown is not None and shown.event == "Inondation" and shown.language == "fr-FR"
    assert shown.instruction.startswith("Quittez le rez-de-chaussée")
    english = book.current(NOON, "en")
    assert english is not None and english.event == "Flood"
    assert shown.to_json() == {
        "identifier": "FR-VIGI-2026-11-30-001", "event": "Inondation", "severity": "Severe",
        "headline": "Vigilance crue sur Issy-les-Moulineaux", "expires": "2026-11-30T20:00:00+01:00",
    }  # fmt: skip


def test_the_same_alert_from_two_paths_is_kept_once() -> None:
    book = AlertBook(RULES)
    assert book.take(parse_cap(french_alert().encode())) is True
    assert book.take(parse_cap(french_alert().encode())) is False


def test_an_update_replaces_and_a_cancel_removes_by_reference() -> None:
    book = AlertBook(RULES)
    first = parse_cap(french_alert().encode())
    book.take(first)
    ref = reference(first.sender, first.identifier, "2026-11-30T09:00:00+01:00")
    update = french_alert("FR-VIGI-002", msg_type="Update", severity="Extreme", references=ref,
                          sent="2026-11-30T10:00:00+01:00", instruction="Évacuez le bâtiment.")  # fmt: skip
    book.take(parse_cap(update.encode()))
    shown = book.current(NOON, "fr")
    assert shown is not None and shown.identifier == "FR-VIGI-002" and shown.severity == "Extreme"
    assert book.take(first) is False  # the replaced alert, heard again late: stays replaced
    cancel = french_alert(
        "FR-VIGI-003", msg_type="Cancel", references=reference(first.sender, "FR-VIGI-002", "x")
    )
    book.take(parse_cap(cancel.encode()))
    assert book.current(NOON, "fr") is None


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({}, True),
        ({"status": "Test"}, False),
        ({"status": "Exercise"}, False),
        ({"severity": "Minor"}, False),  # under the screen's least severity
        ({"expires": "2026-11-30T11:00:00+01:00"}, False),  # expired at noon
        ({"effective": "2026-11-30T13:00:00+01:00"}, False),  # not yet in force
        ({"area": f"<polygon>{MARSEILLE_POLYGON}</polygon>"}, False),  # not the venue's area
        ({"area": "<circle>48.83,2.27 3</circle>"}, True),  # a circle around it
        ({"area": "<geocode><valueName>INSEE</valueName><value>92040</value></geocode>"}, False),
    ],
)
def test_shown_only_for_this_venue_in_force_and_severe_enough(changes: dict, shown: bool) -> None:
    book = AlertBook(RULES)
    book.take(parse_cap(french_alert(**changes).encode()))
    assert (book.current(NOON, "fr") is not None) is shown


def test_geocodes_match_the_venues_and_tests_show_when_asked() -> None:
    coded = french_alert(
        status="Test", area="<geocode><valueName>INSEE</valueName><value>92040</value></geocode>"
    )
    book = AlertBook(AlertRules(Venue(geocodes=(("insee", "92040"),)), "Moderate", show_tests=True))
    book.take(parse_cap(coded.encode()))
    assert book.current(NOON, "fr") is not None


def test_a_venue_drawn_as_a_polygon_meets_an_alerts_polygon() -> None:
    venue = Venue(polygon=polygon_of(ISSY_POLYGON))
    around = "48.9,2.1 48.9,2.5 48.7,2.5 48.7,2.1 48.9,2.1"  # contains the venue
    crossing = "48.83,2.20 48.83,2.26 48.80,2.26 48.80,2.20 48.83,2.20"  # overlaps its edge
    assert covers(Area(polygons=(polygon_of(around),)), venue)
    assert covers(Area(polygons=(polygon_of(crossing),)), venue)
    assert not covers(Area(polygons=(polygon_of(MARSEILLE_POLYGON),)), venue)


def test_the_book_says_when_it_must_look_again() -> None:
    book = AlertBook(RULES)
    book.take(parse_cap(french_alert(effective="2026-11-30T13:00:00+01:00").encode()))
    assert book.next_change(NOON) == dt.datetime(2026, 11, 30, 13, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (BILLION_LAUGHS, "refused"),
        (
            french_alert(area="<polygon>48.8,2.2 48.9,2.3 48.8,2.2</polygon>").encode(),
            "a polygon of 3 points",
        ),
        (
            french_alert(area="<polygon>48.8,2.2 48.9,2.3 48.7,2.3 48.8,2.25</polygon>").encode(),
            "not closed",
        ),
        (french_alert(area="<circle>48.8,2.2</circle>").encode(), "is not like"),
        (b"<rss version='2.0'><channel/></rss>", "not a CAP 1.2 alert"),
        (french_alert().replace("<severity>Severe", "<severity>Huge").encode(), "severity 'Huge'"),
        (french_alert(sent="yesterday").encode(), "sent 'yesterday'"),
        (b"<alert", "not XML"),
    ],
)
def test_what_is_not_a_cap_alert_is_refused_with_its_reason(data: bytes, said: str) -> None:
    with pytest.raises(LiveError, match=said):
        parse_cap(data)


def test_an_urgent_message_may_look_like_an_alert() -> None:
    from signage.content.urgent import MessageError, validate

    assert validate({"text": "Évacuation par la sortie B", "level": "emergency"})[3] == "emergency"
    assert validate({"text": "Salle comble"})[3] == "notice"
    with pytest.raises(MessageError, match="'level' must be one of notice, warning, emergency"):
        validate({"text": "x", "level": "panic"})

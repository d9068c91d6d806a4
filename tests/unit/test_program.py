"""Programme importers and now/next, against real exports and hand-worked answers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from signage.programme.formats.common import parse_duration
from signage.programme.load import load, parse
from signage.programme.model import ProgrammeError
from signage.programme.now_next import as_json
from signage.programme.text import clean
from tests.support.paths import REPO
from tests.support.samples import SAMPLES

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="shared/samples/schedules is not here"
)

NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")

EXPECTED = {
    # file: (format, events, rooms)
    "frab-31c3.schedule.xml": ("frab-xml", 138, 4),
    "frab-camp2019.schedule.json": ("c3voc-json", 79, 2),
    "pretalx-democon.schedule.json": ("c3voc-json", 36, 2),
    "pretalx-rc3.schedule.json": ("c3voc-json", 48, 5),
    "wafer-debconf23.schedule.xml": ("frab-xml", 117, 5),
    "sessionize-orlandocodecamp2020.all.json": ("sessionize", 99, 14),
    "jres-2022.ics": ("ical", 120, 15),
    "kielux-2020.ics": ("ical", 24, 4),
}


@needs_samples
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_sample_imports(name: str) -> None:
    started = time.perf_counter()
    programme = load(str(SAMPLES / name), NY if "sessionize" in name else None)
    elapsed = time.perf_counter() - started
    fmt, count, rooms = EXPECTED[name]
    assert programme.format == fmt
    assert len(programme.events) == count
    assert len(programme.room_names()) == rooms
    assert elapsed < 0.5, f"{name} took {elapsed:.2f}s"
    for event in programme.events:
        assert event.start.tzinfo is not None and event.end >= event.start
        assert "<" not in event.abstract or ">" not in event.abstract, event.abstract[:200]
        assert "\r" not in event.abstract


def now_next(programme, at: dt.datetime, room: str):
    return programme.now(room, at), programme.next(room, at)


@needs_samples
def test_31c3_after_midnight_belongs_to_the_night() -> None:
    programme = load(str(SAMPLES / "frab-31c3.schedule.xml"))
    # Citizenfour is listed in the <day> of the 27th at 00:00; it runs in the night of the 28th.
    now, nxt = now_next(programme, dt.datetime(2014, 12, 28, 0, 5, tzinfo=PARIS), "Saal 1")
    assert now.title == "Citizenfour" and now.end == dt.datetime(2014, 12, 28, 2, 15, tzinfo=PARIS)
    assert nxt.title == "Switches Get Stitches"
    now, nxt = now_next(programme, dt.datetime(2014, 12, 27, 11, 15, tzinfo=PARIS), "Saal 1")
    assert now.title == "31C3 Opening Event"
    assert [s.name for s in now.speakers] == ["erdgeist", "Geraldine de Bastion"]


@needs_samples
def test_democon_offsets_win_over_a_wrong_time_zone_name() -> None:
    programme = load(str(SAMPLES / "pretalx-democon.schedule.json"))
    assert programme.timezone == "+01:00"
    assert programme.warnings and "UTC" in programme.warnings[0]
    first = min(programme.in_room("Gray Room"), key=lambda e: e.start)
    assert first.start == dt.datetime(2020, 12, 14, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@needs_samples
def test_wafer_start_comes_from_the_absolute_date() -> None:
    programme = load(str(SAMPLES / "wafer-debconf23.schedule.xml"))
    assert programme.timezone == "Asia/Kolkata"
    lunch = next(e for e in programme.events if e.title == "Lunch")
    # <date> is in UTC; 07:00 UTC is 12:30 in Kochi, whatever <start> and day@date say
    assert lunch.start.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M") == "12:30"


@needs_samples
def test_sessionize_reads_local_times_in_the_given_zone() -> None:
    programme = load(str(SAMPLES / "sessionize-orlandocodecamp2020.all.json"), NY)
    keynote = next(e for e in programme.events if e.title == "Keynote")
    assert keynote.start == dt.datetime(2020, 3, 28, 8, 0, tzinfo=NY)
    assert keynote.start.utcoffset() == dt.timedelta(hours=-4)
    with_speaker = next(e for e in programme.events if e.speakers)
    assert with_speaker.speakers[0].photo and with_speaker.speakers[0].photo.startswith("https://")


@needs_samples
def test_jres_folding_splits_utf8_and_is_repaired() -> None:
    programme = load(str(SAMPLES / "jres-2022.ics"))
    assert programme.timezone == "Europe/Paris"
    assert "Amphithéâtre 1600" in programme.room_names()
    assert all("\ufffd" not in e.title + e.abstract for e in programme.events)


@needs_samples
def test_kielux_speaker_from_description() -> None:
    programme = load(str(SAMPLES / "kielux-2020.ics"))
    event = next(e for e in programme.events if e.title.startswith("OpenCelium"))
    assert [s.name for s in event.speakers] == ["Jakob Semere"]
    assert event.room == "Ravensberg"
    assert not event.abstract.startswith("von:")


@needs_samples
def test_rc3_markdown_abstracts_are_clean_text() -> None:
    programme = load(str(SAMPLES / "pretalx-rc3.schedule.json"))
    gluon = next(e for e in programme.events if "Gluon" in e.title)
    assert "[Gluon](" not in gluon.abstract and "Gluon" in gluon.abstract


def test_cli_program_json_on_the_example(repo: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "signage",
            "program",
            "programme/rencontres.xml",
            "--at",
            "2026-11-30T10:05",
            "--json",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "frab-xml" and data["timezone"] == "Europe/Paris"
    assert data["at"] == "2026-11-30T10:05:00+01:00"
    assert [r["room"] for r in data["rooms"]] == ["Amphithéâtre Grand Bleu", "Salle Seine"]
    grand_bleu = data["rooms"][0]
    assert grand_bleu["now"]["title"] == "Applis mobiles : le territoire dans la poche"
    assert grand_bleu["now"]["start"] == "2026-11-30T09:50:00+01:00"
    assert grand_bleu["next"]["title"] == "Pause"
    assert set(grand_bleu["now"]) == {"id", "title", "start", "end", "speakers", "track"}


XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule><conference><title>T</title><time_zone_name>Europe/Paris</time_zone_name></conference>
<day index="1" date="2026-03-28" start="2026-03-28T20:00:00+01:00">
<room name="A">
{events}
</room></day></schedule>"""


def xml_event(eid: str, date: str, duration: str, title: str) -> str:
    return (
        f'<event id="{eid}"><date>{date}</date><start>x</start><duration>{duration}</duration>'
        f"<room>A</room><title>{title}</title><persons/></event>"
    )


def test_ties_and_definitions() -> None:
    events = "".join(
        [
            xml_event("1", "2026-03-28T20:00:00+01:00", "02:00", "Long"),
            xml_event("2", "2026-03-28T21:00:00+01:00", "00:30", "Overlap"),
            xml_event("3", "2026-03-28T21:00:00+01:00", "00:30", "Overlap twin"),
            xml_event("4", "2026-03-28T22:00:00+01:00", "00:30", "Later A"),
            xml_event("5", "2026-03-28T22:00:00+01:00", "00:30", "Later B"),
        ]
    )
    programme = parse(XML.format(events=events).encode(), "t.xml")
    at = dt.datetime(2026, 3, 28, 21, 10, tzinfo=PARIS)
    # both 20:00-22:00 and 21:00-21:30 run: the latest start wins, then the first in the source
    assert programme.now("A", at).title == "Overlap"
    assert programme.next("A", at).title == "Later A"
    # at exactly an end, the event is over; at exactly a start, it is on
    assert programme.now("A", dt.datetime(2026, 3, 28, 22, 0, tzinfo=PARIS)).title == "Later A"
    assert programme.now("A", dt.datetime(2026, 3, 28, 22, 30, tzinfo=PARIS)) is None


def test_daylight_saving_change_and_midnight() -> None:
    # Paris moves to summer time at 02:00 on 2026-03-29: a 01:30+01:00 talk of 1 h ends at 03:30+02:00
    events = xml_event("1", "2026-03-29T01:30:00+01:00", "01:00", "Through the change")
    programme = parse(XML.format(events=events).encode(), "t.xml")
    event = programme.events[0]
    assert event.end.astimezone(PARIS).strftime("%H:%M %z") == "03:30 +0200"
    assert (
        programme.now("A", dt.datetime(2026, 3, 29, 3, 15, tzinfo=PARIS)).title
        == "Through the change"
    )
    data = as_json(programme, dt.datetime(2026, 3, 29, 3, 15, tzinfo=PARIS), None, PARIS)
    assert data["rooms"][0]["now"]["end"] == "2026-03-29T03:30:00+02:00"


def test_day_plus_start_only_when_no_absolute_date() -> None:
    body = '<event id="1"><start>00:30</start><duration>0:45</duration><room>A</room><title>Night</title></event>'
    programme = parse(XML.format(events=body).encode(), "t.xml")
    # the day starts at 20:00, so 00:30 is the next morning
    assert programme.events[0].start == dt.datetime(2026, 3, 29, 0, 30, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("0:30", 30), ("00:45", 45), ("1:02:00", 1560), ("01:30:00", 90), ("bad", None)],
)
def test_durations(text: str, minutes: int | None) -> None:
    value = parse_duration(text)
    assert (value.total_seconds() / 60 if value else None) == minutes


def test_entity_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><schedule>&c;</schedule>'
    )
    with pytest.raises(ProgrammeError, match="entities are not allowed"):
        parse(bomb, "bomb.xml")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"<schedule><conference></conference>", "not valid XML"),
        (b"<html><body>502 Bad Gateway</body></html>", "expected <schedule>"),
        (b'{"hello": 1}', "unknown shape"),
        (b"[1, 2]", "unknown shape"),
        (b"BEGIN:VEVENT\nEND:VEVENT\n", "not a schedule"),
        (b'{"sessions": [{"startsAt": "2026-01-01T10:00:00"}]}', "give one with --tz"),
        (b'{"schedule": {"conference": {}}}', "expected schedule.conference.days"),
        (b"\xff\xfe{bad", "not a schedule"),
    ],
)
def test_broken_sources_give_clear_errors(data: bytes, needle: str) -> None:
    with pytest.raises(ProgrammeError, match=needle) as info:
        parse(data, "source.dat", None)
    assert str(info.value).startswith("source.dat: ")


def test_bom_and_widget_json_with_language_objects() -> None:
    widget = {
        "timezone": "Europe/Paris",
        "rooms": [{"id": 1, "name": {"en": "Blue room", "fr": "Salle bleue"}}],
        "tracks": [{"id": 7, "name": {"en": "Web"}}],
        "speakers": [
            {
                "code": "AB",
                "name": "Anne Bé",
                "avatar": "https://x/a.png",
                "biography": "<p>Bio</p>",
            }
        ],
        "talks": [
            {
                "code": "T1",
                "title": {"fr": "Titre"},
                "room": 1,
                "track": 7,
                "speakers": ["AB"],
                "start": "2026-11-30T10:00:00+01:00",
                "end": "2026-11-30T10:30:00+01:00",
            }
        ],
    }
    programme = parse(b"\xef\xbb\xbf" + json.dumps(widget).encode(), "w.json")
    event = programme.events[0]
    assert programme.format == "pretalx-widget"
    assert (event.title, event.room, event.track) == ("Titre", "Salle bleue", "Web")
    assert event.speakers[0].name == "Anne Bé" and event.speakers[0].bio == "Bio"


def test_ics_folding_inside_a_utf8_sequence() -> None:
    summary = "Atelier « données » à l’hôtel".encode()
    cut = summary.index("«".encode()) + 1  # fold in the middle of the two bytes of «
    line = b"SUMMARY:" + summary[:cut] + b"\r\n " + summary[cut:]
    ics = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=Europe/Paris:20261130T100000\r\nDURATION:PT45M\r\n"
        + line
        + b'\r\nLOCATION:Salle\\, A\r\nATTENDEE;CN="Jeanne Dupont":mailto:j@x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
    )
    event = parse(ics, "c.ics").events[0]
    assert event.title == "Atelier « données » à l’hôtel"
    assert event.room == "Salle, A"
    assert event.end - event.start == dt.timedelta(minutes=45)
    assert event.speakers[0].name == "Jeanne Dupont"


def test_html_and_markdown_cleaning() -> None:
    assert clean("&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;") == "Hello world"
    assert clean("<ul><li>one</li><li>two</li></ul>") == "- one\n- two"
    assert (
        clean("**Bold** and [link](https://x) and `code`\r\n\r\n\r\nNext")
        == "Bold and link and code\n\nNext"
    )


@needs_samples
def test_conference_in_another_zone_than_the_player() -> None:
    # DebConf in Kochi (+05:30), asked by a player configured for Paris: the same instant,
    # written in either zone, gives the same answers, and JSON times carry the conference's offset.
    programme = load(str(SAMPLES / "wafer-debconf23.schedule.xml"), PARIS)
    kochi = ZoneInfo("Asia/Kolkata")
    instant_kochi = dt.datetime(2023, 9, 13, 11, 0, tzinfo=kochi)
    instant_paris = instant_kochi.astimezone(PARIS)
    for room in programme.room_names():
        assert programme.now(room, instant_kochi) == programme.now(room, instant_paris)
        assert programme.next(room, instant_kochi) == programme.next(room, instant_paris)
    data = as_json(programme, instant_paris, None, kochi)
    assert data["at"] == "2023-09-13T11:00:00+05:30"
    starts = [r["next"]["start"] for r in data["rooms"] if r["next"]]
    assert starts and all(s.endswith("+05:30") for s in starts)


def test_titles_and_names_are_kept_as_written() -> None:
    """Markdown heading removal once turned "#NantesDansMaPoche : …" into "NantesDansMaPoche : …"."""
    from signage.programme.text import one_line

    assert one_line("#NantesDansMaPoche : l’appli <b>qui</b>\n  marche") == (
        "#NantesDansMaPoche : l’appli qui marche"
    )
    assert one_line("## Atelier_data **2026**") == "## Atelier_data **2026**"
    # abstracts keep their Markdown handling, where a heading needs "#" and a space
    assert (
        clean("# Programme\n\n#RNCN8 et *mise en avant*") == "Programme\n\n#RNCN8 et mise en avant"
    )
    xml = xml_event("1", "2026-11-30T10:00:00+01:00", "00:30", "#NantesDansMaPoche : le territoire")
    programme = parse(XML.format(events=xml).encode(), "t.xml")
    assert programme.events[0].title == "#NantesDansMaPoche : le territoire"


def test_the_programme_store_keeps_only_the_programmes_used_last(tmp_path: Path) -> None:
    """The worker's store of parsed programmes is bounded: after many sources, only the
    most recently used are kept (with their changes), and one used again is parsed again."""
    from signage.programme.store import ProgrammeStore

    store = ProgrammeStore()
    sample = next(p for p in sorted((REPO / "programme").iterdir()) if p.suffix == ".xml")
    for n in range(ProgrammeStore.KEPT + 10):
        copy = tmp_path / f"p{n}.xml"
        copy.write_bytes(sample.read_bytes())
        programme, _, _ = store.get(f"source-{n}", copy, None)
        assert programme.events
    assert len(store._parsed) == ProgrammeStore.KEPT
    assert "source-0" not in store._parsed and f"source-{ProgrammeStore.KEPT + 9}" in store._parsed
    store.get("source-12", tmp_path / "p12.xml", None)  # used again: the most recent
    assert list(store._parsed)[-1] == "source-12"

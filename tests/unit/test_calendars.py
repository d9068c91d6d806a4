"""iCalendar through icalendar and recurring-ical-events: calendars written the way Google
Calendar, Outlook/Exchange, Thunderbird and Nextcloud write them, read right at every instant."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from signage.core.paths import copy_example
from signage.programme.load import load
from tests.support.content import at
from tests.support.paths import DATA, REPO

CALENDARS = DATA / "calendars"
ROOM = "Salle Seine"


def program(name: str, instant: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "signage", "program", str(CALENDARS / name), "--json",
         "--at", instant, "--room", ROOM],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rooms = json.loads(result.stdout)["rooms"]
    return rooms[0]


def titles(name: str) -> list[tuple[str, str]]:
    return [(e.start.isoformat(), e.title) for e in load(str(CALENDARS / name)).events]


# -- Google Calendar --------------------------------------------------------------------


def test_google_weekly_with_exdate_moved_and_cancelled_occurrences() -> None:
    found = titles("google.ics")
    weekly = [start for start, title in found if title.startswith("Point d’équipe")]
    assert "2026-10-26T09:30:00+01:00" in weekly  # after the October DST change: still 09:30
    assert "2026-11-02T09:30:00+01:00" not in weekly  # EXDATE
    assert "2026-11-23T09:30:00+01:00" not in weekly  # moved by RECURRENCE-ID ...
    assert ("2026-11-24T16:00:00+01:00", "Point d’équipe communication (déplacé)") in found
    assert "2026-11-30T09:30:00+01:00" not in weekly  # ... and cancelled
    assert "2026-12-07T09:30:00+01:00" in weekly  # the series goes on
    assert "2028-11-27T09:30:00+01:00" in weekly  # expanded two years after the last DTSTART


def test_google_daily_across_the_spring_dst_change_stays_at_ten() -> None:
    starts = [s for s, t in titles("google.ics") if t == "Permanence"]
    assert starts == [
        "2026-03-25T10:00:00+01:00", "2026-03-26T10:00:00+01:00", "2026-03-27T10:00:00+01:00",
        "2026-03-28T10:00:00+01:00", "2026-03-29T10:00:00+02:00", "2026-03-30T10:00:00+02:00",
        "2026-03-31T10:00:00+02:00",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("instant", "now", "next_title"),
    [
        ("2026-11-30T09:45:00+01:00", None, "#NantesDansMaPoche : retour d’expérience"),
        ("2026-11-30T14:10:00+01:00", "#NantesDansMaPoche : retour d’expérience", "Salle fermée (travaux)"),
        ("2026-12-01T12:00:00+01:00", "Salle fermée (travaux)", "Point d’équipe communication"),
        ("2026-11-24T16:15:00+01:00", "Point d’équipe communication (déplacé)", None),
    ],
)  # fmt: skip
def test_google_now_and_next_at_instants(
    instant: str, now: str | None, next_title: str | None
) -> None:
    room = program("google.ics", instant)
    assert (room["now"] or {}).get("title") == now
    if next_title is not None:
        assert room["next"]["title"] == next_title


def test_google_all_day_event_runs_midnight_to_midnight_in_the_calendar_zone() -> None:
    event = next(
        e for e in load(str(CALENDARS / "google.ics")).events if e.title.startswith("Salle fermée")
    )
    assert event.start.isoformat() == "2026-12-01T00:00:00+01:00"
    assert event.end.isoformat() == "2026-12-02T00:00:00+01:00"


def test_google_title_keeps_its_hashtag() -> None:
    assert any(t.startswith("#NantesDansMaPoche") for _, t in titles("google.ics"))


# -- Outlook / Exchange -------------------------------------------------------------------


def test_outlook_windows_zone_names_and_a_re_timed_occurrence() -> None:
    programme = load(str(CALENDARS / "outlook.ics"))
    assert programme.timezone == "Europe/Paris"  # from "Romance Standard Time"
    found = [(e.start.isoformat(), e.title) for e in programme.events]
    assert ("2026-10-20T11:00:00+02:00", "Comité éditorial du site") in found  # summer time
    assert ("2026-10-27T11:00:00+01:00", "Comité éditorial du site") in found  # winter time
    assert ("2026-12-01T14:00:00+01:00", "Comité éditorial du site (l’après-midi)") in found
    assert ("2026-12-01T11:00:00+01:00", "Comité éditorial du site") not in found
    assert found[-1] == ("2026-12-29T11:00:00+01:00", "Comité éditorial du site")  # UNTIL
    private = next(e for e in programme.events if e.title.startswith("Entretien"))
    assert private.private and private.start.isoformat() == "2026-11-30T16:00:00+01:00"


# -- Thunderbird, Nextcloud ---------------------------------------------------------------


def test_thunderbird_rdate_count_and_duration() -> None:
    events = load(str(CALENDARS / "thunderbird.ics")).events
    assert [e.start.isoformat() for e in events] == [
        "2026-11-11T14:00:00+01:00", "2026-11-18T14:00:00+01:00",
        "2026-11-25T14:00:00+01:00", "2026-11-27T14:00:00+01:00",
    ]  # fmt: skip
    assert all(e.end - e.start == __import__("datetime").timedelta(minutes=90) for e in events)
    assert events[0].speakers[0].name == "Camille Martin"


def test_nextcloud_floating_times_follow_x_wr_timezone() -> None:
    events = load(str(CALENDARS / "nextcloud.ics")).events
    assert events[0].title == "Café d’accueil"
    assert events[0].start == at("2026-11-30 08:30")
    assert [e.start.day for e in events if e.title.startswith("Formation")] == [30, 2]  # EXDATE
    assert all(e.private for e in events if e.title.startswith("Formation"))


# -- size ---------------------------------------------------------------------------------


def test_the_calendar_bench_expands_every_rule_two_years_on() -> None:
    """bench/calendars.py: 700 events, 40 weekly rules without end (two years past the last
    event: about 208 occurrences each) and 40 daily rules of 200: every occurrence is there."""
    result = subprocess.run(
        [sys.executable, str(CALENDARS.parents[2] / "bench" / "calendars.py"), "--runs", "1",
         "--heavy", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    singles = 700 - 80
    assert figures["occurrences"] > singles + 40 * 200 + 40 * 200


def test_day_labels_say_tomorrow_or_the_date() -> None:
    import datetime as dt

    from signage.core import i18n

    today = dt.date(2026, 11, 29)
    assert i18n.day_label(dt.date(2026, 11, 30), today, "fr") == "Demain"
    assert i18n.day_label(dt.date(2026, 12, 2), today, "fr") == "Mercredi 2 décembre"
    assert i18n.day_label(dt.date(2026, 11, 30), today, "en") == "Tomorrow"


# -- the door sign --------------------------------------------------------------------------


def door_frame(root: Path, moment: str, size: tuple[int, int] = (640, 360)):  # type: ignore[no-untyped-def]
    from signage.content.folder import load_content
    from signage.draw.canvas import Canvas, Screen
    from signage.player.frames import flatten, prepare

    content, report = load_content(root)
    assert content is not None, [d.format() for d in report.items]
    slide = next(p for p in content.playlists if p.name.endswith("Salle Seine")).slides[0]
    canvas = Canvas(size, content.theme, root, at(moment), Screen("porte-salle-seine"))
    return prepare(slide, canvas), flatten(prepare(slide, canvas), size)


@pytest.mark.parametrize(
    ("moment", "size", "name"),
    [
        ("2026-11-30 09:30", (640, 360), "door-free-landscape"),
        ("2026-11-30 10:15", (640, 360), "door-busy-landscape"),
        ("2026-11-30 09:30", (360, 640), "door-free-portrait"),
        ("2026-11-30 10:15", (360, 640), "door-busy-portrait"),
    ],
)
def test_door_sign_snapshots(moment: str, size: tuple[int, int], name: str) -> None:
    from tests.support.images import compare

    frame, image = door_frame(REPO, moment, size)
    compare(image, name)
    # state in colour as well as words: green when free, red when busy, in the band (just
    # left of the state's word, in the band's padding)
    word = next(m for m in frame.marks if m.text in ("Libre", "Occupé"))
    band = image.getpixel((word.box[0] - 3, (word.box[1] + word.box[3]) // 2))
    assert (band[1] > band[0]) == ("free" in name), band
    assert frame.valid_until is not None  # redrawn every minute, in a region without a clock too


def test_door_sign_never_shows_a_private_meetings_title(tmp_path: Path) -> None:

    root = copy_example(REPO, tmp_path / "content", without=("delays.yaml",))
    _, before = door_frame(root, "2026-11-30 12:45")
    ics = root / "programme" / "salle-seine.ics"
    ics.write_bytes(ics.read_bytes().replace(b"Entretien individuel", b"Secret"))
    _, after = door_frame(root, "2026-11-30 12:45")
    assert before.tobytes() == after.tobytes()  # the title is nowhere in the picture


def test_busy_until_runs_through_back_to_back_meetings() -> None:
    from signage.draw.door import busy_until

    programme = load(str(REPO / "programme" / "salle-seine.ics"))
    now = programme.now("Salle Seine", at("2026-11-30 12:45"))
    assert now is not None and now.private
    # the press briefing and two workshops follow without a gap
    assert busy_until(programme, "Salle Seine", now) == at("2026-11-30 15:45")


def test_the_door_calendar_and_the_programme_tell_one_story() -> None:
    """The Salle Seine's booking calendar holds the programme's workshops at their hours,
    and nothing it books overlaps a workshop (it once booked a private meeting over one)."""
    calendar = load(str(REPO / "programme" / "salle-seine.ics"))
    programme = load(str(REPO / "programme" / "rencontres.xml"))
    workshops = [e for e in programme.events if e.room == "Salle Seine"]
    assert workshops
    booked = [(e.start, e.end, e.title) for e in calendar.events]
    for talk in workshops:
        same = [b for b in booked if (b[0], b[1]) == (talk.start, talk.end)]
        assert same and talk.title.split(" : ")[0] in same[0][2], talk.title
        others = [b for b in booked if b not in same and b[0] < talk.end and talk.start < b[1]]
        assert not others, (talk.title, others)


# -- published calendar URLs ----------------------------------------------------------------


class PublishedCalendar:
    """A calendar published on loopback behind HTTP basic auth, with an ETag (Nextcloud-like)."""

    def __init__(self, body: bytes, user: str, password: str) -> None:
        import base64
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.body = body
        self.requests: list[int] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.headers.get("Authorization") != expected:
                    status = 401
                elif self.headers.get("If-None-Match") == '"v1"':
                    status = 304
                else:
                    status = 200
                owner.requests.append(status)
                self.send_response(status)
                if status == 200:
                    self.send_header("ETag", '"v1"')
                    self.send_header("Content-Type", "text/calendar; charset=utf-8")
                    self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                if status == 200:
                    self.wfile.write(owner.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/remote.php/dav/public-calendars/seine?export"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


def test_a_published_calendar_behind_basic_auth_is_fetched_conditionally(tmp_path: Path) -> None:
    from signage.programme.fetch import Fetcher

    server = PublishedCalendar((CALENDARS / "nextcloud.ics").read_bytes(), "ecran", "s3cret-seine")
    try:
        secret = tmp_path / "seine.credentials"
        fetcher = Fetcher(tmp_path / "cache")
        fetcher.set_sources({server.url: 300.0}, [])
        assert fetcher.fetch(server.url) is False  # no credentials: refused, said in the errors
        assert "401" in fetcher.errors[server.url]
        secret.write_text("ecran:wrong\n")
        fetcher.set_sources({server.url: 300.0}, [], {server.url: str(secret)})
        assert fetcher.fetch(server.url) is False
        secret.write_text("ecran:s3cret-seine\n")
        assert fetcher.fetch(server.url) is True
        assert fetcher.fetch(server.url) is False  # unchanged: a conditional request, 304
        assert server.requests == [401, 401, 200, 304]
        cached = load(str(fetcher.programme_path(server.url)))
        assert cached.events[0].title == "Café d’accueil"
        secret.unlink()  # the file gone: an error named, the last good copy kept
        assert fetcher.fetch(server.url) is False
        assert "seine.credentials" in fetcher.errors[server.url]
        assert fetcher.programme_path(server.url).exists()
        assert "s3cret" not in json.dumps(fetcher.errors)
    finally:
        server.stop()


def test_credentials_key_reaches_the_fetcher(tmp_path: Path) -> None:
    from signage.programme.fetch import credentials_of
    from tests.support.content import write_content

    playlist = (
        "name: Porte\nslides:\n  - type: schedule\n    view: door\n    room: Salle Seine\n"
        "    source: https://cloud.example.org/remote.php/dav/public-calendars/seine?export\n"
        "    credentials: /etc/signage/seine.credentials\n"
    )
    content = write_content(tmp_path, {"porte.yaml": playlist})
    assert credentials_of(content) == {
        "https://cloud.example.org/remote.php/dav/public-calendars/seine?export":
            "/etc/signage/seine.credentials"
    }  # fmt: skip


def test_frab_room_rule_when_an_event_disagrees_with_its_container(tmp_path: Path) -> None:
    """Merged exports put an event whose own <room> differs inside another <room name>: the
    event's own room wins, and --room finds the event by either name."""
    xml = tmp_path / "merged.xml"
    xml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><schedule><conference><title>M</title>'
        "<time_zone_name>Europe/Paris</time_zone_name></conference>"
        '<day index="1" date="2026-11-30"><room name="Seine (RDC)">'
        '<event guid="e1"><date>2026-11-30T10:00:00+01:00</date><start>10:00</start>'
        "<duration>00:45</duration><room>Salle Seine</room><title>Atelier vidéo</title></event>"
        "</room></day></schedule>",
        encoding="utf-8",
    )
    programme = load(str(xml))
    assert programme.events[0].room == "Salle Seine"
    assert programme.room_names()[0] == "Salle Seine"
    for name in ("Salle Seine", "Seine (RDC)", "seine (rdc)"):
        result = subprocess.run(
            [sys.executable, "-m", "signage", "program", str(xml), "--json",
             "--at", "2026-11-30T10:10", "--room", name],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        rooms = json.loads(result.stdout)["rooms"]
        assert rooms[0]["room"] == "Salle Seine" and rooms[0]["now"]["title"] == "Atelier vidéo"


def test_door_sign_in_a_region_of_a_layout(tmp_path: Path) -> None:
    """The door view as a layout's room widget: drawn at the region's size, and live."""

    from signage.content.folder import load_content
    from signage.draw.canvas import Screen
    from signage.tools.render import render_layouts

    root = copy_example(REPO, tmp_path / "content", without=("theme.yaml", "delays.yaml"))
    (root / "theme.yaml").write_text(
        (REPO / "theme.yaml").read_text(encoding="utf-8") + "layout:\n"
        "  - {name: main, w: 60%, playlist: accueil}\n"
        "  - {name: porte, x: 60%, w: 40%, widget: room, view: door, room: Salle Seine,"
        " source: programme/salle-seine.ics}\n",
        encoding="utf-8",
    )
    content, report = load_content(root)
    assert content is not None, [d.format() for d in report.items]
    results = render_layouts(
        content, tmp_path / "out", at("2026-11-30 10:15"), (1280, 720), Screen("x")
    )
    assert results and not any(r.error for r in results)
    from PIL import Image

    image = Image.open(results[0].path).convert("RGB")
    # the busy band's red inside the door region (x from 60 %), none in the main region
    region = image.crop((800, 100, 1260, 400))
    colours = {c: n for n, c in region.getcolors(maxcolors=1 << 20) or []}
    reds = colours.get((176, 42, 42), 0)
    assert reds > 10_000

"""Programme refreshes, changes and delays; URL sources over a real loopback HTTP server; speaker cards."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from signage.content.folder import load_content
from signage.draw.canvas import Canvas, Screen
from signage.player.frames import flatten, prepare
from signage.programme.fetch import Fetcher
from signage.programme.load import parse
from signage.programme.store import ProgrammeServices, ProgrammeStore, apply_delays, diff
from tests.support.content import PARIS, at, write_content
from tests.support.waiting import until

BASE = """<?xml version="1.0" encoding="UTF-8"?>
<schedule><conference><title>T</title><time_zone_name>Europe/Paris</time_zone_name></conference>
<day index="1" date="2026-11-30" start="2026-11-30T08:00:00+01:00"><room name="Salle A">{events}</room></day></schedule>"""


def event(
    eid: str, start: str, duration: str, title: str, room: str = "Salle A", person: str = ""
) -> str:
    persons = f"<persons><person>{person}</person></persons>" if person else "<persons/>"
    return (
        f'<event guid="{eid}" id="{eid}"><date>2026-11-30T{start}:00+01:00</date><duration>{duration}</duration>'
        f"<room>{room}</room><title>{title}</title>{persons}</event>"
    )


def programme(*events: str):
    return parse(BASE.format(events="".join(events)).encode(), "p.xml")


def test_diff_marks_shifts_moves_rooms_and_cancellations() -> None:
    old = programme(
        event("1", "10:00", "00:30", "Un"),
        event("2", "11:00", "00:30", "Deux"),
        event("3", "12:00", "00:30", "Trois"),
        event("4", "13:00", "00:30", "Quatre"),
    )
    new = programme(
        event("1", "10:15", "00:30", "Un"),
        event("2", "16:30", "00:30", "Deux"),
        event("3", "12:00", "00:30", "Trois", room="Salle B"),
    )
    changes, cancelled = diff(old, new)
    assert (changes["1"].kind, changes["1"].minutes) == ("shift", 15)
    assert changes["2"].kind == "moved" and changes["2"].start == at("2026-11-30 16:30")
    assert (changes["3"].kind, changes["3"].old_room) == ("room", "Salle A")
    assert [e.title for e in cancelled] == ["Quatre"]


def test_a_running_delay_keeps_a_late_talk_on_until_its_shifted_end() -> None:
    base = programme(event("1", "10:00", "01:00", "Long"), event("2", "11:00", "00:30", "Suivant"))
    shifted, marks = apply_delays(base, (("salle a", 600.0),), at("2026-11-30 10:30"))
    # declared at 10:30: the running talk ends at 11:10, the next one starts at 11:10
    assert shifted.now("Salle A", at("2026-11-30 11:05")).title == "Long"
    assert shifted.next("Salle A", at("2026-11-30 11:05")).title == "Suivant"
    assert shifted.next("Salle A", at("2026-11-30 11:05")).start == at("2026-11-30 11:10")
    assert marks["2"].minutes == 10
    # a talk already over when the delay was declared does not move
    past, _ = apply_delays(base, (("Salle A", 600.0),), at("2026-11-30 11:20"))
    assert past.events[0].end == at("2026-11-30 11:00")


def test_store_keeps_changes_between_refreshes(tmp_path: Path) -> None:
    path = tmp_path / "p.xml"
    store = ProgrammeStore()
    path.write_text(
        BASE.format(
            events=event("1", "10:00", "00:30", "Un") + event("2", "11:00", "00:30", "Deux")
        )
    )
    store.get("p", path, PARIS)
    path.write_text(BASE.format(events=event("1", "10:20", "00:30", "Un")))
    import os

    os.utime(path, ns=(1, 2_000_000_000))  # a new version even within the same mtime tick
    _, changes, cancelled = store.get("p", path, PARIS)
    assert changes["1"].minutes == 20 and [e.title for e in cancelled] == ["Deux"]
    _, changes_again, _ = store.get("p", path, PARIS)
    assert changes_again == changes  # unchanged file: same marks


def test_delays_file_is_validated(tmp_path: Path) -> None:
    root = tmp_path
    (root / "delays.yaml").write_text("Amphithéâtre Grand Bleu: 10m\nSalle Seine: soon\n")
    (root / "playlists").mkdir()
    (root / "playlists" / "p.yaml").write_text("name: P\nslides: [{type: text, title: A}]\n")
    content, report = load_content(root)
    assert content is None
    assert (
        report.errors[0]
        .format()
        .startswith("delays.yaml:2:14: error: Salle Seine: expected a duration")
    )
    (root / "delays.yaml").write_text("delays:\n  Amphithéâtre Grand Bleu: 10m\n")
    content, report = load_content(root)
    assert content is not None and content.delays == (("Amphithéâtre Grand Bleu", 600.0),)


class Server:
    """A loopback HTTP server serving a programme with ETags, and counting what it sent."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.fail = False
        self.retry_after: str | None = None  # with fail: a 429 that asks to wait this long
        self.requests: list[tuple[str, int]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if outer.fail:
                    code = 429 if outer.retry_after else 503
                    outer.requests.append((self.path, code))
                    self.send_response(code)
                    if outer.retry_after:
                        self.send_header("Retry-After", outer.retry_after)
                    self.end_headers()
                    return
                if self.path.endswith(".png"):
                    data = _png()
                    outer.requests.append((self.path, 200))
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                etag = f'"{hash(outer.body)}"'
                if self.headers.get("If-None-Match") == etag:
                    outer.requests.append(
                        (self.path, 304)
                    )  # recorded before the client can read it
                    self.send_response(304)
                    self.end_headers()
                    return
                outer.requests.append((self.path, 200))
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()


def _png() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 200, 0)).save(buffer, "PNG")
    return buffer.getvalue()


WIDGET = """{{"timezone": "Europe/Paris", "rooms": [{{"id": 1, "name": "Salle A"}}],
 "speakers": [{{"code": "S1", "name": "Zoé Vert", "avatar": "{url}/zoe.png"}}],
 "talks": [{{"code": "T1", "title": "{title}", "room": 1, "speakers": ["S1"],
            "start": "2026-11-30T10:00:00+01:00", "end": "2026-11-30T11:00:00+01:00"}}]}}"""


@pytest.fixture
def server():
    srv = Server(b"")
    srv.body = WIDGET.format(url=srv.url, title="Premier").encode()
    yield srv
    srv.close()


def test_url_programme_conditional_refresh_and_last_good_copy(
    server: Server, tmp_path: Path
) -> None:
    fetcher = Fetcher(tmp_path / "cache", zone=PARIS)
    url = f"{server.url}/schedule.json"
    assert fetcher.fetch(url) is True
    assert fetcher.fetch(url) is False  # unchanged: a 304, nothing transferred
    assert [code for path, code in server.requests if path == "/schedule.json"] == [200, 304]
    assert fetcher.photo_path(f"{server.url}/zoe.png").stat().st_size > 0  # photo downloaded once
    server.fail = True
    assert fetcher.fetch(url) is False
    assert url in fetcher.errors  # reported...
    assert b"Premier" in fetcher.programme_path(url).read_bytes()  # ...and the last good copy kept
    server.fail = False
    server.body = WIDGET.format(url=server.url, title="Second").encode()
    assert fetcher.fetch(url) is True and url not in fetcher.errors
    server.body = b"<html>502 Bad Gateway</html>"
    assert fetcher.fetch(url) is False  # not a programme: refused, the last good one stays
    assert b"Second" in fetcher.programme_path(url).read_bytes()


def test_a_programme_reports_as_a_live_source_and_honours_retry_after(
    server: Server, tmp_path: Path
) -> None:
    fetcher = Fetcher(tmp_path / "cache", zone=PARIS)
    url = f"{server.url}/schedule.json"
    fetcher.set_sources({url: 30.0}, [])
    fetcher.start()
    try:

        def fetched() -> dict | None:  # its first fetch done, and the next one scheduled
            found = fetcher.status().get(url) or {}
            return found if found.get("last_success") and found["next_fetch_in_s"] > 0 else None

        source = until(fetched, "a first fetch")
        assert source["kind"] == "programme" and source["items"] == 1
        assert source["last_error"] is None and source["next_fetch_in_s"] <= 30
        # the server asks to wait ten minutes: the next request waits that, not the 30 s refresh
        server.fail, server.retry_after = True, "600"
        with fetcher._lock:
            fetcher._due[url] = 0.0
        fetcher._wake.set()

        def refused() -> dict | None:  # the 429 said, and the next fetch scheduled after it
            found = fetcher.status()[url]
            return found if found["last_error"] and found["next_fetch_in_s"] > 30 else None

        failed = until(refused, "the 429")
        assert failed["last_error"] == "HTTP 429, retry after 600 s"
        assert failed["next_fetch_in_s"] > 500
        assert failed["items"] == 1  # the last good copy, still held
    finally:
        fetcher.stop()


def test_speaker_cards_from_a_url_programme_with_photos(server: Server, tmp_path: Path) -> None:
    url = f"{server.url}/schedule.json"
    content = write_content(
        tmp_path / "c",
        {
            "p.yaml": f"name: P\nslides: [{{type: speakers, id: qui, source: '{url}', room: auto}}]\n"
        },
        'header: false\ncolours: {background: "#000050"}\n',
    )
    cache = tmp_path / "cache"
    Fetcher(cache, zone=PARIS).fetch(url)
    services = ProgrammeServices.of(content, str(cache))
    canvas = Canvas(
        (640, 360),
        content.theme,
        Path(content.root),
        at("2026-11-30 10:15"),
        Screen("s", "Salle A"),
        services,
    )
    image = flatten(prepare(content.playlists[0].slides[0], canvas), (640, 360))
    # the downloaded photo (pure green) is on the card
    raw = image.convert("RGB").tobytes()
    greens = [
        i for i in range(0, len(raw), 3) if raw[i + 1] > 180 and raw[i] < 40 and raw[i + 2] < 40
    ]
    assert len(greens) > 500
    # without the download: an initials badge, never a crash
    bare = Canvas(
        (640, 360),
        content.theme,
        Path(content.root),
        at("2026-11-30 10:15"),
        Screen("s", "Salle A"),
        ProgrammeServices(str(tmp_path / "empty")),
    )
    image = flatten(prepare(content.playlists[0].slides[0], bare), (640, 360))
    assert max(ImageStat.Stat(image).mean) > 5


def test_example_speakers_slide_uses_the_content_portraits(repo: Path) -> None:
    content, _ = load_content(repo)
    slide = next(s for p in content.playlists for s in p.slides if s.id == "intervenants")
    services = ProgrammeServices.of(content, None)
    assert (
        services.portrait("André Santini", None)
        == repo / "assets" / "speakers" / "andre-santini.png"
    )
    canvas = Canvas(
        (640, 360),
        content.theme,
        Path(content.root),
        at("2026-11-30 09:20"),
        Screen("porte", "Amphithéâtre Grand Bleu"),
        services,
    )
    from tests.support.images import compare

    compare(flatten(prepare(slide, canvas), (640, 360)), "speakers-grand-bleu")


def test_schedule_slide_shows_delay_and_cancellation(tmp_path: Path) -> None:
    root = tmp_path / "c"
    (root / "programme").mkdir(parents=True)
    xml = root / "programme" / "p.xml"
    xml.write_text(
        BASE.format(
            events=event("1", "10:00", "01:00", "Long")
            + event("2", "11:00", "00:30", "Suivant")
            + event("3", "11:30", "00:30", "Dernier")
        )
    )
    content = write_content(
        root,
        {
            "p.yaml": "name: P\nslides: [{type: schedule, id: s, source: programme/p.xml, room: auto, view: room}]\n"
        },
    )
    from signage.draw.schedule_parts import shown_for

    slide = content.playlists[0].slides[0]
    services = ProgrammeServices.of(content, None)
    canvas = Canvas(
        (640, 360), content.theme, root, at("2026-11-30 10:30"), Screen("s", "Salle A"), services
    )
    prepare(slide, canvas)
    xml.write_text(
        BASE.format(
            events=event("1", "10:00", "01:00", "Long") + event("2", "11:00", "00:30", "Suivant")
        )
    )
    import os

    os.utime(xml, ns=(1, 3_000_000_000))
    (root / "delays.yaml").write_text("Salle A: 10m\n")
    content, _ = load_content(root)
    services = ProgrammeServices.of(content, None)
    canvas = Canvas(
        (640, 360), content.theme, root, at("2026-11-30 10:30"), Screen("s", "Salle A"), services
    )
    shown = shown_for("programme/p.xml", canvas)
    assert [e.title for e in shown.cancelled] == ["Dernier"]
    assert shown.changes["2"].kind == "delay" and shown.programme.next(
        "Salle A", canvas.at
    ).start == at("2026-11-30 11:10")
    from tests.support.images import compare

    compare(flatten(prepare(slide, canvas), (640, 360)), "schedule-room-delay-cancelled")


def test_a_programme_is_parsed_once_where_it_arrives_and_drawn_from_there(
    tmp_path: Path,
) -> None:
    """The fetcher parses a programme of the content folder when a version arrives and
    compares it with the one before; the slide is drawn from that (the worker does not
    read the file: here it is garbage by then), with the change the fetcher found."""
    root = tmp_path / "content"
    xml = root / "programme" / "p.xml"
    xml.parent.mkdir(parents=True)
    xml.write_text(BASE.format(events=event("1", "10:00", "01:00", "Ouverture")))
    content = write_content(
        root,
        {
            "p.yaml": "name: P\nslides: [{type: schedule, id: s, source: programme/p.xml, room: Salle A, view: room}]\n"
        },
    )
    fetcher = Fetcher(tmp_path / "cache")
    assert fetcher.local(xml) is True
    assert fetcher.local(xml) is False  # the same version: not parsed again
    xml.write_text(BASE.format(events=event("1", "10:15", "01:00", "Ouverture")))
    import os

    os.utime(xml, ns=(1, 2_000_000_000))
    assert fetcher.local(xml) is True  # a new version: parsed and compared once
    parsed = fetcher.store.snapshot()
    (held,) = parsed
    assert held.source == str(xml.resolve())
    assert dict(held.changes)["1"].minutes == 15  # "+15 min", found where it arrived
    xml.write_text("not a programme")  # the worker would fail on it: it never reads it
    from signage.draw.schedule_parts import shown_for

    services = ProgrammeServices.of(content, None, parsed=parsed)
    canvas = Canvas(
        (640, 360), content.theme, root, at("2026-11-30 10:30"), Screen("s", "Salle A"), services
    )
    shown = shown_for("programme/p.xml", canvas)
    assert [e.title for e in shown.programme.events] == ["Ouverture"]
    assert shown.changes["1"].minutes == 15
    frame = prepare(content.playlists[0].slides[0], canvas)
    assert "+15 min" in " ".join(m.text for m in frame.marks)

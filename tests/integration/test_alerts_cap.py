"""Public alerts end to end: a publisher's Atom index on a loopback server and a feed
folder read by the alert watch; the takeover drawn white on red; three real players that
show an alert from a folder and from the fleet within two seconds, once, and drop it at
its Cancel."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from signage.content.urgent import UrgentMessage, level_of
from signage.core.model import Theme
from signage.draw.canvas import Canvas, Screen
from signage.draw.urgent import render_message
from signage.live.alerts import AlertConfig, AlertWatch
from signage.live.cap import AlertRules, Venue
from tests.support.broker import Broker, Client
from tests.support.cap import ISSY, atom_index, french_alert, reference
from tests.support.fleet import fleet_content, fleet_player
from tests.support.newsfeeds import NewsSite

PARIS = dt.timezone(dt.timedelta(hours=1))
NOON = dt.datetime(2026, 11, 30, 12, tzinfo=PARIS)
RULES = AlertRules(Venue(point=ISSY), "Moderate")


@pytest.fixture
def site():
    server = NewsSite()
    yield server
    server.close()


def test_an_atom_index_of_alerts_is_followed_to_its_cap_files(site: NewsSite) -> None:
    site.put("/cap/1.xml", french_alert(), "application/cap+xml")
    site.put("/cap/index.atom", atom_index(f"{site.url}/cap", ["1.xml"]), "application/atom+xml")
    told: list = []
    watch = AlertWatch(
        AlertConfig((f"{site.url}/cap/index.atom",), RULES), told.append, "fr", lambda: NOON
    )
    watch.read_all()
    assert [a.event for a in told] == ["Inondation"]
    watch.read_all()  # nothing new: the index answers 304, the CAP file is not fetched again
    assert site.count("/cap/index.atom", 304) == 1 and site.count("/cap/1.xml") == 1
    assert len(told) == 1
    status = watch.status()[f"{site.url}/cap/index.atom"]
    assert status["kind"] == "cap" and status["last_error"] is None


def test_a_bad_alert_in_a_folder_is_said_and_the_good_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text(french_alert(), encoding="utf-8")
    (tmp_path / "b.xml").write_text(
        french_alert("B", area="<polygon>48.8,2.2 48.9,2.3 48.8,2.2</polygon>"), encoding="utf-8"
    )
    told: list = []
    watch = AlertWatch(AlertConfig((str(tmp_path),), RULES), told.append, "fr", lambda: NOON)
    watch.read_all()
    assert told and told[-1].identifier == "FR-VIGI-2026-11-30-001"
    assert "b.xml: a polygon of 3 points" in watch.status()[str(tmp_path)]["last_error"]


def test_an_alert_expires_by_itself_on_the_watch_thread(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    ends = (now + dt.timedelta(seconds=1.5)).isoformat(timespec="seconds")
    (tmp_path / "a.xml").write_text(
        french_alert(
            sent=(now - dt.timedelta(minutes=1)).isoformat(timespec="seconds"), expires=ends
        ),
        encoding="utf-8",
    )
    changes: list = []
    ended = threading.Event()
    watch = AlertWatch(
        AlertConfig((str(tmp_path),), RULES),
        lambda alert: (changes.append(alert), alert is None and ended.set()),
    )
    watch.start()
    try:
        assert ended.wait(10), changes
    finally:
        watch.stop()
    assert changes[0] is not None and changes[-1] is None


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_the_takeover_is_white_on_red_with_the_instruction_largest(size: tuple[int, int]) -> None:
    from signage.live.cap import AlertBook, parse_cap

    book = AlertBook(RULES)
    book.take(parse_cap(french_alert().encode()))
    alert = book.current(NOON, "fr")
    assert alert is not None
    message = UrgentMessage(1, alert.instruction, "fullscreen", NOON, NOON, level_of(alert), alert)
    canvas = Canvas(size, Theme(), Path("."), NOON, Screen("s"))
    frame = render_message(message, canvas)
    pixels = frame.image.convert("RGB").resize((32, 18)).tobytes()
    reds = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 150 and pixels[i + 1] < 60)
    assert reds > 0.6 * 32 * 18  # an emergency, not the brand's blue and orange
    by_height = sorted(frame.marks, key=lambda m: m.height, reverse=True)
    assert "Quittez" in by_height[0].text  # the instruction is the largest text
    said = " ".join(m.text for m in frame.marks)
    assert "ALERTE · Inondation" in said and "Préfecture des Hauts-de-Seine" in said
    assert all(m.contrast >= m.needed for m in frame.marks)
    assert not any(m.clipped for m in frame.marks)


def _alert_on_screen(status: dict) -> bool:
    return (status.get("alert") or {}).get("event") == "Inondation"


def test_three_players_show_an_alert_within_two_seconds_once_and_drop_it_at_its_cancel(
    broker: Broker, tmp_path: Path
) -> None:
    root = fleet_content(tmp_path / "content")
    folder = tmp_path / "alertes"
    folder.mkdir()
    now = dt.datetime.now(PARIS).replace(microsecond=0)
    sent = (now - dt.timedelta(minutes=1)).isoformat()
    later = (now + dt.timedelta(hours=2)).isoformat()
    players = []
    for n in range(3):
        config = tmp_path / f"player-{n}.yaml"
        config.write_text(
            f"alerts:\n  sources: ['{folder}']\n  area: {{lat: {ISSY[0]}, lon: {ISSY[1]}}}\n"
        )
        players.append(fleet_player(root, broker, f"hall-{n}", "--config", str(config)))
    sender = Client(broker.port)
    try:
        for player in players:
            player.wait_for(lambda s: (s.get("fleet") or {}).get("connected"), timeout=20)
        # published in the feed folder
        (folder / "vigilance.xml").write_text(
            french_alert(sent=sent, expires=later), encoding="utf-8"
        )
        started = time.monotonic()
        for player in players:
            player.wait_for(_alert_on_screen, timeout=10)
        took = time.monotonic() - started
        assert took < 2.0, f"the alert took {took:.1f} s to reach three screens"
        # the same alert from the fleet: shown once (no new takeover, the same identifier)
        sender.publish(
            "signage/all/command",
            {"command": "alert", "cap": french_alert(sent=sent, expires=later)},
        )
        time.sleep(0.5)
        assert all(p.status()["alert"]["identifier"] == "FR-VIGI-2026-11-30-001" for p in players)
        # cancelled over MQTT
        cancel = french_alert(
            "FR-VIGI-FIN", msg_type="Cancel", sent=now.isoformat(), expires=later,
            references=reference("pref92@interieur.gouv.fr", "FR-VIGI-2026-11-30-001", sent),
        )  # fmt: skip
        sender.publish("signage/all/command", {"command": "alert", "cap": cancel})
        started = time.monotonic()
        for player in players:
            player.wait_for(lambda s: s.get("alert") is None, timeout=10)
        took = time.monotonic() - started
        assert took < 2.0, f"the cancel took {took:.1f} s to clear three screens"
    finally:
        sender.close()
        logs = [player.stop() for player in players]
    assert not any("Traceback" in log for log in logs)


def test_the_fleet_page_pushes_an_alert_to_every_screen_and_refuses_what_is_not_cap(
    broker: Broker, tmp_path: Path
) -> None:
    from tests.support.fleet import FleetPage

    token = tmp_path / "fleet-token"
    token.write_text("fleet-token-for-the-alert-test-0123")
    root = fleet_content(tmp_path / "content")
    player = fleet_player(
        root, broker, "hall-0"
    )  # no alerts: of its own: shows what the fleet sends
    page = FleetPage(broker, token)
    try:
        player.wait_for(lambda s: (s.get("fleet") or {}).get("connected"), timeout=20)
        now = dt.datetime.now(PARIS).replace(microsecond=0)
        cap = french_alert(
            sent=(now - dt.timedelta(minutes=1)).isoformat(),
            expires=(now + dt.timedelta(hours=1)).isoformat(),
        )
        code, said = page.post(
            "/api/command", {"target": "all", "command": "alert", "cap": cap}, token.read_text()
        )
        assert code == 200 and said["ok"], said
        player.wait_for(_alert_on_screen, timeout=10)
        bad = cap.replace(" 48.840,2.240</polygon>", " 48.9,2.3</polygon>")  # not closed
        code, said = page.post(
            "/api/command", {"target": "all", "command": "alert", "cap": bad}, token.read_text()
        )
        assert (
            code == 400 and "not a CAP 1.2 alert: a polygon that is not closed" in said["error"]
        ), said
    finally:
        page.stop()
        log = player.stop()
    assert "Traceback" not in log

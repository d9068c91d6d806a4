"""The fleet over MQTT (issue 15), against a real Mosquitto started here on loopback:
presence with a Last Will, thumbnails, commands to a screen, a group and everyone, room
states drawn at the door, messages that wait for a screen that was off, refusals."""

from __future__ import annotations

import io
import json
import signal
import time
from pathlib import Path

import pytest
from PIL import Image

from signage.ops.fleet.link import LinkError, backoff_s, parse_broker
from signage.ops.fleet.protocol import CommandError, parse_command, parse_room_state
from tests.support.broker import Broker, Client
from tests.support.browser import (
    attributes,
    click,
    needs_browser,
    shown,
    shown_all,
    waiting,
)
from tests.support.content import write_content
from tests.support.fleet import FleetPage, fleet_content, fleet_player
from tests.support.paths import REPO
from tests.support.process import PlayerProcess


def test_broker_urls_and_their_refusals(tmp_path: Path) -> None:
    assert str(parse_broker("mqtt://127.0.0.1")) == "mqtt://127.0.0.1:1883"
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    broker = parse_broker("mqtts://ecran@broker.example:8884", str(secret))
    assert (broker.tls, broker.user, broker.password, broker.port) == (
        True,
        "ecran",
        "s3cret",
        8884,
    )
    assert "s3cret" not in str(broker)
    with pytest.raises(LinkError, match="without a user and a password"):
        parse_broker("mqtt://broker.example")
    assert parse_broker("mqtt://broker.example", insecure=True).host == "broker.example"
    with pytest.raises(LinkError, match="not in the URL"):
        parse_broker("mqtt://u:pw@broker.example")
    with pytest.raises(LinkError, match="not a broker URL"):
        parse_broker("http://broker.example")
    with pytest.raises(LinkError, match="cannot read the MQTT password"):
        parse_broker("mqtt://u@broker.example", str(tmp_path / "absent"))
    waits = [backoff_s(n) for n in range(12)]
    assert all(0.25 <= w <= 5.0 for w in waits) and max(waits[6:]) <= 5.0
    assert len({round(backoff_s(8), 6) for _ in range(20)}) > 1  # jittered


def test_commands_are_checked_like_the_http_api() -> None:
    assert parse_command(b'{"command": "next"}') == ("next", {})
    assert parse_command(b'{"command": "clear-message"}') == ("clear_message", {})
    assert parse_command(b'{"command": "show", "id": "salle"}') == ("show", {"id": "salle"})
    name, args = parse_command(
        json.dumps(
            {"command": "message", "text": "Salle comble", "style": "banner", "expires_in": 60}
        ).encode()
    )
    assert (name, args) == (
        "message",
        {"text": "Salle comble", "style": "banner", "expires_in": 60.0, "level": "notice"},
    )
    assert parse_command(b'{"command": "alert", "cap": "<alert/>"}') == (
        "alert",
        {"cap": "<alert/>"},
    )
    for bad, why in (
        (b'{"command": "message", "text": "x", "level": "panic"}', "'level' must be one of"),
        (b'{"command": "alert"}', "needs 'cap'"),
        (b"pas du json", "not JSON"),
        (b'{"command": "explode"}', "must be one of"),
        (b'{"command": "message", "text": ""}', "non-empty"),
        (b'{"command": "message", "text": "x", "style": "popup"}', "'style' must be one of"),
        (b'{"command": "show"}', "needs an 'id'"),
        (b'{"command": "next", "force": true}', "unknown field"),
        (b"[1, 2]", "JSON object"),
    ):
        with pytest.raises(CommandError, match=why):
            parse_command(bad)
    assert (
        parse_room_state(b'{"state": "full", "note": "Retransmission en salle Seine"}').state
        == "full"
    )
    assert parse_room_state(b"") is None
    with pytest.raises(CommandError, match="'state' must be one of"):
        parse_room_state(b'{"state": "pleine"}')


def test_a_screen_in_the_fleet(broker: Broker, tmp_path: Path) -> None:
    """Presence retained (and its Last Will), a thumbnail, commands to the screen, to its
    group and to all, a refused command reported on its events, its room set full."""
    watcher = Client(broker.port, "signage/screens/#")
    root = fleet_content(tmp_path)
    player = fleet_player(root, broker, "porte-seine", "--room", "Salle Seine", "--group", "portes")
    try:
        status_topic = "signage/screens/porte-seine/status"
        # published again as soon as the first slide is on screen (a change)
        presence = watcher.wait_for(
            lambda: (p := watcher.last_json(status_topic)) and p["slide"]["id"] and p, timeout=15
        )
        assert presence["online"] is True and presence["screen"] == "porte-seine"
        assert presence["groups"] == ["portes"] and presence["room"] == "Salle Seine"
        assert presence["content"]["version"] and presence["slide"]["id"] in ("un", "deux")
        thumb = watcher.wait_for(
            lambda: watcher.messages("signage/screens/porte-seine/thumbnail"), timeout=15
        )[-1]
        assert len(thumb) <= 30_000
        assert Image.open(io.BytesIO(thumb)).format == "JPEG"
        # to this screen
        watcher.publish("signage/screens/porte-seine/command", {"command": "show", "id": "deux"})
        player.wait_for(lambda s: s["slide"]["id"] == "deux", timeout=5)
        # to its group, and to all
        watcher.publish("signage/groups/portes/command", {"command": "show", "id": "un"})
        player.wait_for(lambda s: s["slide"]["id"] == "un", timeout=5)
        watcher.publish(
            "signage/all/command",
            {
                "command": "message",
                "text": "Évacuation : suivez les agents",
                "style": "banner",
                "expires_in": 120,
            },
            expiry_s=120,
        )
        shown = player.wait_for(lambda s: s.get("message"), timeout=5)
        assert shown["message"]["text"] == "Évacuation : suivez les agents"
        watcher.publish("signage/all/command", {"command": "clear-message"})
        player.wait_for(lambda s: s.get("message") is None, timeout=5)
        # refused, said on the screen's events; the screen plays on
        watcher.publish("signage/all/command", b'{"command": "explode"}')
        refused = watcher.wait_for(
            lambda: [
                json.loads(m)
                for m in watcher.messages("signage/screens/porte-seine/events")
                if b"explode" not in m and b'"ok": false' in m
            ],
            timeout=5,
        )
        assert "must be one of" in refused[-1]["error"]
        # another group's command does not reach it
        watcher.publish("signage/groups/hall/command", {"command": "show", "id": "deux"})
        time.sleep(0.8)
        assert player.status()["slide"]["id"] == "un"
        # its room full: in /status, and the presence says so
        watcher.publish(
            "signage/rooms/Salle%20Seine/state",
            {
                "state": "full",
                "note": "Retransmission dans le hall",
                "set_at": "2026-11-30T10:20:00+01:00",
            },
            retain=True,
        )
        full = player.wait_for(lambda s: s.get("room_state"), timeout=5)
        assert full["room_state"] == {
            "state": "full", "note": "Retransmission dans le hall", "set_at": "2026-11-30T10:20:00+01:00",
        }  # fmt: skip
        watcher.wait_for(
            lambda: (watcher.last_json(status_topic) or {}).get("room_state"), timeout=5
        )
        fleet = player.status()["fleet"]
        assert fleet["connected"] is True and fleet["refused"] >= 1
    finally:
        log = player.stop()
    assert "Traceback" not in log
    # stopped cleanly: offline, retained
    offline = watcher.wait_for(
        lambda: (
            watcher.last_json(status_topic)
            if not watcher.last_json(status_topic)["online"]
            else None
        )
    )
    assert offline == {"screen": "porte-seine", "online": False}
    watcher.close()


def test_a_screen_killed_is_offline_by_its_last_will(broker: Broker, tmp_path: Path) -> None:
    """Killed, the broker says it is offline for it. (And a command left retained on its
    topic is not obeyed when it connects: it would run again at every reconnection.)"""
    watcher = Client(broker.port, "signage/screens/+/status", "signage/screens/+/events")
    watcher.publish(
        "signage/screens/hall-1/command", {"command": "show", "id": "deux"}, retain=True
    )
    player = fleet_player(fleet_content(tmp_path), broker, "hall-1")
    topic = "signage/screens/hall-1/status"
    try:
        watcher.wait_for(lambda: (watcher.last_json(topic) or {}).get("online"), timeout=15)
        watcher.wait_for(
            lambda: any(
                b"retained command" in m for m in watcher.messages("signage/screens/hall-1/events")
            ),
            timeout=5,
        )
        assert player.status()["slide"]["id"] == "un"
        player.process.send_signal(signal.SIGKILL)
        player.process.wait(timeout=5)
        # the broker sends the Will once it notices (at once here: the socket closes)
        watcher.wait_for(
            lambda: watcher.last_json(topic) == {"screen": "hall-1", "online": False}, timeout=10
        )
    finally:
        player.stop()
        watcher.close()


def test_a_message_waits_for_a_screen_that_was_off_until_it_expires(
    broker: Broker, tmp_path: Path
) -> None:
    """QoS 1 and a persistent session: a message sent while the screen is off is shown when
    it comes back, for what is left of its time; one that expired meanwhile never is."""
    root = fleet_content(tmp_path)
    player = fleet_player(root, broker, "salle-1")
    sender = Client(broker.port)
    try:
        player.wait_for(lambda s: (s.get("fleet") or {}).get("connected"), timeout=15)
    finally:
        player.stop()
    sender.publish(
        "signage/screens/salle-1/command",
        {"command": "message", "text": "Expiré", "expires_in": 2}, expiry_s=2,
    )  # fmt: skip
    sender.publish(
        "signage/screens/salle-1/command",
        {"command": "message", "text": "Toujours valable", "expires_in": 120}, expiry_s=120,
    )  # fmt: skip
    time.sleep(3)  # the first has expired in the broker's queue
    player = fleet_player(root, broker, "salle-1")
    try:
        shown = player.wait_for(lambda s: s.get("message"), timeout=15)
        assert shown["message"]["text"] == "Toujours valable"
        left = (
            dt_parse(shown["message"]["expires"]) - dt_parse(shown["message"]["started"])
        ).total_seconds()
        assert 100 <= left <= 118  # what was left of its 120 s, not 120 again
        time.sleep(1)
        assert player.status()["message"]["text"] == "Toujours valable"  # never the expired one
    finally:
        log = player.stop()
        sender.close()
    assert "Expiré" not in log


def dt_parse(text: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.fromisoformat(text)


FLEET_TOKEN = "fleet-page-token-for-tests-0123456789"


@needs_browser
def test_the_fleet_page_in_a_browser(browser, broker: Broker, tmp_path: Path) -> None:
    """Every screen online with its slide and thumbnail; a steward taps "Complet" and the
    door screen says so; a message to a group reaches that group only; a screen that goes
    away shows offline. Without the token, nothing is sent."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    root = fleet_content(tmp_path)
    door = fleet_player(root, broker, "porte-seine", "--room", "Salle Seine", "--group", "portes")
    hall = fleet_player(root, broker, "hall-1", "--group", "hall")
    token = tmp_path / "token"
    token.write_text(FLEET_TOKEN)
    page = FleetPage(broker, token)
    try:
        # The page draws its lists again every 2 s: an element found before a redraw is
        # stale after it (a StaleElementReferenceException once failed this test in CI).
        # What the page shows is read in one script, and buttons clicked by one, each
        # atomic in the page; waits ignore an element replaced under them.
        wait = waiting(browser, 20)
        browser.get(page.url)
        wait.until(lambda b: len(slides := shown_all(b, ".screen .slide")) == 2
                   and all(said not in ("", "—") for said in slides))  # fmt: skip
        cards = dict(
            browser.execute_script(
                "return [...document.querySelectorAll('.screen')]"
                ".map(c => [c.getAttribute('data-screen'), c.innerText])"
            )
        )
        assert set(cards) == {"porte-seine", "hall-1"}
        assert all("en ligne" in text for text in cards.values())
        assert "Salle Seine" in cards["porte-seine"]
        wait.until(lambda b: b.execute_script(
            "const all = [...document.querySelectorAll('.screen img')];"
            "return all.length === 2 && all.every(img => img.naturalWidth > 0)"
        ))  # fmt: skip
        # without the token: refused, and said so
        full_button = '#rooms li[data-room="Salle Seine"] button[data-state="full"]'
        click(browser, full_button)
        wait.until(lambda b: "Refusé" in shown(b, "#feedback"))
        assert door.status().get("room_state") is None
        # the steward's token, then one tap
        browser.find_element(By.ID, "token").send_keys(FLEET_TOKEN)
        browser.execute_script(
            "document.getElementById('token').dispatchEvent(new Event('change'))"
        )
        click(browser, full_button)
        full = door.wait_for(
            lambda s: (s.get("room_state") or {}).get("state") == "full", timeout=5
        )
        assert full["room_state"]["set_at"]
        said = shown(browser, "#feedback")  # in words, not a URL-quoted topic
        assert said == "Salle Seine : Complet — envoyé aux écrans." and "%20" not in said
        wait.until(lambda b: "on" in (attributes(b, full_button, "class") or [""])[0].split())
        # nothing is chosen at first: a tap reaches no screen until one is
        assert (
            Select(browser.find_element(By.ID, "target")).first_selected_option.get_attribute(
                "value"
            )
            == ""
        )
        browser.find_element(By.CSS_SELECTOR, "button[data-command=next]").click()
        wait.until(lambda b: "Choisissez à qui envoyer" in shown(b, "#feedback"))
        # a message to the doors' group only
        Select(browser.find_element(By.ID, "target")).select_by_value("group:portes")
        browser.find_element(By.ID, "text").send_keys("La salle Seine est complète")
        browser.find_element(By.ID, "send").click()
        status = door.wait_for(lambda s: s.get("message"), timeout=5)
        assert status["message"]["text"] == "La salle Seine est complète"
        assert status["message"]["style"] == "banner"
        time.sleep(0.5)
        assert hall.status().get("message") is None
        # to every screen: only once the person confirms how many (dismissed: nothing sent)
        Select(browser.find_element(By.ID, "target")).select_by_value("all")
        text = browser.find_element(By.ID, "text")
        text.clear()
        text.send_keys("Fin de la journée à 18 h")
        browser.find_element(By.ID, "send").click()
        asked = WebDriverWait(browser, 5).until(lambda b: b.switch_to.alert)
        assert asked.text == "Envoyer à 2 écrans ?"
        asked.dismiss()
        wait.until(lambda b: shown(b, "#feedback") == "Rien n’a été envoyé.")
        assert hall.status().get("message") is None
        browser.find_element(By.ID, "send").click()
        WebDriverWait(browser, 5).until(lambda b: b.switch_to.alert).accept()
        for screen in (door, hall):
            screen.wait_for(
                lambda s: (s.get("message") or {}).get("text") == "Fin de la journée à 18 h",
                timeout=5,
            )
        assert shown(browser, "#feedback") == "Envoyé à tous les écrans (2)."
        # refused by the page as a screen would refuse it
        code, answer = page.post(
            "/api/command", {"target": "all", "command": "message", "text": ""}, FLEET_TOKEN
        )
        assert code == 400 and "non-empty" in answer["error"]
        code, _ = page.post("/api/command", {"target": "all", "command": "next"}, None)
        assert code == 401
        # a screen that goes away: offline on the page
        hall.stop()
        wait.until(lambda b: "hors ligne" in (shown(b, '.screen[data-screen="hall-1"]') or ""))
        browser.save_screenshot(str(tmp_path / "fleet.png"))
    finally:
        door.stop()
        hall.stop()
        log = page.stop()
    assert "Traceback" not in log


def test_the_fleet_page_refuses_a_public_bind_without_a_token(broker: Broker) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "signage", "fleet", "--mqtt", broker.url, "--bind", "0.0.0.0:0"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 2
    assert "without a token" in done.stderr and "Traceback" not in done.stderr


ACL = (REPO / "deploy" / "mosquitto" / "signage.acl").read_text()
USERS = {
    "porte-seine": "pw-porte",
    "hall-1": "pw-hall",
    "fleet": "pw-fleet",
    "steward": "pw-steward",
}


def test_the_shipped_acl_keeps_each_screen_to_its_own_topics(tmp_path: Path) -> None:
    """deploy/mosquitto/signage.acl in a real broker with passwords: a screen publishes its
    own presence; another screen can neither forge it nor command the fleet; the fleet user
    commands; a steward sets a room; an anonymous client is refused."""
    broker = Broker(acl=ACL, users=USERS)
    secret = tmp_path / "porte.pw"
    secret.write_text(USERS["porte-seine"])
    root = fleet_content(tmp_path)
    player = PlayerProcess(
        [str(root), "--screen", "porte-seine", "--room", "Salle Seine",
         "--mqtt", broker.user_url("porte-seine"), "--mqtt-password-file", str(secret),
         "--plays", str(root / "plays.jsonl"), "--cache", str(root / "cache")],
    )  # fmt: skip
    fleet = Client(broker.port, "signage/screens/+/status", user="fleet", password=USERS["fleet"])
    intruder = Client(broker.port, user="hall-1", password=USERS["hall-1"])
    steward = Client(broker.port, user="steward", password=USERS["steward"])
    topic = "signage/screens/porte-seine/status"
    try:
        fleet.wait_for(lambda: (fleet.last_json(topic) or {}).get("online"), timeout=15)
        # hall-1 forges porte-seine's presence and commands everyone: both dropped
        intruder.publish(topic, {"screen": "porte-seine", "online": False})
        intruder.publish("signage/all/command", {"command": "show", "id": "deux"})
        time.sleep(1.0)
        assert fleet.last_json(topic)["online"] is True
        assert player.status()["slide"]["id"] == "un"
        # the fleet's user commands
        fleet.publish("signage/screens/porte-seine/command", {"command": "show", "id": "deux"})
        player.wait_for(lambda s: s["slide"]["id"] == "deux", timeout=5)
        # a steward sets the room
        steward.publish(
            "signage/rooms/Salle%20Seine/state", {"state": "closed", "note": ""}, retain=True
        )
        player.wait_for(lambda s: (s.get("room_state") or {}).get("state") == "closed", timeout=5)
        anonymous = Client(broker.port, wait=False)
        assert anonymous.refused, "an anonymous client was let in"
        anonymous.close()
    finally:
        log = player.stop()
        for client in (fleet, intruder, steward):
            client.close()
        broker.stop()
    assert "Traceback" not in log


def test_a_screen_over_tls(tmp_path: Path) -> None:
    """mqtts://: the broker's certificate, signed by the venue's CA, checked by the screen
    (the CA trusted through SSL_CERT_FILE, as a venue's CA would be installed)."""
    import subprocess

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "1", "-subj", "/CN=Venue test CA")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "broker.key", "-out", "broker.csr",
            "-subj", "/CN=127.0.0.1")  # fmt: skip
    (tmp_path / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "broker.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "broker.crt", "-days", "1", "-extfile", "san.ext")  # fmt: skip
    broker = Broker(tls=(tmp_path / "broker.crt", tmp_path / "broker.key"))
    root = fleet_content(tmp_path)
    player = PlayerProcess(
        [str(root), "--screen", "tls-1", "--mqtt", f"mqtts://127.0.0.1:{broker.port}",
         "--plays", str(root / "plays.jsonl"), "--cache", str(root / "cache")],
        env={"SSL_CERT_FILE": str(tmp_path / "ca.crt")},
    )  # fmt: skip
    untrusting = PlayerProcess(
        [str(root), "--screen", "tls-2", "--mqtt", f"mqtts://127.0.0.1:{broker.port}",
         "--plays", str(root / "plays2.jsonl"), "--cache", str(root / "cache2")],
    )  # fmt: skip
    try:
        fleet = player.wait_for(lambda s: (s.get("fleet") or {}).get("connected"), timeout=15)[
            "fleet"
        ]
        assert fleet["broker"] == f"mqtts://127.0.0.1:{broker.port}"
        refused = untrusting.wait_for(
            lambda s: (s.get("fleet") or {}).get("last_error"), timeout=15
        )
        assert refused["fleet"]["connected"] is False
        assert "certificate" in refused["fleet"]["last_error"].lower()
        assert refused["slide"]["id"] in ("un", "deux")  # and it plays on
    finally:
        player.stop()
        log = untrusting.stop()
        broker.stop()
    assert "Traceback" not in log


def test_the_broker_killed_and_started_again(tmp_path: Path) -> None:
    """The screen plays on while the broker is gone (its slides keep changing), reconnects
    within 10 s of its return, publishes its presence again and gets the retained room
    states again."""
    broker = Broker()
    root = tmp_path / "c"
    write_content(
        root,
        {"p.yaml": "name: P\nslides:\n  - {type: text, id: un, title: Un, duration: 1, transition: cut}\n"
                   "  - {type: text, id: deux, title: Deux, duration: 1, transition: cut}\n"},
        "header: false\n",
    )  # fmt: skip
    setter = Client(broker.port)
    setter.publish("signage/rooms/Salle%20Seine/state", {"state": "full", "note": ""}, retain=True)
    setter.close()
    player = fleet_player(root, broker, "porte-seine", "--room", "Salle Seine")
    try:
        first = player.wait_for(
            lambda s: (s.get("room_state") or {}).get("state") == "full", timeout=15
        )
        rooms_before = first["fleet"]["room_messages"]
        broker.kill()
        down = player.wait_for(lambda s: not s["fleet"]["connected"], timeout=30)
        assert down["fleet"]["last_error"]
        frames = down["render"]["frames"]
        time.sleep(3)
        during = player.status()
        assert during["render"]["frames"] > frames  # the screen plays on
        assert during["slide"]["shown_at"] != down["slide"]["shown_at"]  # slides still change
        watcher_started = time.monotonic()
        broker.start()
        back = player.wait_for(lambda s: s["fleet"]["connected"], timeout=15)
        assert time.monotonic() - watcher_started <= 10
        assert back["fleet"]["connections"] == 2
        watcher = Client(broker.port, "signage/screens/+/status")
        presence = watcher.wait_for(
            lambda: watcher.last_json("signage/screens/porte-seine/status"), timeout=10
        )
        assert presence["online"] is True
        player.wait_for(lambda s: s["fleet"]["room_messages"] > rooms_before, timeout=10)
        watcher.close()
    finally:
        log = player.stop()
        broker.stop()
    assert "Traceback" not in log, log

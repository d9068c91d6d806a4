"""Bursts and bad data cannot stall or silence a screen (issue 25, point 4): thousands of
room states and commands in a second through a real Mosquitto, malformed and unencodable
payloads, a fleet page fed one screen's garbage."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from signage.core.text import text_problem
from signage.ops.fleet.page import FleetBoard
from signage.ops.fleet.protocol import CommandError, Topics, parse_command, parse_room_state
from tests.support.broker import Broker, Client
from tests.support.content import write_content
from tests.support.process import PlayerProcess

BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: shows what follows backwards
LONE = "\ud800"  # an unpaired surrogate: legal in JSON, not in UTF-8


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_5000_messages_in_a_second_neither_stall_nor_silence_a_screen(
    broker: Broker, tmp_path: Path
) -> None:
    write_content(
        tmp_path,
        {
            "p.yaml": "name: P\nslides:\n"
            "  - {type: text, id: un, title: Premier, duration: 30}\n"
            "  - {type: text, id: deux, title: Deuxième, duration: 30}\n"
            "  - {type: text, id: trois, title: Troisième, duration: 30}\n"
        },
        "header: false\n",
    )
    player = PlayerProcess(
        [str(tmp_path), "--screen", "hall", "--room", "Grand Bleu", "--mqtt", broker.url,
         "--plays", str(tmp_path / "plays.jsonl"), "--cache", str(tmp_path / "cache")],
    )  # fmt: skip
    topics = Topics()
    client = Client(broker.port)
    try:
        player.wait_for(lambda s: (s.get("fleet") or {}).get("connected"), timeout=20)
        before = player.wait_for(lambda s: s["render"]["frames"] > 0)
        rss_before = _rss_mb(player.process.pid)
        bad = [
            b"pas du json",
            b"[" * 60_000,  # nesting deep enough to overflow a recursive parser
            b"x" * 70_000,  # over the payload limit
            json.dumps({"command": "show", "id": "un" + LONE}).encode(),
            json.dumps({"command": "message", "text": "Salle " + BIDI + "ouverte"}).encode(),
            json.dumps({"command": "message", "text": "x", "expires_in": "demain"}).encode(),
        ]
        started = time.monotonic()
        for i in range(5000):
            if i % 2 == 0:  # room states: 600 rooms, more than a screen follows
                room = f"Salle {i % 600}"
                payload = json.dumps({"state": ("full", "open", "closed")[i % 3], "note": f"n{i}"})
                topic = topics.room_state(room)
            elif i % 5 == 1:
                topic, payload = topics.screen_command("hall"), bad[i % len(bad)]
            elif i % 5 == 3:
                # a room's name that would reorder the text on screen (bidi override)
                topic, payload = f"signage/rooms/Salle%E2%80%AE{i}/state", '{"state": "full"}'
            else:
                verb = ("next", "previous", "clear-message")[i % 3]
                topic, payload = topics.screen_command("hall"), json.dumps({"command": verb})
            raw = payload if isinstance(payload, bytes) else payload.encode()
            client.client.publish(topic, raw, qos=0)
        # the screen's own room last: whatever came before, the latest state is on screen
        client.publish(topics.room_state("Grand Bleu"), {"state": "full", "note": "Complet"})
        took = time.monotonic() - started
        assert took < 3.0, f"the test could not send 5,000 messages quickly ({took:.1f} s)"
        after = player.wait_for(
            lambda s: (s.get("room_state") or {}).get("state") == "full", timeout=30
        )
        # the screen still obeys: a command after the burst is done at once
        client.publish(topics.screen_command("hall"), {"command": "show", "id": "trois"})
        after = player.wait_for(lambda s: s["slide"]["id"] == "trois", timeout=20)
        render, health = after["render"], after["health"]["render"]
        assert render["pass_ms_max"] < 100, render  # no pass held the screen 100 ms
        assert health["stalls"] == 0, health
        # commands that restart a transition faster than it runs hold the outgoing picture
        # (frozen output while they come); once they stop, the picture moves again
        player.wait_for(lambda s: not s["health"]["render"]["frozen_now"], timeout=10)
        assert after["fleet"]["refused"] > 0  # the bad ones were refused, said on events
        time.sleep(1.0)  # let the worker's drawings of the burst settle before measuring
        rss_after = _rss_mb(player.process.pid)
        assert rss_after - rss_before < 20, (rss_before, rss_after)
        assert before["render"]["pass_ms_max"] <= render["pass_ms_max"]
    finally:
        client.close()
        log = player.stop()
    assert "Traceback" not in log


def test_text_that_would_break_a_screen_is_refused_where_it_arrives() -> None:
    for text in ("a" + BIDI + "b", "a" + LONE, "a\x1b[2Jb", "a\u2066b"):
        assert text_problem(text) is not None, text
    with pytest.raises(CommandError, match="bidi"):
        parse_command(json.dumps({"command": "message", "text": "x" + BIDI}).encode())
    with pytest.raises(CommandError, match="surrogate"):
        parse_command(json.dumps({"command": "show", "id": "x" + LONE}).encode())
    with pytest.raises(CommandError, match="note"):
        parse_room_state(json.dumps({"state": "full", "note": "x" + BIDI}).encode())
    with pytest.raises(CommandError, match="not JSON"):
        parse_room_state(b"[" * 60_000)


def test_one_screens_garbage_does_not_blind_the_fleet_page() -> None:
    """Presence a screen (or anyone on the broker) publishes in a shape the page did not
    expect: the page still shows every other screen, and its JSON still encodes."""
    topics = Topics()
    state = FleetBoard(topics)

    class Message:
        def __init__(self, topic: str, payload: bytes) -> None:
            self.topic, self.payload, self.retain = topic, payload, False

    good = {"screen": "hall", "online": True, "room": "Grand Bleu", "slide": {"id": "un"}}
    state.take(Message(topics.status("hall"), json.dumps(good).encode()))
    for screen, payload in {
        "liste": b"[1, 2, 3]",
        "texte": b'"online"',
        "piece": json.dumps({"online": True, "room": ["a", "b"]}).encode(),
        "seul": json.dumps({"online": True, "room": "Salle " + LONE}).encode(),
        "octets": b"\xff\xfe\x00",
        "profond": b"[" * 60_000,
    }.items():
        state.take(Message(topics.status(screen), payload))
    state.take(Message(topics.events("seul"), json.dumps({"error": LONE}).encode()))
    snapshot = state.snapshot()
    encoded = json.dumps(snapshot, ensure_ascii=False).encode("utf-8")  # does not raise
    screens = {s["screen"]: s for s in snapshot["screens"]}
    assert screens["hall"]["online"] and screens["hall"]["room"] == "Grand Bleu"
    assert set(screens) == {"hall", "liste", "texte", "piece", "seul", "octets", "profond"}
    assert "unreadable presence" in screens["liste"]["errors"][0]
    assert screens["seul"]["room"] == "Salle \ufffd"
    assert "Grand Bleu" in [r["room"] for r in snapshot["rooms"]]
    assert b"\\ud800" not in encoded

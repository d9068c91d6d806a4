"""The control API over real HTTP, with and without the token; urgent messages; proof of play."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from pathlib import Path

import pytest
import requests
from PIL import Image

from signage.core.clock import FakeClock
from signage.draw.canvas import Screen
from signage.ops.control.server import ControlError, ControlServer
from signage.player.display import Display
from signage.player.loop import Player
from signage.player.plays import PlayLog
from tests.support.content import at, write_content
from tests.support.images import accent_share

TOKEN = "control-token-for-tests-0123456789"
THEME = 'header: false\ncolours: {background: "#1e3cc8", accent: "#ff8c28"}\n'
PLAYLIST = "name: P\nslides:\n" + "".join(
    f"  - {{type: text, id: {s}, title: {s.upper()}, duration: 600}}\n" for s in "abc"
)


@pytest.fixture
def rig(tmp_path: Path):
    """A player on a fake clock with its control server; the test body runs in a client thread."""
    content = write_content(tmp_path / "c", {"p.yaml": PLAYLIST}, THEME)
    display = Display((320, 180), fullscreen=False)
    clock = FakeClock(at("2026-11-30 10:00"))
    plays = PlayLog(tmp_path / "plays.jsonl")
    plays.start()
    player = Player(display, clock, Screen("hall"), content, on_play=plays.record)
    server = ControlServer(("127.0.0.1", 0), player.status.read, player.post, TOKEN, plays)
    server.start()

    def run(body) -> None:
        errors: list[BaseException] = []

        def client() -> None:
            try:
                wait_for(server, lambda s: s["slide"]["id"] == "a")
                body(server, clock, f"http://{server.address}")
            except BaseException as exc:
                errors.append(exc)
            finally:
                player.stop.set()
                player.wake()

        thread = threading.Thread(target=client)
        thread.start()
        player.run()
        thread.join()
        if errors:
            raise errors[0]

    yield run
    server.stop()
    plays.stop()
    display.close()


def status(server: ControlServer) -> dict:
    return requests.get(f"http://{server.address}/status", timeout=5).json()


def wait_for(server: ControlServer, predicate, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        data = status(server)
        if predicate(data):
            return data
        assert time.monotonic() < deadline, data
        time.sleep(0.05)


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def screenshot(base: str) -> Image.Image:
    return Image.open(
        io.BytesIO(requests.get(f"{base}/screenshot.png", timeout=5).content)
    ).convert("RGB")


def test_commands_need_the_token(rig) -> None:
    def body(server, clock, base) -> None:
        for headers in ({}, auth("wrong-token-000000000000000000"), {"Authorization": TOKEN}):
            for method, path in (
                ("POST", "/next"),
                ("POST", "/previous"),
                ("POST", "/reload"),
                ("POST", "/show/c"),
                ("DELETE", "/message"),
            ):
                response = requests.request(method, base + path, headers=headers, timeout=5)
                assert response.status_code == 401, (method, path)
            response = requests.post(
                f"{base}/message", json={"text": "x"}, headers=headers, timeout=5
            )
            assert response.status_code == 401
        assert status(server)["slide"]["id"] == "a" and status(server)["message"] is None

    rig(body)


def test_next_previous_show_reload(rig) -> None:
    def body(server, clock, base) -> None:
        assert requests.post(f"{base}/next", headers=auth(), timeout=5).json()["slide"] == "b"
        wait_for(server, lambda s: s["slide"]["id"] == "b")  # status tells what is on screen
        assert requests.post(f"{base}/previous", headers=auth(), timeout=5).json()["slide"] == "a"
        assert requests.post(f"{base}/show/c", headers=auth(), timeout=5).status_code == 200
        wait_for(server, lambda s: s["slide"]["id"] == "c")
        missing = requests.post(f"{base}/show/nope", headers=auth(), timeout=5)
        assert missing.status_code == 404 and "nope" in missing.json()["error"]
        assert requests.post(f"{base}/reload", headers=auth(), timeout=5).status_code == 200

    rig(body)


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (b"not json", "not JSON"),
        (json.dumps({"style": "banner"}).encode(), "'text'"),
        (json.dumps({"text": "  "}).encode(), "'text'"),
        (json.dumps({"text": "x", "style": "marquee"}).encode(), "'style'"),
        (json.dumps({"text": "x", "expires_in": 0}).encode(), "'expires_in'"),
        (json.dumps({"text": "x", "expires_in": "soon"}).encode(), "'expires_in'"),
        (json.dumps({"text": "x", "colour": "red"}).encode(), "unknown field"),
        (json.dumps(["x"]).encode(), "JSON object"),
        (json.dumps({"text": "x" * 501}).encode(), "limit is 500"),
    ],
)
def test_bad_message_bodies_get_400(rig, payload: bytes, needle: str) -> None:
    def body(server, clock, base) -> None:
        response = requests.post(f"{base}/message", data=payload, headers=auth(), timeout=5)
        assert response.status_code == 400
        assert needle in response.json()["error"]
        assert status(server)["message"] is None

    rig(body)


def test_urgent_messages_take_over_and_end_by_themselves(rig) -> None:
    def body(server, clock, base) -> None:
        assert accent_share(screenshot(base)) < 0.01
        sent = requests.post(
            f"{base}/message",
            json={"text": "Évacuation par la sortie B", "style": "fullscreen", "expires_in": 60},
            headers=auth(),
            timeout=5,
        )
        assert sent.status_code == 200
        message = wait_for(server, lambda s: s["message"] is not None)["message"]
        assert message["style"] == "fullscreen" and message["text"] == "Évacuation par la sortie B"
        deadline = time.monotonic() + 15
        while accent_share(screenshot(base)) < 0.6:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        clock.advance(61)  # it ends by itself
        wait_for(server, lambda s: s["message"] is None)
        deadline = time.monotonic() + 15
        while accent_share(screenshot(base)) > 0.05:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        # a banner, ended early with DELETE
        requests.post(
            f"{base}/message",
            json={"text": "Déjeuner servi", "style": "banner", "expires_in": 600},
            headers=auth(),
            timeout=5,
        )
        deadline = time.monotonic() + 15
        while not 0.1 < accent_share(screenshot(base)) < 0.5:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert (
            requests.delete(f"{base}/message", headers=auth(), timeout=5).json()["cleared"] is True
        )
        assert status(server)["message"] is None

    rig(body)


def test_proof_of_play_is_logged_and_served(rig, tmp_path: Path) -> None:
    def body(server, clock, base) -> None:
        for count in (1, 2):  # each slide reaches the screen before the next command
            requests.post(f"{base}/next", headers=auth(), timeout=5)
            deadline = time.monotonic() + 10
            while True:
                plays = requests.get(f"{base}/plays", timeout=5).json()["plays"]
                if len(plays) >= count:
                    break
                assert time.monotonic() < deadline, (count, plays, status(server))
                time.sleep(0.05)
        assert [p["slide"] for p in plays[:2]] == ["a", "b"]
        first = plays[0]
        assert set(first) >= {"screen", "slide", "type", "title", "started", "ended", "version"}
        assert first["screen"] == "hall" and first["title"] == "A"
        assert first["region"] == "main"  # the region of the screen it played in
        regions = status(server)["regions"]
        assert [r["name"] for r in regions] == ["main"]
        assert regions[0]["slide"]["id"] == status(server)["slide"]["id"]
        assert set(regions[0]["slide"]) == {"id", "type", "title", "shown_at", "ends_at"}
        later = requests.get(
            f"{base}/plays", params={"since": "2027-01-01T00:00:00+00:00"}, timeout=5
        ).json()
        assert later["plays"] == []
        bad = requests.get(f"{base}/plays", params={"since": "yesterday"}, timeout=5)
        assert bad.status_code == 400

    rig(body)
    # the log survives the player: the file holds every play, the last one closed at stop
    lines = (tmp_path / "plays.jsonl").read_text().splitlines()
    assert [json.loads(line)["slide"] for line in lines] == ["a", "b", "c"]


def test_play_log_rotates_by_size(tmp_path: Path) -> None:
    log = PlayLog(tmp_path / "plays.jsonl", max_bytes=2000)
    log.start()
    start = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)
    for n in range(60):
        log.record(
            {
                "slide": f"s{n}",
                "started": start.isoformat(),
                "ended": (start + dt.timedelta(seconds=n)).isoformat(),
            }
        )
    log.stop()
    assert (tmp_path / "plays.jsonl.1").exists()
    assert (tmp_path / "plays.jsonl").stat().st_size <= 2000
    entries = PlayLog(tmp_path / "plays.jsonl").read()
    assert entries[-1]["slide"] == "s59" and len(entries) > 10


def test_refuses_public_address_without_token() -> None:
    with pytest.raises(ControlError, match="without a token"):
        ControlServer(("0.0.0.0", 0), dict, lambda m: None, None)

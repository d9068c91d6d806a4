"""The studio's social wall page: an editor approves a post from a phone and every screen
on the broker shows it, without anyone opening each screen's own page; what the fleet
sends as verdicts is checked like every other message from outside."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from signage.ops.fleet.link import parse_broker
from signage.ops.fleet.protocol import (
    MAX_PAYLOAD,
    CommandError,
    parse_verdicts,
    verdicts_payload,
)
from signage.studio.server import Studio
from signage.studio.social import key_of
from tests.support.broker import Broker, Client
from tests.support.content import write_content
from tests.support.mastodon import Mastodon, account, image, status
from tests.support.process import PlayerProcess
from tests.support.studio import Running, spaced, users_file
from tests.support.waiting import until

TOKEN = "studio-social-token-0123456789"
MARIE = account("marie", "piaille.fr", "Marie Dupont")


@pytest.fixture
def mastodon():
    server = Mastodon()
    yield server
    server.close()


def _wall(root: Path, mastodon: Mastodon) -> Path:
    write_content(
        root,
        {
            "s.yaml": "name: S\nslides:\n  - {type: text, id: accueil, title: Bienvenue, duration: 3}\n"
            f"  - {{type: social, id: mur, instance: '{mastodon.url}', hashtag: rncn8, duration: 5}}\n"
        },
    )
    return root


def _social(port: int) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/social", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_a_post_approved_in_the_studio_plays_on_every_screen_of_the_broker(
    mastodon: Mastodon, broker: Broker, tmp_path: Path
) -> None:
    mastodon.statuses = [
        status("91", "<p>Quelle belle salle !</p>", MARIE, 1,
               media=[image(mastodon.url, "s", "La salle pendant la plénière")]),
        status("92", "<p>Publicité</p>", MARIE, 2),
    ]  # fmt: skip
    content = _wall(tmp_path / "c", mastodon)
    (tmp_path / "token").write_text(TOKEN)
    players = [
        PlayerProcess([str(content), "--mqtt", broker.url, "--screen", name,
                       "--cache", str(tmp_path / name), "--token-file", str(tmp_path / "token")])
        for name in ("hall-nord", "hall-sud")
    ]  # fmt: skip
    studio = Studio(content, users_file(tmp_path / "users.json"), ("127.0.0.1", 0),
                    broker=parse_broker(broker.url))  # fmt: skip
    running = Running(studio)
    try:
        for player in players:  # each screen holds the wall's two posts, none approved
            player.wait_for(
                lambda s: any(v.get("items") == 2 for v in (s.get("sources") or {}).values()),
                timeout=20,
            )
        assert all(p.status()["slide"]["id"] == "accueil" for p in players)
        editor = running.session("editor")

        def wall() -> str:  # the studio reads the wall too, as a screen does
            page = editor.get(f"{running.url}/social").text
            return page if "Quelle belle salle" in page else ""

        page = until(wall, "the wall's posts in the studio", timeout=20, every=0.1)
        assert "Publicité" in page
        assert 'alt="La salle pendant la plénière"' in page  # the picture's description
        source = next(iter(studio.social.hub.status()))
        first, second = key_of(source, "91"), key_of(source, "92")
        assert editor.get(f"{running.url}/social/{first}/picture").content == mastodon.media
        csrf = running.csrf(editor)
        # a photographer or a steward cannot approve; nobody without the token either
        steward = running.session("steward")
        refused = steward.post(f"{running.url}/social/{first}/approve",
                               data={"csrf": running.csrf(steward)}, allow_redirects=False)  # fmt: skip
        assert refused.status_code == 403
        wrong = {"csrf": "not-the-token"}
        assert editor.post(f"{running.url}/social/{first}/approve", data=wrong).status_code == 403
        approved = time.monotonic()
        answer = editor.post(f"{running.url}/social/{first}/approve", data={"csrf": csrf})
        assert answer.status_code == 200, answer.text
        assert "Publication de Marie Dupont" in spaced(answer.text)
        assert "Envoyé aux écrans." in spaced(answer.text)
        assert editor.post(f"{running.url}/social/{second}/reject", data={"csrf": csrf}).ok
        # every screen plays the wall at its next turn, with the approved post only
        for player in players:
            player.wait_for(lambda s: s["slide"]["id"] == "mur", timeout=15)
            verdicts = {p["id"]: p["verdict"] for p in _social(player.port)["posts"]}
            assert verdicts == {"91": "approved", "92": "rejected"}
        elapsed = time.monotonic() - approved
        assert elapsed < 12, elapsed  # the wall's turn, not a poll of every screen
        # the verdicts are retained: what connects later (a screen starting) has them at once
        later = Client(broker.port, "signage/social/verdicts")
        try:
            said = later.wait_for(lambda: later.last_json("signage/social/verdicts"))
        finally:
            later.close()
        assert said["verdicts"] == {source: {"91": "approved", "92": "rejected"}}
        audit = (content / ".studio" / "audit.jsonl").read_text(encoding="utf-8")
        assert '"post approved"' in audit and '"post rejected"' in audit
    finally:
        for player in players:
            player.stop()
        running.close()


def test_verdicts_from_outside_are_checked_and_bounded() -> None:
    with pytest.raises(CommandError, match="object of sources"):
        parse_verdicts(b'{"verdicts": ["91"]}')
    with pytest.raises(CommandError, match="a verdict is one of"):
        parse_verdicts(b'{"verdicts": {"https://m.example/tag": {"91": "maybe"}}}')
    with pytest.raises(CommandError, match="a verdict is one of"):
        parse_verdicts(json.dumps({"verdicts": {"s": {"\ud800": "approved"}}}).encode())
    with pytest.raises(CommandError, match="not JSON"):
        parse_verdicts(b"\xff")
    assert parse_verdicts(b"") == {}  # the retained verdicts cleared
    # thousands of verdicts: the earliest left out, the payload within the broker's limit
    said = {"https://m.example/tag": {f"{n:018d}": "approved" for n in range(5000)}}
    payload = verdicts_payload(said)
    kept = parse_verdicts(payload)["https://m.example/tag"]
    assert len(payload) <= MAX_PAYLOAD and 1000 < len(kept) < 5000
    assert f"{4999:018d}" in kept and f"{0:018d}" not in kept

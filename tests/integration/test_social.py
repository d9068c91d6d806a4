"""``type: social`` against a loopback server that answers as Mastodon does: posts read
as Mastodon means them, the sensitive never, moderation that holds a post until an
operator approves it (through the control API, on a real player), blocks, rate limits,
and the wall drawn at the floors."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from signage.draw.canvas import Canvas, Screen
from signage.live.hub import LiveHub, wants_of
from signage.live.model import LiveError
from signage.live.social import parse_statuses
from signage.player.frames import SlideError, prepare
from signage.programme.store import ProgrammeServices
from tests.support.bluesky import Bluesky
from tests.support.bluesky import author as bsky_author
from tests.support.bluesky import post as bsky_post
from tests.support.browser import needs_browser
from tests.support.content import at, write_content
from tests.support.mastodon import LINK, MENTION, TAG, Mastodon, account, image, status
from tests.support.process import PlayerProcess

MARIE = account("marie", "piaille.fr", "Marie :capcom: Dupont")
SPAM = account("spam", "bad.example", "Spam")
TOKEN = "social-test-token-0123456789"
AT = at("2026-11-30 10:30")


def post(*args, **more):  # type: ignore[no-untyped-def]
    """A status posted some minutes before the moment the tests draw at."""
    return status(*args, now=AT, **more)


@pytest.fixture
def mastodon():
    server = Mastodon()
    yield server
    server.close()


def test_posts_read_as_mastodon_means_them_and_the_sensitive_never() -> None:
    statuses = [
        post(
            "1",
            f"<p>Bravo {MENTION} pour les {TAG} ! Le programme : {LINK}</p><p>À demain 👋</p>",
            MARIE,
        ),
        post("2", "<p>Spoiler</p>", MARIE, spoiler="Attention : divulgâchage"),
        post("3", "<p>Photo sensible</p>", MARIE, sensitive=True, media=[image("http://x", "p")]),
        post("4", "", MARIE, reblog=post("9", "<p>Un repartage</p>", SPAM)),
        post(
            "5",
            "<p>" + "<script>alert(1)</script>long " * 2000 + "</p>",
            MARIE,
            media=[image("http://x", "q", "La salle,\n\u202evue du\x07 balcon " + "x" * 3000)],
        ),
        {"id": "6", "content": 42},  # a shape the API does not give
    ]
    _, items = parse_statuses(json.dumps(statuses).encode(), "http://x/api")
    assert [i.id for i in items] == [
        "1",
        "5",
    ]  # never 2 (content warning), 3 (sensitive), 4 (boost)
    first = items[0]
    assert (
        first.text
        == "Bravo @capcom pour les #rncn8 ! Le programme : cap-com.org/actualites/rencont…\nÀ demain 👋"
    )
    assert first.author == "Marie :capcom: Dupont · @marie@piaille.fr"
    assert "alert" not in items[1].text and len(items[1].text) <= 1002
    # the picture's description: plain, on one line, bounded (Mastodon's own 1,500)
    # (a bidi override and a control character shown as U+FFFD, as in every text from outside)
    assert items[1].image_alt.startswith("La salle, \ufffdvue du\ufffd balcon x")
    assert first.image_alt == ""
    assert len(items[1].image_alt) == 1500


@pytest.mark.parametrize(
    ("data", "said"),
    [(b'{"error": "This method requires an authenticated user"}', "expected a list"),
     (b"<html>502 Bad Gateway</html>", "not JSON"),
     (b'[{"foo": 1}]', "not statuses")],
)  # fmt: skip
def test_what_is_not_a_timeline_is_refused(data: bytes, said: str) -> None:
    with pytest.raises(LiveError, match=said):
        parse_statuses(data, "http://x/api")


def _wall(tmp_path: Path, instance: str, more: str = "") -> object:
    return write_content(
        tmp_path / "c",
        {
            "s.yaml": "name: S\nslides:\n"
            f"  - {{type: social, id: mur, instance: '{instance}', hashtag: '#rncn8'{more}}}\n"
        },
    )


def _frame(content, hub: LiveHub, size=(1920, 1080)):  # type: ignore[no-untyped-def]
    services = ProgrammeServices.of(content, None, live=hub.feeds())
    canvas = Canvas(
        size, content.theme, Path(content.root), at("2026-11-30 10:30"), Screen("s"), services
    )
    return prepare(content.playlists[0].slides[0], canvas)


def _said(frame) -> str:  # type: ignore[no-untyped-def]
    return " ".join(" ".join(m.text for m in frame.marks).split())


def test_a_post_waits_for_its_approval_and_a_rejected_one_goes(
    mastodon: Mastodon, tmp_path: Path
) -> None:
    mastodon.statuses = [
        post(
            "11",
            "<p>Superbe plénière ce matin</p>",
            MARIE,
            2,
            media=[image(mastodon.url, "a", "La salle")],
        ),
        post("12", "<p>Le café est froid</p>", MARIE, 4),
    ]
    content = _wall(tmp_path, mastodon.url)
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    (source,) = wants_of(content)
    assert hub.fetch(source)
    with pytest.raises(SlideError, match="no post to show yet"):  # nothing approved: hands over
        _frame(content, hub)
    assert [p["verdict"] for p in hub.queue()] == [None, None]
    assert hub.moderate("11", "approved") and hub.moderate("12", "rejected")
    said = _said(_frame(content, hub))
    assert "Superbe plénière ce matin" in said and "café" not in said
    assert "@marie@piaille.fr" in said
    assert hub.picture("11") is not None
    again = LiveHub(tmp_path / "cache")  # a restart does not ask again
    again.set_sources(wants_of(content))
    assert {p["id"]: p["verdict"] for p in again.queue()} == {"11": "approved", "12": "rejected"}


def test_deleted_and_edited_posts_follow_at_the_next_poll(
    mastodon: Mastodon, tmp_path: Path
) -> None:
    mastodon.statuses = [
        post("21", "<p>Première version</p>", MARIE),
        post("22", "<p>Bientôt effacé</p>", MARIE),
    ]
    content = _wall(tmp_path, mastodon.url, ", moderation: auto")
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    (source,) = wants_of(content)
    hub.fetch(source)
    assert "Bientôt effacé" in _said(_frame(content, hub))
    mastodon.statuses = [post("21", "<p>Version corrigée</p>", MARIE)]
    assert hub.fetch(source)
    said = _said(_frame(content, hub))
    assert "Version corrigée" in said and "Première" not in said and "effacé" not in said


def test_blocked_accounts_and_words_are_never_shown(mastodon: Mastodon, tmp_path: Path) -> None:
    mastodon.statuses = [
        post("31", "<p>Achetez des montres</p>", SPAM, 1),
        post("32", "<p>Quelle arnaque ce salon</p>", MARIE, 2),
        post("33", "<p>Merci aux intervenants</p>", MARIE, 3),
    ]
    content = _wall(
        tmp_path, mastodon.url, ", moderation: auto, block: ['@spam@bad.example', arnaque]"
    )
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    hub.fetch(next(iter(wants_of(content))))
    said = _said(_frame(content, hub))
    assert "Merci aux intervenants" in said and "montres" not in said and "arnaque" not in said


def test_an_account_is_looked_up_then_its_statuses_read(mastodon: Mastodon, tmp_path: Path) -> None:
    capcom = account("capcom")
    mastodon.accounts["capcom"] = capcom
    mastodon.statuses = [post("41", "<p>Les inscriptions sont ouvertes</p>", capcom)]
    content = write_content(
        tmp_path / "c",
        {
            "s.yaml": f"name: S\nslides:\n  - {{type: social, id: mur, instance: '{mastodon.url}', account: '@capcom', moderation: auto}}\n"
        },
    )
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    hub.fetch(next(iter(wants_of(content))))
    assert "Les inscriptions sont ouvertes" in _said(_frame(content, hub))
    assert any(f"/api/v1/accounts/{capcom['id']}/statuses" in r for r in mastodon.requests)


def test_a_spent_rate_limit_waits_for_its_reset(mastodon: Mastodon, tmp_path: Path) -> None:
    mastodon.statuses = [post("51", "<p>Bonjour</p>", MARIE)]
    mastodon.remaining = 0
    content = _wall(tmp_path, mastodon.url)
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    (source,) = wants_of(content)
    hub.fetch(source)
    assert hub.status()[source]["next_fetch_in_s"] > 250  # the reset, 5 min away; not 60 s


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_the_wall_in_both_orientations_reads_at_the_floors(
    mastodon: Mastodon, tmp_path: Path, size
) -> None:  # type: ignore[no-untyped-def]
    mastodon.statuses = [
        post(str(60 + n), f"<p>Message numéro {n} sur les Rencontres : {'très ' * n}intéressant</p>", MARIE, n,
               media=[image(mastodon.url, f"m{n}")] if n % 2 else None)
        for n in range(8)
    ]  # fmt: skip
    content = _wall(tmp_path, mastodon.url, ", moderation: auto, items: 8")
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    hub.fetch(next(iter(wants_of(content))))
    frame = _frame(content, hub, size)
    assert frame.pages >= 2
    assert not any("…" in m.text for m in frame.marks)
    assert not any(m.clipped for m in frame.marks)
    assert all(m.contrast >= m.needed for m in frame.marks)


def _post(port: int, path: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=b"", method="POST",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _get(port: int, path: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _wall_player(tmp_path: Path, mastodon: Mastodon, posts: int) -> PlayerProcess:
    """A real player with a control API (a token) showing a welcome slide, then a wall
    moderated on approval; returned once it holds ``posts`` posts of the timeline."""
    write_content(
        tmp_path / "c",
        {
            "s.yaml": "name: S\nslides:\n  - {type: text, id: accueil, title: Bienvenue, duration: 3}\n"
            f"  - {{type: social, id: mur, instance: '{mastodon.url}', hashtag: rncn8, duration: 5}}\n"
        },
    )
    (tmp_path / "token").write_text(TOKEN)
    player = PlayerProcess([str(tmp_path / "c"), "--cache", str(tmp_path / "cache"),
                            "--token-file", str(tmp_path / "token")])  # fmt: skip
    player.wait_for(
        lambda s: any(v.get("items") == posts for v in (s.get("sources") or {}).values()),
        timeout=20,
    )
    return player


def test_a_post_approved_on_the_control_api_plays_at_the_walls_next_turn(
    mastodon: Mastodon, tmp_path: Path
) -> None:
    mastodon.statuses = [status("71", "<p>Vivement la pause café</p>", MARIE)]
    player = _wall_player(tmp_path, mastodon, posts=1)
    try:
        assert [p["id"] for p in _get(player.port, "/social")["posts"]] == ["71"]
        player.wait_for(lambda s: s["slide"]["id"] == "accueil", timeout=10)
        approved = time.monotonic()
        assert _post(player.port, "/social/71/approve")["ok"] is True
        player.wait_for(lambda s: s["slide"]["id"] == "mur", timeout=10)
        # at the welcome slide's end (3 s), not at the next poll (60 s)
        assert time.monotonic() - approved < 6
    finally:
        printed = player.stop()
    assert "Traceback" not in printed


@needs_browser
def test_an_operator_approves_a_post_from_a_phone(
    browser, mastodon: Mastodon, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    mastodon.statuses = [
        status(
            "81",
            "<p>Quelle belle salle !</p>",
            MARIE,
            1,
            media=[image(mastodon.url, "s", "La salle")],
        ),
        status("82", "<p>Publicité</p>", SPAM, 2),
    ]
    player = _wall_player(tmp_path, mastodon, posts=2)
    try:
        browser.set_window_size(390, 844)  # a phone
        browser.get(f"http://127.0.0.1:{player.port}/")
        token = browser.find_element(By.ID, "token")
        token.send_keys(TOKEN)
        browser.execute_script("arguments[0].dispatchEvent(new Event('change'))", token)
        wait = WebDriverWait(browser, 20)
        # the queue appears, each post with its picture and buttons, waiting
        wait.until(
            lambda b: len(b.find_elements(By.CSS_SELECTOR, "#posts li[data-verdict=waiting]")) == 2
        )
        post = browser.find_element(By.CSS_SELECTOR, "#posts li[data-id='81']")
        assert "Quelle belle salle !" in post.text
        # the picture with its author's description, for a screen reader and the moderator
        assert post.find_element(By.TAG_NAME, "img").get_attribute("alt") == "La salle"
        assert "Description : La salle" in post.text
        post.find_element(By.CSS_SELECTOR, "button[data-action=approve]").click()
        browser.find_element(
            By.CSS_SELECTOR, "#posts li[data-id='82'] button[data-action=reject]"
        ).click()
        wait.until(
            lambda b: b.find_elements(
                By.CSS_SELECTOR, "#posts li[data-id='81'][data-verdict=approved]"
            )
        )
        wait.until(
            lambda b: b.find_elements(
                By.CSS_SELECTOR, "#posts li[data-id='82'][data-verdict=rejected]"
            )
        )
        browser.save_screenshot(str(tmp_path / "moderation.png"))
        assert {p["id"]: p["verdict"] for p in _get(player.port, "/social")["posts"]} == {
            "81": "approved",
            "82": "rejected",
        }
        player.wait_for(lambda s: s["slide"]["id"] == "mur", timeout=15)
    finally:
        printed = player.stop()
    assert "Traceback" not in printed


@pytest.fixture
def bluesky():
    server = Bluesky()
    yield server
    server.close()


def _bluesky_wall(tmp_path: Path, api: str, handle: str = "capcom.bsky.social") -> object:
    return write_content(
        tmp_path / "c",
        {
            "s.yaml": "name: S\nslides:\n  - {type: social, id: mur, network: bluesky,"
            f" instance: '{api}', account: '{handle}', moderation: auto}}\n"
        },
    )


def test_a_bluesky_account_is_read_and_labelled_posts_never(
    bluesky: Bluesky, tmp_path: Path
) -> None:
    capcom = bsky_author("capcom.bsky.social", "Cap’Com")
    bluesky.feeds["capcom.bsky.social"] = [
        bsky_post("3lqa", "Plénière : la salle est pleine ! cap-com.org/actu...", capcom, 3,
                  base=bluesky.url, images=("plenary",), now=AT),
        bsky_post("3lqb", "Contenu étiqueté", capcom, 4, labels=("graphic-media",), now=AT),
        bsky_post("3lqc", "Un repost", bsky_author("autre.bsky.social", "Autre"), 5,
                  repost_by=capcom, now=AT),
        bsky_post("3lqd", "Une réponse", capcom, 6, reply_to="3lqa", now=AT),
    ]  # fmt: skip
    content = _bluesky_wall(tmp_path, bluesky.url)
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    (source,) = wants_of(content)
    assert hub.fetch(source) is True
    (feed,) = hub.feeds()
    assert [item.id for item in feed.items] == [f"at://{capcom['did']}/app.bsky.feed.post/3lqa"]
    (item,) = feed.items
    assert item.author == "Cap’Com · @capcom.bsky.social"
    assert item.link == "https://bsky.app/profile/capcom.bsky.social/post/3lqa"
    assert item.image and Path(item.image).read_bytes() == bluesky.media
    assert item.image_alt == "La salle pendant la plénière"  # the image's alt text
    said = _said(_frame(content, hub))
    assert "la salle est pleine" in said and "étiqueté" not in said and "repost" not in said
    assert any("filter=posts_no_replies" in r for r in bluesky.requests)


def test_a_bluesky_author_who_refuses_logged_out_viewers_is_never_shown(
    bluesky: Bluesky, tmp_path: Path
) -> None:
    shy = bsky_author("discret.bsky.social", "Discret", labels=("!no-unauthenticated",))
    bluesky.feeds["discret.bsky.social"] = [bsky_post("3lqe", "Bonjour", shy, 1, now=AT)]
    content = _bluesky_wall(tmp_path, bluesky.url, "discret.bsky.social")
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    (source,) = wants_of(content)
    hub.fetch(source)
    assert hub.feeds()[0].items == ()


def test_bluesky_errors_and_rate_limits(bluesky: Bluesky, tmp_path: Path) -> None:
    content = _bluesky_wall(tmp_path, bluesky.url, "inconnu.bsky.social")
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    (source,) = wants_of(content)
    hub.fetch(source)
    assert hub.status()[source]["last_error"] == "HTTP 400 Bad Request"
    bluesky.feeds["capcom.bsky.social"] = []
    bluesky.remaining = 0
    content = _bluesky_wall(tmp_path / "b", bluesky.url)
    hub = LiveHub(tmp_path / "cache-b")
    hub.set_sources(wants_of(content))
    (source,) = wants_of(content)
    hub.fetch(source)
    assert hub.status()[source]["next_fetch_in_s"] > 250  # RateLimit-Reset, 5 min away


@pytest.mark.parametrize(
    ("keys", "said"),
    [
        ("network: bluesky, hashtag: rncn8",
         "network: bluesky reads an account, not a hashtag: Bluesky's public API no longer "
         "answers post searches without an account"),
        ("hashtag: rncn8", "a mastodon social slide needs instance: the server"),
    ],
)  # fmt: skip
def test_what_a_network_cannot_read_is_said_with_its_line(
    tmp_path: Path, keys: str, said: str
) -> None:
    from signage.content.folder import load_content

    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "s.yaml").write_text(
        f"name: S\nslides:\n  - {{type: text, title: Bonjour}}\n  - {{type: social, {keys}}}\n"
    )
    _, report = load_content(tmp_path)
    found = [d.format() for d in report.items]
    assert any("s.yaml:4:" in m and said in m for m in found), found

"""``type: news`` against a loopback web server that answers as a static site does: the
live hub's conditional requests, backoff, cache and last good items; the list and the
single view drawn from them; a real player showing a feed and saying so in /status."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from PIL import Image

from signage.draw.canvas import Canvas, Frame, Screen
from signage.live.hub import LiveHub, wants_of
from signage.live.model import Want
from signage.player.frames import SlideError, prepare
from signage.programme.store import ProgrammeServices
from tests.support.content import at, write_content
from tests.support.newsfeeds import NewsSite, endless, picture, rss_items
from tests.support.process import PlayerProcess

NEWS = Want("news", 60.0)


@pytest.fixture
def site():
    server = NewsSite()
    yield server
    server.close()


def _feed_site(site: NewsSite, count: int = 3, words: int = 8) -> str:
    site.put("/feed.xml", rss_items(site.url, count, words))
    for n in range(count):
        site.put(f"/img/{n}.jpg", picture((20 * n % 255, 120, 200)), "image/jpeg")
    return f"{site.url}/feed.xml"


def test_conditional_requests_then_304_and_the_pictures_downloaded_once(
    site: NewsSite, tmp_path: Path
) -> None:
    url = _feed_site(site)
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources({url: NEWS})
    assert hub.fetch(url) is True
    (feed,) = hub.feeds()
    assert feed.items[0].title == "Nouvelle numéro 0 : la communication publique avance"
    assert all(i.image and Path(i.image).stat().st_size > 0 for i in feed.items)
    assert hub.fetch(url) is False  # unchanged: the server said 304
    assert site.count("/feed.xml", 304) == 1
    conditional = [h for p, s, h in site.requests if p == "/feed.xml"][-1]
    assert conditional.get("If-None-Match", "").startswith('"')
    assert site.count("/img/0.jpg") == 1  # a picture is downloaded once
    status = hub.status()[url]
    assert status["items"] == 3 and status["last_error"] is None and status["last_success"]


def test_a_failing_feed_keeps_its_last_good_items_backs_off_and_honours_retry_after(
    site: NewsSite, tmp_path: Path
) -> None:
    url = _feed_site(site)
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources({url: NEWS})
    hub.fetch(url)
    site.put("/feed.xml", "<html><body>Maintenance</body></html>", "text/html")
    assert hub.fetch(url) is False
    status = hub.status()[url]
    assert "an HTML page, not an RSS or Atom feed" in status["last_error"]
    assert status["items"] == 3  # nothing lost
    assert 55 <= status["next_fetch_in_s"] <= 60  # the first failure: the poll interval
    hub.fetch(url)
    assert 115 <= hub.status()[url]["next_fetch_in_s"] <= 120  # then twice as long
    site.throttle = (429, "3600")
    hub.fetch(url)
    status = hub.status()[url]
    assert status["last_error"].startswith("HTTP 429") and status["next_fetch_in_s"] > 3500
    assert len(hub.feeds()[0].items) == 3
    site.throttle = None
    _feed_site(site, count=4)
    assert hub.fetch(url) is True  # back: the news as they are now, the error gone
    assert hub.status()[url]["last_error"] is None and hub.status()[url]["items"] == 4


def test_a_body_without_end_is_cut_off_at_the_cap(site: NewsSite, tmp_path: Path) -> None:
    url = _feed_site(site)
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources({url: NEWS})
    hub.fetch(url)
    site.pages["/feed.xml"].body = endless()
    started = time.monotonic()
    assert hub.fetch(url) is False
    assert "more than 5,242,880 bytes" in hub.status()[url]["last_error"]
    assert time.monotonic() - started < 10
    assert len(hub.feeds()[0].items) == 3


def test_restarted_offline_the_last_good_items_come_from_the_cache(
    site: NewsSite, tmp_path: Path
) -> None:
    url = _feed_site(site)
    first = LiveHub(tmp_path / "cache")
    first.set_sources({url: NEWS})
    first.fetch(url)
    site.close()  # the network is gone
    again = LiveHub(tmp_path / "cache")
    again.set_sources({url: NEWS})
    (feed,) = again.feeds()  # before any fetch
    assert len(feed.items) == 3 and all(i.image and Path(i.image).exists() for i in feed.items)
    assert again.fetch(url) is False
    assert again.status()[url]["last_error"] == "cannot connect (connection refused)"
    assert len(again.feeds()[0].items) == 3


def test_pictures_no_item_shows_any_more_are_deleted(site: NewsSite, tmp_path: Path) -> None:
    url = _feed_site(site, count=3)
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources({url: NEWS})
    hub.fetch(url)
    old = {i.image for i in hub.feeds()[0].items}
    site.put("/feed.xml", rss_items(site.url, 2, start=5))
    for n in (5, 6):
        site.put(f"/img/{n}.jpg", picture(), "image/jpeg")
    assert hub.fetch(url) is True
    now = {i.image for i in hub.feeds()[0].items}
    assert now.isdisjoint(old)
    assert sorted(p.name for p in (tmp_path / "cache" / "live" / "images").iterdir()) == sorted(
        Path(p).name for p in now if p
    )


def _canvas(content, size: tuple[int, int], hub: LiveHub, when: str) -> Canvas:
    services = ProgrammeServices.of(content, None, live=hub.feeds())
    return Canvas(size, content.theme, Path(content.root), at(when), Screen("s"), services)


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_a_list_in_pages_with_pictures_and_never_an_ellipsis(
    site: NewsSite, tmp_path: Path, size: tuple[int, int]
) -> None:
    url = _feed_site(site, count=12)
    content = write_content(
        tmp_path / "c",
        {"n.yaml": f"name: N\nslides:\n  - {{type: news, id: n, source: '{url}', items: 12}}\n"},
    )
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    hub.fetch(url)
    slide = content.playlists[0].slides[0]
    first = prepare(slide, _canvas(content, size, hub, "2026-11-30 10:30"))
    assert first.pages > 1  # twelve items do not fit at the floor: pages, not cuts
    seen: list[str] = []
    for page in range(first.pages):
        canvas = _canvas(content, size, hub, "2026-11-30 10:30")
        frame = prepare(slide, _replace(canvas, page=page))
        assert frame.page == page
        seen += [m.text for m in frame.marks]
        assert not any("…" in m.text for m in frame.marks), [m.text for m in frame.marks]
        assert not any(m.clipped for m in frame.marks)
        assert _blue_thumbnails(frame, size) > 0  # the items' pictures, drawn
    read = " ".join(" ".join(seen).split())
    for n in range(12):  # every title read on some page
        assert re.search(rf"numéro {n} :", read), (n, read)


def test_one_at_a_time_a_long_text_goes_on_in_pages(site: NewsSite, tmp_path: Path) -> None:
    url = _feed_site(site, count=2, words=600)
    content = write_content(
        tmp_path / "c",
        {"n.yaml": f"name: N\nslides:\n  - {{type: news, id: n, source: '{url}', view: single}}\n"},
    )
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    hub.fetch(url)
    frame = prepare(
        content.playlists[0].slides[0], _canvas(content, (1920, 1080), hub, "2026-11-30 10:30")
    )
    assert frame.pages > 2  # two items of 600 words: more pages than items
    assert frame.reading_s > 2 * 600 / 4  # the slide is held as long as reading them takes


def test_a_feed_not_downloaded_yet_hands_over_to_the_next_slide(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "c",
        {
            "n.yaml": "name: N\nslides:\n  - {type: news, id: n, source: 'http://127.0.0.1:9/f.xml'}\n"
        },
    )
    canvas = Canvas((640, 360), content.theme, Path(content.root), at("2026-11-30 10:30"), Screen("s"),
                    ProgrammeServices.of(content, None))  # fmt: skip
    with pytest.raises(SlideError, match="nothing downloaded yet"):
        prepare(content.playlists[0].slides[0], canvas)


def test_a_player_shows_a_feed_and_says_so_in_status(site: NewsSite, tmp_path: Path) -> None:
    url = _feed_site(site, count=3)
    write_content(
        tmp_path / "c",
        {
            "n.yaml": "name: N\nslides:\n  - {type: text, id: bonjour, title: Bonjour, duration: 3}\n"
            f"  - {{type: news, id: actualites, source: '{url}', duration: 3}}\n"
        },
    )
    player = PlayerProcess([str(tmp_path / "c"), "--cache", str(tmp_path / "cache")])
    try:
        status = player.wait_for(lambda s: (s.get("sources") or {}).get(url, {}).get("items") == 3)
        assert status["sources"][url]["last_error"] is None
        player.wait_for(lambda s: s["slide"]["id"] == "actualites", timeout=15)
    finally:
        printed = player.stop()
    assert "Traceback" not in printed


def _replace(canvas: Canvas, **changes: object) -> Canvas:
    import dataclasses

    return dataclasses.replace(canvas, **changes)


def _blue_thumbnails(frame: Frame, size: tuple[int, int]) -> int:
    """Pixels of the test pictures' colour (x, 120, 200) on the frame."""
    image = frame.image.convert("RGB").resize(
        (size[0] // 8, size[1] // 8), Image.Resampling.NEAREST
    )
    raw = image.tobytes()
    return sum(
        1 for i in range(0, len(raw), 3) if abs(raw[i + 1] - 120) < 6 and abs(raw[i + 2] - 200) < 6
    )


def test_the_theme_ticker_scrolls_a_feeds_newest_titles_beside_its_messages(
    site: NewsSite, tmp_path: Path
) -> None:
    url = _feed_site(site, count=4)
    content = write_content(
        tmp_path / "c",
        {
            "t.yaml": "name: T\nslides:\n  - {type: text, id: t, title: Bonjour}\n"
            "  - {type: ticker, id: bandeau}\n"
        },
        f"ticker:\n  - 'Wi-Fi : RNCN8-invites'\n  - {{source: '{url}', items: 2}}\n",
    )
    hub = LiveHub(tmp_path / "cache")
    assert list(wants_of(content)) == [url]  # the theme's feed is fetched like a slide's
    hub.set_sources(wants_of(content))
    text, widget = content.playlists[0].slides

    def strip_text(slide: object) -> str:
        frame = prepare(slide, _canvas(content, (1280, 720), hub, "2026-11-30 10:30"))
        assert frame.ticker is not None
        return " ".join(m.text for m in frame.marks if m.role == "clock")

    assert "numéro" not in strip_text(text)  # not downloaded yet: the messages alone
    assert "Wi-Fi : RNCN8-invites" in strip_text(text)
    hub.fetch(url)
    for slide in (text, widget):  # the footer and a layout's ticker widget alike
        shown = strip_text(slide)
        assert "Wi-Fi : RNCN8-invites" in shown
        assert "Nouvelle numéro 0 :" in shown and "Nouvelle numéro 1 :" in shown
        assert "Nouvelle numéro 2" not in shown  # items: 2


def test_a_ticker_feed_with_a_wrong_key_is_an_error_with_its_line(tmp_path: Path) -> None:
    from signage.content.folder import load_content

    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "a.yaml").write_text("name: A\nslides: [{type: text, title: a}]\n")
    (tmp_path / "theme.yaml").write_text("ticker:\n  - Bonjour\n  - {sourc: 'https://x/rss'}\n")
    _, report = load_content(tmp_path)
    messages = [d.format() for d in report.items]
    assert any(
        "theme.yaml:3:" in m and "sourc" in m and "did you mean 'source'" in m for m in messages
    ), messages


def test_an_item_taller_than_a_small_region_goes_on_in_pages_not_past_its_edge(
    site: NewsSite, tmp_path: Path
) -> None:
    long_title = "Les 8es Rencontres nationales de la communication numérique " * 3
    site.put(
        "/feed.xml",
        rss_items(site.url, 2).replace(
            "Nouvelle numéro 0 : la communication publique avance", long_title.strip()
        ),
    )
    url = f"{site.url}/feed.xml"
    content = write_content(
        tmp_path / "c",
        {"n.yaml": f"name: N\nslides:\n  - {{type: news, id: n, source: '{url}'}}\n"},
        "header: false\n",
    )
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    hub.fetch(url)
    slide = content.playlists[0].slides[0]
    size = (768, 360)  # a side region of a 1920x1080 layout: the screen's floors, not the region's
    region = _replace(
        _canvas(content, size, hub, "2026-11-30 10:30"), display=(1920, 1080), chrome=False
    )
    first = prepare(slide, region)
    assert first.pages >= 3
    read: list[str] = []
    for page in range(first.pages):
        frame = prepare(slide, _replace(region, page=page))
        assert not any(m.clipped for m in frame.marks), [m.text for m in frame.marks if m.clipped]
        assert all(m.box[3] <= size[1] for m in frame.marks)
        read += [m.text for m in frame.marks]
    said = " ".join(" ".join(read).split())
    assert said.count("Rencontres") == 3 and "Nouvelle numéro 1" in said

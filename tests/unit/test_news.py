"""News feeds read as the formats' own documents write them: RSS 2.0, RSS 1.0, Atom,
legacy encodings; and what is not a feed refused with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from signage.core.markup import strip_html
from signage.live.model import Feed, Item, LiveError
from signage.live.news import parse_news
from tests.support.newsfeeds import ATOM, CP1251, ENTITY_BOMB, HTML_PAGE, RSS1, RSS2

BASE = "http://127.0.0.1:9/site"


def test_rss2_cdata_titles_html_stripped_links_and_pictures_made_absolute() -> None:
    title, items = parse_news(RSS2.format(base=BASE).encode(), f"{BASE}/feed.xml")
    assert title == "Liftoff News"
    assert [i.title for i in items] == [
        "Star City & the cosmonauts", "Space Exploration", "The Engine That Does More",
    ]  # fmt: skip
    first = items[0]
    assert first.text.startswith("How do Americans get ready")
    assert "never shown" not in first.text and "<" not in first.text  # the script went with its tag
    assert first.published == dt.datetime(2003, 6, 3, 9, 39, 21, tzinfo=dt.UTC)
    assert first.author == "NASA"
    assert first.image_url == "http://127.0.0.1:9/img/star-city.jpg"  # media:content, relative
    assert items[1].image_url == f"{BASE}/img/eclipse.png"  # an image enclosure
    assert items[2].text.endswith("The proposed VASIMR engine would do that.")  # content:encoded
    assert items[2].image_url is None


def test_rss1_rdf_dates_from_dublin_core() -> None:
    title, items = parse_news(RSS1.encode(), "http://xml.com/news.rss")
    assert title == "XML.com"
    assert [i.title for i in items] == ["Processing Inclusions with XSLT", "Putting RDF to Work"]
    assert items[0].published == dt.datetime(2000, 8, 9, 12, tzinfo=dt.UTC)
    assert items[1].link == "http://xml.com/pub/2000/08/09/rdfdb/index.html"


def test_atom_xhtml_content_escaped_html_and_links_relative_to_xml_base() -> None:
    title, items = parse_news(ATOM.format(base=BASE).encode(), f"{BASE}/atom.xml")
    assert title == "dive into mark"
    by_title = {i.title: i for i in items}
    draft = by_title["Atom draft-07 snapshot & more"]
    assert draft.text == "[Update: The Atom draft is finished.]\nSee the spec."
    assert draft.link == f"{BASE}/blog/2005/04/02/atom"
    assert draft.image_url == f"{BASE}/img/atom.png"
    assert draft.author == "Mark Pilgrim"
    assert by_title["An HTML summary"].text == "Escaped HTML in a summary"
    # newest first: the entry published in 2005 before the one from 2003
    assert items[0].title == "An HTML summary"


def test_a_feed_in_windows_1251_reads_as_cyrillic() -> None:
    title, items = parse_news(CP1251, "http://example.ru/rss")
    assert title == "Новости"
    assert items[0].title == "Конференция открылась в Москве"
    assert items[0].text == "Участники обсуждают цифровые сервисы для жителей."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (HTML_PAGE, "an HTML page, not an RSS or Atom feed"),
        (ENTITY_BOMB, "declares XML entities"),
        (b'{"statuses": []}', "not an RSS or Atom feed"),
        (b"", "not an RSS or Atom feed"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_its_reason(data: bytes, reason: str) -> None:
    with pytest.raises(LiveError, match=reason):
        parse_news(data, "http://127.0.0.1:9/feed")


def test_text_that_cannot_be_shown_is_replaced_not_raised() -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        "<title>a&#x202E;b</title><description>" + "mot " * 3000 + "</description>"
        "</item></channel></rss>"
    )
    _, items = parse_news(feed.encode(), "http://x/feed")
    assert "\u202e" not in items[0].title  # a bidi override never reaches the screen
    assert len(items[0].text) <= 4002 and items[0].text.endswith("…")


def test_scripts_and_styles_are_not_text() -> None:
    html = "<p>Un</p><style>p {color: red}</style><script>alert('x')</script><ul><li>deux</li></ul>"
    assert strip_html(html).split() == ["Un", "-", "deux"]


def test_recent_items_leave_out_the_old_and_the_ones_still_to_come() -> None:
    at = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)
    dated = [
        Item(id=str(h), title=str(h), published=at - dt.timedelta(hours=h)) for h in (-2, 0, 5, 30)
    ]
    items = (*dated, Item(id="undated", title="undated"))
    feed = Feed("u", "news", items=items)
    assert [i.id for i in feed.recent(at, 24 * 3600, 10)] == ["0", "5", "undated"]
    assert [i.id for i in feed.recent(at, None, 2)] == ["0", "5"]

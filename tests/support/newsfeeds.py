"""News feeds as real sites serve them, and a loopback web server that answers as a static
site behind nginx does (ETag and Last-Modified on every file, 304 to a conditional
request that matches, ``Retry-After`` with a 429 or 503 when told to throttle).

The feeds follow the formats' own documents: RSS 2.0 as the RSS Advisory Board's sample
(with CDATA titles, an image enclosure and Media RSS's ``media:content`` as WordPress and
newspapers send them), RSS 1.0 as the specification's example (RDF), Atom as RFC 4287's
extensive example (XHTML content, ``xml:base`` and relative links), and an RSS 2.0 feed
in windows-1251 as Russian sites still serve it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Liftoff News</title>
  <link>{base}/</link>
  <description>Liftoff to Space Exploration.</description>
  <language>en-us</language>
  <lastBuildDate>Tue, 10 Jun 2003 09:41:01 GMT</lastBuildDate>
  <item>
    <title><![CDATA[Star City <em>&amp;</em> the cosmonauts]]></title>
    <link>{base}/news/2003/06/03.html#item573</link>
    <description><![CDATA[<p>How do Americans get ready to work with Russians aboard the International Space Station? They take a crash course in culture, language and protocol at Russia's <a href="http://howe.iki.rssi.ru/GCTC/gctc_e.htm">Star City</a>.</p><script>document.write("never shown")</script>]]></description>
    <pubDate>Tue, 03 Jun 2003 09:39:21 GMT</pubDate>
    <guid>http://liftoff.msfc.nasa.gov/2003/06/03.html#item573</guid>
    <dc:creator>NASA</dc:creator>
    <media:content url="/img/star-city.jpg" medium="image" type="image/jpeg" width="800" height="450"/>
  </item>
  <item>
    <title>Space Exploration</title>
    <link>{base}/news/2003/05/30.html#item572</link>
    <description>Sky watchers in Europe, Asia, and parts of Alaska and Canada will experience a partial eclipse of the Sun on Saturday, May 31st.</description>
    <pubDate>Fri, 30 May 2003 11:06:42 GMT</pubDate>
    <guid>http://liftoff.msfc.nasa.gov/2003/05/30.html#item572</guid>
    <enclosure url="{base}/img/eclipse.png" length="1024" type="image/png"/>
  </item>
  <item>
    <title>The Engine That Does More</title>
    <link>{base}/news/2003/05/27.html#item571</link>
    <description>Before man travels to Mars, NASA hopes to design new engines that will let us fly through the Solar System more quickly.</description>
    <content:encoded><![CDATA[<p>Before man travels to Mars, NASA hopes to design new engines that will let us fly through the Solar System more quickly. The proposed VASIMR engine would do that.</p>]]></content:encoded>
    <pubDate>Tue, 27 May 2003 08:37:32 GMT</pubDate>
    <guid>http://liftoff.msfc.nasa.gov/2003/05/27.html#item571</guid>
  </item>
</channel>
</rss>
"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://www.xml.com/xml/news.rss">
    <title>XML.com</title>
    <link>http://xml.com/pub</link>
    <description>XML.com features a rich mix of information and services for the XML community.</description>
    <items>
      <rdf:Seq>
        <rdf:li resource="http://xml.com/pub/2000/08/09/xslt/xslt.html" />
        <rdf:li resource="http://xml.com/pub/2000/08/09/rdfdb/index.html" />
      </rdf:Seq>
    </items>
  </channel>
  <item rdf:about="http://xml.com/pub/2000/08/09/xslt/xslt.html">
    <title>Processing Inclusions with XSLT</title>
    <link>http://xml.com/pub/2000/08/09/xslt/xslt.html</link>
    <description>Processing document inclusions with general XML tools can be problematic. This article proposes a way of preserving inclusion information through SAX-based processing.</description>
    <dc:date>2000-08-09T12:00:00Z</dc:date>
  </item>
  <item rdf:about="http://xml.com/pub/2000/08/09/rdfdb/index.html">
    <title>Putting RDF to Work</title>
    <link>http://xml.com/pub/2000/08/09/rdfdb/index.html</link>
    <description>Tool and API support for the Resource Description Framework is slowly coming of age. Edd Dumbill takes a look at RDFDB, one of the most exciting new RDF toolkits.</description>
    <dc:date>2000-08-08T12:00:00Z</dc:date>
  </item>
</rdf:RDF>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/blog/">
  <title type="text">dive into mark</title>
  <subtitle type="html">A &lt;em&gt;lot&lt;/em&gt; of effort went into making this effortless</subtitle>
  <updated>2005-07-31T12:29:29Z</updated>
  <id>tag:example.org,2003:3</id>
  <link rel="alternate" type="text/html" hreflang="en" href="http://example.org/"/>
  <entry>
    <title type="html">Atom draft-07 snapshot &amp;amp; more</title>
    <link rel="alternate" type="text/html" href="2005/04/02/atom"/>
    <link rel="enclosure" type="image/png" length="1337" href="../img/atom.png"/>
    <id>tag:example.org,2003:3.2397</id>
    <updated>2005-07-31T12:29:29Z</updated>
    <published>2003-12-13T08:29:29-04:00</published>
    <author><name>Mark Pilgrim</name></author>
    <content type="xhtml" xml:lang="en">
      <div xmlns="http://www.w3.org/1999/xhtml"><p><i>[Update: The Atom draft is finished.]</i></p>
      <p>See <a href="spec">the spec</a>.</p></div>
    </content>
  </entry>
  <entry>
    <title>An HTML summary</title>
    <link href="2005/05/01/html"/>
    <id>tag:example.org,2003:3.2398</id>
    <updated>2005-05-01T10:00:00Z</updated>
    <summary type="html">&lt;p&gt;Escaped &lt;b&gt;HTML&lt;/b&gt; in a summary&lt;/p&gt;</summary>
  </entry>
</feed>
"""

CP1251 = """<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0"><channel>
  <title>Новости</title>
  <link>http://example.ru/</link>
  <description>Лента новостей</description>
  <item>
    <title>Конференция открылась в Москве</title>
    <link>http://example.ru/news/1</link>
    <description>Участники обсуждают цифровые сервисы для жителей.</description>
    <pubDate>Mon, 30 Nov 2026 09:00:00 +0300</pubDate>
  </item>
</channel></rss>
""".encode("cp1251")

ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<rss version="2.0"><channel><title>&lol2;</title><item><title>&lol2;</title></item></channel></rss>
"""

HTML_PAGE = b"""<!DOCTYPE html><html lang="fr"><head><title>Actualit\xc3\xa9s</title></head>
<body><h1>Nos actualit\xc3\xa9s</h1><p>Abonnez-vous \xc3\xa0 notre fil.</p></body></html>"""


NEWEST = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def rss_items(base: str, count: int, words: int = 8, start: int = 0) -> str:
    """An RSS 2.0 feed of ``count`` items (newest first, an hour apart, in November 2026),
    each with a picture and ``words`` words of text."""
    items = []
    for n in range(start, start + count):
        when = email.utils.format_datetime(NEWEST - dt.timedelta(hours=n))
        text = " ".join(f"mot{k}" for k in range(words))
        items.append(
            f"<item><title>Nouvelle numéro {n} : la communication publique avance</title>"
            f"<link>{base}/n/{n}</link><guid>{base}/n/{n}</guid><pubDate>{when}</pubDate>"
            f"<description>{text}</description>"
            f'<media:content url="{base}/img/{n}.jpg" medium="image" type="image/jpeg"/></item>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Fil de test</title>'
        f"<link>{base}/</link>{''.join(items)}</channel></rss>"
    )


def picture(colour: tuple[int, int, int] = (30, 140, 200), kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), colour).save(buffer, kind)
    return buffer.getvalue()


@dataclass
class Page:
    body: bytes | Iterator[bytes]
    content_type: str = "application/rss+xml; charset=utf-8"
    modified: float = field(default_factory=time.time)


class NewsSite:
    """A loopback web server for feeds and pictures; ``pages`` by path, changed at will."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, int, dict[str, str]]] = []  # path, status, headers
        self.throttle: tuple[int, str] | None = None  # (429 or 503, Retry-After)
        self.changed = threading.Condition()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site._answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def put(self, path: str, body: bytes | str, content_type: str | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        page = Page(data) if content_type is None else Page(data, content_type)
        self.pages[path] = page

    def count(self, path: str, status: int | None = None) -> int:
        return sum(1 for p, s, _ in self.requests if p == path and (status is None or s == status))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        headers = dict(handler.headers.items())
        page = self.pages.get(path)
        if self.throttle is not None:
            status, retry = self.throttle
            self._record(path, status, headers)
            handler.send_response(status)
            handler.send_header("Retry-After", retry)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if page is None:
            self._record(path, 404, headers)
            handler.send_error(404)
            return
        if not isinstance(page.body, bytes):  # a stream: sent as it comes, never stored
            self._record(path, 200, headers)
            handler.send_response(200)
            handler.send_header("Content-Type", page.content_type)
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            try:
                for chunk in page.body:
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                handler.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass  # the client hung up past its cap
            return
        etag = '"' + hashlib.sha256(page.body).hexdigest()[:16] + '"'
        modified = email.utils.formatdate(page.modified, usegmt=True)
        if headers.get("If-None-Match") == etag or (
            "If-None-Match" not in headers and headers.get("If-Modified-Since") == modified
        ):
            self._record(path, 304, headers)
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        self._record(path, 200, headers)
        handler.send_response(200)
        handler.send_header("Content-Type", page.content_type)
        handler.send_header("Content-Length", str(len(page.body)))
        handler.send_header("ETag", etag)
        handler.send_header("Last-Modified", modified)
        handler.end_headers()
        handler.wfile.write(page.body)

    def _record(self, path: str, status: int, headers: dict[str, str]) -> None:
        with self.changed:
            self.requests.append((path, status, headers))
            self.changed.notify_all()


def endless(chunk: bytes = b"<item>" * 10_000) -> Iterator[bytes]:
    """A body without end (a feed URL that serves a 50 MB dump, or worse)."""
    while True:
        yield chunk

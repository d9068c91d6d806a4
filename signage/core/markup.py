"""HTML as plain text, safely: what programmes, news items and posts put in their bodies.

Tags go, block tags leave a line break, list items a dash; what is inside ``<script>``,
``<style>`` and the like goes with its tag (a feed's ``<script>alert(1)</script>`` is not
text to show). Character references are decoded; escaped HTML (``&lt;p&gt;``) is decoded
first, so it is stripped like real tags. Standard library only.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
               "blockquote", "figure", "figcaption", "section", "article", "header", "footer"}  # fmt: skip
_HIDDEN_TAGS = {"script", "style", "template", "noscript", "iframe", "object", "svg", "head"}
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0  # inside a <script> or the like

    def _break(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        if tag in _BLOCK_TAGS:
            self._break()
        if tag == "li" and not self._hidden:
            self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:  # <br/>: not a start without an end
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """``text`` without its tags (see the module's docstring); line breaks kept."""
    if "&lt;" in text or "&gt;" in text:
        text = html.unescape(text)
    if not _TAG_RE.search(text):
        return html.unescape(text)
    parser = _Text()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)

"""``type: text``: a title and a short Markdown-like body (paragraphs, **bold**, lists)."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Choice, Field, Text
from signage.core.values import Asset
from signage.slides.base import Slide, SlideKind

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp")


@dataclass(frozen=True, kw_only=True)
class TextSlide(Slide):
    type = "text"
    heading: str = ""
    subtitle: str = ""
    body: str = ""
    align: str = "left"
    background: str | None = None

    @property
    def title(self) -> str:
        return self.heading or self.body.split("\n", 1)[0][:80] or self.id

    def files(self) -> tuple[str, ...]:
        return (self.background,) if self.background else ()

    def reading(self) -> str:
        return " ".join((self.heading, self.subtitle, self.body))


KIND = SlideKind(
    type="text",
    doc="A title and a body of short Markdown: paragraphs, **bold**, lists (- item).",
    fields={
        "title": Field(
            Text(max_len=300), doc="Heading; long titles wrap and shrink to fit", attr="heading"
        ),
        "subtitle": Field(Text(max_len=300), doc="A line under the title"),
        "body": Field(
            Text(max_len=5000),
            doc="Paragraphs separated by a blank line, **bold**, lists with '- '",
        ),
        "align": Field(Choice(("left", "center")), default="left", doc="Text alignment"),
        "background": Field(
            Asset("file", IMAGE_EXTENSIONS), doc="An image behind the text (darkened)"
        ),
    },
    model=TextSlide,
    one_of=("title", "body"),
)

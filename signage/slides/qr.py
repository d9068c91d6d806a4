"""``type: qr``: a QR code of a URL (the programme, the stream) with a caption."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Field, Text
from signage.slides.base import Common, Slide, SlideKind


@dataclass(frozen=True, kw_only=True)
class QrSlide(Slide):
    type = "qr"
    url: str
    caption: str = ""

    @property
    def title(self) -> str:
        return self.caption or self.url


def _build(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    return [
        QrSlide(**common.kwargs(slide_id), url=values["url"], caption=values.get("caption", ""))
    ]


KIND = SlideKind(
    type="qr",
    doc="A QR code of a URL (the programme, the stream), with a caption under it.",
    fields={
        "url": Field(Text(max_len=1000), required=True, doc="The address the code opens"),
        "caption": Field(Text(max_len=200), doc="A line under the code"),
    },
    build=_build,
)

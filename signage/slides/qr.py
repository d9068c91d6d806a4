"""``type: qr``: a QR code of a URL (the programme, the stream) with a caption."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Field, Text
from signage.slides.base import Slide, SlideKind


@dataclass(frozen=True, kw_only=True)
class QrSlide(Slide):
    type = "qr"
    url: str
    caption: str = ""

    @property
    def title(self) -> str:
        return self.caption or self.url


KIND = SlideKind(
    type="qr",
    doc="A QR code of a URL (the programme, the stream), with a caption under it.",
    fields={
        "url": Field(Text(max_len=1000), required=True, doc="The address the code opens"),
        "caption": Field(Text(max_len=200), doc="A line under the code"),
    },
    model=QrSlide,
)

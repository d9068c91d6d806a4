"""``type: speaker``: a speaker card with photo, name, role, organisation and bio."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Choice, Field, Text
from signage.core.values import Asset
from signage.slides.base import Slide, SlideKind
from signage.slides.text import IMAGE_EXTENSIONS


@dataclass(frozen=True, kw_only=True)
class SpeakerSlide(Slide):
    type = "speaker"
    name: str
    role: str = ""
    organisation: str = ""
    photo: str | None = None
    bio: str = ""
    shape: str = "circle"  # circle | rounded

    @property
    def title(self) -> str:
        return self.name

    def files(self) -> tuple[str, ...]:
        return (self.photo,) if self.photo else ()

    def reading(self) -> str:
        return " ".join((self.name, self.role, self.organisation, self.bio))


KIND = SlideKind(
    type="speaker",
    doc="A speaker card: photo cropped to a circle or rounded square, name, role, bio.",
    fields={
        "name": Field(Text(max_len=200), required=True, doc="The speaker's name"),
        "role": Field(Text(max_len=300), doc="Role or job title"),
        "organisation": Field(Text(max_len=300), doc="Organisation"),
        "photo": Field(Asset("file", IMAGE_EXTENSIONS), doc="Portrait image"),
        "bio": Field(Text(max_len=3000), doc="Short biography, fitted to its box"),
        "shape": Field(
            Choice(("circle", "rounded")), default="circle", doc="How the photo is cropped"
        ),
    },
    model=SpeakerSlide,
)

"""``type: photo`` (one image) and ``type: photos`` (every image of a folder, by name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from signage.core.diagnostics import Diagnostic
from signage.core.inside import outside_problem
from signage.core.schema import Boolean, Choice, Field, Text
from signage.core.values import Asset
from signage.slides.base import Common, Slide, SlideKind
from signage.slides.text import IMAGE_EXTENSIONS


@dataclass(frozen=True, kw_only=True)
class PhotoSlide(Slide):
    type = "photo"
    image: str  # relative to the content folder
    caption: str = ""
    fit: str = "cover"  # cover | contain
    pan: bool = False  # slow pan-and-zoom

    @property
    def title(self) -> str:
        return self.caption or self.image.rsplit("/", 1)[-1]

    def files(self) -> tuple[str, ...]:
        return (self.image,)


_FIT = Field(
    Choice(("cover", "contain")),
    default="cover",
    doc="cover fills the screen (cropping), contain shows the whole image",
)
_PAN = Field(Boolean(), default=False, doc="Slow pan-and-zoom while the photo is on screen")


def _build_photo(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    return [
        PhotoSlide(
            **common.kwargs(slide_id),
            image=values["image"],
            caption=values.get("caption", ""),
            fit=values["fit"],
            pan=values["pan"],
        )
    ]


def folder_files(values: Any, ctx: Any, extensions: tuple[str, ...]) -> list[str]:
    """The files of a slide's ``folder`` with these extensions, by name, as paths relative
    to the content folder; links out of it, FIFOs and the like are reported and left out."""
    folder = values["folder"]
    root = ctx.content_root
    if root is None:
        return []
    found = []
    for p in sorted((root / folder).iterdir(), key=lambda p: p.name.lower()):
        if p.suffix.lower() not in extensions:
            continue
        problem = outside_problem(root, p.relative_to(root), "file")
        if problem is not None:  # a link out of the folder, a FIFO named .jpg
            line = getattr(values, "line", 0)
            ctx.report.add(Diagnostic(ctx.display, line, 0, problem, "folder"))
            continue
        if p.is_file():
            found.append(f"{folder.rstrip('/')}/{p.name}")
    return found


def _build_photos(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    images = folder_files(values, ctx, IMAGE_EXTENSIONS)
    base = common.id or slide_id
    kwargs = common.kwargs(base)
    slides = []
    for n, image in enumerate(images, start=1):
        kwargs["id"] = f"{base}-{n}"
        slides.append(
            PhotoSlide(
                **kwargs,
                image=image,
                caption=values.get("caption", ""),
                fit=values["fit"],
                pan=values["pan"],
            )
        )
    return slides


PAN_SCALE = 1.12  # a panning photo is prepared this much larger than the screen


GRADIENTS = (0, 120, 170, 210, 240)  # the caption band's darkest alpha, tried in turn


PHOTO = SlideKind(
    type="photo",
    doc="One image, filling the screen (cover) or shown whole (contain), with a caption.",
    fields={
        "image": Field(Asset("file", IMAGE_EXTENSIONS), required=True, doc="Image file"),
        "caption": Field(Text(max_len=300), doc="Caption shown over the bottom of the photo"),
        "fit": _FIT,
        "pan": _PAN,
    },
    build=_build_photo,
)

PHOTOS = SlideKind(
    type="photos",
    doc="Every image of a folder, one slide each, sorted by file name.",
    fields={
        "folder": Field(Asset("folder"), required=True, doc="Folder of images"),
        "caption": Field(Text(max_len=300), doc="Caption for every photo"),
        "fit": _FIT,
        "pan": _PAN,
    },
    build=_build_photos,
)

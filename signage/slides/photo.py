"""``type: photo`` (one image) and ``type: photos`` (every image of a folder, by name)."""

from __future__ import annotations

from dataclasses import dataclass

from signage.content.schema import Asset, Boolean, Choice, Field, Text
from signage.slides import Common, Slide, SlideKind, register
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


def _build_photos(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    folder = values["folder"]
    root = ctx.content_root
    if root is None:
        return []
    images = sorted(
        (
            p
            for p in (root / folder).iterdir()
            if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
        ),
        key=lambda p: p.name.lower(),
    )
    base = common.id or slide_id
    kwargs = common.kwargs(base)
    slides = []
    for n, image in enumerate(images, start=1):
        kwargs["id"] = f"{base}-{n}"
        slides.append(
            PhotoSlide(
                **kwargs,
                image=f"{folder.rstrip('/')}/{image.name}",
                caption=values.get("caption", ""),
                fit=values["fit"],
                pan=values["pan"],
            )
        )
    return slides


PHOTO = register(
    SlideKind(
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
)

PHOTOS = register(
    SlideKind(
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
)

"""``type: photo`` (one image) and ``type: photos`` (every image of a folder, by name)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from signage.core.diagnostics import Diagnostic
from signage.core.inside import outside_problem
from signage.core.schema import Asset, Boolean, Choice, Field, Text
from signage.draw.canvas import Canvas, Frame
from signage.draw.images import contain, cover, open_image
from signage.draw.portraits import soft_background
from signage.draw.text import fit_line
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


def _build_photos(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    folder = values["folder"]
    root = ctx.content_root
    if root is None:
        return []
    images = []
    for p in sorted((root / folder).iterdir(), key=lambda p: p.name.lower()):
        if p.suffix.lower() not in IMAGE_EXTENSIONS:
            continue
        problem = outside_problem(root, p.relative_to(root), "file")
        if problem is not None:  # a link out of the folder, a FIFO named .jpg
            line = getattr(values, "line", 0)
            ctx.report.add(Diagnostic(ctx.display, line, 0, problem, "folder"))
            continue
        if p.is_file():
            images.append(p)
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


PAN_SCALE = 1.12  # a panning photo is prepared this much larger than the screen


def render(slide: PhotoSlide, canvas: Canvas) -> Frame:
    """The photo full screen (cover) or whole (contain), a caption, the header over it.

    Raises ImageError when the file cannot be read: the player skips the slide.
    """
    photo = open_image(canvas.root / Path(slide.image), canvas.size)
    if slide.fit == "cover":
        size = canvas.size
        if slide.pan:
            size = (round(canvas.width * PAN_SCALE), round(canvas.height * PAN_SCALE))
        image = cover(photo, size)
    else:
        image = soft_background(photo, canvas.size, canvas.theme.colours.background)
        inner = contain(photo, canvas.size)
        box = ((canvas.width - inner.width) // 2, (canvas.height - inner.height) // 2)
        image.paste(inner, box, inner if inner.mode == "RGBA" else None)
    image = image.convert("RGB")
    if slide.caption:
        overlay = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
        _caption(overlay, slide.caption, canvas)
        if slide.pan:
            return canvas.finish(
                image, translucent=True, pan=True, overlay=_chrome(canvas, overlay)
            )
        image.paste(overlay, (0, 0), overlay)
    if slide.pan:
        return canvas.finish(image, translucent=True, pan=True, overlay=_chrome(canvas, None))
    return canvas.finish(image, translucent=True)


def _chrome(canvas: Canvas, overlay: Image.Image | None) -> Image.Image:
    layer = overlay or Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    canvas.draw_chrome(layer, translucent=True)
    return layer


def _caption(layer: Image.Image, text: str, canvas: Canvas) -> None:
    """A caption on a dark band at the bottom, above the footer."""
    draw = ImageDraw.Draw(layer)
    band = canvas.px(110)
    bottom = canvas.height - canvas.footer_height
    for i in range(band):  # a soft gradient, not a hard box over the photo
        alpha = int(200 * (i / band) ** 1.4)
        draw.line((0, bottom - band + i, canvas.width, bottom - band + i), fill=(0, 0, 0, alpha))
    line, size = fit_line(
        text, canvas.fonts, canvas.width - 2 * canvas.margin, canvas.px(40), canvas.px(22)
    )
    draw.text(
        (canvas.margin, bottom - canvas.px(28)),
        line,
        font=canvas.fonts.get(size),
        fill=(*canvas.theme.colours.text, 255),
        anchor="ls",
    )


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
        render=render,
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
        render=render,
    )
)

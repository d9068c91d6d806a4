"""``type: photo`` (one image) and ``type: photos`` (every image of a folder, by name)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from signage.core.colour import MIN_CONTRAST
from signage.core.diagnostics import Diagnostic
from signage.core.inside import outside_problem
from signage.core.schema import Asset, Boolean, Choice, Field, Text
from signage.draw.canvas import Canvas, Frame
from signage.draw.images import contain, cover, open_image
from signage.draw.legible import SECONDARY
from signage.draw.portraits import soft_background
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
    # what shows on screen at the slide's start: a panning photo starts at its centre
    seen = _start_view(image, canvas.size)
    if slide.caption:
        overlay = caption_layer(seen, slide.caption, canvas)
        if slide.pan:
            return canvas.finish(
                image, translucent=True, pan=True, overlay=chrome_layer(canvas, overlay, seen)
            )
        image.paste(overlay, (0, 0), overlay)
    if slide.pan:
        return canvas.finish(
            image, translucent=True, pan=True, overlay=chrome_layer(canvas, None, seen)
        )
    return canvas.finish(image, translucent=True)


def _start_view(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    left, top = (image.width - size[0]) // 2, (image.height - size[1]) // 2
    return image.crop((left, top, left + size[0], top + size[1]))


def chrome_layer(canvas: Canvas, overlay: Image.Image | None, backdrop: Image.Image) -> Image.Image:
    layer = overlay or Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    canvas.draw_chrome(layer, translucent=True, backdrop=backdrop)
    return layer


GRADIENTS = (0, 120, 170, 210, 240)  # the caption band's darkest alpha, tried in turn


def caption_layer(photo: Image.Image, text: str, canvas: Canvas) -> Image.Image:
    """A caption at the bottom, above the footer, on a dark gradient only when the photo
    under it would make it hard to read (and only as dark as needed)."""
    band = canvas.px(130 * canvas.scale)
    bottom = canvas.height - canvas.footer_height
    line, size = canvas.fit_line(text, canvas.width - 2 * canvas.margin, 40, SECONDARY)
    face = canvas.fonts.get(size)
    colour = canvas.theme.colours.text
    at = (canvas.margin, bottom - canvas.px(28))
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    probe = canvas.pen(layer)
    probe.backdrop = photo
    left, top, right, _ = probe.draw.textbbox(at, line, font=face, anchor="ls")
    box = (int(left), int(top), int(right), bottom)
    for darkest in GRADIENTS:  # the lightest gradient under which the caption reads
        if darkest:
            _gradient(layer, bottom - band, band, darkest)
        if probe.measure(box, colour) >= MIN_CONTRAST or darkest == GRADIENTS[-1]:
            break
    pen = canvas.pen(layer, scrim=True)
    pen.backdrop = photo
    pen.text(at, line, font=face, fill=(*colour, 255), anchor="ls", role=SECONDARY)
    return layer


def _gradient(layer: Image.Image, top: int, band: int, darkest: int) -> None:
    """A soft black gradient over the band (replacing one drawn before), not a hard box."""
    strip = Image.new("RGBA", (1, band), (0, 0, 0, 0))
    for i in range(band):
        strip.putpixel((0, i), (0, 0, 0, int(darkest * (i / band) ** 1.4)))
    layer.paste(strip.resize((layer.width, band)), (0, top))


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

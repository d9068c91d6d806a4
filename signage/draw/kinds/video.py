"""``type: video`` (one clip) and ``type: videos`` (every clip of a folder, by name): drawn (the keys and the model are :mod:`signage.slides.video`)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from signage.core.inside import ensure_regular
from signage.draw.canvas import Canvas, Frame
from signage.draw.images import MIN_KEPT, ImageError, contain, cover, kept_by_cover, open_image
from signage.draw.kinds.photo import caption_layer, chrome_layer
from signage.media.probe import MediaError, Probe, probe
from signage.slides.video import VideoSlide


def first_frame(path: Path, at_s: float) -> Image.Image:
    """The clip's picture at ``at_s`` (its first frame), decoded with PyAV."""
    import av

    ensure_regular(path)  # FFmpeg's open() of a FIFO waits for a writer: refused here
    with av.open(str(path), metadata_errors="ignore") as container:
        stream = container.streams.video[0]
        if at_s > 0 and stream.time_base:
            container.seek(int(at_s / stream.time_base), stream=stream)
        for frame in container.decode(stream):
            if frame.time is None or frame.time + 1e-6 >= at_s:
                image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
                return image
    raise MediaError(path, "no picture could be decoded")


def render(slide: VideoSlide, canvas: Canvas) -> Frame:
    """The first frame (or the poster), fitted, with the caption and header over it as an
    overlay (the video plays under them). Raises ImageError when neither can be shown."""
    notes: list[str] = []
    info: Probe | None = None
    try:
        info = probe(canvas.root / Path(slide.file))
        picture = first_frame(canvas.root / Path(slide.file), slide.start_s)
    except (MediaError, OSError) as exc:
        if not slide.poster:
            raise ImageError(str(exc)) from exc
        notes.append(f"{exc}; showing its poster")
        info = None
        picture = open_image(canvas.root / Path(slide.poster), canvas.size)
    # as a photo: a cover that would crop most of the clip (a landscape film on a portrait
    # screen, "ncontres nat") shows it whole; the decoder is told the same fit
    fit = slide.fit
    if fit == "cover" and kept_by_cover(picture.size, canvas.size) < MIN_KEPT:
        fit = "contain"
    if fit == "cover":
        image = cover(picture, canvas.size).convert("RGB")
    else:
        image = Image.new("RGB", canvas.size, (0, 0, 0))
        inner = contain(picture, canvas.size).convert("RGB")
        image.paste(inner, ((canvas.width - inner.width) // 2, (canvas.height - inner.height) // 2))
    layer = caption_layer(image, slide.caption, canvas) if slide.caption else None
    overlay = chrome_layer(canvas, layer, image)
    frame = canvas.finish(image, translucent=True, overlay=overlay, notes=notes)
    if not overlay.getbbox():
        frame.overlay = None  # nothing over the video: no layer to blend each frame
    if info is not None:
        frame.video = {
            "codec": info.codec,
            "width": info.width,
            "height": info.height,
            "fps": info.fps,
            "audio": info.audio,
            "fit": fit,
        }
    return frame

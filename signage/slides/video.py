"""``type: video`` (one clip) and ``type: videos`` (every clip of a folder, by name).

The slide's prepared frame is the clip's first frame (or its poster): a transition into
it starts on a real picture. While it is on screen a decoder process plays the clip
into the region (``signage.player.video``). ``duration`` defaults to the clip's length
times ``loop``; a longer duration loops the clip, a shorter one cuts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from signage.core.diagnostics import Diagnostic
from signage.core.schema import Boolean, Choice, Field, Integer, Text
from signage.core.values import Asset, Duration
from signage.media.probe import VIDEO_EXTENSIONS, MediaError, probe
from signage.slides.base import Common, Slide, SlideKind
from signage.slides.photo import folder_files
from signage.slides.text import IMAGE_EXTENSIONS


@dataclass(frozen=True, kw_only=True)
class VideoSlide(Slide):
    type = "video"
    file: str
    fit: str = "cover"
    loop: int = 1
    start_s: float = 0.0
    end_s: float | None = None
    muted: bool = True
    poster: str | None = None
    caption: str = ""
    length_s: float = 0.0  # the clip's length between start and end (0: unreadable)

    @property
    def title(self) -> str:
        return self.caption or self.file.rsplit("/", 1)[-1]

    def files(self) -> tuple[str, ...]:
        return (self.file, self.poster) if self.poster else (self.file,)

    def natural_s(self) -> float | None:
        """``duration: auto``: the clip's length times ``loop``."""
        return self.length_s * self.loop if self.length_s else None


_FIELDS: dict[str, Field] = {
    "fit": Field(
        Choice(("cover", "contain")), default="cover",
        doc="cover fills the area (cropping), contain shows the whole picture",
    ),
    "loop": Field(Integer(1, 1000), default=1, doc="Number of plays (duration auto)"),
    "start": Field(Duration(0, 86400, allow_zero=True), doc='Start at, e.g. 5 or "1m30s"'),
    "end": Field(Duration(0, 86400), doc='End at, e.g. "2m"'),
    "muted": Field(Boolean(), default=True, doc="Without sound; false plays the clip's sound when the screen has an audio device (else it plays muted)"),
    "poster": Field(Asset("file", IMAGE_EXTENSIONS), doc="An image shown if the clip cannot play"),
    "caption": Field(Text(max_len=300), doc="Caption over the bottom of the picture"),
}  # fmt: skip


def _slide(
    common: Common, values: Any, ctx: Any, slide_id: str, file: str, line: int
) -> Slide | None:
    start = values.get("start") or 0.0
    end = values.get("end")
    col = getattr(values, "col", 0)

    def report(message: str, field: str, severity: str = "error") -> None:
        ctx.report.add(Diagnostic(ctx.display, line, col, message, field, severity))  # type: ignore[arg-type]

    length = 0.0
    if ctx.content_root is not None:
        try:
            info = probe(ctx.content_root / file)
        except MediaError as exc:
            # a warning here (the rest of the content still loads; the player skips the
            # slide and says why); ``signage check`` counts it as an error
            then = "its poster is shown instead" if values.get("poster") else "it will be skipped"
            report(f"{file}: {exc.reason}; {then}", "file", "warning")
        else:
            stop = min(end, info.duration_s) if end else info.duration_s
            length = max(0.0, stop - start)
            if length <= 0:
                report(
                    f"start {start:g} s is past the clip's end ({info.duration_s:.1f} s)", "start"
                )
                return None
            for risk in info.risks():
                report(f"{file}: {risk}", "file", "warning")
            if values.get("muted") is False and not info.audio:
                report(f"{file}: muted is false but the clip has no sound", "muted", "warning")
    return VideoSlide(
        **common.kwargs(slide_id), file=file, fit=values["fit"], loop=values["loop"],
        start_s=start, end_s=end, muted=values["muted"], poster=values.get("poster"),
        caption=values.get("caption", ""), length_s=length,
    )  # fmt: skip


def _build_video(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    made = _slide(common, values, ctx, slide_id, values["file"], getattr(values, "line", 0))
    return [made] if made is not None else []


def _build_videos(common: Common, values, ctx, slide_id):  # type: ignore[no-untyped-def]
    base = common.id or slide_id
    line = getattr(values, "line", 0)
    slides = []
    for n, file in enumerate(folder_files(values, ctx, VIDEO_EXTENSIONS), start=1):
        made = _slide(common, values, ctx, f"{base}-{n}", file, line)
        if made is not None:
            slides.append(made)
    return slides


VIDEO = SlideKind(
    type="video",
    doc="A video clip (MP4, MKV, WebM, MOV), played in full screen or in a region.",
    fields={
        "file": Field(Asset("file", VIDEO_EXTENSIONS), required=True, doc="The clip"),
        **_FIELDS,
    },
    build=_build_video,
)

VIDEOS = SlideKind(
    type="videos",
    doc="Every video of a folder, one slide each, sorted by file name.",
    fields={"folder": Field(Asset("folder"), required=True, doc="Folder of clips"), **_FIELDS},
    build=_build_videos,
)

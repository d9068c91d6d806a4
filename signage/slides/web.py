"""``type: web``: a web page, as a picture the system's Chromium takes of it."""

from __future__ import annotations

from dataclasses import dataclass

from signage.core.schema import Field, Number, Text
from signage.core.values import Duration
from signage.live.model import Want
from signage.slides.base import Slide, SlideKind


@dataclass(frozen=True, kw_only=True)
class WebSlide(Slide):
    type = "web"
    url: str
    refresh_s: float = 300.0
    wait_s: float = 2.0
    zoom: float = 1.0
    viewport: str = ""  # "": the screen's size (over the zoom)

    @property
    def title(self) -> str:
        return self.url

    def live(self) -> dict[str, Want]:
        options = (
            ("viewport", self.viewport),
            ("wait", f"{self.wait_s:g}"),
            ("zoom", f"{self.zoom:g}"),
        )
        return {self.url: Want("web", self.refresh_s, options=options)}


KIND = SlideKind(
    type="web",
    doc="A web page shown as a picture: a snapshot taken by the system's headless Chromium "
    "in a child process (killed past 30 s or 1 GB), refreshed on its interval; the last "
    "good snapshot stays when a refresh fails.",
    fields={
        "url": Field(
            Text(max_len=2000, pattern=r"https?://\S+", pattern_help="an http(s) URL"),
            required=True,
            doc="The page's address",
        ),
        "refresh": Field(
            Duration(10, 86400),
            default=300.0,
            doc="How often a new snapshot is taken",
            attr="refresh_s",
        ),
        "wait": Field(
            Duration(0, 60, allow_zero=True),
            default=2.0,
            doc="How long the page may load and run its scripts before the snapshot (seconds)",
            attr="wait_s",
        ),
        "zoom": Field(
            Number(0.25, 4), default=1.0, doc="The page's zoom (2: everything twice as large)"
        ),
        "viewport": Field(
            Text(max_len=20, pattern=r"\d{3,4}x\d{3,4}", pattern_help="a size like 1920x1080"),
            doc="The browser window's size in CSS pixels, like 1920x1080 (default: the "
            "screen's, divided by the zoom: a portrait screen gets a portrait page)",
        ),
    },
    model=WebSlide,
)

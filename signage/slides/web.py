"""``type: web``: a web page, as a picture the system's Chromium takes of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from signage.core.schema import JSON, Ctx, Field, Number, Text, Type, scalar_node
from signage.core.values import Duration, parse_duration
from signage.core.yamlsrc import scalar_value
from signage.live.model import Want
from signage.slides.base import Slide, SlideKind


@dataclass(frozen=True, kw_only=True)
class WebSlide(Slide):
    type = "web"
    url: str
    refresh_s: float = 300.0
    wait: float | str = 2.0  # seconds after the page's load, or a CSS selector to wait for
    zoom: float = 1.0
    viewport: str = ""  # "": the screen's size (over the zoom)
    credentials_file: str | None = None  # on the screen's machine: 'user:password'

    @property
    def title(self) -> str:
        return self.url

    def live(self) -> dict[str, Want]:
        waiting = (
            ("wait_for", self.wait) if isinstance(self.wait, str) else ("wait", f"{self.wait:g}")
        )
        options: tuple[tuple[str, str], ...] = (
            ("viewport", self.viewport), waiting, ("zoom", f"{self.zoom:g}"),
        )  # fmt: skip
        if self.credentials_file:
            options += (("credentials", self.credentials_file),)
        return {self.url: Want("web", self.refresh_s, options=options)}

    def credentials(self) -> dict[str, str]:
        return {self.url: self.credentials_file} if self.credentials_file else {}


@dataclass
class WaitFor(Type):
    """Seconds (a number or like 5s), or a CSS selector to wait for."""

    seconds: Duration = field(default_factory=lambda: Duration(0, 60, allow_zero=True))
    selector: Text = field(default_factory=lambda: Text(max_len=200))

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"{self.seconds.expected}, or a CSS selector"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not scalar_node(node):
            return self.wrong(node, ctx, path)
        value = scalar_value(node)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.seconds.check(node, ctx, path)
        if isinstance(value, str) and parse_duration(value) is not None:
            return self.seconds.check(node, ctx, path)
        return self.selector.check(node, ctx, path)

    def json_schema(self) -> JSON:
        return {"anyOf": [self.seconds.json_schema(), {"type": "string", "maxLength": 200}]}


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
            WaitFor(),
            default=2.0,
            doc="Seconds the page may run its scripts after it has loaded, or a CSS selector "
            "(like '#programme .session'): the snapshot is taken once something matches it",
        ),
        "zoom": Field(
            Number(0.25, 4), default=1.0, doc="The page's zoom (2: everything twice as large)"
        ),
        "viewport": Field(
            Text(max_len=20, pattern=r"\d{3,4}x\d{3,4}", pattern_help="a size like 1920x1080"),
            doc="The browser window's size in CSS pixels, like 1920x1080 (default: the "
            "screen's, divided by the zoom: a portrait screen gets a portrait page)",
        ),
        "credentials": Field(
            Text(max_len=500),
            doc="A file on the screen's machine with one line user:password, given to the "
            "page's own site when it asks for a login (HTTP authentication; never to another "
            "site); keep it out of the content folder, e.g. /etc/signage/intranet.credentials",
            attr="credentials_file",
        ),
    },
    model=WebSlide,
)

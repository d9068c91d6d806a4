"""What every slide has (:class:`Slide`), the common keys handed to a kind's builder, and
what a kind declares (:class:`SlideKind`): its ``type``, keys and builder. Drawing is
:mod:`signage.draw.kinds`'."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from signage.core.model import Transition, When
from signage.core.schema import Ctx, Field, Located
from signage.live.model import Want


@dataclass(frozen=True, kw_only=True)
class Slide:
    """What every slide has. Kinds subclass it with their own fields."""

    type: ClassVar[str] = ""
    id: str
    duration_s: float
    transition: Transition
    when: When | None = None
    origin: str = ""  # "playlists/accueil.yaml:12", for messages about this slide
    # duration: auto: on screen while its text takes to read; for live slides (schedules)
    # the player counts the words of each drawing and holds the slide that long
    auto_duration: bool = False
    # text that does not fit at its floor: "page" (shown in pages, the default) or "cut"
    # (the author's explicit choice: cut with an ellipsis, and ``check`` says what was cut)
    overflow: str = "page"
    # the slide says ``duration: N`` itself: text in pages shares it; otherwise (auto, or
    # the playlist's default) the slide is held until every page is read
    fixed_duration: bool = False

    @property
    def title(self) -> str:
        """A short human label for status pages and proof of play."""
        return self.id

    def files(self) -> tuple[str, ...]:
        """The content folder's files this slide shows (relative paths): what ``publish``
        and ``push`` send. Kinds that use files say so; nobody guesses key names."""
        return ()

    def programmes(self) -> dict[str, float]:
        """The programmes this slide reads (a file of the content folder or an http(s) URL)
        with their refresh interval in seconds: what the programme fetcher keeps fresh."""
        return {}

    def live(self) -> dict[str, Want]:
        """The live sources this slide shows (an http(s) URL, or a file of the content
        folder), each with its parser and poll interval: what the live hub keeps fresh."""
        return {}

    def natural_s(self) -> float | None:
        """The slide's own length when it has one (a video's), for ``duration: auto``."""
        return None

    def reading(self) -> str:
        """The text a passer-by reads on this slide (``duration: auto`` counts its words)."""
        return ""

    def credentials(self) -> dict[str, str]:
        """Programme URLs that need HTTP basic auth, with the file holding ``user:password``."""
        return {}


@dataclass(frozen=True)
class Common:
    """The validated common keys of a slide, handed to a kind's ``build``."""

    id: str | None
    duration_s: float
    transition: Transition
    when: When | None
    origin: str
    overflow: str = "page"

    def kwargs(self, slide_id: str) -> dict[str, Any]:
        return {
            "id": self.id or slide_id,
            "duration_s": self.duration_s,
            "transition": self.transition,
            "when": self.when,
            "origin": self.origin,
            "overflow": self.overflow,
        }


Builder = Callable[["Common", "Located", "Ctx", str], list[Slide]]


@dataclass(frozen=True)
class SlideKind:
    """A kind of slide: its ``type``, its keys, and its model (one slide whose attributes
    are the keys, each under its ``attr`` when named otherwise), or its own ``build`` when
    one entry makes several slides or needs more than its keys (a folder, a probe)."""

    type: str
    doc: str
    fields: dict[str, Field]
    build: Builder | None = None
    one_of: tuple[str, ...] = ()  # at least one of these keys must be given
    rule: Callable[[Mapping[str, Any]], str | None] | None = None  # across keys: the error
    model: builtins.type[Slide] | None = None  # ``type`` is the field above

    def problem(self, values: Mapping[str, Any], what: str) -> str | None:
        """What is wrong across the entry's keys, if anything: none of ``one_of`` given, or
        the kind's own ``rule`` (``what``: "a social slide", "a clock widget")."""
        if self.one_of and not any(values.get(k) for k in self.one_of):
            return f"{what} needs {' or '.join(self.one_of)}"
        return self.rule(values) if self.rule else None

    def make(self, common: Common, values: Located, ctx: Ctx, slide_id: str) -> list[Slide]:
        """The slides an entry of a playlist (or a layout's widget) gives."""
        if self.build is not None:
            return self.build(common, values, ctx, slide_id)
        assert self.model is not None, f"slide type {self.type!r} has neither model nor build"
        given: dict[str, Any] = {}
        for key, spec in self.fields.items():
            value = values.get(key)
            if value is not None:
                given[spec.attr or key] = tuple(value) if isinstance(value, list) else value
        return [self.model(**common.kwargs(slide_id), **given)]

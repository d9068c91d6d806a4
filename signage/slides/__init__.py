"""Slide kinds by their YAML ``type``: each module declares its keys, its model and its
builder; :data:`KINDS` lists them all (no registration by import side effect). No Pillow
here: :mod:`signage.draw.kinds` draws them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from signage.slides import (
    clock,
    news,
    photo,
    qr,
    schedule,
    social,
    speaker,
    speakers,
    text,
    ticker,
    video,
    web,
)
from signage.slides.base import Common, Slide, SlideKind

__all__ = ["KINDS", "Common", "Registry", "Slide", "SlideKind", "kinds"]


class Registry(Mapping[str, SlideKind]):
    """The slide kinds by ``type``, each once."""

    def __init__(self, *given: SlideKind) -> None:
        self._kinds: dict[str, SlideKind] = {}
        for kind in given:
            if kind.type in self._kinds:
                raise ValueError(f"slide type {kind.type!r} declared twice")
            self._kinds[kind.type] = kind

    def __getitem__(self, name: str) -> SlideKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._kinds))

    def __len__(self) -> int:
        return len(self._kinds)


KINDS = Registry(
    clock.KIND,
    news.KIND,
    photo.PHOTO,
    photo.PHOTOS,
    qr.KIND,
    schedule.KIND,
    social.KIND,
    speaker.KIND,
    speakers.KIND,
    text.KIND,
    ticker.KIND,
    video.VIDEO,
    video.VIDEOS,
    web.KIND,
)


def kinds() -> Registry:
    """Every slide kind, by ``type``."""
    return KINDS

"""The files of the content a slide's form chooses from: a photo slide's image among the
content's images, a ``photos`` slide's folder among its folders."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from signage.core.values import Asset
from signage.studio.edit import Key

MAX_OPTIONS = 500


def with_options(keys: list[Key], root: Path) -> list[Key]:
    """``keys`` with, for each file or folder key, the content's files (of the kind's
    extensions) or folders it may name, by path, hidden ones (``.studio``) left out."""
    return [
        dataclasses.replace(key, options=_assets(root, key.field.type))
        if key.widget == "asset" and isinstance(key.field.type, Asset)
        else key
        for key in keys
    ]


def _assets(root: Path, asset: Asset) -> tuple[str, ...]:
    names = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or rel.parts[0] in ("playlists",):
            continue
        wanted = (
            path.is_dir()
            if asset.kind == "folder"
            else path.is_file()
            and (not asset.extensions or path.suffix.lower() in asset.extensions)
        )
        if wanted:
            names.append(rel.as_posix())
            if len(names) >= MAX_OPTIONS:
                break
    return tuple(names)

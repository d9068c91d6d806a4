"""The files of the content a slide's form chooses from: a photo slide's image among the
content's images, a ``photos`` slide's folder among its folders."""

from __future__ import annotations

import dataclasses
import os
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
    names: list[str] = []
    # hidden folders (.studio with its queue and history, .git) are not walked at all
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "playlists")
        here = Path(folder).relative_to(root)
        found = dirs if asset.kind == "folder" else sorted(
            f for f in files
            if not f.startswith(".")
            and (not asset.extensions or Path(f).suffix.lower() in asset.extensions)
        )  # fmt: skip
        names += [(here / name).as_posix() for name in found]
        if len(names) >= MAX_OPTIONS:
            break
    return tuple(sorted(names)[:MAX_OPTIONS])

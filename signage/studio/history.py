"""Every accepted change of the studio is a version: the content's text files (playlists,
theme, delays) as they were after it, and the studio's photos then present, kept in
``.studio/history/<n>/``. Bringing a version back writes those files back (a change of
its own, and a version too) and takes away the studio's photos added since."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signage.core.paths import atomic_write

KEPT = ("playlists/*.yaml", "theme.yaml", "delays.yaml")
PHOTO_PREFIX = "studio-"


@dataclass(frozen=True)
class Version:
    n: int
    at: str
    who: str
    what: str
    files: tuple[str, ...]  # the text files kept
    photos: tuple[str, ...]  # the studio's photos present


class History:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / ".studio" / "history"
        self._lock = threading.Lock()

    def record(self, who: str, what: str) -> Version:
        with self._lock:
            n = max((v.n for v in self.versions()), default=0) + 1
            place = self.folder / str(n)
            files = sorted({p for pattern in KEPT for p in self.root.glob(pattern) if p.is_file()})
            for path in files:
                atomic_write(place / path.relative_to(self.root), path.read_bytes())
            at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            version = Version(
                n,
                at,
                who,
                what,
                tuple(str(p.relative_to(self.root)) for p in files),
                self._photos(),
            )
            atomic_write(place / "version.json", json.dumps(version.__dict__).encode())
            return version

    def versions(self) -> list[Version]:
        found = []
        for meta in self.folder.glob("*/version.json"):
            try:
                data: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
                found.append(
                    Version(
                        **{**data, "files": tuple(data["files"]), "photos": tuple(data["photos"])}
                    )
                )
            except (OSError, ValueError, TypeError, KeyError):
                continue
        return sorted(found, key=lambda v: v.n, reverse=True)

    def restore(self, n: int) -> list[str]:
        """The content as version ``n`` left it; the files changed (KeyError: no such one)."""
        with self._lock:
            version = next((v for v in self.versions() if v.n == n), None)
            if version is None:
                raise KeyError(n)
            changed = []
            for name in version.files:
                kept = (self.folder / str(n) / name).read_bytes()
                target = self.root / name
                if not target.is_file() or target.read_bytes() != kept:
                    atomic_write(target, kept, mode=0o644)
                    changed.append(name)
            for photo in self._photos():
                if photo not in version.photos:
                    (self.root / photo).unlink(missing_ok=True)
                    changed.append(photo)
            return changed

    def _photos(self) -> tuple[str, ...]:
        found = [
            str(p.relative_to(self.root))
            for p in self.root.rglob(f"{PHOTO_PREFIX}*")
            if p.is_file() and ".studio" not in p.relative_to(self.root).parts
        ]
        return tuple(sorted(found))

"""A content-addressed store of files (``objects/<sha256>``) and assembling versions from it."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from signage.paths import atomic_file
from signage.sources.manifest import Entry, Manifest, ManifestError


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        return self.root / digest

    def has(self, entry: Entry) -> bool:
        path = self.path(entry.sha256)
        try:
            return path.stat().st_size == entry.size
        except OSError:
            return False

    def put(self, data: bytes | Iterable[bytes], entry: Entry) -> None:
        """Store bytes (or chunks, streamed to disk: never held whole in memory) that must be
        ``entry``: wrong sizes and hashes are refused, and nothing of them is left behind."""
        chunks = [data] if isinstance(data, bytes) else data
        digest, size = hashlib.sha256(), 0
        with atomic_file(self.path(entry.sha256)) as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > entry.size:
                    break
                digest.update(chunk)
                handle.write(chunk)
            if size != entry.size:
                shown = f"more than {entry.size:,}" if size > entry.size else f"{size:,}"
                raise ManifestError(
                    f"{entry.path}: got {shown} bytes, the manifest says {entry.size:,}"
                )
            actual = digest.hexdigest()
            if actual != entry.sha256:
                raise ManifestError(
                    f"{entry.path}: sha256 is {actual[:12]}…, the manifest says {entry.sha256[:12]}…"
                )

    def assemble(self, manifest: Manifest, target: Path) -> None:
        """Lay the manifest's files out under ``target`` (hard links into the store, else copies)."""
        target.mkdir(parents=True)
        resolved = target.resolve()
        for entry in manifest.files:
            destination = target / entry.path
            if not destination.resolve().is_relative_to(resolved):
                raise ManifestError(f"{entry.path}: leaves the content folder")
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = self.path(entry.sha256)
            try:
                os.link(source, destination)
            except OSError:
                shutil.copyfile(source, destination)

"""A content-addressed store of files (``objects/<sha256>``) and assembling versions from it."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from signage.core.paths import atomic_file
from signage.delivery.manifest import Entry, Manifest, ManifestError


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
        with atomic_file(self.path(entry.sha256)) as handle:
            _write_checked(chunks, entry, handle, hashlib.sha256(), 0)

    def _partial(self, entry: Entry) -> Path:
        return self.root / f".{entry.sha256}.partial"

    def kept(self, entry: Entry) -> int:
        """Bytes of ``entry`` kept from a download that was cut off (0: none): where to
        resume it."""
        try:
            size = self._partial(entry).stat().st_size
        except OSError:
            return 0
        return size if size < entry.size else 0

    def discard(self, entry: Entry) -> None:
        """Forget what was kept of ``entry``: its download starts again from the beginning."""
        self._partial(entry).unlink(missing_ok=True)

    def resume(self, chunks: Iterable[bytes], entry: Entry, start: int) -> None:
        """Store ``entry`` from what ``kept`` says is there (``start`` bytes; 0: from the
        beginning) and ``chunks``, the rest. A download cut off again keeps what came, for
        the next try; a file that turns out wrong (size, hash) is removed whole. The object
        appears only complete and checked (renamed into place), never half-written."""
        partial = self._partial(entry)
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        if start:
            with partial.open("rb") as kept:  # what came before, hashed again: streamed
                for block in iter(lambda: kept.read(1 << 20), b""):
                    digest.update(block)
        try:
            with partial.open("r+b" if start else "wb") as handle:
                handle.truncate(start)
                handle.seek(start)
                try:
                    _write_checked(chunks, entry, handle, digest, start)
                except Short:
                    raise  # what came is kept: the next try asks for the rest
                except ManifestError:
                    handle.truncate(0)  # wrong, not short: nothing of it is kept
                    raise
                handle.flush()
                os.fsync(handle.fileno())
        except ManifestError:
            if not partial.stat().st_size:
                partial.unlink(missing_ok=True)
            raise
        partial.replace(self.path(entry.sha256))

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


class Short(ManifestError):
    """Fewer bytes than the entry's size came (a download cut off)."""


def _write_checked(
    chunks: Iterable[bytes], entry: Entry, handle: Any, digest: Any, size: int
) -> None:
    """Write ``chunks`` after ``size`` bytes already hashed into ``digest``; ManifestError
    when the whole is not ``entry``'s size and hash."""
    for chunk in chunks:
        size += len(chunk)
        if size > entry.size:
            break
        digest.update(chunk)
        handle.write(chunk)
    if size > entry.size:
        raise ManifestError(
            f"{entry.path}: got more than {entry.size:,} bytes, the manifest says {entry.size:,}"
        )
    if size < entry.size:
        raise Short(f"{entry.path}: got {size:,} bytes, the manifest says {entry.size:,}")
    actual = digest.hexdigest()
    if actual != entry.sha256:
        raise ManifestError(
            f"{entry.path}: sha256 is {actual[:12]}…, the manifest says {entry.sha256[:12]}…"
        )

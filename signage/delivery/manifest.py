"""The feed's manifest: what a version of the content is made of, checked as hostile input."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

MAX_ENTRIES = 10_000
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_SHA_RE = re.compile(r"[0-9a-f]{64}")


class ManifestError(Exception):
    """A manifest that cannot be trusted; the message says what is wrong."""


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    version: str
    created: str
    files: tuple[Entry, ...]

    def to_json(self) -> bytes:
        return (
            json.dumps(
                {
                    "version": self.version,
                    "created": self.created,
                    "files": [
                        {"path": e.path, "size": e.size, "sha256": e.sha256} for e in self.files
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ).encode()
            + b"\n"
        )


def safe_path(text: object) -> str:
    """A relative POSIX path that stays inside the folder it is joined to."""
    if not isinstance(text, str) or not text or len(text) > 500:
        raise ManifestError(f"bad path {str(text)[:80]!r}")
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise ManifestError(f"path {text[:80]!r} contains a control character")
    if "\\" in text or "\0" in text or text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        raise ManifestError(f"path {text[:80]!r} must be relative, with forward slashes")
    parts = PurePosixPath(text).parts
    if any(part in ("..", ".", "") for part in text.split("/")) or not parts:
        raise ManifestError(f"path {text[:80]!r} leaves the content folder or is not normalised")
    if any(part.startswith(".") for part in parts):
        raise ManifestError(f"path {text[:80]!r} names a hidden file")
    return text


def parse_manifest(data: bytes, source: str) -> Manifest:
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError(
            f"{source}: manifest is larger than {MAX_MANIFEST_BYTES // 1_000_000} MB"
        )
    try:
        raw: Any = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:  # ValueError: a 5,000-digit number too
        start = data[:40].decode("utf-8", errors="replace").strip()
        raise ManifestError(f"{source}: not JSON (starts with {start!r}): {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("files"), list):
        raise ManifestError(
            f"{source}: expected an object with 'version', 'created' and a 'files' list"
        )
    version = raw.get("version")
    if not isinstance(version, str | int) or not str(version).strip() or len(str(version)) > 200:
        raise ManifestError(f"{source}: 'version' must be a short text")
    files = raw["files"]
    if len(files) > MAX_ENTRIES:
        raise ManifestError(f"{source}: {len(files):,} files; the limit is {MAX_ENTRIES:,}")
    entries: list[Entry] = []
    seen: set[str] = set()
    total = 0
    for index, item in enumerate(files):
        if not isinstance(item, dict):
            raise ManifestError(f"{source}: files[{index}] is not an object")
        try:
            path = safe_path(item.get("path"))
        except ManifestError as exc:
            raise ManifestError(f"{source}: files[{index}]: {exc}") from None
        size = item.get("size")
        digest = item.get("sha256")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_FILE_BYTES:
            raise ManifestError(
                f"{source}: files[{index}] ({path}): size must be 0..{MAX_FILE_BYTES:,}"
            )
        if not isinstance(digest, str) or not _SHA_RE.fullmatch(digest):
            raise ManifestError(
                f"{source}: files[{index}] ({path}): sha256 must be 64 lowercase hex digits"
            )
        if path.casefold() in seen:
            raise ManifestError(f"{source}: files[{index}]: {path} is listed twice")
        seen.add(path.casefold())
        total += size
        entries.append(Entry(path, size, digest))
    if total > MAX_TOTAL_BYTES:
        raise ManifestError(f"{source}: {total:,} bytes in all; the limit is {MAX_TOTAL_BYTES:,}")
    # "x.yaml" and "x.yaml/y" cannot both exist (it crashed the upload handler once)
    for entry in entries:
        parts = entry.path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder.casefold() in seen:
                raise ManifestError(f"{source}: {folder} is listed as a file and as a folder")
    if not any(e.path.startswith("playlists/") for e in entries):
        raise ManifestError(f"{source}: no playlists/ in this manifest")
    return Manifest(str(version), str(raw.get("created", "")), tuple(entries))

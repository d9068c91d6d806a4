"""Publishing content as a feed (``signage publish``), serving it (``signage serve``) and
uploading to that server (``signage push``).

A feed is ``manifest.json`` plus ``files/<sha256>``: files never change once
written, so any static server or CDN can cache them forever; the manifest is
written last and atomically, so a player never sees half a version.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from pathlib import Path
from typing import Any

from signage.content.folder import load_content, relative
from signage.content.model import Content
from signage.core import urls
from signage.core.diagnostics import Report
from signage.core.paths import atomic_write, chunks
from signage.delivery.manifest import Entry, Manifest, ManifestError, parse_manifest
from signage.delivery.objects import ObjectStore, sha256_of

log = logging.getLogger(__name__)


KEEP_VERSIONS = 20  # published versions kept in versions/ for --rollback


class PublishError(Exception):
    """Content that cannot be published; ``errors`` are ``path:line:col: error: …`` lines."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


def content_files(root: Path, content: Content) -> list[Path]:
    """The files a content folder's playlists actually use: playlists, theme, delays, assets."""
    files: set[Path] = set((root / "playlists").glob("*.yaml")) | set(
        (root / "playlists").glob("*.yml")
    )
    for name in ("theme.yaml", "delays.yaml"):
        if (root / name).is_file():
            files.add(root / name)
    for slide in content.slides():
        files.update(root / path for path in slide.files())  # each kind says what it uses
    theme = content.theme
    for value in (theme.logo, theme.font_regular, theme.font_bold):
        if value and Path(value).resolve().is_relative_to(root.resolve()):
            files.add(Path(value))
    return sorted(p for p in files if p.is_file())


def build_manifest(root: Path) -> tuple[Manifest, dict[str, Path]]:
    """Validate ``root`` as ``signage check`` does and describe it; PublishError if it is invalid."""
    content, report = load_content(root)
    if content is None:
        raise PublishError(
            f"{root}: content is not valid; nothing published", [d.format() for d in report.errors]
        )
    entries, sources = [], {}
    for path in content_files(root, content):
        digest = sha256_of(path)
        entries.append(Entry(relative(path, root), path.stat().st_size, digest))
        sources[digest] = path
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    version = f"{now:%Y%m%dT%H%M%SZ}-{content.version}"
    return Manifest(version, now.isoformat(), tuple(sorted(entries, key=lambda e: e.path))), sources


def publish(root: Path, out: Path) -> Manifest:
    """Write the feed for ``root`` into ``out``: files first, the manifest last and atomically."""
    manifest, sources = build_manifest(root)
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    for digest, path in sources.items():
        target = files / digest
        if not target.exists():
            atomic_write(target, chunks(path))  # streamed: a video is not read whole
    write_manifest(out, manifest)
    return manifest


def write_manifest(out: Path, manifest: Manifest) -> None:
    """The feed's current version, kept too in ``versions/<version>.json`` (the last
    ``KEEP_VERSIONS``) so that ``signage publish --rollback`` can bring it back."""
    data = manifest.to_json()
    versions = out / "versions"
    atomic_write(versions / f"{manifest.version}.json", data)
    atomic_write(out / "manifest.json", data)
    for old in sorted(versions.glob("*.json"))[:-KEEP_VERSIONS]:
        old.unlink(missing_ok=True)


def kept_versions(out: Path) -> list[str]:
    """The versions a feed can go back to, oldest first (their names sort by time)."""
    return sorted(p.stem for p in (out / "versions").glob("*.json"))


def used_files(out: Path) -> set[str]:
    """The files (sha256) the current version and every kept one need."""
    used: set[str] = set()
    for path in [out / "manifest.json", *(out / "versions").glob("*.json")]:
        try:
            used |= {e.sha256 for e in parse_manifest(path.read_bytes(), path.name).files}
        except (OSError, ManifestError):
            continue
    return used


def rollback(out: Path, version: str) -> Manifest:
    """Make a kept version the feed's current one again; PublishError when it is not kept
    or a file of it is missing."""
    kept = kept_versions(out)
    if not re.fullmatch(r"[\w.-]+", version) or version not in kept:
        latest = ", ".join(reversed(kept[-5:])) or "none"
        raise PublishError(f"{out}: no version {version} kept (the latest: {latest})")
    path = out / "versions" / f"{version}.json"
    manifest = parse_manifest(path.read_bytes(), str(path))
    missing = [e.path for e in manifest.files if not (out / "files" / e.sha256).is_file()]
    if missing:
        raise PublishError(f"{out}: version {version} misses files", missing)
    atomic_write(out / "manifest.json", manifest.to_json())
    return manifest


def validate_version(manifest: Manifest, store: ObjectStore) -> Report:
    """Assemble a manifest's files in a scratch folder and load them as content."""
    with tempfile.TemporaryDirectory(prefix="signage-validate-") as scratch:
        folder = Path(scratch) / "content"
        store.assemble(manifest, folder)
        _, report = load_content(folder)
    return report


# -- serve -------------------------------------------------------------------------------


# -- push --------------------------------------------------------------------------------


def push(root: Path, url: str, token: str, timeout_s: float = 30.0) -> str:
    """Upload ``root`` to a ``signage serve`` at ``url``: missing files, then the manifest."""
    import requests

    manifest, sources = build_manifest(root)
    headers = {"Authorization": f"Bearer {token}"}
    base = url.rstrip("/")
    try:
        response = requests.post(
            f"{base}/api/missing",
            json={"sha256": sorted(sources)},
            headers=headers,
            timeout=timeout_s,
        )
        _raise_for(response)
        for digest in response.json()["missing"]:
            with sources[digest].open("rb") as handle:  # streamed, not read whole
                upload = requests.put(
                    f"{base}/api/files/{digest}", data=handle, headers=headers, timeout=timeout_s
                )
            _raise_for(upload)
        done = requests.post(
            f"{base}/api/publish", data=manifest.to_json(), headers=headers, timeout=timeout_s
        )
        _raise_for(done)
    except requests.RequestException as exc:
        raise PublishError(f"{url}: cannot reach the feed server ({exc})") from exc
    return manifest.version


def _raise_for(response: Any) -> None:
    if response.status_code < 400:
        return
    try:
        data = response.json()
    except ValueError:
        data = {"error": response.text[:200]}
    raise PublishError(
        f"the server refused ({response.status_code}): {data.get('error')}",
        list(data.get("errors", [])),
    )


def read_token(path: Path) -> str:
    try:
        return urls.read_token(path)
    except ValueError as exc:
        raise PublishError(str(exc)) from exc

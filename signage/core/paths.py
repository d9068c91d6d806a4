"""Where the player keeps its state: feed cache, downloaded programmes, proof of play."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def state_dir() -> Path:
    """``$SIGNAGE_STATE_DIR``, systemd's ``$STATE_DIRECTORY`` (/var/lib/signage for the service),
    else ``$XDG_STATE_HOME/signage`` (~/.local/state/signage)."""
    for variable in ("SIGNAGE_STATE_DIR", "STATE_DIRECTORY"):
        value = os.environ.get(variable)
        if value:
            return Path(value.split(":")[0])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "signage"


def atomic_write(path: Path, data: bytes | Iterable[bytes], mode: int | None = None) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename over ``path``.

    The temporary name is unique to the call (two request threads of one process
    once collided on a name made of the process id), and it is removed when the
    write fails: a full disk leaves no partial file behind.
    """
    with atomic_file(path, mode) as handle:
        for chunk in [data] if isinstance(data, bytes) else data:
            handle.write(chunk)


CHUNK = 1 << 20


def chunks(path: Path, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """A file's bytes (from ``start`` to ``end``) a megabyte at a time (a video is never
    held whole in memory)."""
    with path.open("rb") as handle:
        handle.seek(start)
        left = -1 if end is None else end - start
        while left and (block := handle.read(CHUNK if left < 0 else min(CHUNK, left))):
            left -= len(block) if left > 0 else 0
            yield block


@contextlib.contextmanager
def atomic_file(path: Path, mode: int | None = None) -> Iterator[Any]:
    """A binary file to write that replaces ``path`` only if the block ends without error
    (mode 0600 unless ``mode`` is given: 0o644 for what another user's player reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def file_stamp(path: Path) -> tuple[int, int] | None:
    """A file's (mtime in ns, size): it changes when the file is rewritten; None when gone."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


SHM_DIR = Path("/dev/shm")  # noqa: S108 (where Linux keeps POSIX shared memory, not a temp file)


# the bundled example's parts (the repository's top level; pyproject.toml ships them in the
# wheel as ``signage.example``): what a copy of the example must take
EXAMPLE_FOLDERS = ("playlists", "assets", "programme", "actualites")
EXAMPLE_FILES = ("theme.yaml", "delays.yaml")


def copy_example(source: Path, dest: Path, without: Iterable[str] = ()) -> Path:
    """A copy of the example content folder at ``source`` into ``dest`` (its folders and
    files but those named in ``without``); ``dest``."""
    skipped = set(without)
    for name in EXAMPLE_FOLDERS:
        if name not in skipped:
            shutil.copytree(source / name, dest / name)
    for name in EXAMPLE_FILES:
        if name not in skipped and (source / name).exists():
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / name, dest / name)
    return dest


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a rename, a new file) durable: a power cut keeps them."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """``fsync_dir`` on ``path`` and every folder under it."""
    for folder in [path, *(p for p in path.rglob("*") if p.is_dir())]:
        fsync_dir(folder)

"""Content stays inside its folder.

A link ``assets/x.jpg -> /etc/passwd`` used to pass ``signage check``; ``publish``
then copied the target into the feed and ``serve`` handed it to anyone. Every
file a content folder uses is checked here: a symbolic link (at any level of
its path) whose target is outside the folder is refused, naming the link and
its target, and so is anything that is not a regular file or folder (a FIFO
would hang the reader, a device file would be read forever).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def outside_problem(root: Path, rel: str | Path, kind: str = "file") -> str | None:
    """Why ``root/rel`` may not be used as content (None when it may).

    ``kind`` is "file" or "folder": what the path must be once links are followed.
    Paths that do not exist are not a problem here (the caller says "not found").
    """
    try:
        base = root.resolve()
    except OSError:
        return None
    current = root
    for part in Path(rel).parts:
        current = current / part
        if current.is_symlink():
            try:
                written = str(current.readlink())
                target = current.resolve()
            except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
                why = exc.strerror if isinstance(exc, OSError) else "a loop of links"
                return f"{_shown(current, root)} is a link that cannot be followed ({why})"
            if not target.is_relative_to(base):
                return (
                    f"{_shown(current, root)} is a link to {written} ({target}), outside the "
                    "content folder; copy the file into the folder instead"
                )
    try:
        mode = (root / rel).stat().st_mode
    except OSError:
        return None
    if kind == "folder" and stat.S_ISDIR(mode):
        return None
    if stat.S_ISREG(mode) or (kind == "any" and stat.S_ISDIR(mode)):
        return None
    what = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return f"{_shown(root / rel, root)} is {what}, not a {'folder' if kind == 'folder' else 'file'}"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, refusing what is not a regular file without waiting:
    ``open()`` of a FIFO blocks until a writer comes. A programme replaced by a FIFO after
    its content was checked hung the drawing worker in ``open()``, and with it every frame
    after (the screen held its slide 29 s and more in CI, with nothing in ``/status``)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise OSError(errno.EINVAL, f"{what}, not a file", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def ensure_regular(path: Path) -> None:
    """OSError unless ``path`` is a regular file (checked without blocking; for readers
    that open the file themselves, FFmpeg)."""
    open_regular(path).close()


def regular_file(path: Path) -> bool:
    """True for a regular file, links followed (a FIFO or device is never read)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False

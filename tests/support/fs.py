"""A real full disk for tests: a small tmpfs in a private mount namespace.

``unshare -rm`` gives the command its own user and mount namespaces, where it
may mount a tmpfs of a few megabytes over a folder: writes there fail with a
real ENOSPC, as on a full SD card. The test reaches the same files through
``/proc/PID/root``, which shows the filesystem as that process sees it.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
from pathlib import Path


def tmpfs_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
        capture_output=True,
        timeout=10,
    )
    return probe.returncode == 0


def in_tmpfs(folder: Path, size: str) -> list[str]:
    """A command prefix: run the rest with a tmpfs of ``size`` mounted over ``folder``."""
    script = 'mount -t tmpfs -o size="$1" tmpfs "$0" && shift && exec "$@"'
    return ["unshare", "-rm", "sh", "-c", script, str(folder), size]


def seen_by(pid: int, path: Path) -> Path:
    """``path`` as process ``pid`` sees it (inside its mount namespace)."""
    return Path(f"/proc/{pid}/root") / path.relative_to("/")


def fill(folder: Path) -> Path:
    """Write a file into ``folder`` until its filesystem is full; returns the file."""
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler

"""Where the player keeps its state: feed cache, downloaded programmes, proof of play."""

from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    """``$SIGNAGE_STATE_DIR``, systemd's ``$STATE_DIRECTORY`` (/var/lib/signage for the service),
    else ``$XDG_STATE_HOME/signage`` (~/.local/state/signage)."""
    for variable in ("SIGNAGE_STATE_DIR", "STATE_DIRECTORY"):
        value = os.environ.get(variable)
        if value:
            return Path(value.split(":")[0])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "signage"


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)

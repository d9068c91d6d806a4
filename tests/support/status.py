"""``/status`` against its declarations (the reference page is generated from them)."""

from __future__ import annotations

from typing import Any

from signage.player.status import documented


def undocumented(status: dict[str, Any]) -> set[str]:
    """The keys of a real ``/status`` that its reference does not declare (a key whose
    declaration lists its own keys, ``slide.video``, is not walked into; under ``health``
    each part's name is free, its ``render`` declared)."""
    known = documented()
    missing: set[str] = set()

    def walk(value: Any, prefix: str) -> None:
        for key, inner in value.items():
            path = f"{prefix}{key}"
            if prefix == "health." and key != "render":
                continue
            if path not in known:
                missing.add(path)
                continue
            if isinstance(inner, list) and any(k.startswith(f"{path}[].") for k in known):
                for item in inner:
                    walk(item, f"{path}[].")
            elif isinstance(inner, dict) and any(k.startswith(f"{path}.") for k in known):
                walk(inner, f"{path}.")

    walk(status, "")
    return missing

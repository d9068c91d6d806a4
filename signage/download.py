"""Reading an HTTP body with a size cap: a server that sends too much is cut off, not believed."""

from __future__ import annotations

from typing import Any


class TooLarge(ValueError):
    pass


def read_capped(response: Any, limit: int, what: str) -> bytes:
    """The body of a streamed ``requests`` response, at most ``limit`` bytes; TooLarge beyond."""
    chunks, size = [], 0
    for chunk in response.iter_content(65536):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"{what}: more than {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)

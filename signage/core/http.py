"""Small HTTP helpers: a size-capped body reader (a server that sends too much is cut off,
not believed), the address a server is bound to, and the bearer-token check."""

from __future__ import annotations

import hmac
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


def bound_address(server: Any) -> str:
    """``host:port`` an http.server is listening on (the port the system chose for port 0)."""
    host, port = server.server_address[:2]
    name = host.decode() if isinstance(host, bytes) else host
    return f"{name}:{port}"


def bearer_ok(header: str | None, token: str | None) -> bool:
    """``Authorization: Bearer TOKEN`` matches ``token`` (compared in constant time)."""
    if not token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), token.encode())


def image_type(data: bytes) -> str:
    """The Content-Type of a cached picture, from its first bytes (a post's picture may be
    a PNG, a WebP or a GIF; served with nosniff, a wrong type shows nothing)."""
    head = data[:12]
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"GIF8"):
        return "image/gif"
    return "image/jpeg"

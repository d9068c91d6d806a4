"""URLs as they may be shown: credentials never leave the machine.

``https://user:password@host/feed`` works as a feed or programme URL (HTTP basic
auth), but the password must not reach ``/status`` (readable without the
token), the log, proof of play or the overlay: everything shown goes through
:func:`redact_url`.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from pathlib import Path
from typing import Any

# scheme://userinfo@ anywhere in a text (an exception's message may quote a URL)
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@\s:]*)(?::[^/@\s]*)?@")


def redact_url(url: str) -> str:
    """``https://user:***@host/…`` for a URL with a password; other URLs and texts unchanged."""
    return _USERINFO.sub(
        lambda m: f"{m['scheme']}{m['user']}:***@" if m.group(0).count(":") > 1 else m.group(0),
        url,
    )


def without_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without its ``user:password@`` part, and those credentials (None if absent)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    clean = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    user = urllib.parse.unquote(parts.username)
    return clean, (user, urllib.parse.unquote(parts.password or ""))


class CredentialsError(ValueError):
    pass


def read_credentials(path: Path) -> tuple[str, str]:
    """``user:password`` from the first line of a file (kept out of command lines and configs)."""
    try:
        line = path.read_text(encoding="utf-8").strip().splitlines()
    except OSError as exc:
        raise CredentialsError(
            f"{path}: cannot read the credentials file ({exc.strerror})"
        ) from exc
    except UnicodeDecodeError as exc:
        raise CredentialsError(f"{path}: the credentials file is not UTF-8") from exc
    if not line or ":" not in line[0]:
        raise CredentialsError(f"{path}: expected one line 'user:password'")
    user, password = line[0].split(":", 1)
    return user, password


def read_token(path: Path) -> str:
    """A bearer token from its file (the control API's, the feed server's); ValueError when
    it cannot be read or is too short to be a secret."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"cannot read the token file {path}: {exc.strerror}") from exc
    if len(token) < 16:
        raise ValueError(
            f"{path}: the token is too short (use at least 16 characters, e.g. `openssl rand -hex 24`)"
        )
    return token


def redact_tree(value: Any) -> Any:
    """Every string of a JSON-like tree passed through :func:`redact_url` (for ``/status``)."""
    if isinstance(value, str):
        return redact_url(value) if "@" in value else value
    if isinstance(value, dict):
        return {redact_tree(k): redact_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_tree(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """A log filter that takes passwords out of URLs in every message, whoever logs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "@" in message:
            record.msg, record.args = redact_url(message), None
        return True

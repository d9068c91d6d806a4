"""Downloading for the live sources: conditional requests, a size cap, the server's
``Retry-After`` and rate-limit headers read, and failures said in a few words."""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from dataclasses import dataclass
from typing import Any

import requests

from signage.core.http import read_capped
from signage.core.urls import redact_url
from signage.live.model import LiveError

TIMEOUT_S = (5, 20)  # connect, read
MAX_RETRY_AFTER_S = 6 * 3600.0
USER_AGENT = "signage (digital signage player; +https://github.com/)"
Validators = tuple[str | None, str | None]  # ETag, Last-Modified


class _Throttled(LiveError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Got:
    """A body downloaded, its validators, and how long the server asks to wait before the
    next request (its rate limit spent: ``X-RateLimit-Remaining: 0``)."""

    data: bytes
    validators: Validators
    wait_s: float | None = None
    kind: str = ""  # its Content-Type


def download(
    session: requests.Session,
    url: str,
    validators: Validators,
    limit: int,
    auth: tuple[str, str] | None = None,
    timeout: tuple[float, float] = TIMEOUT_S,
) -> Got | None:
    """``url``'s body (at most ``limit`` bytes) and its new validators, asked conditionally
    with ``validators`` (ETag, Last-Modified; the last good copy's only: a page that
    failed to parse is asked for whole again); None when the server says 304. A 429 or
    503 with ``Retry-After`` raises a LiveError that carries it (``retry_after``).
    ``auth``: HTTP basic credentials (a programme behind a password). The one way every
    source of data is downloaded: live sources, programmes, calendars and the content
    feed's manifest."""
    etag, modified = validators
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    with session.get(url, headers=headers, timeout=timeout, stream=True, auth=auth) as response:
        wait = _retry_after(response.headers.get("Retry-After"))
        if response.status_code == 304:
            return None
        if response.status_code in (429, 503) and wait is not None:
            raise _Throttled(f"HTTP {response.status_code}, retry after {wait:.0f} s", wait)
        response.raise_for_status()
        data = read_capped(response, limit, redact_url(url))
        found = (response.headers.get("ETag"), response.headers.get("Last-Modified"))
        kind = response.headers.get("Content-Type", "")
        return Got(data, found, _rate_limited(response.headers), kind)


def _rate_limited(headers: Any) -> float | None:
    """Seconds until the rate limit resets when none is left, else None: Mastodon's
    ``X-RateLimit-*`` (the reset an ISO time) or Bluesky's ``RateLimit-*`` (epoch seconds)."""
    if headers.get("RateLimit-Remaining") == "0":
        reset_at = headers.get("RateLimit-Reset", "")
        if reset_at.isdigit():
            return min(MAX_RETRY_AFTER_S, max(0.0, int(reset_at) - time.time()))
        return None
    if headers.get("X-RateLimit-Remaining") != "0":
        return None
    reset = headers.get("X-RateLimit-Reset")
    try:
        when = dt.datetime.fromisoformat(str(reset).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(MAX_RETRY_AFTER_S, max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds()))


def _retry_after(value: str | None) -> float | None:
    """``Retry-After``: seconds, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# what the system said of a connection that failed, and how /status says it
_CONNECTION_WORDS = (
    ("Connection refused", "connection refused"),
    ("Name or service not known", "unknown host name"),
    ("Temporary failure in name resolution", "no name resolution"),
    ("Network is unreachable", "network unreachable"),
    ("No route to host", "no route to host"),
    ("Connection aborted", "the server closed the connection"),
    ("Connection reset", "the server closed the connection"),
)


def reason(exc: Exception) -> str:
    """What went wrong, as /status says it (no stack, no library's wording)."""
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.Timeout):  # before ConnectionError: a ConnectTimeout is both
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        found = str(exc)
        why = next((said for words, said in _CONNECTION_WORDS if words in found), None)
        return f"cannot connect ({why})" if why else "cannot connect"
    if isinstance(exc, OSError) and not isinstance(exc, requests.RequestException):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    return str(exc)

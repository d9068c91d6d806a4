"""Reading a programme from a file or a URL, with its format detected from the content."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from signage.core.http import TooLarge, read_capped
from signage.core.inside import open_regular
from signage.programme.formats import c3voc_json, frab_xml, ical, pretalx_widget, sessionize
from signage.programme.model import Programme, ProgrammeError
from signage.programme.text import as_text

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_S = 15


def detect(data: bytes) -> str:
    """The format of a schedule export, from its content (never its file name)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return frab_xml.FORMAT
    if head.upper().startswith(b"BEGIN:VCALENDAR"):
        return ical.FORMAT
    if head.startswith((b"{", b"[")):
        return "json"
    return "unknown"


def parse(data: bytes, source: str, zone: dt.tzinfo | None = None) -> Programme:
    """A programme from bytes; raises :class:`ProgrammeError` naming ``source``.

    A programme cannot be refused for one bad character in an abstract, so text
    that is not text (lone surrogates, control characters) is replaced by U+FFFD.
    """
    programme = _parse(data, source, zone)
    if programme.format == ical.FORMAT:
        return programme  # cleaned per event before its occurrences were made (text.as_text)
    cleaned: Programme = as_text(programme)
    return cleaned


def _parse(data: bytes, source: str, zone: dt.tzinfo | None) -> Programme:
    if not data.strip():
        raise ProgrammeError(f"{source}: the file is empty")
    kind = detect(data)
    if kind == frab_xml.FORMAT:
        return frab_xml.parse(data, source, zone)
    if kind == ical.FORMAT:
        return ical.parse(data, source, zone)
    if kind == "json":
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:  # ValueError: a 5,000-digit number
            raise ProgrammeError(f"{source}: not valid JSON ({exc})") from exc
        if isinstance(parsed, dict) and "schedule" in parsed:
            return c3voc_json.parse(parsed, source, zone)
        if isinstance(parsed, dict) and "talks" in parsed:
            return pretalx_widget.parse(parsed, source, zone)
        if isinstance(parsed, dict) and "sessions" in parsed:
            return sessionize.parse(parsed, source, zone)
        keys = ", ".join(sorted(parsed)[:8]) if isinstance(parsed, dict) else type(parsed).__name__
        raise ProgrammeError(
            f"{source}: JSON of an unknown shape (top level: {keys}); expected a c3voc schedule.json, "
            "pretalx widget JSON or a Sessionize 'All' export"
        )
    snippet = data[:60].decode("utf-8", errors="replace").strip()
    raise ProgrammeError(
        f"{source}: not a schedule this player knows (starts with {snippet!r}); expected frab XML, "
        "schedule.json, pretalx widget JSON, Sessionize JSON or iCalendar"
    )


def read_source(source: str) -> bytes:
    """The bytes of a file or http(s) URL, with a size cap and a timeout."""
    if source.startswith(("http://", "https://")):
        import requests

        try:
            with requests.get(source, timeout=TIMEOUT_S, stream=True) as response:
                response.raise_for_status()
                return read_capped(response, MAX_BYTES, source)
        except TooLarge as exc:
            raise ProgrammeError(str(exc)) from None
        except requests.RequestException as exc:
            raise ProgrammeError(f"{source}: cannot download ({exc})") from exc
    path = Path(source)
    try:
        with open_regular(path) as file:  # a FIFO is refused, never waited on
            data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ProgrammeError(f"{source}: larger than {MAX_BYTES // 1_000_000} MB")
        return data
    except FileNotFoundError as exc:
        raise ProgrammeError(f"{source}: no such file") from exc
    except OSError as exc:
        raise ProgrammeError(f"{source}: cannot read ({exc.strerror})") from exc


def load(source: str, zone: dt.tzinfo | None = None) -> Programme:
    return parse(read_source(source), source, zone)

"""Urgent messages pushed by operators: a full-screen takeover or a banner, ending by
themselves. The message and its checks; :mod:`signage.draw.urgent` draws it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from signage.core.text import text_problem
from signage.live.cap import ShownAlert

STYLES = ("fullscreen", "banner")
# notice: the brand's colours; warning: black on yellow; emergency: white on red, over
# everything (a public alert is one of the last two, by its severity)
LEVELS = ("notice", "warning", "emergency")
MAX_TEXT = 500
MAX_EXPIRES_S = 24 * 3600


class MessageError(ValueError):
    """A message body that cannot be shown; the text says why (a 400 for the API)."""


@dataclass(frozen=True)
class UrgentMessage:
    id: int
    text: str
    style: str
    started: dt.datetime
    expires: dt.datetime
    level: str = "notice"
    alert: ShownAlert | None = None  # a public alert (CAP) shown as this message

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "style": self.style,
            "level": self.level,
            "started": self.started.isoformat(timespec="seconds"),
            "expires": self.expires.isoformat(timespec="seconds"),
        }


def level_of(alert: ShownAlert) -> str:
    """How a public alert looks: an emergency when severe or extreme, else a warning."""
    return "emergency" if alert.severity in ("Severe", "Extreme") else "warning"


FIELDS = ("text", "style", "expires_in", "level")


def validate(body: Any) -> tuple[str, str, float, str]:
    """(text, style, expires_in seconds, level) from a POST /message body, or MessageError."""
    if not isinstance(body, dict):
        raise MessageError(
            'expected a JSON object like {"text": "...", "style": "banner", "expires_in": 300}'
        )
    unknown = set(body) - set(FIELDS)
    if unknown:
        raise MessageError(f"unknown field(s): {', '.join(sorted(unknown))}")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MessageError("'text' must be a non-empty string")
    if len(text) > MAX_TEXT:
        raise MessageError(f"'text' is {len(text)} characters; the limit is {MAX_TEXT}")
    problem = text_problem(text)
    if problem is not None:
        raise MessageError(f"'text' {problem}")
    style = body.get("style", "fullscreen")
    if style not in STYLES:
        raise MessageError(f"'style' must be one of {', '.join(STYLES)}")
    expires = body.get("expires_in", 300)
    if (
        not isinstance(expires, int | float)
        or isinstance(expires, bool)
        or not 1 <= expires <= MAX_EXPIRES_S
    ):
        raise MessageError(f"'expires_in' must be a number of seconds from 1 to {MAX_EXPIRES_S}")
    level = body.get("level", "notice")
    if level not in LEVELS:
        raise MessageError(f"'level' must be one of {', '.join(LEVELS)}")
    return text.strip(), style, float(expires), level

"""Cleaning what schedule exports put in abstracts and names: HTML (escaped or not), Markdown."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from signage.core.markup import strip_html
from signage.core.text import clean_text

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
# A heading is "#" to "######" followed by a space: "#NantesDansMaPoche" is a hashtag.
_MD_HEAD = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_MD_RULE = re.compile(r"^\s*([-*_])\s*(\1\s*){2,}$", re.MULTILINE)


def strip_markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEAD.sub("", text)
    text = _MD_RULE.sub("", text)
    for _ in range(2):  # nested emphasis
        text = _MD_EMPH.sub(r"\2", text)
    return text


def clean(text: object, markdown: bool = True) -> str:
    """Plain text: HTML (and, for abstracts, Markdown) removed, line endings and blank lines
    normalised."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    value = strip_html(value)
    if markdown:
        value = strip_markdown(value)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in value.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def one_line(text: object) -> str:
    """Titles, room and speaker names: plain text as written, on one line. Only HTML tags and
    extra whitespace go; Markdown is not applied ("#NantesDansMaPoche : …" keeps its #)."""
    return " ".join(clean(text, markdown=False).split())


def as_text(value: Any, seen: dict[int, Any] | None = None) -> Any:
    """Every string of a programme's frozen dataclasses passed through ``clean_text``:
    a programme cannot be refused for one bad character in an abstract, so text that is
    not text (lone surrogates, control characters) is replaced by U+FFFD.

    Objects shared by many events (a recurring meeting's speakers) and repeated strings
    are cleaned once, and an object with nothing to clean is kept as it is: a calendar
    with 17,000 occurrences spent most of its import time here otherwise."""
    seen = {} if seen is None else seen
    known = seen.get(id(value))
    if known is not None:
        return known[1]
    if isinstance(value, str):
        cleaned: Any = clean_text(value)
    elif isinstance(value, tuple):
        items = tuple(as_text(v, seen) for v in value)
        changed = any(a is not b for a, b in zip(items, value, strict=True))
        cleaned = items if changed else value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for name, item in vars(value).items():
            if isinstance(item, (str, tuple)) or dataclasses.is_dataclass(item):
                new = as_text(item, seen)
                if new is not item and new != item:
                    changes[name] = new
        cleaned = dataclasses.replace(value, **changes) if changes else value
    else:
        return value
    seen[id(value)] = (value, cleaned)  # the original is kept alive: its id stays its own
    return cleaned

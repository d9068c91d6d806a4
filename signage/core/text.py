"""Text as text: what may enter the player from files, bodies and programmes.

A lone surrogate (``"\\ud800"``: legal in JSON and in YAML escapes, not in
UTF-8) reaches a renderer, a JSON encoder or a log writer and makes it raise;
a control character draws as a box or moves a terminal's cursor. Sources that
can be refused (playlists, control-API bodies) refuse such text with an error
that names the character; sources that cannot (a downloaded programme)
replace it with U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab, newline and carriage return; DEL; C1 controls; surrogates; the
# bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069), which reorder
# what follows them on screen ("Trojan Source", CVE-2021-42574).
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\ufffd"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be shown, naming the first bad character; None when it is fine."""
    match = _BAD.search(text)
    if match is None:
        return None
    code = ord(match.group())
    what = "an unpaired surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    if _BIDI.match(match.group()):
        what = "a bidi control"
    return f"contains {what} (U+{code:04X}) at character {match.start() + 1}; remove it"


def clean_text(text: str) -> str:
    """``text`` with every character that :func:`text_problem` refuses replaced by U+FFFD."""
    return _BAD.sub(REPLACEMENT, text)


def clean_tree(value: Any) -> Any:
    """Every string in a JSON-like tree (keys included) cleaned with :func:`clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_tree(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_tree(v) for v in value]
    return value


def tree_problem(value: Any, path: str = "") -> str | None:
    """The first string of a JSON-like tree that :func:`text_problem` refuses, with its path."""
    if isinstance(value, str):
        problem = text_problem(value)
        return f"{path or 'body'}: {problem}" if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = tree_problem(str(key), path or "body") if isinstance(key, str) else None
            found = found or tree_problem(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = tree_problem(item, f"{path}[{index}]")
            if found:
                return found
    return None

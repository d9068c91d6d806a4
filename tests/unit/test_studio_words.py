"""The studio's words: every French text the studio passes through ``_()`` has its English
one, and the language follows the browser's ``Accept-Language``."""

from __future__ import annotations

import ast

import pytest

from signage.studio import pages
from signage.studio.words import ENGLISH, LANG, _, language_of
from tests.support.paths import REPO


def _said_texts() -> set[str]:
    """Every literal the studio's code passes to ``_()``, and every page title."""
    found = set()
    for path in (REPO / "signage" / "studio").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "_" or (name == "page" and isinstance(node.args[0].value, str)):
                    found.add(node.args[0].value)
    return found


def test_every_text_has_its_english() -> None:
    texts = _said_texts() | set(pages.ROLE_NAMES.values()) | set(pages.STATE_NAMES.values())
    assert len(texts) > 60
    assert sorted(t for t in texts if t not in ENGLISH) == []


def test_english_templates_keep_their_values() -> None:
    for french, english in ENGLISH.items():
        assert sorted(_fields(french)) == sorted(_fields(english)), french


def _fields(template: str) -> list[str]:
    import string

    return [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "fr"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,en;q=0.5,fr;q=0.4", "en"),
        ("de, it", "fr"),
        ("en;q=0.2, fr;q=0.8", "fr"),
    ],
)
def test_the_language_follows_accept_language(header: str | None, language: str) -> None:
    assert language_of(header) == language


def test_texts_are_said_in_the_requests_language() -> None:
    token = LANG.set("en")
    try:
        assert (
            _("{n} photo(s) reçue(s), en attente de validation.", n=3)
            == "3 photo(s) received, waiting for approval."
        )
    finally:
        LANG.reset(token)
    assert _("Photos à valider") == "Photos à valider"  # French where nothing was asked

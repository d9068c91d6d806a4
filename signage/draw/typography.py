"""Typography of the text layout: French rules (a no-break space before : ; ! ? » and
inside « », no line ending on an article or a lone short word when the word before can
go down with it; a name of a few capitalised words, "Amphithéâtre Grand Bleu", kept on
one line when it fits one). English needs no space before a colon; its articles are
listed too.

Pillow-free on purpose: measured widths come in through the caller's fonts."""

from __future__ import annotations

import re
from typing import Any

# The space before : ; ! ? » and after « never breaks (a line never
# starts with a colon); a line does not end on one of these when the word before can go
# down with it (articles, prepositions, conjunctions, and any word of one or two letters)
GLUED = re.compile(
    r"[ \t]+(?=[:;!?»])|(?<=«)[ \t]+"
    # a number and its unit, a time: "9 h 15", "15 min", "10 %", "20 €" never break
    r"|(?<=\d)[ \t]+(?=(?:h|min|s|km|m|kg|%|€)(?![\w]))|(?<=\d[ \u00a0]h)[ \t]+(?=\d)"
)
CLINGING = frozenset(
    "le la les un une des de du au aux à et ou en par pour sur dans sans chez "  # noqa: SIM905
    "the a an of to and or in on".split()
)


def clings(word: str) -> bool:
    """A word that should not end a line (it belongs with the word after it)."""
    bare = word.strip(".,;:!?«»()\"'’").lower()
    return bool(bare) and (bare in CLINGING or (len(bare) <= 2 and bare.isalpha()))


def carried(pieces: list[Any], fonts: Any, size: int, room: float) -> list[Any]:
    """The last words of a full line, taken off it to start the next one, while they should
    not end a line (``clings``: "dans la" go down with "poche"), the line keeps at least
    two words, and they fit in ``room`` beside the word that comes."""
    taken: list[Any] = []
    while len(pieces) >= 3 and clings(pieces[-1].text):
        last = pieces[-1]
        room -= fonts.get(size, last.bold).getlength(last.text + " ")
        if room < 0:
            break
        taken.insert(0, pieces.pop())
    return taken


ELIDED = re.compile(r"^(?:qu|[cdjlmnst])[’']", re.IGNORECASE)  # l’Amphithéâtre, d’Issy
NAME_WORDS = (2, 4)  # a name is two to four capitalised words; more is a Title Case title


def capitalised(word: str) -> bool:
    """A word of a proper name: it starts with a capital letter, after an elision."""
    bare = ELIDED.sub("", word.lstrip('«("“‘'))
    return len(bare) >= 2 and bare[0].isupper()


def _spans(words: list[tuple[str, bool, bool]]) -> list[tuple[int, int]]:
    """The words as written: pieces joined without a space ("l’" then a bold
    "**Amphithéâtre**") are one word, (first index, index after the last)."""
    spans: list[list[int]] = []
    for index, (_, _, spaced) in enumerate(words):
        if index == 0 or spaced:
            spans.append([index, index + 1])
        else:
            spans[-1][1] = index + 1
    return [(a, b) for a, b in spans]


def kept(words: list[tuple[str, bool, bool]]) -> dict[int, int]:
    """What the layout keeps on one line when it fits one, from the index of its first
    piece to the index after its last: each word written in pieces ("l’" and a bold
    "Amphithéâtre"), and each proper name, a run of two to four capitalised words
    ("Amphithéâtre Grand Bleu", "Microsoft France", "l’Amphithéâtre Grand Bleu") that does
    not cross a sentence's or a clause's end; a name of three words or four wider than a
    line keeps its last ones together ("Amphithéâtre / Grand Bleu")."""
    spans = _spans(words)
    texts = ["".join(word for word, _, _ in words[a:b]) for a, b in spans]
    found: dict[int, int] = {a: b for a, b in spans if b - a > 1}
    start = 0
    while start < len(spans):
        end = start
        while end < len(spans) and capitalised(texts[end]):
            end += 1
            if texts[end - 1][-1] in ".,;:!?)»":
                break  # "… à Issy. Le Grand Bleu": a name does not cross the full stop
        if NAME_WORDS[0] <= end - start <= NAME_WORDS[1]:
            found[spans[start][0]] = spans[end - 1][1]
            if end - start >= 3:  # too wide for a line: "Amphithéâtre / Grand Bleu"
                found.setdefault(spans[start + 1][0], spans[end - 1][1])
        start = max(end, start + 1)
    return found

"""Typography of the text layout: French rules (a no-break space before : ; ! ? » and
inside « », no line ending on an article or a lone short word when the word before can
go down with it). English needs no space before a colon; its articles are listed too.

Pillow-free on purpose: measured widths come in through the caller's fonts."""

from __future__ import annotations

import re
from typing import Any

# The space before : ; ! ? » and after « never breaks (a line never
# starts with a colon); a line does not end on one of these when the word before can go
# down with it (articles, prepositions, conjunctions, and any word of one or two letters)
GLUED = re.compile(r"[ \t]+(?=[:;!?»])|(?<=«)[ \t]+")
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

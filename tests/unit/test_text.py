"""Text fitting: long French titles wrap and shrink, never spill; Markdown subset."""

from __future__ import annotations

import pytest

from signage.core.model import BUNDLED_BOLD, BUNDLED_REGULAR
from signage.draw.text import Block, Fonts, Run, fit, fit_line, layout, parse_markdown

FONTS = Fonts(str(BUNDLED_REGULAR), str(BUNDLED_BOLD))
TITLE = (
    "Intelligence artificielle : ce que les agents conversationnels changent pour le service public"
)


def test_markdown_subset() -> None:
    blocks = parse_markdown("Une **journée** pour tous.\nSuite.\n\n- un\n- **deux**\n1. premier\n")
    assert blocks[0] == Block((Run("Une "), Run("journée", True), Run(" pour tous. Suite.")))
    assert blocks[1].marker == "•" and blocks[1].runs == (Run("un"),)
    assert blocks[2].runs == (Run("deux", True),)
    assert blocks[3].marker == "1."


def test_unmatched_bold_marker_is_kept_as_text() -> None:
    assert parse_markdown("prix **10 €")[0].runs == (Run("prix **10 €"),)


@pytest.mark.parametrize("box", [(1700, 300), (900, 500), (500, 900), (300, 120)])
def test_fit_stays_inside_the_box(box: tuple[int, int]) -> None:
    placed = fit(parse_markdown(f"**{TITLE}**"), FONTS, box, 104, 20, max_lines=4)
    assert placed.height <= box[1]
    for line in placed.lines:
        for piece in line.pieces:
            right = piece.x + FONTS.get(placed.size, piece.bold).getlength(piece.text)
            assert right <= box[0] + 1, (piece, box)


def test_long_title_shrinks_but_short_title_stays_big() -> None:
    short = fit(parse_markdown("**Pause**"), FONTS, (1700, 300), 104, 20)
    long = fit(parse_markdown(f"**{TITLE}**"), FONTS, (1700, 300), 104, 20, max_lines=4)
    assert short.size == 104
    assert 20 < long.size < 104
    assert len(long.lines) > 1


def test_text_too_long_for_the_box_is_cut_with_an_ellipsis() -> None:
    text = " ".join([TITLE] * 30)
    placed = fit(parse_markdown(text), FONTS, (400, 100), 40, 18)
    assert placed.height <= 100 + 18 * 1.25
    assert placed.lines[-1].pieces[-1].text.endswith("…")


def test_wrap_respects_non_breaking_spaces() -> None:
    placed = layout(parse_markdown("à 9\u00a0h\u00a015 dans l’Amphithéâtre"), FONTS, 40, 200)
    texts = [p.text for line in placed.lines for p in line.pieces]
    assert "9\u00a0h\u00a015" in texts


def test_fit_line_cuts_names_that_cannot_fit() -> None:
    text, size = fit_line("Amphithéâtre Grand Bleu " * 5, FONTS, 300, 40, 20)
    assert size == 20 and text.endswith("…")
    assert FONTS.get(size).getlength(text) <= 300

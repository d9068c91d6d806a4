"""Readable from where people stand (issue 27): the screen's diagonal and viewing distance
with their units, floors as angles on capitals, text in pages instead of cut, the fixed
duration too short to read them, ``overflow: cut``, and ``check --legibility`` in metres."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from signage.cli import main
from signage.content.sequencer import Playing, held_for_reading
from signage.core.viewing import Viewing, parse_length
from signage.draw.canvas import Canvas, Screen
from signage.draw.legible import CONTENT, SECONDARY, letter_heights
from signage.player.config import load_config
from signage.player.frames import prepare
from tests.support.content import at, write_content
from tests.support.programmes import write_programme

MOMENT = at("2026-11-30 10:20")
WORDS = [
    "Les",
    "collectivités",
    "accueillent",
    "chaque",
    "jour",
    "des",
    "milliers",
    "d’usagers",
    ":",
    "l’agent",
    "conversationnel",
    "ne",
    "remplace",
    "pas",
    "l’accueil",
    "humain,",
    "il",
    "l’oriente",
    "et",
    "le",
    "soulage.",
]
LONG_BODY = " ".join(WORDS[i % len(WORDS)] for i in range(600))  # 600 words
PAGED = f"""
name: Annonces
slides:
  - {{type: text, id: longue, title: Un long texte, body: "{LONG_BODY}"}}
"""


def test_lengths_take_their_units_and_refuse_a_bare_number() -> None:
    assert parse_length("55in") == pytest.approx(1397.0)
    assert parse_length('55"') == pytest.approx(1397.0)
    assert parse_length("4m") == 4000.0
    assert parse_length("140 cm") == 1400.0
    assert parse_length("1397mm") == 1397.0
    for bad in ("55", "4 metres", "-4m", "0m", "m"):
        with pytest.raises(ValueError):
            parse_length(bad)


def test_floors_are_angles_on_capitals_for_the_screen_and_its_distance() -> None:
    hall = Viewing.of("55in", "4m")
    assert hall.pitch_mm((1920, 1080)) == pytest.approx(0.634, abs=0.001)
    assert hall.cap_floor_px(20, (1920, 1080)) == pytest.approx(36.7, abs=0.1)
    assert hall.cap_floor_px(16, (1920, 1080)) == pytest.approx(29.4, abs=0.1)
    # the angle and the distance a capital reads from are the same rule read backwards
    assert hall.arcmin(36.7, (1920, 1080)) == pytest.approx(20, abs=0.05)
    assert hall.readable_from_mm(29.4, (1920, 1080)) == pytest.approx(4000, rel=0.005)
    # the same panel in 4K has half the pitch: twice the pixels for the same capital
    assert hall.cap_floor_px(20, (3840, 2160)) == pytest.approx(73.4, abs=0.1)


def test_a_bigger_distance_gives_bigger_type_and_a_door_keeps_the_halls_floors(
    tmp_path: Path,
) -> None:
    content = write_content(tmp_path, {"a.yaml": PAGED})
    near = Canvas((1920, 1080), content.theme, tmp_path, MOMENT, distance_mm=2000)
    hall = Canvas((1920, 1080), content.theme, tmp_path, MOMENT)
    far_theme = replace(content.theme, viewing=Viewing(distance_mm=8000, assumed=False))
    far = Canvas((1920, 1080), far_theme, tmp_path, MOMENT)
    caps = [letter_heights(c.fonts.get(c.floor(CONTENT)))[0] for c in (near, hall, far)]
    # a door read from 2 m keeps the reference screen's floors (its own, 18.3 px, would be
    # lettering), as it keeps its type; from 8 m the floor doubles
    assert caps[0] == caps[1] < caps[2]
    assert caps[1] >= 36.7 and caps[2] >= 73.4
    for role in (CONTENT, SECONDARY):
        assert near.floor_cap(role) == hall.floor_cap(role)
    assert hall.floor_cap(SECONDARY) == pytest.approx(29.4, abs=0.1)
    assert hall.scale == 1.0 and far.scale == pytest.approx(2.0)  # design sizes follow
    assert near.scale == 1.0  # a screen read from closer keeps the reference's type
    assert far.font_px(54) > 2 * hall.font_px(54) - 2
    # per line of the screen: a 4K panel of the same size has twice the floor in pixels
    uhd = Canvas((3840, 2160), content.theme, tmp_path, MOMENT, distance_mm=2000)
    assert uhd.floor_cap(SECONDARY) == pytest.approx(2 * hall.floor_cap(SECONDARY))


def test_bad_viewing_values_name_the_file_line_and_field(tmp_path: Path) -> None:
    config = tmp_path / "player.yaml"
    config.write_text("screen: hall\nviewing:\n  diagonal: 55\n  distance: 400m\n", "utf-8")
    loaded, report = load_config(config)
    assert loaded is None
    said = [d.format() for d in report.items]
    assert any(
        f"{config}:3:" in line and "viewing.diagonal" in line and "needs its unit" in line
        for line in said
    ), said
    assert any(f"{config}:4:" in line and "out of range for a distance" in line for line in said)
    config.write_text("viewing: {diagonal: 32in, distance: 3m}\n", "utf-8")
    loaded, _ = load_config(config)
    assert loaded is not None and loaded.viewing == {
        "diagonal": pytest.approx(812.8),
        "distance": 3000.0,
    }


def test_a_door_layout_is_read_from_two_metres_and_a_region_may_say_its_own(
    tmp_path: Path,
) -> None:
    door = """
name: Porte
layout:
  - {name: main, x: 0, y: 0, w: 60%, h: 100%, playlist: porte}
  - {name: salle, x: 60%, y: 0, w: 40%, h: 100%, widget: room, source: programme/p.xml}
  - {name: loin, x: 0, y: 0, w: 10%, h: 10%, z: 1, widget: clock, distance: 6m}
slides:
  - {type: text, id: t, title: Porte}
"""
    write_programme(tmp_path / "programme" / "p.xml", 2)
    content = write_content(tmp_path, {"porte.yaml": door})
    layout = content.playlists[0].layouts.pick((1920, 1080))  # type: ignore[union-attr]
    assert layout is not None
    distances = {r.name: layout.distance_of(r) for r in layout.regions}
    assert distances == {"main": 2000.0, "salle": 2000.0, "loin": 6000.0}


def test_a_text_too_long_for_the_floor_goes_on_in_pages_each_long_enough_to_read(
    tmp_path: Path,
) -> None:
    content = write_content(tmp_path, {"a.yaml": PAGED})
    slide = content.playlists[0].slides[0]
    assert not slide.fixed_duration
    started = MOMENT
    first = prepare(slide, Canvas((1920, 1080), content.theme, tmp_path, MOMENT, started=started))
    assert first.pages >= 3 and first.page == 0
    assert not any(m.text.endswith("…") for m in first.marks)  # nothing cut
    assert f"1/{first.pages}" in {m.text for m in first.marks}
    # each page as long as its words take (3 a second + 2 s): 600 words, well over 200 s
    assert first.reading_s >= 600 / 3 + 2 * first.pages
    turn = first.valid_until
    assert turn is not None and started < turn < started + dt.timedelta(seconds=first.reading_s)
    later = prepare(slide, Canvas((1920, 1080), content.theme, tmp_path, turn, started=started))
    assert later.page == 1 and f"2/{first.pages}" in {m.text for m in later.marks}
    assert {m.text for m in later.marks} != {m.text for m in first.marks}
    # the player holds a slide in pages until every page is read (its duration not fixed)
    eight = started + dt.timedelta(seconds=8)
    playing = Playing(content.playlists[0], 0, started, eight, eight)
    held = held_for_reading(playing, later.words, later.reading_s)
    assert (held.ends - held.started).total_seconds() == pytest.approx(later.reading_s)
    told = replace(content.playlists[0], slides=(replace(slide, fixed_duration=True),))
    fixed = replace(playing, playlist=told)
    assert held_for_reading(fixed, later.words, later.reading_s).ends == eight


def check_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body_keys: str, *more: str
) -> tuple[int, str]:
    """``check --legibility`` of a folder with the 600-word slide: its exit code, and the
    slide's line of the report."""
    text = f"""
name: Annonces
slides:
  - {{type: text, id: longue, title: Un long texte, body: "{LONG_BODY}"{body_keys}}}
"""
    write_content(tmp_path, {"annonces.yaml": text})
    code = main(["check", "--legibility", str(tmp_path), "--size", "1920x1080",
                 "--at", "2026-11-30T10:00:00+01:00", *more])  # fmt: skip
    out = capsys.readouterr().out
    return code, next((line for line in out.splitlines() if "longue" in line), out)


def test_check_fails_a_fixed_duration_too_short_to_read_every_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, line = check_folder(tmp_path, capsys, ", duration: 5")
    assert code == 1, line
    assert "UNDER" in line and "playlists/annonces.yaml:4: error: duration 5 s is too short" in line


def test_overflow_cut_is_the_explicit_opt_in_and_check_names_the_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, line = check_folder(tmp_path, capsys, ", duration: 5, overflow: cut")
    assert code == 0, line
    assert 'overflow: cut, cut: "' in line and "UNDER" not in line


def test_check_speaks_in_metres_and_json_says_the_same_per_slide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_content(tmp_path, {"annonces.yaml": PAGED})
    code = main(["check", "--legibility", str(tmp_path), "--size", "1920x1080", "--at",
                 "2026-11-30T10:00:00+01:00", "--distance", "6m", "--diagonal", "65in", "--json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    (slide,) = [s for s in report["slides"] if s["slide"] == "longue"]
    assert slide["distance_m"] == 6.0 and slide["diagonal_in"] == 65.0
    assert slide["readable_from_m"] >= 6.0 and slide["pages"] >= 2
    smallest = slide["smallest"]
    assert smallest["arcmin"] >= 16 and smallest["cap_mm"] == pytest.approx(
        smallest["cap_px"] * 65 * 25.4 / (1920**2 + 1080**2) ** 0.5, abs=0.1
    )
    # the same folder read from 10 m at 4 m's type: refused, in metres
    code = main(["check", "--legibility", str(tmp_path), "--size", "1920x1080",
                 "--at", "2026-11-30T10:00:00+01:00", "--distance", "4m"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and re.search(r"readable from 4\.\d m\n", out), out
    with pytest.raises(SystemExit) as exited:  # a bare number: argparse refuses it
        main(["check", "--legibility", "--distance", "4"])
    assert exited.value.code == 2


def test_render_writes_every_page_and_marks_what_does_not_play(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = """
name: Plus tard
slides:
  - {type: text, id: soir, title: Ce soir, when: {from: "16:00"}}
"""
    write_content(tmp_path, {"annonces.yaml": PAGED, "soir.yaml": later})
    out = tmp_path / "out"
    code = main(["render", str(tmp_path), "--out", str(out), "--at", "2026-11-30T10:05:00+01:00",
                 "--size", "1920x1080", "--sheet", str(tmp_path / "sheet.png")])  # fmt: skip
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    pages = [n for n in names if n.startswith("01-longue")]
    assert len(pages) >= 3 and "01-longue-p2.png" in pages
    from PIL import Image

    soir = Image.open(out / "02-soir.png").convert("RGB")
    band = soir.getpixel((8, 540))
    assert band[0] < 60 and band[2] < 60  # crossed by the dark band that says so


def test_the_header_says_the_venue_whole_or_its_first_part_never_cut(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"a.yaml": PAGED})
    theme = replace(content.theme, venue="Microsoft France · Issy-les-Moulineaux")
    for size in ((1920, 1080), (1080, 1920), (720, 1280)):
        canvas = Canvas(size, theme, tmp_path, MOMENT, Screen("s"))
        venue = canvas.header_venue(size[0] * 0.5)
        assert venue is None or venue[0] in (
            "Microsoft France · Issy-les-Moulineaux",
            "Microsoft France",
        )
        assert canvas.floor(SECONDARY) <= (venue[1] if venue else canvas.floor(SECONDARY))


@pytest.mark.parametrize("width", [380, 420, 460, 500, 560, 640])
def test_french_lines_never_start_with_a_colon_nor_end_on_an_article(width: int) -> None:
    from signage.core.model import BUNDLED_BOLD, BUNDLED_REGULAR
    from signage.draw.text import Fonts, layout, parse_markdown
    from signage.draw.typography import clings

    fonts = Fonts(str(BUNDLED_REGULAR), str(BUNDLED_BOLD))
    for text in (
        "Applis mobiles : le territoire dans la poche",
        "Snapchat : parler aux ados là où ils sont",
        "Campagnes d’intérêt général : U-Report de l’UNICEF",
        "Il a dit « bonjour » à la ville de Nantes !",
    ):
        placed = layout(parse_markdown(text), fonts, 40, width)
        lines = [[p.text for p in line.pieces] for line in placed.lines]
        said = " ".join(w for line in lines for w in line).replace("\u00a0", " ")
        assert said == text  # every word, in order
        for index, line in enumerate(lines):
            assert not line[0].startswith((":", ";", "!", "?", "»")), lines
            # an article or a short word ends a line only when the line has two words
            if index < len(lines) - 1 and len(line) > 2:
                assert not clings(line[-1]), lines
        assert all(line.width <= width for line in placed.lines)


@pytest.mark.parametrize("width", range(260, 900, 20))
def test_a_name_of_capitalised_words_stays_on_one_line_when_it_fits_one(width: int) -> None:
    """ "Amphithéâtre Grand Bleu" and "Microsoft France" are never split across two lines
    when they fit on one, at every width; a name wider than a line still wraps, every word
    shown; words that are not a name (a sentence's end, a Title Case title) break as any."""
    from signage.core.model import BUNDLED_BOLD, BUNDLED_REGULAR
    from signage.draw.text import Fonts, layout, parse_markdown

    fonts = Fonts(str(BUNDLED_REGULAR), str(BUNDLED_BOLD))
    size = 40
    text = (
        "Rendez-vous dans l’Amphithéâtre Grand Bleu à 9 h, puis au déjeuner offert par "
        "Microsoft France dans le hall, avant la Salle Seine"
    )
    placed = layout(parse_markdown(text), fonts, size, width)
    lines = [" ".join(p.text for p in line.pieces) for line in placed.lines]
    assert " ".join(lines).replace("\u00a0", " ") == text  # every word, in order
    for name in ("l’Amphithéâtre Grand Bleu", "Microsoft France", "Salle Seine"):
        if fonts.get(size).getlength(name) <= width:
            assert any(name in line for line in lines), (name, lines)
    # wider than the line only a word alone that is wider than it ("l’Amphithéâtre" at 260)
    assert all(line.width <= width or len(line.pieces) == 1 for line in placed.lines)


def test_what_is_a_name_and_what_is_not() -> None:
    from signage.draw.text import Run, _words
    from signage.draw.typography import kept

    def found(text: str) -> list[str]:
        words = _words((Run(text, False),))
        return [" ".join(w for w, _, _ in words[a:b]) for a, b in kept(words).items()]

    assert found("dans l’Amphithéâtre Grand Bleu à 9 h") == [
        "l’Amphithéâtre Grand Bleu",
        "Grand Bleu",  # the rest of the name together when the whole is wider than a line
    ]
    assert found("à Issy. Le Grand Bleu ouvre") == ["Le Grand Bleu", "Grand Bleu"]  # no "Issy."
    assert found("Vers Une Communication Publique Plus Inclusive") == []  # a title
    assert found("Rendez-vous demain") == []  # one capitalised word is no name
    # a word in pieces (a bold name after an elision) is one word: never split
    words = _words((Run("Plénières dans l’", False), Run("Amphithéâtre Grand Bleu", True)))
    assert [w for w, _, _ in words[2:]] == ["l’", "Amphithéâtre", "Grand", "Bleu"]
    assert kept(words) == {2: 6, 4: 6}  # and "Grand Bleu" when the whole does not fit


def test_a_room_slide_does_not_play_on_a_screen_without_a_room(tmp_path: Path) -> None:
    """``room: auto`` on a screen with no room: skipped (the room view fell back to every
    room and repeated the slide before it), played on a screen that has one."""
    from signage.content.sequencer import not_here, what_now

    write_programme(tmp_path / "programme" / "p.xml", 2)
    playlist = """
name: Programme
slides:
  - {type: schedule, id: salle, source: programme/p.xml, view: room, room: auto}
  - {type: schedule, id: tout, source: programme/p.xml, view: now-next}
  - {type: speakers, id: gens, source: programme/p.xml, room: auto}
"""
    content = write_content(tmp_path, {"p.yaml": playlist})
    skip = not_here(content, None)
    assert {key[1] for key in skip} == {"salle", "gens"}
    assert not_here(content, "Salle Seine") == set()
    shown = set()
    moment = MOMENT
    playing = what_now(content, "s", moment, None, skip)
    for _ in range(6):
        assert playing.slide is not None
        shown.add(playing.slide.id)
        moment = playing.until + dt.timedelta(milliseconds=1)
        playing = what_now(content, "s", moment, playing, skip)
    assert shown == {"tout"}


def test_play_flags_go_over_the_files_viewing(tmp_path: Path) -> None:
    import argparse

    from signage.player.flags import add_flags, add_viewing_flags, merge

    config = tmp_path / "player.yaml"
    config.write_text("viewing: {diagonal: 65in, distance: 5m}\n", "utf-8")
    loaded, _ = load_config(config)
    parser = argparse.ArgumentParser()
    add_flags(parser)
    add_viewing_flags(parser)
    merged = merge(loaded, parser.parse_args(["--distance", "8m"]))
    assert merged.viewing == {"diagonal": pytest.approx(1651.0), "distance": 8000.0}
    assert merge(loaded, parser.parse_args([])).viewing == loaded.viewing  # type: ignore[union-attr]


def test_a_name_wider_than_a_line_keeps_its_last_words_together() -> None:
    """A room's name on two lines: "Amphithéâtre / Grand Bleu", not "Amphithéâtre Grand /
    Bleu" (the door's heading, read from 2 m, at a size where the whole does not fit)."""
    from signage.core.model import BUNDLED_BOLD, BUNDLED_REGULAR
    from signage.draw.text import Fonts, wrap_line

    fonts = Fonts(str(BUNDLED_REGULAR), str(BUNDLED_BOLD))
    name = "Amphithéâtre Grand Bleu"
    size = 80
    width = fonts.get(size, True).getlength("Amphithéâtre Grand") + 10  # not the whole
    placed = wrap_line(name, fonts, width, size, size, bold=True)
    lines = [" ".join(p.text for p in line.pieces) for line in placed.lines]
    assert lines == ["Amphithéâtre", "Grand Bleu"], lines

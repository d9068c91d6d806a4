"""Legibility (issues 13 and 27): text floors as angles on capitals for the screen and its
viewing distance, layouts that fill their space and page, contrast against the pixels
behind text, and ``signage check --legibility``. Every slide kind is drawn with long French titles and,
for the programme views, with twelve rooms, in both orientations, and compared with a
snapshot; the measures come from what the renderer recorded of each line it drew."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from signage.cli import main
from signage.content.model import Content
from signage.content.theme import with_profiles
from signage.core.viewing import Viewing
from signage.draw.canvas import Canvas, Frame, Screen
from signage.draw.legible import CONTENT, floor_cap
from signage.player.frames import flatten, prepare
from signage.slides import Slide
from tests.support.content import at, write_content
from tests.support.images import compare
from tests.support.paths import DATA
from tests.support.programmes import TITLES, write_programme

SIZES = {"landscape": (640, 360), "portrait": (360, 640)}
MOMENT = at("2026-11-30 10:20")
LONG = TITLES[0]
BODY = (
    "Les collectivités territoriales accueillent chaque jour des milliers d’usagers : "
    "l’agent conversationnel ne remplace pas l’accueil humain, il l’oriente, le soulage "
    "et le rend disponible à toute heure, en français comme en langue des signes."
)
KINDS = f"""
name: Lisibilité
defaults: {{duration: 10}}
slides:
  - {{type: text, id: text, title: "{LONG}", subtitle: "{TITLES[1]}", body: "{BODY}"}}
  - {{type: text, id: text-photo, title: "{LONG}", body: "{BODY}", background: assets/clair.png}}
  - type: speaker
    id: speaker
    name: Marie-Christine de La Rochefoucauld-Montmorency
    role: "{TITLES[1]}"
    organisation: Direction interministérielle du numérique et du système d’information de l’État
    bio: "{BODY}"
  - {{type: photo, id: photo, image: assets/clair.png, caption: "{LONG}"}}
  - {{type: qr, id: qr, url: "https://example.org/programme", caption: "{TITLES[3]}"}}
  - {{type: clock, id: clock}}
  - {{type: ticker, id: ticker, items: ["{LONG}", "{TITLES[2]}"]}}
"""
VIEWS = """
name: Programme {name}
slides:
  - {{type: schedule, id: room, source: programme/{name}.xml, view: room, room: Salle Seine}}
  - {{type: schedule, id: now-next, source: programme/{name}.xml, view: now-next}}
  - {{type: schedule, id: day, source: programme/{name}.xml, view: day}}
  - {{type: schedule, id: door, source: programme/{name}.xml, view: door, room: Salle Seine}}
  - {{type: speakers, id: speakers, source: programme/{name}.xml}}
"""
CASES = [(kind, "long") for kind in ("text", "text-photo", "speaker", "photo", "qr", "clock",
         "ticker", "room", "now-next", "day", "door", "speakers")]  # fmt: skip
CASES += [(kind, "twelve") for kind in ("room", "now-next", "day", "door", "speakers")]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    root = tmp_path_factory.mktemp("legible")
    (root / "assets").mkdir()
    bright = Image.new("RGB", (800, 600), (236, 240, 244))  # a pale photo: white text fails
    pen = ImageDraw.Draw(bright)
    for x in range(0, 800, 40):
        pen.rectangle((x, 300, x + 20, 600), fill=(250, 250, 250))
    bright.save(root / "assets" / "clair.png")
    write_programme(root / "programme" / "deux.xml", 2)
    write_programme(root / "programme" / "douze.xml", 12)
    return write_content(
        root,
        {
            "kinds.yaml": KINDS,
            "deux.yaml": VIEWS.format(name="deux"),
            "douze.yaml": VIEWS.format(name="douze"),
        },
    )


def slide_of(content: Content, kind: str, case: str) -> Slide:
    name = "kinds" if kind not in ("room", "now-next", "day", "door", "speakers") else (
        "deux" if case == "long" else "douze")  # fmt: skip
    playlist = next(p for p in content.playlists if Path(p.path).stem == name)
    return next(s for s in playlist.slides if s.id == kind)


def draw(content: Content, slide: Slide, size: tuple[int, int], **more: object) -> Frame:
    canvas = Canvas(size, content.theme, Path(content.root), MOMENT, Screen("s"), **more)  # type: ignore[arg-type]
    return prepare(slide, canvas)


def assert_legible(
    frame: Frame, screen: tuple[int, int], scale: float = 1.0, what: str = ""
) -> None:
    """Every line's capitals at least its role's floor on this screen read from 4 m (55 in),
    contrasted enough, inside its area, and nothing cut with an ellipsis."""
    assert frame.marks, f"{what}: no text recorded"
    for mark in frame.marks:
        floor = floor_cap(mark.role, Viewing(), screen, scale)
        assert mark.cap >= floor - 0.5, f"{what}: {mark.role} {mark.text!r} {mark.cap} < {floor}"
        assert not mark.text.endswith("…"), f"{what}: {mark.text!r} is cut"
        assert mark.contrast >= mark.needed, f"{what}: {mark.text!r} contrast {mark.contrast}"
        assert not mark.clipped, f"{what}: {mark.text!r} does not fit its area"


@pytest.mark.parametrize("orientation", SIZES)
@pytest.mark.parametrize(("kind", "case"), CASES)
def test_every_kind_meets_the_floors_with_long_titles_and_twelve_rooms(
    content: Content, kind: str, case: str, orientation: str
) -> None:
    size = SIZES[orientation]
    frame = draw(content, slide_of(content, kind, case), size)
    assert_legible(frame, size, what=f"{kind} {case} {orientation}")
    compare(flatten(frame, size), f"legible-{kind}-{case}-{orientation}")


@pytest.mark.parametrize("orientation", SIZES)
def test_a_long_title_wraps_whole_never_cut(content: Content, orientation: str) -> None:
    """The text slide's title: several lines at one size, every word of it (a portrait
    announcement's title was cut after three lines above 1,300 px of empty screen)."""
    frame = draw(
        content,
        slide_of(content, "text", "long"),
        (1920, 1080)[:: 1 if orientation == "landscape" else -1],
    )
    words = LONG.replace(" :", "\u00a0:").split(" ")  # no line starts with a colon
    title = frame.marks[: len(words)]  # the title is drawn first, a word at a time
    assert [m.text for m in title] == words
    lines = {m.box[1] for m in title}
    assert len(lines) >= 2, lines
    assert len({m.height for m in title}) == 1  # one size for the whole title


@pytest.mark.parametrize("orientation", SIZES)
def test_twelve_rooms_page_instead_of_shrinking(content: Content, orientation: str) -> None:
    size = (1920, 1080) if orientation == "landscape" else (1080, 1920)
    for kind in ("now-next", "day"):
        frame = draw(content, slide_of(content, kind, "twelve"), size)
        pages = [m.text for m in frame.marks if re.fullmatch(r"\d+/\d+", m.text)]
        assert pages and int(pages[0].split("/")[1]) >= 2, (kind, pages)
        assert frame.valid_until is not None and frame.valid_until - MOMENT <= dt.timedelta(
            seconds=12
        )
        assert_legible(frame, size, what=kind)
    # the next page, twelve seconds on, shows other rooms
    first = draw(content, slide_of(content, "now-next", "twelve"), size)
    later = Canvas(
        size, content.theme, Path(content.root), MOMENT + dt.timedelta(seconds=12), Screen("s")
    )
    second = prepare(slide_of(content, "now-next", "twelve"), later)
    assert {m.text for m in first.marks} != {m.text for m in second.marks}


def test_two_rooms_fill_the_height_one_size_per_role(content: Content) -> None:
    size = (1920, 1080)
    two = draw(content, slide_of(content, "now-next", "long"), size)
    twelve = draw(content, slide_of(content, "now-next", "twelve"), size)
    canvas = Canvas(size, content.theme, Path(content.root), MOMENT)
    _, top, _, body_h = canvas.body()
    lowest = max(m.box[3] for m in two.marks if m.read)
    assert lowest > top + body_h * 0.7  # the rows reach down the screen, no empty bottom half

    def titles(frame: Frame) -> list[int]:  # the talks' titles, below the view's heading
        below = frame.marks[0].box[3]
        return [m.cap for m in frame.marks if m.role == CONTENT and m.read and m.box[1] > below]

    # one size per role for the whole grid (the rooms' names, the talks' titles): a short
    # "Pause" is never larger than the long title beside it
    assert len(set(titles(two))) <= 2 and len(set(titles(twelve))) <= 2


def test_the_room_view_fills_the_screen(content: Content) -> None:
    for size in ((1920, 1080), (1080, 1920)):
        frame = draw(content, slide_of(content, "room", "long"), size)
        canvas = Canvas(size, content.theme, Path(content.root), MOMENT)
        _, top, _, body_h = canvas.body()
        lowest = max(m.box[3] for m in frame.marks if m.read)
        assert lowest > top + body_h * 0.6, (size, lowest)


@pytest.mark.parametrize("kind", ["text", "speaker", "photo", "qr", "clock", "ticker", "room",
                                  "now-next", "day", "door", "speakers"])  # fmt: skip
def test_in_a_region_the_floors_follow_the_screen_not_the_region(
    content: Content, kind: str
) -> None:
    """A 1280x720 region of a 1920x1080 screen: capitals are at least the screen's floors
    (37 px for content from 4 m), whatever the region's size; what does not fit pages."""
    region = (1280, 720) if kind != "ticker" else (1920, 80)
    slide = slide_of(content, kind, "long")
    frame = draw(content, slide, region, chrome=False, display=(1920, 1080))
    assert_legible(frame, (1920, 1080), what=kind)


def test_the_large_profile_raises_every_floor_by_a_quarter(content: Content) -> None:
    large = replace(content, theme=with_profiles(content.theme, ("large",)))
    for kind, case in (
        ("text", "long"),
        ("room", "long"),
        ("now-next", "twelve"),
        ("door", "long"),
    ):
        frame = draw(large, slide_of(large, kind, case), (1920, 1080))
        assert_legible(frame, (1920, 1080), scale=1.25, what=kind)
    normal = Canvas((1920, 1080), content.theme, Path(content.root), MOMENT)
    bigger = Canvas((1920, 1080), large.theme, Path(large.root), MOMENT)
    assert bigger.header_height == round(normal.header_height * 1.25)  # the header scales too


def test_text_over_a_pale_photo_gets_a_scrim_only_where_needed(content: Content) -> None:
    size = (1920, 1080)
    frame = draw(content, slide_of(content, "photo", "long"), size)
    image = flatten(frame, size)
    caption = [m for m in frame.marks if m.read]
    assert caption and all(m.contrast >= 4.5 for m in caption)
    # darkened under the caption, the photo untouched at mid-height
    x0, y0, x1, _ = caption[0].box
    assert sum(image.getpixel(((x0 + x1) // 2, y0 - 4))) < sum(image.getpixel((960, 540))) - 150
    assert image.getpixel((960, 400)) == (236, 240, 244) or sum(image.getpixel((960, 400))) > 690
    # the same photo slide over a dark picture: no gradient at all
    dark = Image.new("RGB", (800, 600), (20, 24, 40))
    path = Path(content.root) / "assets" / "sombre.png"
    dark.save(path)
    night = replace(slide_of(content, "photo", "long"), image="assets/sombre.png")
    plain = flatten(draw(content, night, size), size)
    assert plain.getpixel((5, 1080 - 64 - 120)) == plain.getpixel((5, 300))  # nothing added


def test_states_are_said_in_words_and_symbols_not_colour_alone(content: Content) -> None:
    day = slide_of(content, "day", "long")
    first = draw(content, day, (1920, 1080))
    pages = max(
        [int(m.text.split("/")[1]) for m in first.marks if re.fullmatch(r"\d+/\d+", m.text)],
        default=1,
    )
    texts = " ".join(  # every page of the day
        m.text
        for page in range(pages)
        for m in prepare(
            day,
            Canvas(
                (1920, 1080),
                content.theme,
                Path(content.root),
                MOMENT + dt.timedelta(seconds=12 * page),
                Screen("s"),
            ),
        ).marks
    )
    assert "▶" in texts  # the talks on now, not only in the accent colour
    door = " ".join(
        m.text for m in draw(content, slide_of(content, "door", "long"), (1920, 1080)).marks
    )
    assert "Occupé" in door or "Libre" in door


@pytest.mark.slow
def test_check_legibility_passes_on_the_bundled_example(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([
        "check", "--legibility", "--at", "2026-11-30T10:20:00+01:00",
        "--at", "2026-11-30T14:00:00+01:00", "--room", "Amphithéâtre Grand Bleu",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert (
        "legibility at 1920x1080, 55 in (assumed) read from 4 m, 0.634 mm a pixel: capitals at "
        "least content 37 px (20′), secondary 30 px (16′), clock 30 px (16′)"
    ) in out
    assert "legibility at 1080x1920" in out
    assert "playlists/accueil.yaml: bienvenue at 1920x1080: smallest capitals" in out
    assert " 0 under the floors" in out and "UNDER" not in out
    hall = re.search(r"read from 4 m: readable from (\d+\.\d) m", out)
    door = re.search(r"read from 2 m: readable from (\d+\.\d) m", out)
    assert hall and float(hall.group(1)) >= 4.0, out[-300:]
    assert door and float(door.group(1)) >= 2.0, out[-300:]


def test_check_legibility_fails_on_a_folder_made_to_fail(
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = DATA / "illegible"
    code = main(["check", "--legibility", str(folder), "--size", "1920x1080",
                 "--at", "2026-11-30T10:00:00+01:00"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1, out
    lines = {
        line.split(": ", 2)[1].split(" at ")[0]: line
        for line in out.splitlines()
        if "yaml: " in line
    }
    assert "UNDER" in lines["accueil"] and "contrast" in lines["accueil"], lines["accueil"]
    clock = next(line for key, line in lines.items() if "heure" in key)
    assert "does not fit its area" in clock, clock
    assert "2 under the floors" in out or "under the floors" in out


SCHEDULES = """
name: Auto
defaults: {duration: 5}
slides:
  - {type: schedule, id: auto, source: programme/douze.xml, view: day, duration: auto}
  - {type: schedule, id: fixe, source: programme/douze.xml, view: day}
"""


def test_duration_auto_holds_a_schedule_for_the_words_it_shows(tmp_path: Path) -> None:
    """A schedule's words are known once drawn: ``duration: auto`` holds it that long (about
    3 words a second + 2 s, here far more than the default 5 s); a fixed one keeps its 5 s."""
    from signage.content.playlist import reading_seconds
    from signage.core.clock import FakeClock
    from signage.player.display import Display
    from signage.player.loop import Player

    write_programme(tmp_path / "programme" / "douze.xml", 12)
    content = write_content(tmp_path, {"auto.yaml": SCHEDULES}, "header: false\n")
    display = Display((640, 360), fullscreen=False)
    clock = FakeClock(at("2026-11-30 09:30"))
    player = Player(display, clock, Screen("s"), content)
    try:
        deadline = dt.datetime.now() + dt.timedelta(seconds=20)
        while player.current is None:
            assert dt.datetime.now() < deadline
            player.iterate()
        playing = player.timeline.playing
        assert playing is not None and playing.slide is not None and playing.slide.id == "auto"
        words = player.current.words
        assert words > 30
        held = (playing.ends - playing.started).total_seconds()
        assert held == reading_seconds(words) > 5
        # the fixed one after it stays 5 s
        clock.set(playing.ends + dt.timedelta(seconds=0.1))
        deadline = dt.datetime.now() + dt.timedelta(seconds=20)
        while player.timeline.playing.slide.id != "fixe" or player.timeline.waiting:
            assert dt.datetime.now() < deadline
            player.iterate()
        after = player.timeline.playing
        assert (after.ends - after.started).total_seconds() == 5
    finally:
        player.preparer.close()
        display.close()


@pytest.mark.parametrize("style", ["fullscreen", "banner"])
def test_urgent_messages_meet_the_floors(content: Content, style: str) -> None:
    from signage.content.urgent import UrgentMessage
    from signage.draw.urgent import render_message

    text = "Évacuation du bâtiment B : sortez par l’escalier nord, " + LONG
    for size in ((1920, 1080), (1080, 1920)):
        canvas = Canvas(size, content.theme, Path(content.root), MOMENT, Screen("s"))
        message = UrgentMessage(1, text, style, MOMENT, MOMENT + dt.timedelta(minutes=5))
        frame = render_message(message, canvas)
        assert_legible(frame, size, what=f"{style} {size}")


@pytest.mark.slow
def test_check_legibility_passes_on_the_example_with_the_large_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by this check: in large type "Amphithéâtre" overflowed its column into the
    next cell (contrast 1.6:1 against the text under it); such rooms are stacked now."""
    config = tmp_path / "player.yaml"
    config.write_text("accessibility: [large]\n", encoding="utf-8")
    code = main(
        ["check", "--legibility", "--config", str(config), "--at", "2026-11-30T10:20:00+01:00"]
    )
    out = capsys.readouterr().out
    assert code == 0, [line for line in out.splitlines() if "UNDER" in line]
    assert "capitals at least content 46 px (20′), secondary 37 px (16′), clock 37 px" in out


def test_in_a_narrow_column_the_day_puts_the_time_over_the_title(content: Content) -> None:
    """A hall's sidebar (730x832 of a 1920x1080 screen): a title beside its time got ten
    letters a line (seven lines a talk, one talk a page in the bundled example). Stacked:
    the time and the room on a line, the title under them at the column's full width."""
    for case in ("long", "twelve"):
        slide = slide_of(content, "day", case)
        column = draw(content, slide, (730, 832), chrome=False, display=(1920, 1080))
        assert_legible(column, (1920, 1080), what="day in a column")
        marks = column.marks
        times = [i for i, m in enumerate(marks) if re.fullmatch(r"\d\d:\d\d", m.text)]
        assert times, [m.text for m in marks]
        for i in times:
            title = next(m for m in marks[i + 1 :] if m.role == CONTENT)
            assert title.box[0] == marks[i].box[0], "the title starts under the time"
            assert title.box[1] >= marks[i].box[3]
            assert marks[i + 1].text == "·" and marks[i + 1].box[1] == marks[i].box[1]
        wide = draw(content, slide, (1920, 1080))  # a whole screen keeps its time column
        clock = next(m for m in wide.marks if re.fullmatch(r"\d\d:\d\d", m.text))
        beside = next(m for m in wide.marks if m.role == CONTENT and m.box[1] >= clock.box[1])
        assert beside.box[0] > clock.box[2]


def test_two_rooms_show_at_once_with_less_detail_rather_than_in_pages(content: Content) -> None:
    """Two rooms with long titles on a portrait screen: what comes next and the speakers
    are left out so that both rooms are on screen together (they were one a page, with a
    third of the screen empty). With six-line titles in landscape they still page."""
    from signage.programme.load import load

    rooms = load(str(Path(content.root) / "programme" / "deux.xml")).room_names()
    frame = draw(content, slide_of(content, "now-next", "long"), (1080, 1920))
    said = " ".join(m.text for m in frame.marks)
    assert not re.search(r"\b\d/\d\b", said), said  # no page marker: one page
    assert len(rooms) == 2 and all(room.split()[-1] in said for room in rooms), said
    assert "Ensuite" not in said  # what gave way
    assert_legible(frame, (1080, 1920), what="now-next")

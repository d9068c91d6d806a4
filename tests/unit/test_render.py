"""Rendered slides: snapshot PNGs compared with a tolerance, plus properties (never black,
inside the screen, landscape and portrait). Set SIGNAGE_UPDATE_SNAPSHOTS=1 to rewrite them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageStat

from signage.content.folder import load_content
from signage.draw.canvas import Canvas, Screen
from signage.player.frames import SlideError, fallback, flatten, prepare
from tests.support.content import at
from tests.support.images import compare
from tests.support.paths import REPO

SIZES = {"landscape": (640, 360), "portrait": (360, 640)}
MOMENT = at("2026-11-30 10:05")


@pytest.fixture(scope="module")
def example():
    content, report = load_content(REPO)
    assert content is not None, report.items
    return content


def slides(example):
    return {slide.id: slide for playlist in example.playlists for slide in playlist.slides}


@pytest.mark.parametrize("orientation", SIZES)
@pytest.mark.parametrize(
    "slide_id", ["bienvenue", "andre-santini", "laurence-lafont", "lieux-2", "cloture"]
)
def test_snapshots(example, slide_id: str, orientation: str) -> None:
    size = SIZES[orientation]
    canvas = Canvas(size, example.theme, Path(example.root), MOMENT, Screen("hall"))
    image = flatten(prepare(slides(example)[slide_id], canvas), size)
    assert image.size == size
    compare(image, f"{slide_id}-{orientation}")


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1080, 1920), (3840, 2160)])
def test_every_slide_fills_the_screen_and_is_never_black(example, size) -> None:
    canvas = Canvas(size, example.theme, Path(example.root), MOMENT, Screen("hall"))
    for slide in slides(example).values():
        frame = prepare(slide, canvas)
        image = flatten(frame, size)
        assert image.size == size
        assert max(ImageStat.Stat(image).mean) > 20, f"{slide.id} is (nearly) black at {size}"
        if frame.pan:
            assert frame.image.width > size[0] and frame.image.height > size[1]


def test_fallback_shows_venue_clock_and_status(example) -> None:
    canvas = Canvas((640, 360), example.theme, Path(example.root), MOMENT, Screen("hall"))
    image = flatten(fallback(canvas, "no playlist is active for screen hall"), (640, 360))
    assert max(ImageStat.Stat(image).mean) > 20
    compare(image, "fallback-landscape")


def test_broken_photo_is_a_slide_error(example, tmp_path: Path) -> None:
    from dataclasses import replace

    broken = tmp_path / "broken.jpg"
    broken.write_text("not a photo")
    photo = slides(example)["lieux-1"]
    canvas = Canvas((640, 360), example.theme, tmp_path, MOMENT, Screen("hall"))
    with pytest.raises(SlideError, match=r"broken\.jpg"):
        prepare(replace(photo, image="broken.jpg"), canvas)


def test_speaker_without_photo_gets_initials(example) -> None:
    from dataclasses import replace

    card = replace(slides(example)["andre-santini"], photo=None)
    canvas = Canvas((640, 360), example.theme, Path(example.root), MOMENT, Screen("hall"))
    image = flatten(prepare(card, canvas), (640, 360))
    compare(image, "speaker-initials-landscape")


def test_english_locale_dates(example) -> None:
    from dataclasses import replace

    from signage.core import i18n

    assert i18n.long_date(MOMENT.date(), "fr") == "lundi 30 novembre"
    assert i18n.long_date(at("2026-11-28 10:00").date(), "en") == "Saturday 28 November"
    assert i18n.label("now", "fr") == "Maintenant" and i18n.label("now", "en") == "Now"
    theme = replace(example.theme, locale="en")
    canvas = Canvas((640, 360), theme, Path(example.root), MOMENT, Screen("hall"))
    compare(
        flatten(prepare(slides(example)["cloture"], canvas), (640, 360)), "cloture-english-header"
    )


@pytest.mark.parametrize(
    ("slide_id", "moment", "name"),
    [
        ("salle", "2026-11-30 10:05", "schedule-room"),
        ("salle", "2026-11-30 10:50", "schedule-room-break"),
        ("salle", "2026-11-29 18:00", "schedule-room-day-before"),
        ("salle", "2026-11-30 17:30", "schedule-room-finished"),
        ("maintenant", "2026-11-30 10:05", "schedule-now-next"),
        ("journee", "2026-11-30 10:05", "schedule-day"),
        ("journee", "2026-11-29 18:00", "schedule-day-before"),
        # nothing left today: the next day with talks, in words, never a dash alone
        ("maintenant", "2026-11-29 18:00", "schedule-now-next-day-before"),
        # after the last talk of the programme: the closing line
        ("maintenant", "2026-12-01 09:00", "schedule-now-next-over"),
        ("salle", "2026-12-01 09:00", "schedule-room-over"),
    ],
)
def test_schedule_views(example, slide_id: str, moment: str, name: str) -> None:
    canvas = Canvas(
        (640, 360),
        example.theme,
        Path(example.root),
        at(moment),
        Screen("porte", "Amphithéâtre Grand Bleu"),
    )
    compare(flatten(prepare(slides(example)[slide_id], canvas), (640, 360)), name)


def test_the_example_shows_its_two_rooms_at_once(example) -> None:
    """The bundled example at 10:05 on a 1920x1080 screen: both rooms' talks on one page
    (the speakers left out), not one room a page with half the screen empty."""
    canvas = Canvas((1920, 1080), example.theme, Path(example.root), at("2026-11-30 10:05"))
    frame = prepare(slides(example)["programme-maintenant"], canvas)
    said = " ".join(m.text for m in frame.marks)
    assert "Applis mobiles" in said and "Snapchat" in said, said
    assert "2/2" not in said and "1/2" not in said
    assert "Ensuite" in said  # only the speakers gave way


@pytest.mark.parametrize("distance_mm", [2000, 4000])
@pytest.mark.parametrize(
    ("region", "display"), [((1114, 983), (1920, 1080)), ((1080, 998), (1080, 1920))]
)
def test_a_door_region_says_the_room_now_until_when_and_next_in_that_order_of_size(
    example, region: tuple[int, int], display: tuple[int, int], distance_mm: int
) -> None:
    """The example's door at 10:05, its room view in the layout's region: the talk on now
    wraps smaller and leaves its speakers out before what comes next is left out (the door
    lost its next talk, the Pause); until when is said larger than the next talk, not at
    the size of a label."""
    canvas = Canvas(
        region, example.theme, Path(example.root), at("2026-11-30 10:05"),
        Screen("porte", "Amphithéâtre Grand Bleu"), chrome=False, display=display,
        distance_mm=distance_mm,
    )  # fmt: skip
    door = next(p for p in example.playlists if Path(p.path).stem == "porte-grand-bleu")
    assert door.layouts is not None
    layout = door.layouts.pick(display)
    assert layout is not None
    widget = next(r.slide for r in layout.regions if r.widget == "room")
    assert widget is not None
    drawn = prepare(widget, canvas).marks
    marks = {m.text: m for m in drawn}
    assert "ENSUITE" in marks and "Pause" in marks, list(marks)
    # said whole, word by word as the text layout draws it (never cut)
    said = " ".join(m.text for m in drawn).replace("\xa0", " ")
    assert "jusqu’à 10:45 · encore 40 min" in said, said
    until = marks["jusqu’à"]
    room, now, nxt = marks["Amphithéâtre"], marks["Applis"], marks["Pause"]
    assert room.cap >= now.cap > until.cap >= nxt.cap, (room, now, until, nxt)


def test_room_view_answers_now_and_next(example) -> None:
    from signage.draw.schedule_parts import programme_for

    slide = slides(example)["salle"]
    canvas = Canvas(
        (640, 360),
        example.theme,
        Path(example.root),
        at("2026-11-30 10:05"),
        Screen("porte", "Amphithéâtre Grand Bleu"),
    )
    programme = programme_for(slide, canvas)
    room = programme.find_room("Amphithéâtre Grand Bleu")
    assert programme.now(room, canvas.at).title == "Applis mobiles : le territoire dans la poche"
    assert programme.next(room, canvas.at).title == "Pause"
    assert programme.now(room, at("2026-11-30 17:30")) is None
    assert programme.next(room, at("2026-11-30 17:30")) is None


@pytest.mark.parametrize("distance_mm", [None, 2000])
def test_a_ticker_band_is_sized_by_the_screen_not_its_own_height(
    example, distance_mm: int | None
) -> None:
    """A door's ticker (a 1080x115 band of a portrait screen, read from 2 m): its type
    comes from its band and the screen's 60 design px; it was the 2 m floor, a fifth of
    the band (the band's own height made its design size 6 px)."""
    canvas = Canvas(
        (1080, 115), example.theme, Path(example.root), MOMENT, Screen("porte"),
        chrome=False, display=(1080, 1920), distance_mm=distance_mm,
    )  # fmt: skip
    door = next(p for p in example.playlists if Path(p.path).stem == "porte-grand-bleu")
    assert door.layouts is not None and door.layouts.portrait is not None
    band = next(r.slide for r in door.layouts.portrait.regions if r.widget == "ticker")
    assert band is not None
    marks = prepare(band, canvas).marks
    assert marks and marks[0].cap >= 0.25 * 115, marks

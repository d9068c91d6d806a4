"""Layouts: regions in YAML, checked; one timeline per region; dirty rectangles; shared-memory
frames; the bundled door and hall layouts rendered and played."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pygame
import pytest
import yaml
from PIL import Image

from signage.content.folder import load_content
from signage.content.jsonschema import playlist_schema
from signage.content.sequencer import layout_for, what_now
from signage.core.clock import FakeClock
from signage.draw.canvas import Screen
from signage.player.display import Display
from signage.player.loop import Player
from tests.support.content import at, write_content
from tests.support.paths import REPO

SIDE = """
name: Côté
defaults: {duration: 3, transition: cut}
slides:
  - {type: text, id: vert, title: Vert}
"""
MAIN = """
name: Principal
defaults: {duration: 2, transition: {type: fade, duration: 0.3}}
layout:
  - {name: main, x: 0, y: 0, w: 75%, h: 80%, playlist: main}
  - {name: side, x: 75%, y: 0, w: 25%, h: 80%, playlist: side}
  - {name: bandeau, x: 0, y: 80%, w: 100%, h: 20%, widget: ticker, items: [Un, Deux]}
slides:
  - {type: text, id: a, title: A}
  - {type: text, id: b, title: B}
"""
THEME = 'header: false\ncolours: {background: "#204080"}\nticker: [Bonjour]\n'


class RecordingDisplay(Display):
    """The headless display, remembering the rectangles each present() showed."""

    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__(size, fullscreen=False)
        self.presented: list[list[pygame.Rect] | None] = []

    def present(self, rects: list[pygame.Rect] | None = None) -> None:
        self.presented.append(list(rects) if rects else None)
        super().present(rects)


@pytest.fixture
def display():
    shown = RecordingDisplay((400, 200))
    yield shown
    shown.close()


def check(tmp_path: Path, playlist: str, theme: str | None = None) -> list[str]:
    (tmp_path / "playlists").mkdir(parents=True, exist_ok=True)
    (tmp_path / "playlists" / "p.yaml").write_text(playlist, encoding="utf-8")
    (tmp_path / "playlists" / "side.yaml").write_text(SIDE, encoding="utf-8")
    if theme is not None:
        (tmp_path / "theme.yaml").write_text(theme, encoding="utf-8")
    _, report = load_content(tmp_path)
    return [d.format() for d in report.items]


def pump(player: Player, until, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "timed out"
        player.iterate()
        time.sleep(0.005)


# -- checking ---------------------------------------------------------------------------


def test_unknown_widget_is_located_with_a_suggestion(tmp_path: Path) -> None:
    text = "name: P\nlayout:\n  - {name: h, widget: clok}\nslides: [{type: text, title: A}]\n"
    errors = check(tmp_path, text)
    assert errors == [
        "playlists/p.yaml:3:23: error: layout[0].widget: unknown widget 'clok' (did you mean "
        "'clock'?); expected one of clock, image, qr, room, text, ticker"
    ]


def test_off_screen_overlap_and_missing_playlist_are_errors(tmp_path: Path) -> None:
    text = (
        "name: P\nlayout:\n"
        "  - {name: a, x: 0, y: 0, w: 70%, h: 100%, playlist: sid}\n"
        "  - {name: b, x: 60%, y: 0, w: 30%, h: 50%, widget: clock}\n"
        "  - {name: c, x: 80%, y: 50%, w: 30%, h: 50%, z: 2, widget: clock}\n"
        "slides: [{type: text, title: A}]\n"
    )
    errors = check(tmp_path, text)
    assert (
        "playlists/p.yaml:4:5: error: layout[1].z: region 'b' overlaps region 'a' on landscape "
        "and portrait screens; give the one on top a higher z" in errors
    )
    assert any(
        e.startswith("playlists/p.yaml:5:5: error: layout[2]: region 'c' goes off the screen")
        and "reaches 2112x1080 on a 1920x1080 landscape screen" in e
        for e in errors
    ), errors
    # the overlap stops the file, so the missing playlist is reported once it is fixed
    fixed = text.replace("{name: b, x: 60%", "{name: b, z: 1, x: 60%").replace("x: 80%", "x: 70%")
    errors = check(tmp_path, fixed)
    assert errors == [
        "playlists/p.yaml:3:5: error: layout[0].playlist: region 'a' plays playlist 'sid', which "
        "does not exist (did you mean 'side'?); playlists: p, side"
    ]


def test_a_region_needs_one_source_and_a_unique_name(tmp_path: Path) -> None:
    text = (
        "name: P\nlayout:\n  - {name: a, w: 50%}\n"
        "  - {name: b, x: 50%, w: 50%, h: 50%, widget: text, title: T}\n"
        "  - {name: b, x: 50%, y: 50%, w: 50%, h: 50%, widget: qr}\n"
        "slides: [{type: text, title: A}]\n"
    )
    errors = check(tmp_path, text)
    assert (
        "playlists/p.yaml:3:5: error: layout[0]: region 'a' needs either playlist: NAME or widget: KIND"
        in errors
    )
    assert (
        "playlists/p.yaml:5:5: error: layout[2].url: is required: The address the code opens"
        in errors
    )


def test_check_command_reports_a_missing_playlist(tmp_path: Path) -> None:
    text = "name: P\nlayout: [{name: a, playlist: nowhere}]\nslides: [{type: text, title: A}]\n"
    check(tmp_path, text)
    result = subprocess.run(
        [sys.executable, "-m", "signage", "check", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert (
        "layout[0].playlist: region 'a' plays playlist 'nowhere', which does not exist"
        in result.stdout
    )


def test_json_schema_accepts_the_bundled_layouts_and_refuses_a_bad_widget() -> None:
    schema = playlist_schema()
    for name in ("porte-grand-bleu.yaml", "hall.yaml"):
        data = yaml.safe_load((REPO / "playlists" / name).read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
    bad = {"name": "P", "slides": [{"type": "text", "title": "A"}],
           "layout": [{"name": "a", "widget": "clok"}]}  # fmt: skip
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


# -- what plays where ---------------------------------------------------------------------


def test_a_region_plays_only_its_playlist(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"main.yaml": MAIN, "side.yaml": SIDE}, THEME)
    now = at("2026-11-30 10:00")
    side = next(p for p in content.playlists if p.name == "Côté")
    # the screen as a whole plays the first playlist by name; the region only its own
    assert what_now(content, "hall", now).slide.id == "a"
    assert what_now(content, "hall", now, only=side.path).slide.id == "vert"
    layout = layout_for(content, "hall", now, (1920, 1080))
    assert layout is not None and [r.name for r in layout.regions] == ["main", "side", "bandeau"]
    assert layout.regions[1].playlist == "playlists/side.yaml"  # resolved from "side"


def test_player_draws_regions_and_presents_only_what_moves(display, tmp_path: Path) -> None:
    content = write_content(tmp_path, {"main.yaml": MAIN, "side.yaml": SIDE}, THEME)
    clock = FakeClock(at("2026-11-30 10:00"))
    plays: list[dict] = []
    player = Player(display, clock, Screen("hall"), content, on_play=plays.append)
    try:
        names = [v.name for v in player.regions.views]
        assert names == ["main", "side", "bandeau"]
        pump(player, lambda: all(v.timeline.current is not None for v in player.regions.views))
        pump(player, lambda: all(v.compositor.transition is None for v in player.regions.views))
        status = player.status.read()
        regions = {r["name"]: r for r in status["regions"]}
        assert regions["main"]["slide"]["id"] == "a"
        assert regions["side"]["slide"]["id"] == "vert"
        assert regions["bandeau"]["widget"] == "ticker"
        assert regions["side"]["rect"] == [300, 0, 100, 160]
        # every region's frame came through shared memory, not as bytes
        assert all(v.timeline.current.block for v in player.regions.views)
        # nothing but the ticker moves: each frame presents the ticker's strip alone
        display.presented.clear()
        for _ in range(5):
            player.iterate()
        assert display.presented, "the ticker scrolls"
        assert all(rects == [pygame.Rect(0, 160, 400, 40)] for rects in display.presented)
        # the side region's picture is its own playlist's, the main one's another
        side = display.surface.subsurface((300, 0, 100, 160)).copy()
        main = display.surface.subsurface((0, 0, 300, 160)).copy()
        assert pygame.transform.average_color(side)[:3] != (0, 0, 0)
        assert pygame.transform.average_color(main)[:3] != (0, 0, 0)
        # a slide change in main: the presented rectangles cover main, never the side region
        display.presented.clear()
        clock.advance(2.1)
        pump(player, lambda: player.regions.main.timeline.playing.slide.id == "b")
        pump(player, lambda: player.regions.main.compositor.transition is None
             and player.regions.main.timeline.current.key[1][1] == "b")  # fmt: skip
        for _ in range(3):
            player.iterate()
        full = [r for r in display.presented if r is None]
        drawn = [rect for rects in display.presented if rects for rect in rects]
        assert not full, "a change in one region redraws the screen whole"
        assert pygame.Rect(0, 0, 300, 160) in drawn
        assert pygame.Rect(300, 0, 100, 160) not in drawn
        clock.advance(1.0)
        player.iterate()
    finally:
        player.proof.closed(clock.now())
        player.preparer.close()
        player.close()
    by_region = {p["region"] for p in plays}
    assert {"main", "side"} <= by_region and "bandeau" not in by_region  # a ticker is no play


def test_shared_memory_blocks_are_recycled_not_grown(display, tmp_path: Path) -> None:
    content = write_content(tmp_path, {"main.yaml": MAIN, "side.yaml": SIDE}, THEME)
    clock = FakeClock(at("2026-11-30 10:00"))
    player = Player(display, clock, Screen("hall"), content)
    try:
        main = player.regions.main
        seen = set()
        for _ in range(12):
            pump(
                player, lambda: main.timeline.current is not None and main.timeline.waiting is None
            )
            seen.add(main.timeline.current.block)
            clock.advance(2.1)
            player.iterate()
        assert len(main.buffers.names) <= 5
        assert seen <= set(main.buffers.names)
        names = [n for v in player.regions.views for n in v.buffers.names]
    finally:
        player.preparer.close()
        player.close()
    assert not any((Path("/dev/shm") / name).exists() for name in names)


# -- the bundled example -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("size", ["1920x1080", "1080x1920"])
def test_render_composes_the_door_layout(tmp_path: Path, size: str) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "signage", "render", str(REPO), "--screen", "porte-grand-bleu",
         "--size", size, "--at", "2026-11-30T10:05:00+01:00", "--out", str(out),
         "--sheet", str(tmp_path / "sheet.png")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    states = sorted(out.glob("layout-porte-grand-bleu-*.png"))
    assert len(states) == 4  # the main region's four photos
    width, height = (int(v) for v in size.split("x"))
    image = Image.open(states[0]).convert("RGB")
    assert image.size == (width, height)
    # the QR region is white where its code is: a light patch inside the region's box
    if width > height:
        qr_box = (round(width * 0.68), round(height * 0.69), width, round(height * 0.91))
    else:
        qr_box = (round(width * 0.62), round(height * 0.53), width, round(height * 0.94))
    patch = image.crop(qr_box).convert("L")
    assert patch.getextrema()[1] == 255
    assert "contact sheet" in result.stdout
    sheet = Image.open(tmp_path / "sheet.png").convert("RGB")
    colours = {c: n for n, c in sheet.getcolors(maxcolors=1 << 22) or []}
    yellow = colours.get((255, 220, 0), 0)
    assert yellow > 1000  # region outlines and name tags


def test_status_of_the_door_screen_lists_its_regions(tmp_path: Path) -> None:
    content, report = load_content(REPO)
    assert content is not None, report.items
    display = Display((960, 540), fullscreen=False)
    clock = FakeClock(at("2026-11-30 10:05"))
    player = Player(display, clock, Screen("porte-grand-bleu"), content)
    try:
        pump(player, lambda: all(v.timeline.current is not None for v in player.regions.views))
        status = json.loads(json.dumps(player.status.read()))
        regions = {r["name"]: r for r in status["regions"]}
        assert set(regions) == {"main", "horloge", "salle", "programme", "bandeau"}
        assert regions["salle"]["slide"]["type"] == "schedule"
        assert regions["main"]["slide"]["type"] == "photo"
        assert status["layout"].startswith("playlists/porte-grand-bleu.yaml:")
        assert status["slide"]["type"] == "photo"  # the main region's, as before
    finally:
        player.preparer.close()
        player.close()
        display.close()


def test_widget_files_and_programmes_are_published_and_fetched(tmp_path: Path) -> None:
    from signage.delivery.publish import content_files
    from signage.programme.fetch import sources_of

    (tmp_path / "assets").mkdir()
    Image.new("RGB", (40, 30), (200, 0, 0)).save(tmp_path / "assets" / "logo-salle.png")
    (tmp_path / "programme").mkdir()
    (tmp_path / "programme" / "p.xml").write_text(
        (REPO / "programme" / "rencontres.xml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    theme = (
        "layout:\n"
        "  - {name: main, w: 50%, playlist: side}\n"
        "  - {name: logo, x: 50%, w: 50%, h: 50%, widget: image, image: assets/logo-salle.png}\n"
        "  - {name: salle, x: 50%, y: 50%, w: 50%, h: 50%, widget: room,"
        " source: programme/p.xml}\n"
    )
    content = write_content(tmp_path, {"side.yaml": SIDE}, theme)
    files = {p.relative_to(tmp_path).as_posix() for p in content_files(tmp_path, content)}
    assert {"assets/logo-salle.png", "programme/p.xml"} <= files
    _, programme_files = sources_of(content)
    assert tmp_path / "programme" / "p.xml" in programme_files


def test_a_playlist_brings_its_layout_while_it_is_active(display, tmp_path: Path) -> None:
    timed = MAIN.replace(
        "name: Principal\n", 'name: Principal\npriority: 5\nwhen: {from: "10:00"}\n'
    )
    content = write_content(tmp_path, {"main.yaml": timed, "side.yaml": SIDE}, THEME)
    clock = FakeClock(at("2026-11-30 09:59:58"))
    player = Player(display, clock, Screen("hall"), content)
    try:
        pump(player, lambda: player.current is not None)
        assert [v.name for v in player.regions.views] == ["main"]  # no layout: the whole screen
        assert player.playing.slide.id == "vert"
        clock.advance(2.5)
        pump(player, lambda: len(player.regions.views) == 3)
        pump(player, lambda: all(v.timeline.current is not None for v in player.regions.views))
        assert player.regions.main.timeline.playing.slide.id == "a"
        assert player.status.read()["layout"].startswith("playlists/main.yaml:")
    finally:
        player.preparer.close()
        player.close()


def test_urgent_messages_are_drawn_over_the_regions(display, tmp_path: Path) -> None:
    content = write_content(tmp_path, {"main.yaml": MAIN, "side.yaml": SIDE}, THEME)
    clock = FakeClock(at("2026-11-30 10:00"))
    player = Player(display, clock, Screen("hall"), content)
    try:
        pump(player, lambda: all(v.timeline.current is not None for v in player.regions.views))
        before = display.surface.copy()
        player.command("message", {"text": "Évacuation", "style": "fullscreen", "expires_in": 60})
        pump(player, lambda: player.urgent.frame is not None and player.dirty is False)
        player.iterate()
        # the message covers every region, the ticker strip included
        frame = player.urgent.frame
        assert frame is not None
        for point in ((10, 10), (350, 50), (200, 190)):
            assert display.surface.get_at(point) == frame.get_at(point)
        assert any(display.surface.get_at(p) != before.get_at(p) for p in ((10, 10), (350, 50)))
        for _ in range(3):  # the ticker under it does not scroll through
            player.iterate()
        assert display.surface.get_at((200, 190)) == frame.get_at((200, 190))
        covered = pygame.transform.average_color(display.surface)
        player.command("clear_message", {})
        pump(player, lambda: player.urgent.message is None)
        player.iterate()
        assert pygame.transform.average_color(display.surface) != covered
    finally:
        player.preparer.close()
        player.close()


def test_high_contrast_profile_turns_the_theme_white_on_black(display, tmp_path: Path) -> None:
    """Player configuration accessibility: [high-contrast]: the theme's colours are replaced,
    the layout kept (issue 13's profiles)."""
    content = write_content(tmp_path, {"main.yaml": MAIN, "side.yaml": SIDE}, THEME)
    clock = FakeClock(at("2026-11-30 10:00"))
    player = Player(display, clock, Screen("hall"), content, accessibility=("high-contrast",))
    try:
        assert [v.name for v in player.regions.views] == ["main", "side", "bandeau"]
        pump(player, lambda: all(v.timeline.current is not None for v in player.regions.views))
        pump(player, lambda: all(v.compositor.transition is None for v in player.regions.views))
        player.iterate()
        assert display.surface.get_at((5, 5))[:3] == (0, 0, 0)  # was the theme's #204080
        assert player.content.theme.colours.text == (255, 255, 255)
    finally:
        player.preparer.close()
        player.close()

"""Playlist loading: every error path gives file:line:col, the field and a useful message."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from signage.content.folder import load_content
from signage.content.playlist import load_playlist
from signage.slides.photo import PhotoSlide
from signage.slides.speaker import SpeakerSlide
from signage.slides.text import TextSlide


def load(root: Path, text: str | bytes, name: str = "p.yaml"):
    path = root / "playlists" / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return load_playlist(path, root, f"playlists/{name}")


def messages(report) -> list[str]:
    return [d.format() for d in report.sorted()]


def test_bundled_example_loads(repo: Path) -> None:
    content, report = load_content(repo)
    assert report.ok, messages(report)
    assert content is not None
    names = {p.name for p in content.playlists}
    assert names == {
        "Accueil",
        "Programme des Rencontres",
        "Hall d’accueil",
        "Porte de l’Amphithéâtre Grand Bleu",
        "Porte de la Salle Seine",
    }
    # the door and hall layouts are for their own screens; other screens play as before
    door = next(p for p in content.playlists if p.path == "playlists/porte-grand-bleu.yaml")
    assert door.screens == ("porte-grand-bleu",) and door.layouts is not None
    assert content.layouts is None
    accueil = next(p for p in content.playlists if p.name == "Accueil")
    kinds = {s.type for s in accueil.slides}
    assert kinds == {"text", "schedule", "speaker", "news", "photo", "video"}
    # photos: one slide per image of the folder, sorted by name
    photos = [s for s in accueil.slides if isinstance(s, PhotoSlide)]
    assert [p.image for p in photos] == sorted(p.image for p in photos)
    assert [p.id for p in photos] == ["lieux-1", "lieux-2", "lieux-3"]
    speakers = [s.name for s in accueil.slides if isinstance(s, SpeakerSlide)]
    assert speakers == ["André Santini", "Bernard Deljarrie", "Laurence Lafont"]


def test_values_defaults_and_durations(content: Path) -> None:
    playlist, report = load(
        content,
        """
name: Hall
screens: hall
priority: 5
defaults: {duration: 12, transition: slide}
slides:
  - type: text
    title: Un
  - type: text
    title: Deux
    duration: 1m30s
    transition: {type: fade, duration: 1.5}
  - type: photo
    image: assets/red.jpg
    duration: "8s"
    transition: cut
""",
    )
    assert report.ok, messages(report)
    assert playlist is not None
    assert playlist.screens == ("hall",)
    assert playlist.priority == 5
    one, two, three = playlist.slides
    assert isinstance(one, TextSlide) and one.heading == "Un"
    assert one.duration_s == 12 and one.transition.kind == "slide"
    assert two.duration_s == 90 and two.transition.kind == "fade"
    assert two.transition.duration_s == 1.5
    assert three.duration_s == 8 and three.transition.kind == "cut"
    assert one.id == "p-1" and one.origin == "playlists/p.yaml:7"


def test_unknown_key_did_you_mean_with_position(content: Path) -> None:
    playlist, report = load(
        content,
        "name: X\nslides:\n  - type: text\n    title: A\n    durration: 5\n",
    )
    assert playlist is None
    assert messages(report) == [
        "playlists/p.yaml:5:5: error: slides[0].durration: unknown key (did you mean 'duration'?)"
    ]


def test_every_error_is_collected(content: Path) -> None:
    _, report = load(
        content,
        """name: X
slides:
  - type: text
    title: A
    duration: abc
  - type: photo
    image: assets/missing.jpg
    fit: stretch
  - type: speker
    name: Y
""",
    )
    got = messages(report)
    assert len(got) == 4
    assert got[0].startswith(
        "playlists/p.yaml:5:15: error: slides[0].duration: expected a duration"
    )
    assert got[1].startswith(
        "playlists/p.yaml:7:12: error: slides[1].image: file not found: assets/missing.jpg"
    )
    assert got[2].startswith(
        "playlists/p.yaml:8:10: error: slides[1].fit: 'stretch' is not allowed"
    )
    assert "cover, contain" in got[2]
    assert got[3].startswith(
        "playlists/p.yaml:9:11: error: slides[2].type: unknown slide type 'speker'"
    )
    assert "did you mean 'speaker'" in got[3]


def test_huge_duration_is_clamped_with_a_warning(content: Path) -> None:
    playlist, report = load(
        content, "name: X\nslides:\n  - type: text\n    title: A\n    duration: 9999999999999\n"
    )
    assert playlist is not None
    assert playlist.slides[0].duration_s == 86400
    assert [d.severity for d in report.items] == ["warning"]
    assert report.items[0].line == 5 and "using 86400" in report.items[0].message


def test_zero_duration_is_clamped_up(content: Path) -> None:
    playlist, report = load(content, "name: X\nslides:\n  - {type: text, title: A, duration: 0}\n")
    assert playlist is not None and playlist.slides[0].duration_s == 1
    assert report.warnings


def test_negative_duration_is_an_error(content: Path) -> None:
    playlist, report = load(content, "name: X\nslides:\n  - {type: text, title: A, duration: -3}\n")
    assert playlist is None
    assert "out of range" in report.errors[0].message


@pytest.mark.parametrize(
    ("yaml_text", "line", "col", "field", "needle"),
    [
        ("slides:\n  - {type: text, title: A}\n", 1, 1, "name", "is required"),
        ("name: X\n", 1, 1, "slides", "is required"),
        ("name: X\nslides: []\n", 2, 9, "slides", "at least 1"),
        ("name: X\nslides: hello\n", 2, 9, "slides", "expected a list"),
        ("- a\n- b\n", 1, 1, "", "expected a playlist"),
        (
            "name: X\npriority: high\nslides: [{type: text, title: A}]\n",
            2,
            11,
            "priority",
            "whole number",
        ),
        (
            "name: X\npriority: 5000\nslides: [{type: text, title: A}]\n",
            2,
            11,
            "priority",
            "out of range",
        ),
        ("name: X\nslides:\n  - {type: text}\n", 3, 5, "slides[0]", "needs title or body"),
        ("name: X\nslides:\n  - {title: A}\n", 3, 5, "slides[0].type", "is required"),
        ("name: X\nslides:\n  - text\n", 3, 5, "slides[0]", "expected a slide"),
        (
            "name: X\nslides:\n  - {type: text, title: A, id: 'a b'}\n",
            3,
            32,
            "slides[0].id",
            "is not an id",
        ),
        (
            "name: X\nslides:\n  - {type: text, title: [a, b]}\n",
            3,
            25,
            "slides[0].title",
            "expected text",
        ),
        (
            "name: X\nslides:\n  - {type: text, title: A, transition: fadee}\n",
            3,
            40,
            "slides[0].transition",
            "did you mean 'fade'",
        ),
        (
            "name: X\nslides:\n  - {type: text, title: A, transition: {type: wipe}}\n",
            3,
            47,
            "slides[0].transition.type",
            "not allowed",
        ),
        (
            "name: X\nslides:\n  - {type: photo, image: ../etc/passwd.jpg}\n",
            3,
            26,
            "slides[0].image",
            "inside the content folder",
        ),
        (
            "name: X\nslides:\n  - {type: photo, image: assets/red.txt}\n",
            3,
            26,
            "slides[0].image",
            "is not a file",
        ),
        (
            "name: X\nslides:\n  - {type: photos, folder: assets/none}\n",
            3,
            28,
            "slides[0].folder",
            "folder not found",
        ),
        (
            "name: X\nslides:\n  - {type: speaker, name: A, photo: assets/x.png}\n",
            3,
            37,
            "slides[0].photo",
            "file not found",
        ),
        (
            "name: X\nslides:\n  - {type: schedule, source: programme/x.xml}\n",
            3,
            30,
            "slides[0].source",
            "file not found",
        ),
        (
            "name: X\nslides:\n  - {type: schedule, source: programme/x.pdf}\n",
            3,
            30,
            "slides[0].source",
            "is not a file",
        ),
        (
            "name: X\nname: Y\nslides: [{type: text, title: A}]\n",
            2,
            1,
            "name",
            "duplicate key (first given at line 1)",
        ),
        (
            "name: X\nwhen: {days: [mon, lnu]}\nslides: [{type: text, title: A}]\n",
            2,
            20,
            "when.days[1]",
            "did you mean 'lun'",
        ),
        (
            "name: X\nwhen: {from: '25:00'}\nslides: [{type: text, title: A}]\n",
            2,
            14,
            "when.from",
            "not a time of day",
        ),
        (
            "name: X\nwhen: {start: 2026-12-02, end: 2026-12-01}\nslides: [{type: text, title: A}]\n",
            2,
            7,
            "when.end",
            "before start",
        ),
        (
            "name: X\nwhen: {start: tomorrow}\nslides: [{type: text, title: A}]\n",
            2,
            15,
            "when.start",
            "a date like",
        ),
        (
            "name: X\nslides:\n  - {type: text, title: A, id: a}\n  - {type: text, title: B, id: a}\n",
            4,
            32,
            "slides[1].id",
            "already used by slides[0]",
        ),
        (
            "name: X\nslides:\n  - {type: speaker, name: A, shape: hexagon}\n",
            3,
            37,
            "slides[0].shape",
            "circle, rounded",
        ),
    ],
)
def test_error_paths(
    content: Path, yaml_text: str, line: int, col: int, field: str, needle: str
) -> None:
    playlist, report = load(content, yaml_text)
    assert playlist is None
    first = report.sorted()[0]
    assert (first.line, first.col, first.field) == (line, col, field), first.format()
    assert needle in first.message, first.format()
    assert first.path == "playlists/p.yaml"


def test_unquoted_times_are_read_as_times(content: Path) -> None:
    # YAML 1.1 reads 8:30 unquoted as the number 510; we read what was written.
    playlist, report = load(
        content, "name: X\nwhen: {from: 8:30, to: 18h00}\nslides: [{type: text, title: A}]\n"
    )
    assert report.ok, messages(report)
    assert playlist is not None and playlist.when is not None
    assert str(playlist.when.from_time) == "08:30:00"
    assert str(playlist.when.to_time) == "18:00:00"


def test_merge_keys_are_supported(content: Path) -> None:
    playlist, report = load(
        content,
        "name: X\nbase: &b {type: text, duration: 5}\nslides:\n  - {<<: *b, title: A}\n",
    )
    # 'base' is not a playlist key: the anchor must live in a known place
    assert playlist is None
    assert report.errors[0].field == "base"
    playlist, report = load(
        content,
        "name: X\nslides:\n  - &b {type: text, duration: 5, title: A}\n  - {<<: *b, title: B}\n",
    )
    assert report.ok, messages(report)
    assert playlist is not None
    assert [s.duration_s for s in playlist.slides] == [5, 5]


def test_alias_bomb_is_rejected_quickly(content: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    playlist, report = load(content, "\n".join(lines) + "\n")
    elapsed = time.perf_counter() - started
    assert playlist is None
    assert "expands to more than" in report.errors[0].message
    assert elapsed < 1.0


def test_python_tags_are_rejected(content: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    playlist, report = load(
        content,
        f"name: X\nslides: !!python/object/apply:os.system ['touch {marker}']\n",
    )
    assert playlist is None
    assert report.errors[0].line == 2
    assert "!!python/object/apply:os.system" in report.errors[0].message
    assert not marker.exists()


def test_custom_local_tags_are_rejected(content: Path) -> None:
    _, report = load(content, "name: !secret X\nslides: [{type: text, title: A}]\n")
    assert "'!secret' is not allowed" in report.errors[0].message


def test_non_utf8_is_reported_with_position(content: Path) -> None:
    playlist, report = load(content, b"name: X\nslides:\n  - {type: text, title: caf\xe9}\n")
    assert playlist is None
    error = report.errors[0]
    assert (error.line, error.col) == (3, 28)
    assert "not valid UTF-8" in error.message


def test_utf8_bom_is_accepted(content: Path) -> None:
    playlist, report = load(content, "\ufeffname: Café\nslides: [{type: text, title: Été}]\n")
    assert report.ok and playlist is not None and playlist.name == "Café"


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "---\n"])
def test_empty_files_are_reported(content: Path, text: str) -> None:
    playlist, report = load(content, text)
    assert playlist is None
    assert report.errors[0].message == "playlist is empty"


def test_syntax_error_position(content: Path) -> None:
    _, report = load(content, "name: X\n  slides: [\n")
    error = report.errors[0]
    assert (error.line, error.col) == (2, 9)
    assert error.message.startswith("YAML syntax:")


def test_deep_nesting_is_rejected(content: Path) -> None:
    _, report = load(content, "name: X\nslides: " + "[" * 5000 + "]" * 5000 + "\n")
    assert not report.ok
    assert "nested" in report.errors[0].message


def test_enormous_file_is_rejected(content: Path) -> None:
    big = "name: X\nslides:\n" + "  - {type: text, title: A}\n" * 120_000
    _, report = load(content, big)
    assert "the limit is" in report.errors[0].message


def test_photos_folder_without_images_is_an_error(content: Path) -> None:
    (content / "assets" / "empty").mkdir()
    _, report = load(content, "name: X\nslides:\n  - {type: photos, folder: assets/empty}\n")
    assert report.errors[0].line == 3
    assert "makes no slides" in report.errors[0].message


def test_content_folder_without_playlists(tmp_path: Path) -> None:
    content, report = load_content(tmp_path)
    assert content is None
    assert "no playlists" in report.errors[0].message


def test_content_version_changes_with_files(content: Path) -> None:
    (content / "playlists" / "a.yaml").write_text("name: A\nslides: [{type: text, title: A}]\n")
    first, _ = load_content(content)
    (content / "playlists" / "a.yaml").write_text("name: A\nslides: [{type: text, title: B}]\n")
    second, _ = load_content(content)
    assert first is not None and second is not None
    assert first.version != second.version


def test_duration_auto_is_the_time_to_read(content: Path) -> None:
    """About 3 words a second plus 2 s, at least the playlist's default; a fixed duration
    shorter than that is warned about at the slide (issue 13's reading time)."""
    body = " ".join(["mot"] * 60)  # 60 words: 20 s + 2 s
    playlist, report = load(
        content,
        "name: P\ndefaults: {duration: 8}\nslides:\n"
        f"  - {{type: text, id: long, title: Titre, body: {body}, duration: auto}}\n"
        "  - {type: text, id: short, title: Bonjour, duration: auto}\n"
        f"  - {{type: speaker, id: bio, name: Ada Lovelace, bio: {body}, duration: 5}}\n",
    )
    assert playlist is not None, [d.format() for d in report.items]
    durations = {s.id: s.duration_s for s in playlist.slides}
    assert durations == {"long": 23.0, "short": 8.0, "bio": 5.0}  # 61 words; the default; as given
    warnings = [d.format() for d in report.warnings]
    assert warnings == [
        "playlists/p.yaml:6:5: warning: slides[2].duration: 5 s is shorter than the 23 s needed to read "
        "it (62 words: about 3 a second plus 2 s); use duration: auto"
    ]


def test_theme_colours_that_fail_contrast_are_warned_with_a_suggestion(tmp_path: Path) -> None:
    from signage.content.theme import contrast, load_theme

    (tmp_path / "theme.yaml").write_text(
        'colours: {background: "#0c234e", muted: "#3a5078", accent: "#ff8c28"}\n', encoding="utf-8"
    )
    _, report = load_theme(tmp_path)
    warnings = [d.format() for d in report.warnings]
    assert len(warnings) == 2, warnings  # muted on the background and on the default panel
    assert warnings[0].startswith(
        "theme.yaml: warning: colours.muted #3a5078 on colours.background #0c234e (secondary "
        "text) has a contrast of 1."
    )
    suggested = warnings[0].rsplit('"', 2)[1]
    rgb = tuple(int(suggested[i : i + 2], 16) for i in (1, 3, 5))
    assert 4.5 <= contrast(rgb, (0x0C, 0x23, 0x4E)) < 5.5  # passes, and stays close
    assert round(contrast((255, 255, 255), (0, 0, 0)), 1) == 21.0

"""`signage play` and `signage render` from the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.support.paths import REPO


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "signage", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_play_without_a_display_explains_and_exits_non_zero(repo: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")
    }
    result = run(["play", "--control", "off"], repo, env, timeout=60)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("signage play:")]
    assert len(lines) == 1
    assert (
        "no display" in lines[0]
        and "--windowed" in lines[0]
        and "SDL_VIDEODRIVER=offscreen" in lines[0]
    )


def test_play_rejects_bad_arguments(repo: Path) -> None:
    result = run(["play", "--at", "yesterday", "--control", "off"], repo)
    assert result.returncode == 2
    assert "is not a date and time" in result.stderr and "Traceback" not in result.stderr


def test_render_writes_every_slide_and_a_sheet(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        [
            "render",
            "--out",
            str(out),
            "--at",
            "2026-11-30T10:05",
            "--tz",
            "Europe/Paris",
            "--size",
            "480x270",
            "--sheet",
            str(tmp_path / "sheet.png"),
        ],
        repo,
    )
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    slides = [n for n in names if not re.search(r"-p\d+\.png$", n)]  # further pages apart
    assert slides[0] == "01-bienvenue.png" and "03-andre-santini.png" in names
    assert "06-actualites.png" in names  # the example's news feed, read from its file
    assert len(slides) == 15
    assert all(re.match(r"\d\d-[a-z0-9-]+\.png$", n) for n in names)
    assert Image.open(out / slides[0]).size == (480, 270)
    assert Image.open(tmp_path / "sheet.png").width > 480


def test_render_portrait(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "p"
    result = run(
        ["render", "--out", str(out), "--size", "270x480", "--at", "2026-11-30T10:05"], repo
    )
    assert result.returncode == 0, result.stderr
    assert Image.open(next(out.glob("*.png"))).size == (270, 480)


def test_check_config(tmp_path: Path, repo: Path) -> None:
    config = tmp_path / "player.yaml"
    config.write_text("screen: porte-1\nroom: Salle Seine\ntimezone: Europe/Pariss\nrotate: 45\n")
    result = run(["check", "--config", str(config)], repo)
    assert result.returncode == 1
    assert (
        "player.yaml:3:11: error: timezone: unknown time zone 'Europe/Pariss' (did you mean 'Europe/Paris'?)"
        in result.stdout
    )
    assert "player.yaml:4:9: error: rotate: '45' is not allowed" in result.stdout
    config.write_text(
        "screen: porte-1\nroom: Salle Seine\ntimezone: Europe/Paris\ndisplay: {on: '07:30', off: '20:00'}\n"
    )
    result = run(["check", "--config", str(config)], repo)
    assert result.returncode == 0, result.stdout
    assert "ok: screen porte-1, room Salle Seine, time zone Europe/Paris" in result.stdout


def test_settings_are_declared_once(tmp_path: Path) -> None:
    """Flags, file keys, defaults and the reference's table all come from the settings
    declared as PlayerConfig's fields."""
    import argparse
    import dataclasses

    from signage.player.config import SETTINGS, PlayerConfig, load_config, settings_table
    from signage.player.flags import add_flags, merge

    fields = {f.name for f in dataclasses.fields(PlayerConfig)} - {"path"}
    assert fields == {s.field for s in SETTINGS}
    made = PlayerConfig()  # a configuration with no file holds every setting's default
    for setting in SETTINGS:
        if setting.key != "screen":  # the host name, found when it is made
            assert getattr(made, setting.field) == setting.default, setting.key
    reference = REPO / "docs" / "reference" / "settings.md"
    assert settings_table() in reference.read_text(encoding="utf-8")  # the generated page
    config_file = tmp_path / "player.yaml"
    config_file.write_text(
        "screen: hall\npoll: 45\ncontrol_hosts: [a.example]\nrotate: 90\nsize: 1280x720\n"
    )
    config, report = load_config(config_file)
    assert config is not None, report.items
    parser = argparse.ArgumentParser()
    add_flags(parser)
    merged = merge(config, parser.parse_args(["--poll", "10", "--allow-host", "b.example"]))
    assert (merged.screen, merged.poll_s, merged.rotate, merged.size) == (
        "hall",
        10.0,
        90,
        (1280, 720),
    )
    assert merged.control_hosts == ("b.example", "a.example")  # the flag adds to the file's list
    defaults = merge(None, parser.parse_args([]))
    assert (defaults.poll_s, defaults.health_grace_s, defaults.control) == (
        30.0,
        300.0,
        "127.0.0.1:8765",
    )


def test_the_bench_workload_is_valid_content(tmp_path: Path) -> None:
    """The bench's content passes the loader's checks (its photos once linked out of the
    folder, which the hardening now refuses: the bench failed before playing a frame)."""
    from signage.content.folder import load_content
    from signage.tools.bench import PHOTO_SLIDES, make_workload

    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "signage-bench"
    make_workload(tmp_path / "content", cache)
    content, report = load_content(tmp_path / "content")
    assert content is not None, [d.format() for d in report.errors[:3]]
    assert content.slide_count() > PHOTO_SLIDES


def test_the_door_bench_workload_plays_a_layout_in_every_phase(tmp_path: Path) -> None:
    """``bench --layout door``: the layout and its three phases load, the still phases have
    one slide held for an hour, only the ticker phase has a ticker region."""
    import datetime as dt

    from signage.content.folder import load_content
    from signage.content.sequencer import layout_for
    from signage.tools.bench import make_door_workload

    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "signage-bench"
    root = tmp_path / "content"
    make_door_workload(root, cache)
    now = dt.datetime.now(dt.UTC)
    widgets = {}
    for folder in (root, root / "idle", root / "ticker"):
        content, report = load_content(folder)
        assert content is not None, [d.format() for d in report.errors[:3]]
        layout = layout_for(content, "bench", now, (1920, 1080))
        assert layout is not None
        widgets[folder.name] = sorted(r.widget or "playlist" for r in layout.regions)
    assert widgets["content"] == ["clock", "playlist", "room", "ticker"]
    assert widgets["idle"] == ["clock", "playlist", "room"]
    assert widgets["ticker"] == ["clock", "playlist", "room", "ticker"]

"""The house (issue 26): packages that keep to their layers, modules of a readable size,
Pillow and pygame only where drawing happens, reference pages generated from the code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from signage.cli import reference
from signage.draw.kinds import RENDERERS
from signage.slides import KINDS, Registry, SlideKind
from signage.slides.base import Slide
from tests.support.paths import REPO

PACKAGE = REPO / "signage"


def test_check_loading_content_and_the_control_api_import_neither_pillow_nor_pygame() -> None:
    """What a technician runs on a laptop and what answers the operator page start without
    the drawing libraries: ``signage check`` on the example, its content loaded, the
    control API and the fleet imported (they load Pillow on their first screenshot)."""
    script = f"""
import contextlib, io, json, sys
from pathlib import Path
from signage.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", {str(REPO)!r}])
from signage.content.folder import load_content
content, report = load_content(Path({str(REPO)!r}))
import signage.ops.control.server, signage.ops.fleet.agent, signage.ops.fleet.page
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & {{"PIL", "pygame"}})
print(json.dumps({{"code": code, "slides": content.slide_count(), "loaded": loaded}}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0 and seen["slides"] > 10
    assert seen["loaded"] == [], f"imported by check, loading or the control API: {seen}"


def test_the_generated_pages_are_current() -> None:
    """docs/index.md and docs/reference/*.md are what the declarations give today; a
    setting, a flag, a slide key or a topic changed without regenerating them fails here
    (python -m signage.cli.reference writes them)."""
    assert reference.stale() == []


def test_a_stale_reference_page_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    page = tmp_path / "docs" / "reference" / "slides.md"
    page.write_text(page.read_text(encoding="utf-8").replace("`caption`", "`légende`"))
    assert reference.stale(tmp_path / "docs") == ["reference/slides.md"]
    assert reference.write(tmp_path / "docs") == ["reference/slides.md"]
    assert reference.stale(tmp_path / "docs") == []


def test_the_slide_keys_reference_lists_every_kind_and_key() -> None:
    page = reference.slides_page()
    for name in KINDS:
        assert f"## `type: {name}`" in page
        for key in KINDS[name].fields:
            assert f"| `{key}` |" in page, (name, key)


def test_every_slide_type_has_one_renderer() -> None:
    """Each model a kind builds is drawn by one renderer (``photos`` builds ``photo``
    slides, ``videos`` builds ``video`` slides)."""

    def types(cls: type[Slide]) -> set[str]:
        found = {cls.type} if cls.type else set()
        for sub in cls.__subclasses__():
            found |= types(sub)
        return found

    assert types(Slide) == set(RENDERERS)
    assert {"photos", "videos"} <= set(KINDS) and not {"photos", "videos"} & set(RENDERERS)


def test_the_registry_refuses_a_kind_declared_twice() -> None:
    kind = KINDS["qr"]
    with pytest.raises(ValueError, match="'qr' declared twice"):
        Registry(kind, SlideKind("qr", "again", {}, kind.build))


def test_modules_stay_readable() -> None:
    """No module over 400 lines, at most four modules at the package's top."""
    long = {
        str(path.relative_to(REPO)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 4, top


def test_the_import_contracts_hold() -> None:
    """pyproject.toml's layers, the no-drawing contract and no cycles (as CI runs them)."""
    script = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_status_keys_are_declared_once_and_checked_against_a_real_status() -> None:
    """A part cannot add a key to /status that its reference does not declare; a key a
    real player shows and no declaration gives is named (the walk the integration tests
    run on a real /status)."""
    from signage.player.status import StatusBoard
    from tests.support.status import undocumented

    board = StatusBoard()
    with pytest.raises(KeyError, match="not declared"):
        board.add("cpu_temperature", lambda: 42)
    board.add("control", lambda: "127.0.0.1:8765")
    seen = board.read()
    assert seen["control"] == "127.0.0.1:8765" and "render" in seen
    assert undocumented(seen) == set()
    seen["slide"] = {"id": "x", "colour": "red"}
    seen["health"] = {"feed": {"ok": True}, "render": {"stalls": 0}}
    assert undocumented({**seen, "secret": 1}) == {"secret", "slide.colour"}
    page = reference.status_page()
    for path in ("slide.shown_at", "regions[].slide.video", "health.render", "render.fps"):
        assert f"| `{path}` |" in page


def test_the_results_table_is_written_from_what_the_benches_recorded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A bench's --record writes its figures with the date, commit and machine; the results
    page's table is generated from those files, so an edited figure is a stale page."""
    from signage.tools import figures

    folder = tmp_path / "figures"
    figures.record("bench-default", "signage bench --seconds 20",
                   {"frame_ms_p99": 3.05, "frames_over_budget": 0}, {"frame_ms_p99": "< 16.7 ms"},
                   folder)  # fmt: skip
    entry = json.loads((folder / "bench-default.json").read_text(encoding="utf-8"))
    assert entry["figures"] == {"frame_ms_p99": 3.05, "frames_over_budget": 0}
    assert entry["date"][:4] >= "2026" and "cores" in entry["machine"]
    page = f"# Figures\n\n{figures.START}\nold, typed by hand\n{figures.END}\n\n## More\n"
    written = figures.page(page, folder)
    assert "old, typed by hand" not in written and written.endswith("\n\n## More\n")
    assert "| bench-default |" in written and "frame_ms_p99 **3.05**" in written
    assert "`signage bench --seconds 20`" in written and "frame_ms_p99 < 16.7 ms" in written
    assert figures.page(written, folder) == written  # written again: the same


def test_a_soak_judges_levels_not_one_sample_at_a_peak() -> None:
    """The soak's memory and open-files checks: a climbing level is a leak (one open file
    a reload), a peak of sockets open at one sample is not (CI run 25 failed on one)."""
    from signage.tools.soak import level_change

    steady = [40, 41, 40, 48, 40, 41, 40, 40, 47, 41, 40, 41]  # two peaks, a steady level
    leaking = [40 + i for i in range(15)]  # one more each sample
    assert level_change(steady) <= 4
    assert level_change(leaking) >= 10
    assert level_change([1.0, 2.0]) == 0.0  # too short to say


def test_a_soaks_memory_is_judged_by_its_floor_not_by_loads_caught_at_the_end() -> None:
    """Memory: a leak raises the floor; loading a large content is a peak. On a busy CI
    machine several of the last samples landed on loads: medians read 27 MB of growth."""
    from signage.tools.loopback import floor_change
    from signage.tools.soak import level_change

    loads_at_the_end = [200.0] * 20 + [200, 214, 213, 200, 214, 213, 214, 200, 213, 214]
    assert level_change(loads_at_the_end) >= 13  # what the medians said
    assert floor_change(loads_at_the_end) == 0.0
    leaking = [200.0 + i for i in range(30)]
    assert floor_change(leaking) >= 20
    assert floor_change([1.0, 2.0]) == 0.0  # too short to say

"""A wheel plays the bundled example: the content ships as package data (a non-editable
install once looked for it in site-packages and played nothing)."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

from tests.support.process import PlayerProcess
from tests.support.samples import REPO


def test_a_wheel_installed_elsewhere_plays_the_bundled_example(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(wheels), str(REPO)],
        check=True, capture_output=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    venv = tmp_path / "venv"
    # the dependencies come from this interpreter's site-packages; the package from the
    # wheel. Not `venv --system-site-packages`: run from a virtual environment (as the
    # README's commands are), that finds the base interpreter's packages, not the
    # environment's. A .pth naming this interpreter's site directories does; the editable
    # install's own .pth there is not run (a path added by a .pth is not a site directory).
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    inside = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    Path(inside, "_dependencies.pth").write_text(
        "\n".join(p for p in site.getsitepackages() if Path(p).is_dir()) + "\n",
        encoding="utf-8",
    )
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
         str(next(wheels.glob("*.whl")))],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    where = subprocess.run(
        [python, "-c", "import signage.cli as c; print(c.__file__); print(c.bundled_content())"],
        check=True, capture_output=True, text=True, cwd=tmp_path, timeout=60,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},  # the wheel's code only
    ).stdout.split()  # fmt: skip
    assert where[0].startswith(str(venv)), where  # the installed copy, not this checkout
    # every package of the source is in the wheel (signage.media once was not: the
    # checkout's editable install hid it from this test)
    import zipfile

    shipped = {
        str(Path(name).parent)
        for name in zipfile.ZipFile(next(wheels.glob("*.whl"))).namelist()
        if name.endswith("/__init__.py")
    }
    source = {
        str(init.parent.relative_to(REPO)) for init in (REPO / "signage").rglob("__init__.py")
    }
    assert source <= shipped, source - shipped
    assert where[1].endswith("site-packages/signage/example"), where
    player = PlayerProcess(
        ["--screen", "hall", "--plays", str(tmp_path / "plays.jsonl"),
         "--at", "2026-11-30T10:05", "--tz", "Europe/Paris"],
        cwd=tmp_path, python=python,
    )  # fmt: skip
    try:
        # the hall screen's layout: four regions, each showing its slide or widget
        status = player.wait_for(
            lambda s: (
                s["content"]["slides"] > 0
                and len(s["regions"]) == 4
                and all(r["slide"]["id"] for r in s["regions"])
            ),
            timeout=30,
        )
    finally:
        log = player.stop()
    assert status["content"]["source"].endswith("site-packages/signage/example")
    assert status["content"]["slides"] >= 10 and not status["content"]["errors"]
    assert status["layout"].startswith("playlists/hall.yaml:")
    assert {r["name"] for r in status["regions"]} == {"main", "horloge", "salles", "bandeau"}
    assert "Traceback" not in log

"""`signage check` and `signage schema` from the command line, as a technician runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from signage.cli import main
from signage.content.jsonschema import playlist_schema, playlist_schema_text


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "signage", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_bundled_example_passes(repo: Path) -> None:
    result = run("check", "playlists", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("  ")]
    clips = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert clips == ["  assets/video/ouverture.mp4: h264 1280x720 30 fps, 8.0 s (mov), plays 9s"]
    assert lines[0].startswith('playlists/accueil.yaml: ok: "Accueil", 11 slides')
    assert lines[1].startswith('playlists/hall.yaml: ok: "Hall d’accueil", 2 slides')
    assert "screens: hall, priority 50" in lines[1]
    assert lines[2].startswith('playlists/porte-grand-bleu.yaml: ok: "Porte de l’Amphithéâtre')
    assert lines[3].startswith('playlists/porte-salle-seine.yaml: ok: "Porte de la Salle Seine"')
    assert lines[4].startswith('playlists/programme.yaml: ok: "Programme des Rencontres"')
    assert result.stderr == ""


def test_check_reports_errors_and_exits_1(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = content / "playlists" / "bad.yaml"
    bad.write_text("name: X\nslides:\n  - type: text\n    title: A\n    durration: 5\n")
    before = bad.read_bytes()
    code = main(["check", str(bad)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.strip().endswith(
        "bad.yaml:5:5: error: slides[0].durration: unknown key (did you mean 'duration'?)"
    )
    assert bad.read_bytes() == before  # check never changes a file


def test_check_content_folder_and_warnings(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (content / "playlists" / "a.yaml").write_text(
        "name: A\nslides:\n  - {type: text, title: A, duration: 999999}\n"
    )
    code = main(["check", str(content)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "a.yaml:3:38: warning: slides[0].duration:" in out[0]
    assert out[1].endswith('a.yaml: ok: "A", 1 slides (24h00m), screens: all, priority 0')


def test_check_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert "no such file or folder" in capsys.readouterr().out


def test_check_is_fast_on_every_broken_kind(content: Path) -> None:
    broken = {
        "syntax.yaml": b"name: x\n  slides: [\n",
        "latin1.yaml": b"name: caf\xe9\nslides: []\n",
        "empty.yaml": b"",
        "tag.yaml": b"name: x\nslides: !!python/object/apply:os.system ['true']\n",
        "bomb.yaml": (
            "a: &a ["
            + ",".join(['"x"'] * 9)
            + "]\n"
            + "".join(
                f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            )
        ).encode(),
        "types.yaml": b"name: x\npriority: high\nslides: [{type: text, title: A, duration: abc}]\n",
    }
    for name, data in broken.items():
        (content / "playlists" / name).write_bytes(data)
    result = run("check", str(content), cwd=content)
    assert result.returncode == 1
    out = result.stdout
    for name in broken:
        assert f"{name}:" in out
    # one line per problem, each path:line:col: error: ...
    for line in out.splitlines():
        assert ": error: " in line and line.split(":")[1].isdigit(), line
    assert "Traceback" not in result.stderr


def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["required"] == ["name", "slides"]
    types = [
        o["properties"]["type"]["const"] for o in schema["properties"]["slides"]["items"]["oneOf"]
    ]
    assert set(types) >= {"text", "photo", "photos", "speaker", "schedule"}


def test_shipped_schema_file_is_up_to_date(repo: Path) -> None:
    shipped = (repo / "signage" / "schema" / "playlist.schema.json").read_text(encoding="utf-8")
    assert shipped == playlist_schema_text(), (
        "run: signage schema --out signage/schema/playlist.schema.json"
    )


def _as_json(value):  # dates and times as strings, as an editor sees them
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_json_schema_accepts_the_example_and_rejects_typos(repo: Path) -> None:
    validator = jsonschema.Draft7Validator(playlist_schema())
    for path in sorted((repo / "playlists").glob("*.yaml")):
        data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        errors = list(validator.iter_errors(data))
        assert not errors, (path, [e.message for e in errors])
    bad = {"name": "X", "slides": [{"type": "text", "title": "A", "durration": 5}]}
    assert list(validator.iter_errors(bad))
    assert list(validator.iter_errors({"name": "X", "slides": [{"type": "photo"}]}))


def test_check_validates_theme_and_delays_of_a_content_folder(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (content / "playlists" / "a.yaml").write_text("name: A\nslides: [{type: text, title: A}]\n")
    (content / "theme.yaml").write_text("colours: {background: bleu}\nlocale: de\n")
    (content / "delays.yaml").write_text("Salle Seine: 10m\nAmphi: demain\n")
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out
    assert "theme.yaml:1:23: error: colours.background: expected a colour" in out
    assert "theme.yaml:2:9: error: locale: 'de' is not allowed" in out
    assert "delays.yaml:2:8: error: Amphi: expected a duration" in out

"""Figures written by the benches themselves, not copied by hand.

A bench run with ``--record`` writes what it printed into ``docs/figures/NAME.json``: the
date, the commit, the machine, the command that reruns it, its figures and its targets.
The results page's "Latest recorded runs" table is generated from those files by
``python -m signage.cli.reference`` (and checked in CI), so that a figure on the page is
the one a bench printed, with its date.

    python -m signage.tools.figures NAME --command "CMD" [--keys K,K] < result.json
                                     # record a result a bench printed as JSON earlier
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from signage.tools.loopback import REPO

FIGURES = REPO / "docs" / "figures"
START = "<!-- figures: written by the benches (--record), do not edit -->"
END = "<!-- /figures -->"


def machine() -> str:
    """This machine in a few words: cores, architecture, Python."""
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def commit() -> str:
    """The commit measured (with "+" when the working tree had changes), or ""."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + ("+" if dirty else "")


def record(
    name: str,
    command: str,
    figures: dict[str, Any],
    targets: dict[str, str] | None = None,
    folder: Path = FIGURES,
) -> Path:
    """Write one bench's latest run; returns the file written."""
    folder.mkdir(parents=True, exist_ok=True)
    entry = {
        "bench": name,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "command": command,
        "figures": figures,
        "targets": targets or {},
    }
    path = folder / f"{name}.json"
    path.write_text(json.dumps(entry, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return f"{len(value)}" if len(value) > 3 else ", ".join(_value(v) for v in value) or "0"
    if isinstance(value, dict):
        return "; ".join(f"{k} {_value(v)}" for k, v in value.items())
    return str(value)


def table(folder: Path = FIGURES) -> str:
    """The latest run of each bench as a Markdown table (empty when none was recorded)."""
    rows = [
        "| bench | when, commit, machine | command | figures | targets |",
        "|---|---|---|---|---|",
    ]
    for path in sorted(folder.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        figures = "; ".join(f"{k} **{_value(v)}**" for k, v in entry["figures"].items())
        targets = "; ".join(f"{k} {v}" for k, v in entry.get("targets", {}).items())
        when = f"{entry['date'][:16].replace('T', ' ')} UTC, {entry['commit']}, {entry['machine']}"
        cells = (entry["bench"], when, f"`{entry['command']}`", figures, targets)
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) if len(rows) > 2 else "(no run recorded yet)"


def page(text: str, folder: Path = FIGURES) -> str:
    """``text`` (the results page) with its block of recorded runs written again."""
    if START not in text or END not in text:
        return text
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{START}\n\n{table(folder)}\n\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Record a bench's JSON result (on stdin).")
    parser.add_argument("name", help="the bench's name: the file docs/figures/NAME.json")
    parser.add_argument("--command", required=True, help="the command that reruns it")
    parser.add_argument("--keys", help="the figures to keep, comma-separated (default: all)")
    args = parser.parse_args(argv)
    try:
        result = json.load(sys.stdin)
    except ValueError as exc:
        print(f"figures: error: stdin is not a JSON result: {exc}", file=sys.stderr)
        return 2
    keys = args.keys.split(",") if args.keys else list(result)
    missing = [k for k in keys if k not in result]
    if missing:
        print(f"figures: error: not in the result: {', '.join(missing)}", file=sys.stderr)
        return 2
    print(record(args.name, args.command, {k: result[k] for k in keys}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

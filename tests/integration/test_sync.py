"""Walls in step (issue 15): real players on one ``sync: true`` playlist change slides at
the same instants, on the wall clock's cycle from midnight, however late they started.
(The precision is measured by bench/sync.py; this checks the behaviour.)"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.support.content import write_content
from tests.support.process import PlayerProcess

SLOT_S = 2.0
PARIS = ZoneInfo("Europe/Paris")


def _starts(log: Path, key: str = "started") -> list[tuple[str, float]]:
    """(slide, when) of each play: ``started`` when its first frame was presented, ``due``
    when its slot began."""
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    return [(e["slide"], dt.datetime.fromisoformat(e[key]).timestamp()) for e in entries]


def _into_slot(at: float) -> float:
    """Seconds after the nearest slot edge (negative: before it; proof of play keeps
    milliseconds, cut, not rounded)."""
    local = dt.datetime.fromtimestamp(at, PARIS)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (at - midnight.timestamp() + SLOT_S / 2) % SLOT_S - SLOT_S / 2


def test_players_started_apart_change_slides_together(tmp_path: Path) -> None:
    root = tmp_path / "content"
    slides = "".join(f"  - {{type: text, id: s{n}, title: Écran {n}}}\n" for n in range(4))
    write_content(
        root,
        {
            "hall.yaml": f"name: Hall\nsync: true\ndefaults: {{duration: {SLOT_S:g}, transition: cut}}\nslides:\n{slides}"
        },
        "timezone: Europe/Paris\nheader: false\n",
    )
    logs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    first = PlayerProcess(
        [str(root), "--screen", "a", "--plays", str(logs[0]), "--cache", str(tmp_path / "ca")]
    )
    time.sleep(1.3)  # the second joins mid-slot
    second = PlayerProcess(
        [str(root), "--screen", "b", "--plays", str(logs[1]), "--cache", str(tmp_path / "cb")]
    )
    try:
        time.sleep(4 * SLOT_S + 0.5)
    finally:
        first.stop()
        second.stop()
    # each player's first slide joined mid-slot; every later one is planned on its slot's
    # edge (not when the player happened to start or to have its first frame ready)
    a, b = (_starts(log, "due")[1:] for log in logs)
    assert len(a) >= 3 and len(b) >= 3
    for _, at in a + b:
        assert abs(_into_slot(at)) < 0.002, _into_slot(at)
    # the two screens planned the same slide for the same instant
    paired = [(sa, ta, tb) for sa, ta in a for sb, tb in b if sa == sb and abs(ta - tb) < 1.0]
    assert len(paired) >= 3
    assert all(abs(ta - tb) < 0.002 for _, ta, tb in paired)
    # and presented it within its own slot on both screens, never in the slot after; late
    # by a frame or a scheduler's delay as a rule (the median), more only when a loaded
    # machine pauses the player (a CI run beside a tesseract bench and a Chromium soak saw
    # one slide 1.24 s into its 2 s slot). How late, quiet and under load: bench/sync.py.
    late = []
    for log in logs:
        for (slide, shown), (_, due) in list(zip(_starts(log), _starts(log, "due"), strict=True))[
            1:
        ]:
            assert 0 <= shown - due < SLOT_S, (slide, shown - due)
            late.append(shown - due)
    assert statistics.median(late) < 0.5, late

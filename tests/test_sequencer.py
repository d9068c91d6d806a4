"""The sequencer on fake time: durations, windows, priorities, screens, keys, reloads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signage.sequencer import Playing, active_playlist, relocate, show, step, what_now
from tests.support.content import at, write_content

LOOP = """
name: Loop
defaults: {duration: 10}
slides:
  - {type: text, id: a, title: A}
  - {type: text, id: b, title: B, duration: 5}
  - {type: text, id: c, title: C}
"""


def run(content, screen: str, start: dt.datetime, seconds: int, step_s: float = 0.5):
    """Drive the sequencer as the loop does; returns [(seconds from start, slide id)] at each change."""
    playing = what_now(content, screen, start)
    changes = [(0.0, playing.slide.id if playing.slide else None)]
    now = start
    while now < start + dt.timedelta(seconds=seconds):
        now += dt.timedelta(seconds=step_s)
        if now >= playing.until:
            new = what_now(content, screen, now, playing)
            if new.key != playing.key or new.started != playing.started:
                changes.append(((now - start).total_seconds(), new.slide.id if new.slide else None))
            playing = new
    return changes


def test_slides_loop_with_their_durations(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"loop.yaml": LOOP})
    changes = run(content, "hall", at("2026-11-30 10:00"), 50)
    assert changes == [
        (0.0, "a"),
        (10.0, "b"),
        (15.0, "c"),
        (25.0, "a"),
        (35.0, "b"),
        (40.0, "c"),
        (50.0, "a"),
    ]


def test_deadline_is_the_end_of_the_slide(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"loop.yaml": LOOP})
    start = at("2026-11-30 10:00")
    playing = what_now(content, "hall", start)
    assert playing.until == start + dt.timedelta(seconds=10)
    # asked again before the deadline: same slide, same deadline
    again = what_now(content, "hall", start + dt.timedelta(seconds=3), playing)
    assert again == playing


def test_late_wakeup_does_not_drift(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"loop.yaml": LOOP})
    start = at("2026-11-30 10:00")
    playing = what_now(content, "hall", start)
    late = what_now(content, "hall", start + dt.timedelta(seconds=10.3), playing)
    assert late.slide.id == "b"
    assert late.started == start + dt.timedelta(seconds=10)  # continues from the plan


def test_slide_when_window(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "p.yaml": """
name: P
slides:
  - {type: text, id: always, title: A, duration: 10}
  - {type: text, id: evening, title: E, duration: 10, when: {from: "16:00"}}
"""
        },
    )
    morning = run(content, "s", at("2026-11-30 10:00"), 40)
    assert {sid for _, sid in morning} == {"always"}
    evening = run(content, "s", at("2026-11-30 16:00"), 40)
    assert [sid for _, sid in evening][:3] == ["always", "evening", "always"]


def test_priority_and_playlist_windows(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "a-base.yaml": "name: Base\nslides: [{type: text, id: base, title: B}]\n",
            "b-prog.yaml": (
                "name: Prog\npriority: 10\nwhen: {start: 2026-11-30, end: 2026-11-30, from: '08:00', to: '18:30'}\n"
                "slides: [{type: text, id: prog, title: P}]\n"
            ),
        },
    )
    assert active_playlist(content, "s", at("2026-11-30 07:59")).name == "Base"
    assert active_playlist(content, "s", at("2026-11-30 08:00")).name == "Prog"
    assert active_playlist(content, "s", at("2026-11-30 18:30")).name == "Base"
    assert active_playlist(content, "s", at("2026-12-01 10:00")).name == "Base"
    # the deadline stops at the window's opening, so the programme takes over on time
    playing = what_now(content, "s", at("2026-11-30 07:59:55"))
    assert playing.slide.id == "base"
    assert playing.until == at("2026-11-30 08:00")
    taken = what_now(content, "s", playing.until, playing)
    assert taken.slide.id == "prog"


def test_screens_select_playlists(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "hall.yaml": "name: Hall\nscreens: [hall]\nslides: [{type: text, id: h, title: H}]\n",
            "door.yaml": "name: Door\nscreens: grand-bleu\nslides: [{type: text, id: d, title: D}]\n",
        },
    )
    assert what_now(content, "hall", at("2026-11-30 10:00")).slide.id == "h"
    assert what_now(content, "grand-bleu", at("2026-11-30 10:00")).slide.id == "d"
    nothing = what_now(content, "bar", at("2026-11-30 10:00"))
    assert nothing.slide is None and nothing.index == -1  # the fallback slide


def test_fallback_rechecks_at_next_window(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {"p.yaml": "name: P\nwhen: {from: '09:00'}\nslides: [{type: text, id: x, title: X}]\n"},
    )
    playing = what_now(content, "s", at("2026-11-30 08:59:30"))
    assert playing.slide is None
    assert playing.until == at("2026-11-30 09:00")


def test_next_previous_and_show(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"loop.yaml": LOOP})
    now = at("2026-11-30 10:00")
    playing = what_now(content, "s", now)
    later = now + dt.timedelta(seconds=2)
    nxt = step(content, "s", later, playing, 1)
    assert nxt.slide.id == "b" and nxt.started == later
    prev = step(content, "s", later, nxt, -1)
    assert prev.slide.id == "a"
    wrap = step(content, "s", later, prev, -1)
    assert wrap.slide.id == "c"
    shown = show(content, "s", later, "c")
    assert shown is not None and shown.slide.id == "c"
    assert show(content, "s", later, "nope") is None


def test_failed_slides_are_skipped(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"loop.yaml": LOOP})
    path = content.playlists[0].path
    playing = what_now(content, "s", at("2026-11-30 10:00"), skip={(path, "a")})
    assert playing.slide.id == "b"
    everything = {(path, s) for s in "abc"}
    assert what_now(content, "s", at("2026-11-30 10:00"), skip=everything).slide is None


def test_reload_keeps_the_current_slide(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"loop.yaml": LOOP})
    start = at("2026-11-30 10:00")
    playing = step(content, "s", start, what_now(content, "s", start), 1)  # on "b" since 10:00
    edited = write_content(
        tmp_path, {"loop.yaml": LOOP.replace("title: B, duration: 5", "title: BB, duration: 8")}
    )
    moved = relocate(edited, "s", start + dt.timedelta(seconds=3), playing)
    assert moved.slide.id == "b" and moved.slide.heading == "BB"
    assert moved.started == start and moved.ends == start + dt.timedelta(seconds=8)
    removed = write_content(
        tmp_path,
        {"loop.yaml": LOOP.replace("  - {type: text, id: b, title: B, duration: 5}\n", "")},
    )
    gone = relocate(removed, "s", start + dt.timedelta(seconds=3), playing)
    assert gone.slide.id == "a"


def test_no_content_is_the_fallback() -> None:
    playing = what_now(None, "s", at("2026-11-30 10:00"))
    assert isinstance(playing, Playing) and playing.slide is None


def test_window_across_midnight(tmp_path: Path) -> None:
    content = write_content(
        tmp_path,
        {
            "night.yaml": "name: N\nwhen: {days: [fri], from: '22:00', to: '02:00'}\nslides: [{type: text, title: N}]\n"
        },
    )
    # 2026-12-04 is a Friday; 01:00 on Saturday still belongs to Friday night
    assert active_playlist(content, "s", at("2026-12-04 23:00")) is not None
    assert active_playlist(content, "s", at("2026-12-05 01:00")) is not None
    assert active_playlist(content, "s", at("2026-12-05 02:00")) is None
    assert active_playlist(content, "s", at("2026-12-05 23:00")) is None

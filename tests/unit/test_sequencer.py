"""The sequencer on fake time: durations, windows, priorities, screens, keys, reloads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signage.content.sequencer import Playing, active_playlist, relocate, show, step, what_now
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


SYNCED = """
name: Hall en phase
sync: true
defaults: {duration: 10, transition: cut}
slides:
  - {type: text, id: a, title: A}
  - {type: text, id: b, title: B, duration: 5}
  - {type: text, id: c, title: C, when: {from: "12:00", to: "13:00"}}
  - {type: text, id: d, title: D}
"""  # a 35 s cycle from midnight; c plays only at lunch


def test_synced_screens_change_at_the_same_instants(tmp_path: Path) -> None:
    """Screens started at different moments show the same slide with the same start: the
    slot of the 35 s cycle counted from midnight, whatever they did before."""
    content = write_content(tmp_path, {"hall.yaml": SYNCED})
    midnight = at("2026-11-30 00:00")
    first = what_now(content, "hall-1", midnight + dt.timedelta(seconds=35 * 1000 + 12))
    # 12 s into a cycle: b's slot (10 to 15 s), started 2 s ago
    assert first.slide.id == "b"
    assert first.started == midnight + dt.timedelta(seconds=35 * 1000 + 10)
    assert first.ends == midnight + dt.timedelta(seconds=35 * 1000 + 15)
    # another screen joins 1.7 s later, mid-slot: the same slide, the same start
    later = what_now(content, "hall-2", first.started + dt.timedelta(seconds=3.7))
    assert (later.slide.id, later.started, later.ends) == ("b", first.started, first.ends)
    # a screen that had stepped by hand comes back in step when its slide ends: 21 s into
    # the cycle, c's slot (c is out of its window): b holds it, as on every other screen
    manual = step(content, "hall-3", first.started + dt.timedelta(seconds=1), None, 1)
    assert manual.started == first.started + dt.timedelta(seconds=1)  # by hand: from now
    back = what_now(content, "hall-3", manual.ends, manual)
    cycle = midnight + dt.timedelta(seconds=35 * 1000)
    assert (back.slide.id, back.started) == ("b", cycle + dt.timedelta(seconds=10))
    assert back.ends == cycle + dt.timedelta(seconds=25)


def test_a_slide_that_cannot_play_keeps_its_slot(tmp_path: Path) -> None:
    """Out of its window, c's slot is held by b (the slide before it stays on), so d still
    starts at 25 s into the cycle, as on every other screen."""
    content = write_content(tmp_path, {"hall.yaml": SYNCED})
    midnight = at("2026-11-30 00:00")
    cycle = midnight + dt.timedelta(seconds=35 * 500)  # 04:51:40, c's window closed
    b = what_now(content, "hall", cycle + dt.timedelta(seconds=11))
    assert b.slide.id == "b"
    held = what_now(content, "hall", b.until, b)
    assert held.slide.id == "b" and held.started == b.started  # no new start: it stays on
    assert held.ends == cycle + dt.timedelta(seconds=25)
    d = what_now(content, "hall", held.until, held)
    assert (d.slide.id, d.started) == ("d", cycle + dt.timedelta(seconds=25))
    # at lunch c has its slot
    lunch = midnight + dt.timedelta(seconds=35 * 1234)  # 11:59:50: the cycle covers 12:00
    c = what_now(content, "hall", lunch + dt.timedelta(seconds=16))
    assert (c.slide.id, c.started) == ("c", lunch + dt.timedelta(seconds=15))


def test_synced_cycles_count_real_seconds_on_a_dst_day(tmp_path: Path) -> None:
    """On the day clocks go back (25 hours), slots follow real seconds since local midnight:
    at 15:00 that is 57,600 s (not the wall clock's 54,000), 25 s into a cycle: d, just
    starting (counting wall-clock seconds would say d, started 5 s ago)."""
    content = write_content(tmp_path, {"hall.yaml": SYNCED})
    local = at("2026-10-25 15:00")
    playing = what_now(content, "hall", local)
    assert (playing.slide.id, playing.started) == ("d", local)


def test_reading_time_does_not_stretch_a_synced_slide(tmp_path: Path) -> None:
    from signage.content.sequencer import held_for_reading

    content = write_content(
        tmp_path,
        {
            "hall.yaml": "name: H\nsync: true\nslides:\n  - {type: text, id: a, title: A, duration: auto}\n  - {type: text, id: b, title: B}\n"
        },
    )
    playing = what_now(content, "hall", at("2026-11-30 10:00"))
    assert held_for_reading(playing, 400) == playing


def test_synced_slots_start_exactly_on_their_edge(tmp_path: Path) -> None:
    """A slot's start is its edge to the microsecond, whatever fraction of a millisecond
    ``now`` carries: a start taken as ``now`` minus the elapsed milliseconds was up to half
    a millisecond before the edge, so the slide at a minute was drawn with the old minute's
    clock, found stale on arrival and drawn again while the screen waited (10-22 ms late)."""
    content = write_content(tmp_path, {"hall.yaml": SYNCED})
    edge = at("2026-11-30 10:00:00")  # 36,000 s from midnight: a's slot of the 35 s cycle
    assert 36_000 % 35 == 20  # (d's slot, 25 to 35 s: it ends, a starts, 15 s later)
    a_slot = edge + dt.timedelta(seconds=15)
    for shift_us in (-400, -1, 0, 1, 499, 501, 2_345_678):
        now = a_slot + dt.timedelta(microseconds=shift_us)
        playing = what_now(content, "hall", now)
        if shift_us < 0:  # not yet: d's slot, which ends on the edge exactly
            assert (playing.slide.id, playing.ends) == ("d", a_slot), shift_us
        else:
            assert (playing.slide.id, playing.started) == ("a", a_slot), shift_us
            assert playing.ends == a_slot + dt.timedelta(seconds=10)

"""Importing a large room calendar: 700 events, 80 of them recurring, expanded two years past
the last event. By default the 80 are weekly meetings without end (a room's calendar: about
9,000 occurrences); ``--heavy`` makes 40 of them twice a week and 40 daily for 200 days
(about 17,000). Prints the import time (median of runs) and the number of occurrences.

    python bench/calendars.py [--runs 5] [--heavy] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

EVENTS = 700
RULES = 80


def write_calendar(path: Path, heavy: bool = False) -> None:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//signage//bench//FR",
             "X-WR-TIMEZONE:Europe/Paris"]  # fmt: skip
    for n in range(EVENTS):
        day, hour = 1 + n % 28, 8 + n % 10
        rule = []
        if n < RULES and heavy:
            rule = ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE" if n % 2 else "RRULE:FREQ=DAILY;COUNT=200"]
        elif n < RULES:
            rule = ["RRULE:FREQ=WEEKLY"]
        lines += [
            "BEGIN:VEVENT", f"UID:bench-{n}",
            f"DTSTART;TZID=Europe/Paris:202611{day:02d}T{hour:02d}0000",
            f"DTEND;TZID=Europe/Paris:202611{day:02d}T{hour + 1:02d}0000",
            f"SUMMARY:Réunion {n}", f"LOCATION:Salle {n % 12}", *rule, "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--heavy", action="store_true", help="rules twice a week and daily")
    args = parser.parse_args()
    from signage.programme.load import load

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "salles.ics"
        write_calendar(path, args.heavy)
        times, count = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            count = len(load(str(path)).events)
            times.append(time.perf_counter() - started)
    result = {"events": EVENTS, "rules": RULES, "occurrences": count,
              "import_s_median": round(statistics.median(times), 3),
              "import_s_min": round(min(times), 3)}  # fmt: skip
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()

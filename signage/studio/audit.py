"""The studio's audit log: who did what, when, from where, one JSON line per change, in
the content folder's ``.studio/audit.jsonl`` (left out of reloads and of the feed)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

from signage.core.text import clean_tree


class Audit:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, who: str, what: str, where: str, **details: Any) -> None:
        entry = {
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "who": who, "what": what, "from": where, **details,
        }  # fmt: skip
        line = json.dumps(clean_tree(entry), ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(line)

    def last(self, count: int = 200) -> list[dict[str, Any]]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()[-count:]
        except OSError:
            return []
        found = []
        for line in reversed(lines):
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
        return found

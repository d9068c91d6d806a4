"""Where the real schedule exports live (beside the repository; the importer tests skip
when the folder is absent)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SAMPLES = REPO.parent / "shared" / "samples" / "schedules"

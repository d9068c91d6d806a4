"""Where the tests find the repository (the bundled example) and their own data."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"

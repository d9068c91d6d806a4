"""Shared fixtures: headless SDL, the bundled example, small content folders."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# Players started by the tests keep their state (proof of play, caches) out of the home folder.
os.environ["SIGNAGE_STATE_DIR"] = tempfile.mkdtemp(prefix="signage-test-state-")

from signage.core.paths import copy_example
from tests.support.broker import broker  # noqa: F401  (a real Mosquitto, for every module)
from tests.support.browser import browser  # noqa: F401  (a fixture for every test module)
from tests.support.samples import REPO
from tests.support.studio import running  # noqa: F401  (a studio served in the test's process)


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the bundled example content folder."""
    return copy_example(REPO, tmp_path / "content")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """An empty content folder with one small image, to write playlists into."""
    from PIL import Image

    root = tmp_path / "c"
    (root / "playlists").mkdir(parents=True)
    (root / "assets").mkdir()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(root / "assets" / "red.jpg")
    return root


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests under tests/integration/ (real processes, a broker, a browser, loopback
    servers) are ``integration`` and ``slow``: ``pytest -m "not slow"`` is the quick loop."""
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.slow)

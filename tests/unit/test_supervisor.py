"""Supervised background work: failures are logged, reported in health, and restarted; the
watchdog heartbeat stops when an essential part stays down."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from signage.core.supervisor import Supervisor
from signage.ops.systemd import Notifier
from tests.support.systemd import FakeSystemd


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_failing_part_is_logged_once_reported_and_restarted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    supervisor = Supervisor(first_backoff_s=0.01, max_backoff_s=0.02, settle_s=0.3)
    stop = threading.Event()
    runs: list[int] = []

    def part() -> None:
        runs.append(1)
        if len(runs) <= 3:
            raise OSError(28, "No space left on device")
        stop.wait()  # the fourth run works

    with caplog.at_level(logging.INFO, logger="signage.core.supervisor"):
        supervisor.spawn("feed", part, stop)
        wait_until(lambda: len(runs) == 4)
        health = supervisor.health()["feed"]
        assert health["ok"] is False and health["restarts"] == 3
        assert "No space left on device" in str(health["last_error"])
        time.sleep(0.35)  # running well for longer than settle_s: healthy again
        health = supervisor.health()["feed"]
        assert health["ok"] is True and health["restarts"] == 3
        assert health["last_error"]  # the last error stays visible
    stop.set()
    with_traceback = [r for r in caplog.records if r.exc_info]
    assert len(with_traceback) == 1  # the traceback once, then one line per repeat
    assert sum("failed again" in r.getMessage() for r in caplog.records) == 2


def test_a_part_that_returns_is_not_restarted() -> None:
    supervisor = Supervisor(first_backoff_s=0.01)
    stop = threading.Event()
    runs: list[int] = []
    thread = supervisor.spawn("plays", lambda: runs.append(1), stop)
    thread.join(timeout=2)
    assert runs == [1] and supervisor.health()["plays"]["ok"] is True


def test_healthy_turns_false_only_after_the_grace_for_essential_parts() -> None:
    clock = FakeMonotonic()
    supervisor = Supervisor(grace_s=300, monotonic=clock)
    supervisor.register("feed")
    supervisor.register("cleaner", essential=False)
    supervisor.failed("cleaner", "broken")
    assert supervisor.healthy()
    supervisor.failed("feed", RuntimeError("bug"))
    clock.now += 299
    assert supervisor.healthy()
    clock.now += 2
    assert not supervisor.healthy()
    supervisor.restarted("feed")
    clock.now += 10  # restarted and running: healthy again
    assert supervisor.healthy()
    assert supervisor.health()["feed"] == {
        "ok": True,
        "last_error": "RuntimeError: bug",
        "restarts": 1,
    }


def test_probed_parts_follow_their_probe() -> None:
    clock = FakeMonotonic()
    supervisor = Supervisor(grace_s=5, monotonic=clock)
    problem: list[str | None] = [None]
    supervisor.register("folder-watch", probe=lambda: problem[0])
    assert supervisor.health()["folder-watch"]["ok"] is True
    problem[0] = "the watch stopped"
    assert supervisor.health()["folder-watch"] == {
        "ok": False,
        "last_error": "the watch stopped",
        "restarts": 0,
    }
    clock.now += 6
    assert not supervisor.healthy()
    problem[0] = None
    assert supervisor.healthy() and supervisor.health()["folder-watch"]["ok"] is True


def test_watchdog_heartbeats_stop_while_an_essential_part_is_down(tmp_path: Path) -> None:
    systemd = FakeSystemd(tmp_path)
    clock = FakeMonotonic()
    supervisor = Supervisor(grace_s=60, monotonic=clock)
    supervisor.register("feed")
    notifier = Notifier(
        {"NOTIFY_SOCKET": str(systemd.path), "WATCHDOG_USEC": "20000"}, supervisor.healthy
    )
    notifier.heartbeat()
    assert systemd.receive(0.2) == ["WATCHDOG=1"]
    supervisor.failed("feed", "the feed thread died")
    clock.now += 61
    for _ in range(5):
        time.sleep(0.015)
        notifier.heartbeat()
    assert systemd.receive(0.2) == []  # systemd will restart the player
    supervisor.restarted("feed")
    clock.now += 10
    time.sleep(0.015)
    notifier.heartbeat()
    assert systemd.receive(0.2) == ["WATCHDOG=1"]

"""systemd: the notify protocol, the watchdog restarting a frozen player, the unit files;
and the display's power schedule."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from signage.core.clock import FakeClock
from signage.draw.canvas import Screen
from signage.ops.systemd import Notifier
from signage.player.config import DisplayHours
from signage.player.display import Display
from signage.player.hours import is_on, next_change
from signage.player.loop import Player
from tests.support.content import at, write_content
from tests.support.paths import REPO
from tests.support.systemd import FakeSystemd


def test_notifier_speaks_the_protocol(tmp_path: Path) -> None:
    systemd = FakeSystemd(tmp_path)
    notifier = Notifier({"NOTIFY_SOCKET": str(systemd.path), "WATCHDOG_USEC": "200000"})
    notifier.ready("playing hall")
    notifier.heartbeat()
    notifier.heartbeat()  # too soon: not sent twice
    time.sleep(0.11)
    notifier.heartbeat()
    notifier.stopping()
    assert systemd.receive(0.5) == [
        "READY=1\nSTATUS=playing hall",
        "WATCHDOG=1",
        "WATCHDOG=1",
        "STOPPING=1",
    ]
    assert Notifier({}).send("READY=1") is False  # without systemd: nothing, no error


def start_player(content: Path, systemd: FakeSystemd) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "NOTIFY_SOCKET": str(systemd.path),
        "WATCHDOG_USEC": "1000000",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "signage",
            "play",
            str(content),
            "--windowed",
            "--size",
            "160x90",
            "--control",
            "off",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_watchdog_restarts_a_frozen_player(tmp_path: Path) -> None:
    """Emulates systemd's WatchdogSec=1 and Restart=always around a real player process."""
    content = tmp_path / "c"
    write_content(
        content, {"p.yaml": "name: P\nslides: [{type: text, title: A, duration: 3600}]\n"}
    )
    systemd = FakeSystemd(tmp_path)
    player = start_player(content, systemd)
    try:
        systemd.wait("READY=1", 30)
        beats = [m for m in systemd.receive(2.0) if m == "WATCHDOG=1"]
        assert len(beats) >= 3  # every half WatchdogSec, from the render loop
        player.send_signal(signal.SIGSTOP)  # the loop freezes
        systemd.receive(0.3)  # what was already sent before the freeze
        assert "WATCHDOG=1" not in systemd.receive(1.5)  # the heartbeats stop: systemd acts
        player.kill()  # what systemd does when WatchdogSec passes without a heartbeat...
        player.wait()
        player = start_player(content, systemd)  # ...then Restart=always
        systemd.wait("READY=1", 30)
        systemd.wait("WATCHDOG=1", 5)
    finally:
        player.kill()
        player.wait()


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)
@pytest.mark.parametrize(
    "unit", ["signage-player.service", "signage-serve.service", "signage-studio.service"]
)
def test_units_pass_systemd_analyze_verify(unit: str, tmp_path: Path) -> None:
    text = (REPO / "systemd" / unit).read_text()
    assert "/opt/signage/bin/signage" in text
    # verify checks that ExecStart exists: point it at the signage installed for the tests
    installed = shutil.which("signage") or f"{sys.executable}"
    (tmp_path / unit).write_text(text.replace("/opt/signage/bin/signage", installed))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert unit not in result.stderr, result.stderr  # no warnings about the unit itself


def test_player_unit_is_a_watched_notify_service() -> None:
    text = (REPO / "systemd" / "signage-player.service").read_text()
    for line in (
        "Type=notify",
        "WatchdogSec=",
        "Restart=always",
        "User=signage",
        "SDL_VIDEODRIVER=kmsdrm",
    ):
        assert line in text


def test_display_hours() -> None:
    on, off = dt.time(7, 30), dt.time(20, 0)
    assert not is_on(on, off, at("2026-11-30 07:29"))
    assert is_on(on, off, at("2026-11-30 07:30"))
    assert not is_on(on, off, at("2026-11-30 20:00"))
    assert next_change(on, off, at("2026-11-30 21:00")) == at("2026-12-01 07:30")
    night = (dt.time(18, 0), dt.time(2, 0))  # a bar's screen: on across midnight
    assert is_on(*night, at("2026-11-30 01:00")) and not is_on(*night, at("2026-11-30 03:00"))


def test_screen_goes_black_outside_hours_and_comes_back(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "c",
        {"p.yaml": "name: P\nslides: [{type: text, title: A, duration: 3600}]\n"},
        'header: false\ncolours: {background: "#c81e1e"}\n',
    )
    marker = tmp_path / "cec-on"
    hours = DisplayHours(dt.time(8, 0), dt.time(20, 0), ("touch", str(marker)), ("true",))
    display = Display((160, 90), fullscreen=False)
    clock = FakeClock(at("2026-11-30 07:59:50"))
    player = Player(display, clock, Screen("s"), content, hours=hours)
    try:
        wait = player.iterate()
        assert player.status.read()["display"] == "off"
        assert tuple(display.surface.get_at((80, 45)))[:3] == (0, 0, 0)
        assert 0 < wait <= 10.0
        clock.set(at("2026-11-30 08:00"))
        deadline = time.monotonic() + 20
        while player.current is None or tuple(display.surface.get_at((80, 45)))[:3] == (0, 0, 0):
            assert time.monotonic() < deadline
            player.iterate()
            time.sleep(0.01)
        assert player.status.read()["display"] == "on"
        assert display.surface.get_at((80, 45)).r > 150  # the slide, on its red background
        deadline = time.monotonic() + 10
        while not marker.exists():  # the power command ran (on a thread, with a timeout)
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        player.preparer.close()
        display.close()

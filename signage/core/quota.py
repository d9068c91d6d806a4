"""A CPU quota for the bench's child and every process it starts (``--cpu-quota``).

A quarter of one core is roughly one core of a Raspberry Pi 4. Tried in order, and the
one used is said in the results (``cpu_quota_by``):

- ``cgroup2``: a cgroup v2 of our own with ``cpu.max`` (the unified hierarchy, root or a
  delegated subtree);
- ``cgroup1``: the v1 ``cpu`` controller's ``cpu.cfs_quota_us``;
- ``systemd-run``: a transient scope with ``CPUQuota=`` (needs a systemd bus);
- ``duty-cycle``: none of these: the child's process group is stopped and continued
  (SIGSTOP/SIGCONT) in 20 ms periods, running the quota's share of each. Coarser than the
  kernel's throttle (the whole group at once, never one thread), and said so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PERIOD_US = 100_000
DUTY_PERIOD_S = 0.02
V2 = Path("/sys/fs/cgroup")
V1 = Path("/sys/fs/cgroup/cpu")


class Quota:
    """How a child runs under ``percent`` of one core: ``prefix`` for its command line,
    ``preexec`` to run in it before exec, ``watch`` once it is started."""

    def __init__(self, percent: float) -> None:
        if not 1 <= percent <= 100 * (os.cpu_count() or 1):
            raise ValueError(f"--cpu-quota {percent:g}: give a percentage of one core, 1 to 100")
        self.percent = percent
        self.by = ""
        self.prefix: list[str] = []
        self.preexec: Callable[[], None] | None = None
        self._group: Path | None = None
        self._duty: threading.Event | None = None

    @property
    def quota_us(self) -> int:
        return round(PERIOD_US * self.percent / 100)

    def _cgroup(self, parent: Path, name: str, limit: tuple[str, str]) -> bool:
        group = parent / name
        try:
            group.mkdir(exist_ok=True)
            (group / limit[0]).write_text(limit[1])
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
            return False
        self._group = group
        procs = group / "cgroup.procs"

        def join() -> None:
            procs.write_text(str(os.getpid()))

        self.preexec = join
        return True

    def choose(self) -> None:
        name = f"signage-bench-{os.getpid()}"
        controllers = V2 / "cgroup.controllers"
        v2 = controllers.exists() and "cpu" in controllers.read_text().split()
        if v2 and self._cgroup(V2, name, ("cpu.max", f"{self.quota_us} {PERIOD_US}")):
            self.by = "cgroup2"
            return
        if (V1 / "cpu.cfs_quota_us").exists() and self._cgroup(
            V1, name, ("cpu.cfs_quota_us", str(self.quota_us))
        ):
            self.by = "cgroup1"
            return
        runner = shutil.which("systemd-run")
        if runner is not None:
            probe = subprocess.run(
                [runner, "--scope", "--quiet", f"-pCPUQuota={self.percent:g}%", "true"],
                capture_output=True, timeout=30, check=False,
            )  # fmt: skip
            if probe.returncode == 0:
                self.by = "systemd-run"
                self.prefix = [runner, "--scope", "--quiet", f"-pCPUQuota={self.percent:g}%"]
                return
        self.by = "duty-cycle"

    def watch(self, child: subprocess.Popen[Any]) -> None:
        """The duty cycle's thread, when no kernel throttle could be had."""
        if self.by != "duty-cycle":
            return
        self._duty = threading.Event()
        share = min(1.0, self.percent / 100)
        stop = self._duty

        def cycle() -> None:
            group = os.getpgid(child.pid)
            while not stop.is_set() and child.poll() is None:
                time.sleep(DUTY_PERIOD_S * share)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGSTOP)
                time.sleep(DUTY_PERIOD_S * (1 - share))
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGCONT)

        threading.Thread(target=cycle, name="duty-cycle", daemon=True).start()

    def close(self) -> None:
        if self._duty is not None:
            self._duty.set()
        if self._group is not None:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    self._group.rmdir()  # empty once its processes are gone
                    break
                except OSError:
                    time.sleep(0.1)


@contextmanager
def limited(percent: float | None) -> Iterator[Quota | None]:
    """A quota chosen for ``percent`` of one core (None: no limit), removed after."""
    if percent is None:
        yield None
        return
    quota = Quota(percent)
    quota.choose()
    try:
        yield quota
    finally:
        quota.close()


def run_child(
    command: list[str], quota: Quota | None, timeout_s: float, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``command`` to its end under ``quota``, its output captured."""
    prefix = quota.prefix if quota is not None else []
    child = subprocess.Popen(
        [*prefix, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=quota.preexec if quota is not None else None,  # noqa: PLW1509 (writes our pid to the cgroup, nothing else)
        start_new_session=quota is not None and quota.by == "duty-cycle",
    )  # fmt: skip
    if quota is not None:
        quota.watch(child)
    try:
        out, err = child.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)

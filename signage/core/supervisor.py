"""Supervised background work: no thread dies silently.

Every background part (feed, folder watcher, programme fetcher, proof of play,
control server, preparation worker) runs under one :class:`Supervisor`. An
unexpected exception is logged once with its traceback, shown in ``/status``
under ``health``, and the part is started again after a backoff. The systemd
watchdog heartbeat asks :meth:`Supervisor.healthy`, so a player whose
essential part has been down for longer than ``grace_s`` stops sending it and
systemd restarts the whole process. (Erlang/OTP's one-for-one supervisor;
systemd's ``WatchdogSec``.)
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0
SETTLE_S = 5.0  # a restarted part that runs this long without failing is healthy again
DEFAULT_GRACE_S = 300.0


@dataclass
class _Part:
    essential: bool
    last_error: str | None = None
    restarts: int = 0
    down_since: float | None = None  # monotonic; None while healthy
    back_at: float | None = None  # when the part was last started again
    probe: Callable[[], str | None] | None = None
    by_probe: bool = False  # down because its probe said so (it recovers when the probe does)


class Supervisor:
    """Runs parts in threads, restarts them when they fail, and reports their health."""

    def __init__(
        self,
        grace_s: float = DEFAULT_GRACE_S,
        *,
        first_backoff_s: float = FIRST_BACKOFF_S,
        max_backoff_s: float = MAX_BACKOFF_S,
        settle_s: float = SETTLE_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.grace_s = grace_s
        self.first_backoff_s = first_backoff_s
        self.max_backoff_s = max_backoff_s
        self.settle_s = settle_s
        self._monotonic = monotonic
        self._parts: dict[str, _Part] = {}
        self._logged: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    # -- running parts ----------------------------------------------------------------

    def spawn(
        self,
        name: str,
        target: Callable[[], None],
        stop: threading.Event,
        *,
        essential: bool = True,
    ) -> threading.Thread:
        """Run ``target`` in a daemon thread until it returns or ``stop`` is set; restart it
        with a growing backoff (1 s, 2 s, … 60 s) whenever it raises."""
        self.register(name, essential=essential)

        def guarded() -> None:
            backoff = self.first_backoff_s
            while not stop.is_set():
                started = self._monotonic()
                try:
                    target()
                    return
                except Exception as exc:  # the point of a supervisor: nothing escapes
                    self.failed(name, exc)
                if self._monotonic() - started >= self.settle_s:
                    backoff = self.first_backoff_s  # it had been running well: restart soon
                if stop.wait(backoff * random.uniform(0.8, 1.2)):  # noqa: S311 (jitter)
                    return
                backoff = min(backoff * 2, self.max_backoff_s)
                self.restarted(name)

        thread = threading.Thread(target=guarded, name=name, daemon=True)
        thread.start()
        return thread

    def register(
        self,
        name: str,
        *,
        essential: bool = True,
        probe: Callable[[], str | None] | None = None,
    ) -> None:
        """Declare a part; ``probe`` (optional) says what is wrong with it now, or None."""
        with self._lock:
            part = self._parts.setdefault(name, _Part(essential))
            part.essential = essential
            if probe is not None:
                part.probe = probe

    # -- what parts report ---------------------------------------------------------------

    def failed(self, name: str, error: BaseException | str) -> None:
        """A part failed unexpectedly: log it (with its traceback the first time), mark it down."""
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        with self._lock:
            part = self._parts.setdefault(name, _Part(True))
            part.last_error = text
            if part.down_since is None:
                part.down_since = self._monotonic()
            part.back_at = None
            part.by_probe = False
            first = (name, text) not in self._logged
            self._logged.add((name, text))
            restarts = part.restarts
        if first:
            exc_info = error if isinstance(error, BaseException) else None
            log.error("%s failed: %s; restarting it", name, text, exc_info=exc_info)
        else:
            log.error("%s failed again (%s); %d restart(s) so far", name, text, restarts)

    def restarted(self, name: str) -> None:
        """A part was started again after a failure."""
        with self._lock:
            part = self._parts.setdefault(name, _Part(True))
            part.restarts += 1
            part.back_at = self._monotonic()
        log.info("%s restarted", name)

    # -- health -----------------------------------------------------------------------

    def _settle(self, name: str, part: _Part, now: float) -> str | None:
        """The part's current problem (None: healthy), updating its state as time passes."""
        problem = part.probe() if part.probe is not None else None
        if problem is not None:
            if part.down_since is None:
                part.down_since = now
                part.by_probe = True
                log.error("%s: %s", name, problem)
            part.last_error = problem
            return problem
        if part.down_since is not None:
            settled = part.back_at is not None and now - part.back_at >= self.settle_s
            if part.by_probe or settled:
                part.down_since = None
                part.by_probe = False
                log.info("%s is healthy again", name)
        return part.last_error if part.down_since is not None else None

    def health(self) -> dict[str, dict[str, object]]:
        """``{part: {"ok", "last_error", "restarts"}}`` for ``/status``."""
        now = self._monotonic()
        with self._lock:
            result: dict[str, dict[str, object]] = {}
            for name, part in sorted(self._parts.items()):
                self._settle(name, part, now)
                result[name] = {
                    "ok": part.down_since is None,
                    "last_error": part.last_error,
                    "restarts": part.restarts,
                }
            return result

    def healthy(self) -> bool:
        """False once an essential part has been down for longer than ``grace_s``."""
        now = self._monotonic()
        with self._lock:
            for name, part in self._parts.items():
                self._settle(name, part, now)
                if (
                    part.essential
                    and part.down_since is not None
                    and now - part.down_since > self.grace_s
                ):
                    return False
            return True


class Replies:
    """Futures waiting for the next run of a part's work (``POST /reload`` waits for the
    reload it asked for): every one gets the result of that run."""

    def __init__(self) -> None:
        self._waiting: list[Future[dict[str, Any]]] = []
        self._lock = threading.Lock()

    def add(self, reply: Future[dict[str, Any]] | None) -> None:
        if reply is not None:
            with self._lock:
                self._waiting.append(reply)

    def answer(self, result: dict[str, Any]) -> None:
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for reply in waiting:
            if not reply.done():
                reply.set_result(result)

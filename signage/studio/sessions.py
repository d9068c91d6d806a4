"""Signed-in sessions (a random token in an HttpOnly, SameSite=Strict cookie; a CSRF token
per session for every change; an idle timeout) and the login rate limit."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

IDLE_S = 30 * 60.0
MAX_SESSIONS = 1000
LOGIN_TRIES = 5  # failed logins for one name within LOGIN_WINDOW_S
ADDRESS_TRIES = 20  # from one address (a venue's phones may share one through its NAT)
LOGIN_WINDOW_S = 300.0
COOKIE = "studio_session"


@dataclass
class Session:
    token: str
    user: str
    role: str
    csrf: str
    last_seen: float

    def csrf_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.csrf, given or "")


class Sessions:
    """Sessions by token, forgotten after ``idle_s`` without a request (on ``clock``)."""

    def __init__(self, idle_s: float = IDLE_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_s = idle_s
        self.clock = clock
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, user: str, role: str) -> Session:
        session = Session(
            secrets.token_urlsafe(32), user, role, secrets.token_urlsafe(24), self.clock()
        )
        with self._lock:
            self._forget_idle()
            if len(self._by_token) >= MAX_SESSIONS:  # the oldest goes
                oldest = min(self._by_token.values(), key=lambda s: s.last_seen)
                del self._by_token[oldest.token]
            self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        """The live session of this token (its idle clock restarted), or None."""
        if not token:
            return None
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return None
            now = self.clock()
            if now - session.last_seen > self.idle_s:
                del self._by_token[token]
                return None
            session.last_seen = now
            return session

    def close(self, token: str) -> None:
        with self._lock:
            self._by_token.pop(token, None)

    def close_user(self, user: str) -> None:
        with self._lock:
            for token in [t for t, s in self._by_token.items() if s.user == user]:
                del self._by_token[token]

    def _forget_idle(self) -> None:
        now = self.clock()
        for token in [t for t, s in self._by_token.items() if now - s.last_seen > self.idle_s]:
            del self._by_token[token]


class LoginLimit:
    """At most ``tries`` failed logins per name, and ``address_tries`` per address (keys
    ``ip:…``), within ``window_s``."""

    def __init__(
        self,
        tries: int = LOGIN_TRIES,
        address_tries: int = ADDRESS_TRIES,
        window_s: float = LOGIN_WINDOW_S,
    ) -> None:
        self.tries, self.address_tries, self.window_s = tries, address_tries, window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, *keys: str) -> float:
        """Seconds before another try is allowed for any of ``keys`` (0: now)."""
        now = time.monotonic()
        with self._lock:
            waits = [0.0]
            for key in keys:
                failures = self._failures.get(key)
                while failures and now - failures[0] > self.window_s:
                    failures.popleft()
                if failures and len(failures) >= self._limit(key):
                    waits.append(self.window_s - (now - failures[0]))
            return max(waits)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 10_000:
                self._failures.clear()  # a flood of names: start again rather than grow
            for key in keys:
                self._failures.setdefault(key, deque(maxlen=self._limit(key))).append(now)

    def _limit(self, key: str) -> int:
        return self.address_tries if key.startswith("ip:") else self.tries

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

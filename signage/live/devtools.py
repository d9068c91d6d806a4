"""A conversation with Chromium over ``--remote-debugging-pipe`` (the DevTools protocol:
JSON messages separated by a NUL byte, Chromium reading on its fd 3 and writing on fd 4),
enough to open a page, answer its login, wait for it and take its picture.

Used by the web supervisor (``signage.live.web``) only, never in the player's process.
"""

from __future__ import annotations

import base64
import json
import os
import select
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

POLL_S = 0.1


class DevtoolsError(Exception):
    """Chromium said no, went away, or the deadline passed (the message says which)."""


class Devtools:
    """Commands with their replies, and the events that arrive meanwhile."""

    def __init__(self, to_browser: int, from_browser: int, deadline: float, late: str) -> None:
        self.to_browser, self.from_browser = to_browser, from_browser
        self.deadline, self.late = deadline, late  # late: what passing the deadline means
        self.on_event: Callable[[dict[str, Any]], None] = lambda message: None
        self._buffer = b""
        self._next_id = 0
        self._seen: set[tuple[str | None, str]] = set()  # (session, event) received

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its reply (DevtoolsError when Chromium refuses it)."""
        wanted = self.send(method, params, session)
        while True:
            for message in self._read():
                if message.get("id") == wanted:
                    if "error" in message:
                        raise DevtoolsError(
                            f"{method}: {message['error'].get('message', 'refused')}"
                        )
                    result: dict[str, Any] = message.get("result", {})
                    return result

    def wait_event(self, method: str, session: str | None) -> None:
        """Wait until ``method`` has been received for ``session`` (now or before)."""
        while (session, method) not in self._seen:
            for _ in self._read():
                pass

    def pump(self, until: float) -> None:
        """Keep answering events until the monotonic time ``until``."""
        while time.monotonic() < min(until, self.deadline):
            for _ in self._read(until):
                pass

    def _read(self, until: float | None = None) -> list[dict[str, Any]]:
        """The messages that arrive within one poll; events are handled and remembered."""
        end = self.deadline if until is None else min(until, self.deadline)
        if time.monotonic() >= self.deadline:
            raise DevtoolsError(self.late)
        ready, _, _ = select.select(
            [self.from_browser], [], [], max(0.0, min(POLL_S, end - time.monotonic()))
        )
        if not ready:
            return []
        chunk = os.read(self.from_browser, 1 << 16)
        if not chunk:
            raise DevtoolsError("Chromium stopped")
        self._buffer += chunk
        *whole, self._buffer = self._buffer.split(b"\0")
        messages = [json.loads(raw) for raw in whole if raw]
        for message in messages:
            if "method" in message:
                self._seen.add((message.get("sessionId"), message["method"]))
                self.on_event(message)
        return messages


@dataclass(frozen=True)
class Visit:
    """What the supervisor asks of one page."""

    url: str
    viewport: tuple[int, int]
    zoom: float
    wait_s: float  # after the page's load event
    selector: str = ""  # or: until an element matches this CSS selector
    login: tuple[str, str] | None = None  # HTTP authentication, for the page's own origin


def picture(devtools: Devtools, visit: Visit) -> bytes:
    """The page as a PNG at the viewport's size times the zoom; DevtoolsError when it cannot
    be reached, answers an HTTP error, never shows its selector or never finishes."""
    target = devtools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = devtools.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]

    def call(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return devtools.call(method, params, session)

    width, height = visit.viewport
    call("Emulation.setDeviceMetricsOverride",
         {"width": width, "height": height, "deviceScaleFactor": visit.zoom, "mobile": False})  # fmt: skip
    call("Emulation.setScrollbarsHidden", {"hidden": True})
    devtools.on_event = _answering(devtools, session, visit)
    call("Fetch.enable", {"handleAuthRequests": True, "patterns": [{"urlPattern": "*"}]})
    call("Page.enable")
    navigated = call("Page.navigate", {"url": visit.url})
    if navigated.get("errorText"):
        raise DevtoolsError(f"the page cannot be reached ({navigated['errorText']})")
    if visit.selector:
        _wait_for(devtools, call, visit.selector)
    else:
        devtools.wait_event("Page.loadEventFired", session)
        devtools.pump(time.monotonic() + visit.wait_s)
    status = _value(call, "performance.getEntriesByType('navigation')[0]?.responseStatus || 0")
    if isinstance(status, int) and status >= 400:
        raise DevtoolsError(f"the page answered HTTP {status}")
    _value(call, "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return base64.b64decode(call("Page.captureScreenshot", {"format": "png"})["data"])


def _answering(devtools: Devtools, session: str, visit: Visit) -> Callable[[dict[str, Any]], None]:
    """Lets every request through; answers a login asked by the page's own origin with the
    credentials, and refuses one asked by any other (never sent to a third party)."""
    origin = _origin(visit.url)

    def answer(message: dict[str, Any]) -> None:
        params = message.get("params", {})
        if message["method"] == "Fetch.requestPaused":
            devtools.send("Fetch.continueRequest", {"requestId": params["requestId"]}, session)
        elif message["method"] == "Fetch.authRequired":
            asked = _origin(params.get("authChallenge", {}).get("origin", ""))
            response: dict[str, Any] = {"response": "CancelAuth"}
            if visit.login and asked == origin:
                user, password = visit.login
                response = {
                    "response": "ProvideCredentials",
                    "username": user,
                    "password": password,
                }
            devtools.send("Fetch.continueWithAuth",
                          {"requestId": params["requestId"], "authChallengeResponse": response}, session)  # fmt: skip

    return answer


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return parts.scheme, f"{(parts.hostname or '').lower()}:{port}"


def _wait_for(devtools: Devtools, call: Callable[..., dict[str, Any]], selector: str) -> None:
    devtools.late = f"nothing on the page matched '{selector}' in time"
    while not _value(call, f"document.querySelector({json.dumps(selector)}) !== null"):
        devtools.pump(time.monotonic() + POLL_S)


def _value(call: Callable[..., dict[str, Any]], expression: str) -> Any:
    done = call(
        "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
    )
    if "exceptionDetails" in done:
        said = done["exceptionDetails"].get("exception", {}).get("description", "an error")
        raise DevtoolsError(f"the page's script failed: {said.splitlines()[0]}")
    return done.get("result", {}).get("value")

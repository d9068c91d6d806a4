"""The player's HTTP API and the operator's page.

Read-only: ``GET /``, ``/status``, ``/screenshot.png``, ``/plays?since=``,
``/programme``. Commands need the bearer token: ``POST /next``, ``/previous``,
``/reload``, ``/message``, ``/show/{slide id}``, ``DELETE /message``.

It runs on its own threads and never touches pygame: commands reach the render
loop as messages, and a screenshot is requested from the loop and encoded here,
at most a few times a second whatever the number of clients.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from importlib import resources
from typing import Any

from signage.content.urgent import MessageError, validate
from signage.core.http import bearer_ok, bound_address, image_type
from signage.core.httpd import (
    BodyError,
    GuardedHandler,
    GuardedServer,
    json_bytes,
    parse_json,
    token_missing,
)
from signage.core.supervisor import Supervisor
from signage.player.messages import Command, Screenshot

log = logging.getLogger(__name__)

REPLY_TIMEOUT_S = 5.0
RELOAD_TIMEOUT_S = 30.0  # a reload waits for the feed's poll (5 s to connect, 20 s to read)
SCREENSHOT_MAX_AGE_S = 0.5  # at most two screenshots a second, shared by every client
MAX_BODY = 64 * 1024
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}


class ControlError(Exception):
    """The API cannot start as configured (e.g. a public address without a token)."""


class ControlServer:
    """Serves the API on ``(host, port)`` in daemon threads."""

    def __init__(
        self,
        address: tuple[str, int],
        status: Callable[[], dict[str, Any]],
        post: Callable[[Any], None],
        token: str | None = None,
        plays: Any = None,
        programme: Callable[[], Any] | None = None,
        names: Iterable[str] = (),
        social: Any = None,
    ) -> None:
        if token_missing(address, token):
            raise ControlError(
                f"refusing to serve the control API on {address[0]} without a token: "
                "give --token-file (or token_file: in the configuration), or bind 127.0.0.1"
            )
        self.status = status
        self.post = post
        self.token = token
        self.plays = plays
        self.programme = programme
        self.social = social  # the live hub: the moderated posts and their verdicts
        self.httpd = GuardedServer(address, _handler_for(self), names)
        self._stopped = threading.Event()
        self._shot_lock = threading.Lock()
        self._shot: tuple[float, bytes] | None = None

    @property
    def address(self) -> str:
        return bound_address(self.httpd)

    def start(self, supervisor: Supervisor | None = None) -> None:
        (supervisor or Supervisor()).spawn("control", self.httpd.serve_forever, self._stopped)

    def stop(self) -> None:
        self._stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def authorised(self, header: str | None) -> bool:
        return bearer_ok(header, self.token)

    def ask(
        self, name: str, args: dict[str, Any] | None = None, timeout_s: float = REPLY_TIMEOUT_S
    ) -> Any:
        reply: Future[Any] = Future()
        self.post(Command(name, args or {}, reply))
        return reply.result(timeout=timeout_s)

    def screenshot_png(self) -> bytes:
        """The screen as PNG; concurrent and rapid requests share one capture (a flood of
        requests once pushed frames over budget and held 100 MB of pending captures)."""
        with self._shot_lock:
            if self._shot is not None and time.monotonic() - self._shot[0] < SCREENSHOT_MAX_AGE_S:
                return self._shot[1]
            reply: Future[tuple[tuple[int, int], bytes]] = Future()
            self.post(Screenshot(reply))
            size, data = reply.result(timeout=REPLY_TIMEOUT_S)
            # Pillow on the first screenshot, not when the API starts (nor in check)
            from PIL import Image

            buffer = io.BytesIO()
            Image.frombytes("RGB", size, data).save(buffer, format="PNG", compress_level=1)
            self._shot = (time.monotonic(), buffer.getvalue())
            return self._shot[1]


def _verdict(path: str) -> tuple[str, str] | None:
    """(post id, verdict) of ``/social/<id>/approve`` or ``/social/<id>/reject``."""
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "social" and parts[3] in ("approve", "reject") and parts[2]:
        return urllib.parse.unquote(parts[2]), "approved" if parts[3] == "approve" else "rejected"
    return None


def _static(name: str) -> bytes:
    return resources.files("signage.ops.control").joinpath(f"static/{name}").read_bytes()


def _handler_for(server: ControlServer) -> type[GuardedHandler]:
    class Handler(GuardedHandler):
        server_version = "signage"

        def _json(self, status: int, data: Any) -> None:
            self.send_body(status, json_bytes(data, indent=1), "application/json; charset=utf-8")

        def _path(self) -> tuple[str, dict[str, list[str]]]:
            parsed = urllib.parse.urlsplit(self.path)
            return parsed.path, urllib.parse.parse_qs(parsed.query)

        def do_GET(self) -> None:
            path, query = self._path()
            if path in STATIC:
                name, kind = STATIC[path]
                self.send_body(HTTPStatus.OK, _static(name), kind)
            elif path == "/status":
                self._json(HTTPStatus.OK, server.status())
            elif path == "/screenshot.png":
                try:
                    png = server.screenshot_png()
                except FutureTimeout:
                    self._json(
                        HTTPStatus.SERVICE_UNAVAILABLE, {"error": "the render loop did not answer"}
                    )
                    return
                self.send_body(HTTPStatus.OK, png, "image/png")
            elif path == "/plays":
                self._plays(query)
            elif path == "/programme":
                data = server.programme() if server.programme else None
                self._json(HTTPStatus.OK, data or {"rooms": []})
            elif path == "/social" or path.startswith("/social/picture/"):
                self._social(path)
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {path}"})

        do_HEAD = do_GET

        def _plays(self, query: dict[str, list[str]]) -> None:
            if server.plays is None:
                self._json(HTTPStatus.NOT_FOUND, {"error": "proof of play is off"})
                return
            since = None
            if "since" in query:
                try:
                    since = dt.datetime.fromisoformat(query["since"][0].replace("Z", "+00:00"))
                    if since.tzinfo is None:
                        raise ValueError("no offset")
                except ValueError:
                    self._json(
                        HTTPStatus.BAD_REQUEST,
                        {
                            "error": "since must be ISO 8601 with an offset, like 2026-11-30T08:00:00+01:00"
                        },
                    )
                    return
            self._json(HTTPStatus.OK, {"plays": server.plays.read(since)})

        def _social(self, path: str) -> None:
            """The moderation queue (posts not approved yet are not public: the token is
            asked), and a post's picture from the cache."""
            if not self._authorised():
                return
            if server.social is None:
                self._json(HTTPStatus.OK, {"posts": []})
            elif path == "/social":
                self._json(HTTPStatus.OK, {"posts": server.social.queue()})
            else:
                picture = server.social.picture(urllib.parse.unquote(path.rsplit("/", 1)[1]))
                if picture is None or not picture.is_file():
                    self._json(HTTPStatus.NOT_FOUND, {"error": "no such picture"})
                    return
                data = picture.read_bytes()
                self.send_body(HTTPStatus.OK, data, image_type(data))

        def _authorised(self) -> bool:
            if server.authorised(self.headers.get("Authorization")):
                return True
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "a valid bearer token is required"})
            return False

        def _body(self) -> Any:
            length = self.content_length(MAX_BODY)
            raw = self.rfile.read(length) if length else b""
            if not raw.strip():
                return None
            return parse_json(raw)

        def _command(self, name: str, args: dict[str, Any] | None = None) -> None:
            timeout = RELOAD_TIMEOUT_S if name == "reload" else REPLY_TIMEOUT_S
            try:
                result = server.ask(name, args, timeout)
            except FutureTimeout:
                what = "the content source" if name == "reload" else "the render loop"
                self._json(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    {"ok": False, "error": f"{what} did not answer within {timeout:.0f} s"},
                )
                return
            if result.get("ok"):
                status = HTTPStatus.OK
            else:
                status = HTTPStatus.BAD_GATEWAY if name == "reload" else HTTPStatus.NOT_FOUND
            self._json(status, result)

        def do_POST(self) -> None:
            path, _ = self._path()
            if not self._authorised():
                return
            try:
                body = self._body()
                if path in ("/next", "/previous", "/reload"):
                    self._command(path[1:])
                elif path == "/message":
                    text, style, expires, level = validate(body)
                    self._command(
                        "message",
                        {"text": text, "style": style, "expires_in": expires, "level": level},
                    )
                elif path.startswith("/show/") and len(path) > len("/show/"):
                    self._command("show", {"id": urllib.parse.unquote(path[len("/show/") :])})
                elif (verdict := _verdict(path)) is not None:
                    post, said = verdict
                    done = server.social is not None and server.social.moderate(post, said)
                    status = HTTPStatus.OK if done else HTTPStatus.NOT_FOUND
                    self._json(status, {"ok": done, "id": post, "verdict": said})
                else:
                    self._json(HTTPStatus.NOT_FOUND, {"error": f"no such command: {path}"})
            except (MessageError, BodyError) as exc:
                self.close_connection = True  # the body may not have been read
                self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})

        def do_DELETE(self) -> None:
            path, _ = self._path()
            if not self._authorised():
                return
            if path == "/message":
                self._command("clear_message")
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {path}"})

    return Handler

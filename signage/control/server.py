"""The player's HTTP API and the operator's page.

Read-only: ``GET /``, ``/status``, ``/screenshot.png``, ``/plays?since=``,
``/programme``. Commands need the bearer token: ``POST /next``, ``/previous``,
``/reload``, ``/message``, ``/show/{slide id}``, ``DELETE /message``.

It runs on its own threads and never touches pygame: commands reach the render
loop as messages, and a screenshot is requested from the loop and encoded here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import threading
import urllib.parse
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from PIL import Image

from signage.download import bearer_ok, bound_address
from signage.messages import Command, Screenshot
from signage.urgent import MessageError, validate

log = logging.getLogger(__name__)

REPLY_TIMEOUT_S = 5.0
MAX_BODY = 64 * 1024
LOOPBACK = ("127.0.0.1", "::1", "localhost")


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
    ) -> None:
        if address[0] not in LOOPBACK and not token:
            raise ControlError(
                f"refusing to serve the control API on {address[0]} without a token: "
                "give --token-file (or token_file: in the configuration), or bind 127.0.0.1"
            )
        self.status = status
        self.post = post
        self.token = token
        self.plays = plays
        self.programme = programme
        self.httpd = ThreadingHTTPServer(address, _handler_for(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="control", daemon=True)

    @property
    def address(self) -> str:
        return bound_address(self.httpd)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def authorised(self, header: str | None) -> bool:
        return bearer_ok(header, self.token)

    def ask(self, name: str, args: dict[str, Any] | None = None) -> Any:
        reply: Future[Any] = Future()
        self.post(Command(name, args or {}, reply))
        return reply.result(timeout=REPLY_TIMEOUT_S)

    def screenshot_png(self) -> bytes:
        reply: Future[tuple[tuple[int, int], bytes]] = Future()
        self.post(Screenshot(reply))
        size, data = reply.result(timeout=REPLY_TIMEOUT_S)
        buffer = io.BytesIO()
        Image.frombytes("RGB", size, data).save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


def _page() -> bytes:
    return resources.files("signage.control").joinpath("static/index.html").read_bytes()


def _handler_for(server: ControlServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "signage"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s %s", self.address_string(), format % args)

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            body = json.dumps(data, ensure_ascii=False, indent=1).encode()
            self._send(status, body, "application/json; charset=utf-8")

        def _path(self) -> tuple[str, dict[str, list[str]]]:
            parsed = urllib.parse.urlsplit(self.path)
            return parsed.path, urllib.parse.parse_qs(parsed.query)

        def do_GET(self) -> None:
            path, query = self._path()
            if path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, _page(), "text/html; charset=utf-8")
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
                self._send(HTTPStatus.OK, png, "image/png")
            elif path == "/plays":
                self._plays(query)
            elif path == "/programme":
                data = server.programme() if server.programme else None
                self._json(HTTPStatus.OK, data or {"rooms": []})
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

        def _authorised(self) -> bool:
            if server.authorised(self.headers.get("Authorization")):
                return True
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "a valid bearer token is required"})
            return False

        def _body(self) -> Any:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                raise MessageError(f"body must be at most {MAX_BODY} bytes")
            raw = self.rfile.read(length) if length else b""
            if not raw.strip():
                return None
            try:
                return json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise MessageError(f"body is not JSON: {exc}") from exc

        def _command(self, name: str, args: dict[str, Any] | None = None) -> None:
            try:
                result = server.ask(name, args)
            except FutureTimeout:
                self._json(
                    HTTPStatus.SERVICE_UNAVAILABLE, {"error": "the render loop did not answer"}
                )
                return
            status = HTTPStatus.OK if result.get("ok") else HTTPStatus.NOT_FOUND
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
                    text, style, expires = validate(body)
                    self._command("message", {"text": text, "style": style, "expires_in": expires})
                elif path.startswith("/show/") and len(path) > len("/show/"):
                    self._command("show", {"id": urllib.parse.unquote(path[len("/show/") :])})
                else:
                    self._json(HTTPStatus.NOT_FOUND, {"error": f"no such command: {path}"})
            except MessageError as exc:
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

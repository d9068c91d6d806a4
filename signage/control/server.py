"""The player's HTTP API: ``GET /status`` and ``GET /screenshot.png`` (read-only).

It runs on its own thread and never touches pygame: the status is a snapshot
the render loop publishes, and a screenshot is requested from the loop as a
message and encoded to PNG here.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

from signage.messages import Screenshot

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT_S = 5.0


class ControlServer:
    """Serves the API on ``(host, port)`` in a daemon thread."""

    def __init__(
        self,
        address: tuple[str, int],
        status: Callable[[], dict[str, Any]],
        post: Callable[[Any], None],
    ) -> None:
        self.status = status
        self.post = post
        handler = _handler_for(self)
        self.httpd = ThreadingHTTPServer(address, handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="control", daemon=True)

    @property
    def address(self) -> str:
        host, port = self.httpd.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"{name}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def screenshot_png(self) -> bytes:
        reply: Future[tuple[tuple[int, int], bytes]] = Future()
        self.post(Screenshot(reply))
        size, data = reply.result(timeout=SCREENSHOT_TIMEOUT_S)
        buffer = io.BytesIO()
        Image.frombytes("RGB", size, data).save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


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
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            body = json.dumps(data, ensure_ascii=False, indent=1).encode()
            self._send(status, body, "application/json; charset=utf-8")

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/status":
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
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {path}"})

        do_HEAD = do_GET

    return Handler

"""A loopback HTTP server answering GET requests as a JSON API does, with the service's
own rate-limit headers on every answer: the base of the Mastodon and Bluesky servers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class JsonApi:
    """Subclasses answer in ``answer`` and name their rate-limit headers in ``rate_headers``."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with api.lock:
                    api.requests.append(self.path)
                api.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def rate_headers(self) -> dict[str, str]:
        return {}

    def json(self, handler: BaseHTTPRequestHandler, data: Any, code: int = 200) -> None:
        self.send(handler, code, json.dumps(data).encode(), "application/json; charset=utf-8")

    def send(self, handler: BaseHTTPRequestHandler, code: int, body: bytes, kind: str) -> None:
        handler.send_response(code)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in self.rate_headers().items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

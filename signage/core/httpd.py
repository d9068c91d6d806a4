"""What every HTTP server of the player shares (control API, operator page, feed server).

- **Host check** against DNS rebinding: a page on ``evil.example`` whose name is
  re-pointed at 127.0.0.1 reaches a server bound to loopback, but its requests
  still say ``Host: evil.example``. Only IP literals, ``localhost``, this
  machine's names and names given in the configuration are answered.
- **Timeouts and a connection cap**: an idle or slow connection is closed after
  ``IDLE_TIMEOUT_S``; past ``max_connections`` a connection gets a 503 at once,
  without a thread (200 slow clients used to hold 200 threads).
- **Headers** that keep pages from being framed or sniffed.
- **Bodies** read with a bounded ``Content-Length`` and JSON parsed with bounded
  integers (a number of thousands of digits used to raise out of the handler)
  and text checked as text.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import socket
import sys
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from signage.core.text import clean_tree, tree_problem

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def token_missing(address: tuple[str, int], token: str | None) -> bool:
    """A page or API that acts, bound off loopback, without a token: refused (the control
    API's and the fleet page's rule)."""
    return address[0] not in LOOPBACK and not token


IDLE_TIMEOUT_S = 10.0
HEADER_TIMEOUT_S = 15.0  # the request line and headers, in all (a byte every 9 s is not idle)
MAX_CONNECTIONS = 64
MAX_INT_DIGITS = 15
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class BodyError(ValueError):
    """A request body that cannot be accepted; the text says why (a 400)."""


def machine_names() -> set[str]:
    """This machine's own names, which a browser on the LAN may use to reach it."""
    names = {"localhost"}
    name = socket.gethostname()  # not getfqdn(): a DNS query at start-up, slow when DNS is down
    if name:
        names.add(name.lower())
        names.add(name.split(".", 1)[0].lower() + ".local")
    return names


def host_allowed(header: str | None, names: Iterable[str]) -> bool:
    """Whether a ``Host`` header names this server: an IP literal or an allowed name."""
    if not header:
        return True  # HTTP/1.0 clients (curl -0); browsers always send Host
    host = header.strip().lower()
    if host.startswith("["):  # [::1]:8765
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    try:
        ipaddress.ip_address(host)
        return True  # a rebinding attack needs a name, never an address
    except ValueError:
        pass
    return host in {n.lower().rstrip(".") for n in names}


class GuardedServer(ThreadingHTTPServer):
    """A threading HTTP server with a connection cap and the allowed host names."""

    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 drops bursts of connections (1 s SYN retries)

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        names: Iterable[str] = (),
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        super().__init__(address, handler)
        self.names = machine_names() | {n.lower() for n in names}
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                    b"Connection: close\r\nRetry-After: 5\r\n\r\n"
                )
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A request that failed: one log line, not socketserver's traceback on stderr. A
        client that hung up mid-answer (a page closed, a screenshot abandoned) is normal."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            log.debug("%s: client went away: %s", client_address[0], error)
            return
        log.error("%s: request failed: %r", client_address[0], error)
        log.debug("request failure", exc_info=True)


class GuardedHandler(BaseHTTPRequestHandler):
    """Request handler with the idle timeout, the Host check and the safety headers."""

    timeout = IDLE_TIMEOUT_S  # applied to the socket: idle keep-alive and slow clients
    header_timeout = HEADER_TIMEOUT_S

    def handle_one_request(self) -> None:
        # The socket timeout bounds each read; a client trickling its headers a byte at a
        # time would still hold the connection for ever: bound the whole of them too.
        self._header_timer = threading.Timer(self.header_timeout, self._too_slow)
        self._header_timer.daemon = True
        self._header_timer.start()
        try:
            super().handle_one_request()
        finally:
            self._header_timer.cancel()

    def _too_slow(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def parse_request(self) -> bool:
        self._header_timer.cancel()  # the headers are in; the body has the idle timeout
        if not super().parse_request():
            return False
        names = getattr(self.server, "names", ())
        if not host_allowed(self.headers.get("Host"), names):
            self.close_connection = True
            self.send_error(421, "Host not allowed", "this server does not answer for that name")
            return False
        return True

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)  # requests are not news

    def send_body(self, status: int, body: bytes, content_type: str) -> None:
        """A whole answer, never cached (a page's figures are live); no body for HEAD."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def content_length(self, limit: int) -> int:
        """The declared body length, bounded before it is converted; BodyError otherwise."""
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isdigit() or len(raw) > 12:
            raise BodyError("Content-Length must be a whole number of bytes")
        length = int(raw)
        if length > limit:
            raise BodyError(f"body must be at most {limit:,} bytes")
        return length


def parse_json(raw: bytes) -> Any:
    """A JSON body: integers bounded, no NaN or Infinity, every string checked as text."""

    def bounded_int(text: str) -> int:
        if len(text.lstrip("-")) > MAX_INT_DIGITS:
            raise BodyError(f"a number has more than {MAX_INT_DIGITS} digits")
        return int(text)

    def no_constant(name: str) -> Any:
        raise BodyError(f"{name} is not a JSON number")

    try:
        value = json.loads(raw.decode("utf-8"), parse_int=bounded_int, parse_constant=no_constant)
    except UnicodeDecodeError as exc:
        raise BodyError(f"body is not UTF-8 (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise BodyError(f"body is not JSON: {exc}") from exc
    problem = tree_problem(value)
    if problem is not None:
        raise BodyError(problem)
    return value


def json_bytes(data: Any, indent: int | None = None) -> bytes:
    """JSON as UTF-8 that cannot fail to encode (a stray surrogate becomes U+FFFD): a lone
    surrogate in a message once made /status answer nothing while it was shown."""
    return json.dumps(clean_tree(data), ensure_ascii=False, indent=indent).encode()

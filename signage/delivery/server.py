"""The feed server (``signage serve``): serves a published feed over HTTP with ranges and ETags, and accepts ``signage push`` uploads with a token."""

from __future__ import annotations

import errno
import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from signage.core.http import bearer_ok, bound_address
from signage.core.httpd import BodyError, GuardedHandler, GuardedServer, json_bytes, parse_json
from signage.core.paths import chunks
from signage.core.supervisor import Supervisor
from signage.delivery.manifest import MAX_FILE_BYTES, Entry, ManifestError, parse_manifest
from signage.delivery.objects import ObjectStore
from signage.delivery.publish import used_files, validate_version, write_manifest

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = MAX_FILE_BYTES


STALE_UPLOAD_S = 24 * 3600  # uploads no published manifest uses are removed after this


CLEAN_EVERY_S = 3600


DISK_FULL = "the feed server's disk is full; free some space and push again"


class FeedServer:
    """Serves a feed folder and, with a token, accepts uploads from ``signage push``."""

    def __init__(
        self,
        folder: Path,
        address: tuple[str, int],
        token: str | None,
        names: Iterable[str] = (),
        stale_s: float = STALE_UPLOAD_S,
    ) -> None:
        self.folder = folder
        self.token = token
        self.stale_s = stale_s
        (folder / "files").mkdir(parents=True, exist_ok=True)
        self.store = ObjectStore(folder / "files")
        self.lock = threading.Lock()
        self.served: list[
            tuple[str, int, int]
        ] = []  # (path, status, body bytes), for tests and benches
        self.closing = False
        self._stopped = threading.Event()
        self.httpd = GuardedServer(address, _feed_handler(self), names)

    @property
    def url(self) -> str:
        return f"http://{bound_address(self.httpd)}"

    def serve_forever(self) -> None:
        self.start_cleaner()
        self.httpd.serve_forever()

    def start(self) -> threading.Thread:
        self.start_cleaner()
        thread = threading.Thread(target=self.httpd.serve_forever, name="feed-server", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop as a dying server would: kept-alive connections are dropped too."""
        self.closing = True
        self._stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def authorised(self, header: str | None) -> bool:
        return bearer_ok(header, self.token)

    # -- stale uploads -------------------------------------------------------------------

    def start_cleaner(self) -> None:
        def run() -> None:
            while not self._stopped.is_set():
                self.clean()
                self._stopped.wait(CLEAN_EVERY_S)

        Supervisor().spawn("feed-cleaner", run, self._stopped, essential=False)

    def clean(self, now: float | None = None) -> list[str]:
        """Remove uploads that the published manifest does not use and that are older than
        ``stale_s`` (pushes that never published), and temporary files left by failures."""
        now = time.time() if now is None else now
        used = used_files(self.folder)  # the current version's, and every kept one's
        removed = []
        with self.lock:
            for path in self.store.root.iterdir():
                try:
                    age = now - path.stat().st_mtime
                except OSError:
                    continue
                if path.name not in used and age > self.stale_s and path.is_file():
                    path.unlink(missing_ok=True)
                    removed.append(path.name)
        if removed:
            log.info("removed %d stale upload(s) no published version uses", len(removed))
        return removed

    def accept(self, data: bytes) -> tuple[int, dict[str, Any]]:
        """A new manifest from ``push``: every file present, content valid, then published."""
        try:
            manifest = parse_manifest(data, "uploaded manifest")
        except ManifestError as exc:
            return HTTPStatus.BAD_REQUEST, {"error": str(exc)}
        missing = [e.sha256 for e in manifest.files if not self.store.has(e)]
        if missing:
            return HTTPStatus.CONFLICT, {
                "error": "files missing; upload them first",
                "missing": missing,
            }
        try:
            report = validate_version(manifest, self.store)
            if not report.ok:
                return HTTPStatus.UNPROCESSABLE_ENTITY, {
                    "error": "content is not valid",
                    "errors": [d.format() for d in report.errors],
                }
            with self.lock:
                write_manifest(self.folder, manifest)
        except OSError as exc:
            return _storage_error(exc)
        except ManifestError as exc:
            return HTTPStatus.BAD_REQUEST, {"error": str(exc)}
        log.info("published version %s (%d files)", manifest.version, len(manifest.files))
        return HTTPStatus.OK, {"version": manifest.version}


def _storage_error(exc: OSError) -> tuple[int, dict[str, Any]]:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return HTTPStatus.INSUFFICIENT_STORAGE, {"error": DISK_FULL}
    log.error("feed server storage: %s", exc)
    return HTTPStatus.INTERNAL_SERVER_ERROR, {
        "error": f"the feed server cannot write: {exc.strerror}"
    }


def _is_digest(text: object) -> bool:
    return isinstance(text, str) and len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _feed_handler(server: FeedServer) -> type[GuardedHandler]:
    class Handler(GuardedHandler):
        server_version = "signage-feed"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s %s", self.address_string(), format % args)

        def _json(self, status: int, data: Any) -> None:
            body = json_bytes(data)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _file(self, path: Path, etag: str, immutable: bool) -> None:
            try:
                stat = path.stat()
            except OSError:
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            modified = formatdate(stat.st_mtime, usegmt=True)
            if self.headers.get("If-None-Match") == etag or self._not_modified_since(stat.st_mtime):
                server.served.append((self.path, 304, 0))  # before answering: tests read it after
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            size = stat.st_size
            span = _range(self.headers.get("Range"), size) if immutable else None
            if span == (size, size):  # asks for bytes past the end
                server.served.append((self.path, 416, 0))
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            first, end = span or (0, size)
            code = HTTPStatus.PARTIAL_CONTENT if span else HTTPStatus.OK
            server.served.append((self.path, code, end - first if self.command != "HEAD" else 0))
            self.send_response(code)
            if span:  # the rest of a file a client was cut off from (objects never change)
                self.send_header("Content-Range", f"bytes {first}-{end - 1}/{size}")
            self.send_header("Accept-Ranges", "bytes" if immutable else "none")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Content-Length", str(end - first))
            self.send_header(
                "Content-Type",
                "application/json" if path.suffix == ".json" else "application/octet-stream",
            )
            self.send_header(
                "Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache"
            )
            self.end_headers()
            if self.command != "HEAD":
                for block in chunks(path, first, end):  # streamed: a video is not read whole
                    self.wfile.write(block)

        def _not_modified_since(self, mtime: float) -> bool:
            since = self.headers.get("If-Modified-Since")
            if not since or self.headers.get("If-None-Match"):
                return False
            try:
                return int(mtime) <= int(parsedate_to_datetime(since).timestamp())
            except (TypeError, ValueError):
                return False

        def do_GET(self) -> None:
            if server.closing:
                self.close_connection = True
                return
            path = self.path.split("?", 1)[0]
            if path == "/manifest.json":
                manifest = server.folder / "manifest.json"
                try:
                    etag = '"' + hashlib.sha256(manifest.read_bytes()).hexdigest()[:32] + '"'
                except OSError:
                    self._json(HTTPStatus.NOT_FOUND, {"error": "nothing published yet"})
                    return
                self._file(manifest, etag, immutable=False)
            elif path.startswith("/files/") and _is_digest(path[7:]):
                self._file(server.store.path(path[7:]), f'"{path[7:]}"', immutable=True)
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such path: {path}"})

        do_HEAD = do_GET

        def _length(self, limit: int) -> int | None:
            """The body's declared length, or None after answering why it is refused."""
            if self.headers.get("Content-Length") is None:
                self.close_connection = True
                self._json(HTTPStatus.LENGTH_REQUIRED, {"error": "Content-Length required"})
                return None
            try:
                return self.content_length(limit)
            except BodyError as exc:
                self.close_connection = True  # the body is not read: the connection is spent
                status = (
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE
                    if "at most" in str(exc)
                    else HTTPStatus.BAD_REQUEST
                )
                self._json(status, {"error": str(exc)})
                return None

        def _body(self, limit: int) -> bytes | None:
            length = self._length(limit)
            return None if length is None else self.rfile.read(length)

        def _chunks(self, length: int) -> Iterator[bytes]:
            left = length
            while left > 0:
                chunk = self.rfile.read(min(65536, left))
                if not chunk:
                    return  # the client went away: the size check refuses the upload
                left -= len(chunk)
                yield chunk

        def _authorised(self) -> bool:
            if server.authorised(self.headers.get("Authorization")):
                return True
            self.close_connection = True
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "a valid bearer token is required"})
            return False

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            if not self._authorised():
                return
            if path == "/api/missing":
                body = self._body(4 * 1024 * 1024)
                if body is None:
                    return
                try:
                    wanted = parse_json(body)["sha256"]
                    assert isinstance(wanted, list)
                except (BodyError, KeyError, TypeError, AssertionError):
                    self._json(HTTPStatus.BAD_REQUEST, {"error": 'expected {"sha256": [...]}'})
                    return
                # only digests are looked up: any other text would probe the server's disk
                bad = [d for d in wanted if not _is_digest(d)]
                if bad:
                    self._json(
                        HTTPStatus.BAD_REQUEST, {"error": "sha256 must be 64 lowercase hex digits"}
                    )
                    return
                missing = [d for d in wanted if not server.store.path(d).is_file()]
                self._json(HTTPStatus.OK, {"missing": missing})
            elif path == "/api/publish":
                body = self._body(8 * 1024 * 1024)
                if body is not None:
                    self._json(*server.accept(body))
            else:
                self.close_connection = True
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such path: {path}"})

        def do_PUT(self) -> None:
            path = self.path.split("?", 1)[0]
            if not self._authorised():
                return
            digest = path[len("/api/files/") :] if path.startswith("/api/files/") else ""
            if not _is_digest(digest):
                self.close_connection = True
                self._json(HTTPStatus.NOT_FOUND, {"error": "PUT /api/files/<sha256>"})
                return
            length = self._length(MAX_UPLOAD_BYTES)
            if length is None:
                return
            chunks = self._chunks(length)
            try:
                # streamed to a temporary file of its own, checked, then renamed into place
                server.store.put(chunks, Entry("upload", length, digest))
            except ManifestError as exc:
                answer: tuple[int, dict[str, Any]] = (HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            except OSError as exc:
                answer = _storage_error(exc)
            else:
                answer = (HTTPStatus.CREATED, {"stored": digest})
            for _ in chunks:  # read what is left of a refused body, so the client hears why
                pass
            self._json(*answer)

    return Handler


def _range(header: str | None, size: int) -> tuple[int, int] | None:
    """``Range: bytes=N-`` or ``bytes=N-M`` as (first, end) within a file of ``size``;
    (size, size) when it starts past the end; None for no range, or one not understood
    (several ranges, suffixes: the whole file is sent, as RFC 9110 allows)."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes=") :].strip().partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    start = int(first)
    if start >= size:
        return (size, size)
    end = min(size, int(last) + 1) if last else size
    return (start, end) if end > start else None

"""The remote feed: publish, serve, push, and a client that survives hostile servers and crashes.
Every server here is real HTTP on loopback."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from PIL import Image

from signage.content.folder import load_content
from signage.delivery import feed as feed_module
from signage.delivery.feed import FeedClient, FeedError
from signage.delivery.publish import PublishError, publish, push
from signage.delivery.server import FeedServer
from signage.player.messages import ContentReady
from tests.support.feeds import TOKEN, make_content
from tests.support.paths import REPO
from tests.support.waiting import until


@pytest.fixture
def server(tmp_path: Path):
    feed = tmp_path / "feed"
    publish(make_content(tmp_path / "src"), feed)
    srv = FeedServer(feed, ("127.0.0.1", 0), TOKEN)
    srv.start()
    yield srv
    srv.stop()


def client(url: str, cache: Path) -> tuple[FeedClient, list]:
    posted: list = []
    return FeedClient(url, cache, posted.append, poll_s=1.0), posted


def test_publish_refuses_invalid_content(tmp_path: Path) -> None:
    root = make_content(tmp_path / "c")
    (root / "playlists" / "a.yaml").write_text("name: A\nslides:\n  - {type: text, titre: X}\n")
    with pytest.raises(PublishError) as info:
        publish(root, tmp_path / "out")
    assert any("a.yaml:3:18: error: slides[0].titre: unknown key" in e for e in info.value.errors)
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_publish_lists_only_what_the_content_uses(tmp_path: Path) -> None:
    root = make_content(tmp_path / "c")
    (root / "notes.txt").write_text("not content")
    manifest = publish(root, tmp_path / "out")
    assert sorted(e.path for e in manifest.files) == ["assets/p0.jpg", "playlists/a.yaml"]
    for entry in manifest.files:
        data = (tmp_path / "out" / "files" / entry.sha256).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry.sha256 and len(data) == entry.size


def test_client_downloads_validates_and_swaps(server: FeedServer, tmp_path: Path) -> None:
    feed, posted = client(server.url, tmp_path / "cache")
    assert feed.poll() is True
    assert isinstance(posted[-1], ContentReady)
    current = feed.current()
    assert current is not None and (current / "playlists" / "a.yaml").is_file()
    content, report = load_content(current)
    assert content is not None and report.ok
    # an unchanged poll: one request, answered 304, no body
    server.served.clear()
    assert feed.poll() is False
    assert server.served == [("/manifest.json", 304, 0)]
    assert feed.status()["last_error"] is None and feed.status()["version"]


def test_push_sends_only_changed_files_and_client_fetches_only_them(
    server: FeedServer, tmp_path: Path
) -> None:
    feed, _ = client(server.url, tmp_path / "cache")
    feed.poll()
    source = make_content(tmp_path / "src2", photos=3)  # p0 as before, two new photos
    token = tmp_path / "token"
    token.write_text(TOKEN)
    version = push(source, server.url, TOKEN)
    server.served.clear()
    assert feed.poll() is True and feed.version == version
    downloaded = [p for p, status, _ in server.served if p.startswith("/files/")]
    assert len(downloaded) == 3  # the changed playlist and two new photos; p0.jpg is cached


def test_uploads_need_the_token_and_change_nothing(server: FeedServer, tmp_path: Path) -> None:
    before = (server.folder / "manifest.json").read_bytes()
    for headers in ({}, {"Authorization": "Bearer wrong-token-0000000000000"}):
        response = requests.post(
            f"{server.url}/api/publish", data=b"{}", headers=headers, timeout=5
        )
        assert response.status_code == 401
        response = requests.put(
            f"{server.url}/api/files/{'0' * 64}", data=b"x", headers=headers, timeout=5
        )
        assert response.status_code == 401
    with pytest.raises(PublishError, match="401"):
        push(
            make_content(tmp_path / "other", title="Pirate"),
            server.url,
            "wrong-token-0000000000000",
        )
    assert (server.folder / "manifest.json").read_bytes() == before


def test_server_validates_pushed_content_too(server: FeedServer, tmp_path: Path) -> None:
    bad = b"name: A\nslides:\n  - {type: text, durration: 3, title: X}\n"
    digest = hashlib.sha256(bad).hexdigest()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert (
        requests.put(
            f"{server.url}/api/files/{digest}", data=bad, headers=headers, timeout=5
        ).status_code
        == 201
    )
    manifest = {
        "version": "bad",
        "created": "",
        "files": [{"path": "playlists/a.yaml", "size": len(bad), "sha256": digest}],
    }
    response = requests.post(
        f"{server.url}/api/publish", data=json.dumps(manifest), headers=headers, timeout=5
    )
    assert response.status_code == 422
    assert "durration" in response.json()["errors"][0]
    # a file whose bytes do not match its name is refused
    wrong = requests.put(
        f"{server.url}/api/files/{'a' * 64}", data=b"hello", headers=headers, timeout=5
    )
    assert wrong.status_code == 400


class Hostile:
    """A loopback server that answers what a test tells it to, including nothing at all."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hang = False
        self.asked: list[str] = []  # every path requested, in order
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.asked.append(self.path)
                if outer.hang:
                    time.sleep(3)
                    return
                status, headers, body = outer.routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client may hang up: that is the test
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def manifest(self, files: list[dict], version: str = "v1") -> None:
        self.routes["/manifest.json"] = (
            200,
            {},
            json.dumps({"version": version, "created": "", "files": files}).encode(),
        )

    def file(
        self,
        data: bytes,
        path: str = "playlists/a.yaml",
        size: int | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict:
        digest = hashlib.sha256(data).hexdigest()
        self.routes[f"/files/{digest}"] = (200, headers or {}, data if body is None else body)
        return {"path": path, "size": len(data) if size is None else size, "sha256": digest}


GOOD = b"name: A\nslides:\n  - {type: text, title: Bon}\n"
GOOD2 = b"name: A\nslides:\n  - {type: text, title: Neuf}\n"


@pytest.fixture
def hostile():
    srv = Hostile()
    yield srv
    srv.httpd.shutdown()


@pytest.fixture
def settled(hostile: Hostile, tmp_path: Path):
    """A client that already holds a good version from the hostile server."""
    hostile.manifest([hostile.file(GOOD)], "good")
    feed, _ = client(hostile.url, tmp_path / "cache")
    assert feed.poll() is True
    return feed


def _bomb_entries(hostile: Hostile) -> list[dict]:
    entry = hostile.file(GOOD)
    return [dict(entry, path=f"playlists/x{n}.yaml") for n in range(100_000)]


@pytest.mark.parametrize(
    ("arrange", "needle"),
    [
        (
            lambda h: h.manifest([h.file(GOOD, path="../escape.yaml")], "v2"),
            "leaves the content folder",
        ),
        (lambda h: h.manifest([h.file(GOOD, path="/etc/passwd")], "v2"), "must be relative"),
        (
            lambda h: h.manifest([h.file(GOOD, path="playlists\\..\\..\\x.yaml")], "v2"),
            "forward slashes",
        ),
        (
            lambda h: h.manifest([h.file(GOOD2, body=GOOD2.replace(b"Neuf", b"Faux"))], "v2"),
            "sha256 is",
        ),
        (
            lambda h: h.manifest(
                [h.file(GOOD + b"x", body=GOOD, headers={"Content-Length": str(len(GOOD) + 1)})],
                "v2",
            ),
            "truncated",
        ),
        (lambda h: h.manifest([h.file(GOOD, size=10)], "v2"), "the server sends"),
        (
            lambda h: h.routes.__setitem__(
                "/manifest.json", (200, {}, b"<html><body>502 Bad Gateway</body></html>")
            ),
            "not JSON",
        ),
        (lambda h: h.routes.__setitem__("/manifest.json", (500, {}, b"oops")), "HTTP 500"),
        (
            lambda h: h.manifest(_bomb_entries(h), "v2"),
            r"the limit is 10,000|more than 8,388,608 bytes",
        ),
        (lambda h: h.manifest(_bomb_entries(h)[:10_001], "v2"), "the limit is 10,000"),
        (lambda h: h.manifest([h.file(b"name: A\nslides: []\n")], "v2"), "not valid content"),
        (
            lambda h: h.manifest(
                [{"path": "playlists/a.yaml", "size": 10**12, "sha256": "0" * 64}], "v2"
            ),
            "size must be",
        ),
    ],
)
def test_hostile_feeds_keep_the_last_good_content(
    settled: FeedClient, hostile: Hostile, arrange, needle: str
) -> None:
    good = settled.current()
    arrange(hostile)
    with pytest.raises(FeedError, match=needle):
        settled.poll()
    assert settled.current() == good
    assert (good / "playlists" / "a.yaml").read_bytes() == GOOD


def test_a_hanging_server_times_out(settled: FeedClient, hostile: Hostile, monkeypatch) -> None:
    monkeypatch.setattr(feed_module, "TIMEOUT_S", (1.0, 0.5))
    hostile.hang = True
    started = time.monotonic()
    with pytest.raises(FeedError, match=r"manifest\.json: timed out"):
        settled.poll()
    assert time.monotonic() - started < 5
    assert settled.current() is not None


def test_failures_back_off_and_recover(settled: FeedClient, hostile: Hostile, caplog) -> None:
    hostile.routes["/manifest.json"] = (503, {}, b"")
    for _ in range(3):
        with pytest.raises(FeedError):
            settled.poll()
        settled._failed("manifest.json: HTTP 503")
    assert settled.status()["last_error"] == "manifest.json: HTTP 503"
    assert sum("HTTP 503" in r.message for r in caplog.records) == 1  # logged once
    hostile.manifest([hostile.file(GOOD)], "good")
    settled.poll()
    assert settled.status()["last_error"] is None


def test_the_feed_reports_in_status_sources_as_every_source_does(
    settled: FeedClient, hostile: Hostile
) -> None:
    """The manifest is one more source of data in ``/status.sources``: the same keys as a
    news feed or a programme, its files counted as items."""
    manifest = f"{hostile.url}/manifest.json"
    said = settled.sources()[manifest]
    assert said["kind"] == "feed" and said["items"] == 1
    assert said["last_error"] is None and said["last_success"]
    hostile.routes["/manifest.json"] = (500, {}, b"oops")
    with pytest.raises(FeedError) as failed:
        settled.poll()
    settled._failed(str(failed.value))
    said = settled.sources()[manifest]
    assert said["last_error"] == "manifest.json: HTTP 500 Internal Server Error"
    assert said["items"] == 1  # the version in place is still there


def test_a_server_that_asks_to_wait_is_not_asked_again_before(
    settled: FeedClient, hostile: Hostile
) -> None:
    """A 503 with ``Retry-After: 120`` (a feed server behind a proxy under maintenance): the
    client waits the two minutes, not its 1 s poll interval, and says why."""
    hostile.routes["/manifest.json"] = (503, {"Retry-After": "120"}, b"")
    hostile.asked.clear()
    settled.start()
    try:
        until(lambda: settled.last_error is not None, "the feed’s failed poll")
        said = settled.sources()[f"{hostile.url}/manifest.json"]
        assert said["last_error"] == "manifest.json: HTTP 503, retry after 120 s"
        assert said["next_fetch_in_s"] > 100
        time.sleep(2.5)  # two of its poll intervals, and more than the backoff's first steps
        assert hostile.asked == ["/manifest.json"]
    finally:
        settled.stop()


CRASHER = """
import sys
from pathlib import Path
from signage.delivery.feed import FeedClient, FeedError
from tests.support.feeds import TOKEN, make_content
client = FeedClient(sys.argv[1], Path(sys.argv[2]), poll_s=0.1)
client._cleanup()
while True:
    try:
        client.poll()
    except FeedError:
        pass
"""


def test_killed_in_the_middle_of_updates_leaves_valid_content(tmp_path: Path) -> None:
    """SIGKILL a feed client at random moments while versions change; restart; check every time."""
    feed_dir = tmp_path / "feed"
    srv = FeedServer(feed_dir, ("127.0.0.1", 0), TOKEN)
    srv.start()
    cache = tmp_path / "cache"
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        for iteration in range(8):
            # a new version with a few large-ish photos, so the kill often lands mid-download
            source = make_content(
                tmp_path / f"v{iteration}", title=f"Version {iteration}", photos=3
            )
            for n in range(3):
                Image.effect_noise((900, 600), 60 + iteration + n).convert("RGB").save(
                    source / "assets" / f"p{n}.jpg", quality=95
                )
            publish(source, feed_dir)
            if iteration % 2:
                # the real player, killed while it downloads and swaps
                command = [
                    sys.executable,
                    "-m",
                    "signage",
                    "play",
                    "--feed",
                    srv.url,
                    "--poll",
                    "0.2",
                    "--cache",
                    str(cache),
                    "--windowed",
                    "--size",
                    "160x90",
                    "--control",
                    "off",
                ]
            else:
                command = [
                    sys.executable,
                    "-c",
                    CRASHER,
                    srv.url,
                    str(cache),
                ]  # polls in a tight loop
            process = subprocess.Popen(
                command,
                env={**env, "SDL_VIDEODRIVER": "dummy"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.3, 2.0))
            process.send_signal(signal.SIGKILL)
            process.wait()
            link = cache / "feed" / "current"
            if link.exists():
                content, report = load_content(link.resolve())
                assert content is not None, report.errors
                title = content.playlists[0].slides[0].heading
                assert title.startswith("Version "), title
        # and a restarted client catches up to the latest version
        feed, _ = client(srv.url, cache)
        feed._cleanup()
        feed.poll()
        content, _ = load_content(feed.current())
        assert content.playlists[0].slides[0].heading == "Version 7"
        assert not [p for p in (cache / "feed" / "versions").iterdir() if p.name.startswith(".")]
    finally:
        srv.stop()


def test_player_starts_from_its_cache_when_the_network_is_down(
    server: FeedServer, tmp_path: Path
) -> None:
    from tests.support.process import PlayerProcess

    cache = tmp_path / "cache"
    feed, _ = client(server.url, cache)
    feed.poll()
    version_dir = feed.current()
    server.stop()  # the network is down
    player = PlayerProcess(["--feed", server.url, "--cache", str(cache), "--poll", "1"])
    try:
        status = player.wait_for(lambda s: s.get("feed", {}).get("last_error"), timeout=15)
        assert status["content"]["source"].endswith("(cache)")
        assert status["content"]["slides"] == 2
        assert status["feed"]["last_ok"] is not None and status["feed"]["age_s"] >= 0
        assert version_dir is not None
        # and among every source of data, as the live sources and programmes report
        manifest = status["sources"][f"{server.url}/manifest.json"]
        assert manifest["kind"] == "feed" and manifest["items"] == 2  # a playlist, a photo
        assert manifest["last_error"].startswith("manifest.json: cannot connect")
    finally:
        log = player.stop()
    assert "Traceback" not in log


def test_feed_server_restarting_mid_download(tmp_path: Path) -> None:
    feed_dir = tmp_path / "feed"
    source = make_content(tmp_path / "src", photos=1)
    Image.effect_noise((1600, 1200), 80).convert("RGB").save(
        source / "assets" / "p0.jpg", quality=98
    )
    publish(source, feed_dir)
    srv = FeedServer(feed_dir, ("127.0.0.1", 0), None)
    port = srv.httpd.server_address[1]
    # throttle: each write of a file body is cut in pieces with pauses
    handler = srv.httpd.RequestHandlerClass
    original = handler._file

    def slow_file(self, path, etag, immutable):
        if "/files/" in self.path:
            data = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for start in range(0, len(data), 16384):
                if srv.closing:  # the server goes down mid-body
                    self.close_connection = True
                    return
                self.wfile.write(data[start : start + 16384])
                time.sleep(0.05)
            return
        original(self, path, etag, immutable)

    handler._file = slow_file
    srv.start()
    feed, _ = client(srv.url, tmp_path / "cache")
    errors: list[Exception] = []

    def poll() -> None:
        try:
            feed.poll()
        except FeedError as exc:
            errors.append(exc)

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.4)  # mid-download
    srv.stop()  # the server restarts
    thread.join(timeout=30)
    assert errors and feed.current() is None  # nothing half-installed
    handler._file = original
    srv = FeedServer(feed_dir, ("127.0.0.1", port), None)
    srv.start()
    try:
        assert feed.poll() is True  # and the next poll completes
        assert load_content(feed.current())[0] is not None
    finally:
        srv.stop()


DISK_FULL = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), int(sys.argv[3])))
from signage.delivery.feed import FeedClient, FeedError
from tests.support.feeds import TOKEN, make_content
client = FeedClient(sys.argv[1], Path(sys.argv[2]))
try:
    client.poll()
except FeedError as exc:
    print("ERROR", exc)
"""


def test_disk_full_while_caching_keeps_the_last_good_version(
    server: FeedServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    feed, _ = client(server.url, cache)
    feed.poll()
    good = feed.current()
    # a new version with a photo larger than the space left
    source = make_content(tmp_path / "big", photos=1)
    Image.effect_noise((1200, 900), 90).convert("RGB").save(
        source / "assets" / "p0.jpg", quality=98
    )
    push(source, server.url, TOKEN)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", DISK_FULL, server.url, str(cache), "60000"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "ERROR" in result.stdout and "cannot store in the cache" in result.stdout, (
        result.stdout + result.stderr
    )
    assert FeedClient(server.url, cache).current() == good
    content, _ = load_content(good)
    assert content is not None
    # space again: the update goes through
    assert feed.poll() is True


def test_network_loss_and_return(server: FeedServer, tmp_path: Path) -> None:
    feed, _ = client(server.url, tmp_path / "cache")
    feed.poll()
    port = server.httpd.server_address[1]
    folder = server.folder
    server.stop()
    # said in words: the kept-alive connection closed, or a new one refused
    with pytest.raises(
        FeedError,
        match=r"manifest.json: cannot connect \((connection refused|the server closed the connection)\)",
    ):
        feed.poll()
    push_later = make_content(tmp_path / "v2", title="Retour")
    publish(push_later, folder)
    back = FeedServer(folder, ("127.0.0.1", port), None)
    back.start()
    try:
        assert feed.poll() is True
        content, _ = load_content(feed.current())
        assert content.playlists[0].slides[0].heading == "Retour"
    finally:
        back.stop()


def test_slide_kinds_declare_the_files_and_programmes_they_use(tmp_path: Path) -> None:
    from signage.delivery.publish import content_files
    from signage.programme.fetch import sources_of

    root = make_content(tmp_path / "c", photos=2)
    (root / "programme").mkdir()
    (root / "programme" / "p.xml").write_text("<schedule/>")
    Image.new("RGB", (8, 8)).save(root / "assets" / "fond.jpg")
    Image.new("RGB", (8, 8)).save(root / "assets" / "unused.jpg")
    (root / "playlists" / "b.yaml").write_text(
        "name: B\nslides:\n"
        "  - {type: text, title: T, background: assets/fond.jpg}\n"
        "  - {type: speaker, name: N, photo: assets/p1.jpg}\n"
        "  - {type: schedule, source: programme/p.xml, refresh: 60}\n"
        "  - {type: speakers, source: 'https://example.org/s.json', refresh: 120}\n"
    )
    content, report = load_content(root)
    assert content is not None, [d.format() for d in report.errors]
    used = {p.relative_to(root).as_posix() for p in content_files(root, content)}
    assert used == {
        "playlists/a.yaml", "playlists/b.yaml", "assets/p0.jpg", "assets/p1.jpg",
        "assets/fond.jpg", "programme/p.xml",
    }  # fmt: skip
    urls, files = sources_of(content)
    assert urls == {"https://example.org/s.json": 120.0}
    assert files == [root / "programme" / "p.xml"]


def test_a_download_cut_off_resumes_where_it_stopped(tmp_path: Path) -> None:
    """A large file cut off mid-way (a clip over a flaky link): the next poll asks for the
    rest (Range), the server sends only that (206), the file is whole and checked, and
    nothing of the cut-off copy was ever installed."""
    feed_dir = tmp_path / "feed"
    source = make_content(tmp_path / "src", photos=1)
    Image.effect_noise((1600, 1200), 80).convert("RGB").save(
        source / "assets" / "p0.jpg", quality=98
    )
    publish(source, feed_dir)
    big = max((feed_dir / "files").iterdir(), key=lambda p: p.stat().st_size)
    size = big.stat().st_size
    srv = FeedServer(feed_dir, ("127.0.0.1", 0), None)
    handler = srv.httpd.RequestHandlerClass
    original = handler._file
    cut = {"left": 1}

    def cut_off(self, path, etag, immutable):
        if path.name == big.name and cut["left"] and "Range" not in self.headers:
            cut["left"] -= 1  # the first download of the big file stops at 40 %
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(path.read_bytes()[: size * 2 // 5])
            self.wfile.flush()
            self.close_connection = True
            return
        original(self, path, etag, immutable)

    handler._file = cut_off
    srv.start()
    try:
        feed, _ = client(srv.url, tmp_path / "cache")
        with pytest.raises(FeedError, match=r"truncated|got"):
            feed.poll()
        assert feed.current() is None  # nothing half-installed
        entry = next(e for e in _entries(feed_dir) if e.sha256 == big.name)
        kept = feed.objects.kept(entry)  # what came, to the last whole chunk read
        assert size // 4 < kept <= size * 2 // 5
        assert feed.poll() is True
        assert load_content(feed.current())[0] is not None
        big_requests = [(code, sent) for p, code, sent in srv.served if big.name in p]
        assert big_requests == [(206, size - kept)]  # only the rest travelled again
        assert (feed.root / "objects" / big.name).read_bytes() == big.read_bytes()
        assert not list((feed.root / "objects").glob(".*.partial"))
    finally:
        srv.stop()


def test_the_feed_server_answers_ranges_on_files(tmp_path: Path) -> None:
    feed_dir = tmp_path / "feed"
    publish(make_content(tmp_path / "src"), feed_dir)
    obj = next((feed_dir / "files").iterdir())
    data = obj.read_bytes()
    srv = FeedServer(feed_dir, ("127.0.0.1", 0), None)
    srv.start()
    try:
        url = f"{srv.url}/files/{obj.name}"
        part = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=5)
        assert part.status_code == 206 and part.content == data[10:20]
        assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
        rest = requests.get(url, headers={"Range": "bytes=100-"}, timeout=5)
        assert rest.status_code == 206 and rest.content == data[100:]
        past = requests.get(url, headers={"Range": f"bytes={len(data)}-"}, timeout=5)
        assert past.status_code == 416
        whole = requests.get(url, headers={"Range": "bytes=-5"}, timeout=5)  # not understood
        assert whole.status_code == 200 and whole.content == data
        manifest = requests.get(
            f"{srv.url}/manifest.json", headers={"Range": "bytes=5-"}, timeout=5
        )
        assert manifest.status_code == 200  # the manifest changes: never in pieces
    finally:
        srv.stop()


def _entries(feed_dir: Path) -> list:
    from signage.delivery.manifest import parse_manifest

    return list(parse_manifest((feed_dir / "manifest.json").read_bytes(), "manifest").files)

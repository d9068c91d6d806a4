"""The hardening review's findings, each as a test that failed before its fix: a full disk,
memory kept per reload, text that is not text, credentials, links out of the content
folder, processes left behind, concurrent pushes, DNS rebinding and HTTP hygiene."""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from PIL import Image

from signage.content.folder import load_content
from signage.core.httpd import BodyError, host_allowed, parse_json
from signage.core.supervisor import Supervisor
from signage.core.text import clean_text, text_problem
from signage.core.urls import redact_url, without_credentials
from signage.delivery.feed import FeedClient
from signage.delivery.manifest import ManifestError, parse_manifest
from signage.delivery.publish import PublishError, publish, push
from signage.delivery.server import FeedServer
from signage.ops.control.server import ControlServer
from signage.player.messages import Screenshot
from signage.player.plays import PlayLog
from signage.programme.fetch import Fetcher
from signage.programme.load import parse as parse_programme
from tests.support.feeds import TOKEN, make_content
from tests.support.fs import fill, in_tmpfs, seen_by, tmpfs_available
from tests.support.paths import REPO
from tests.support.process import PlayerProcess

CONTROL_TOKEN = "control-token-for-tests-0123456789"

needs_tmpfs = pytest.mark.skipif(
    not tmpfs_available(), reason="needs unshare -rm and tmpfs mounts for a real full disk"
)


def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text(CONTROL_TOKEN)
    return path


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {CONTROL_TOKEN}"}


def wait_until(predicate, timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.fixture
def feed_server(tmp_path: Path):
    folder = tmp_path / "feed"
    publish(make_content(tmp_path / "v1", title="Premiere"), folder)
    server = FeedServer(folder, ("127.0.0.1", 0), TOKEN)
    server.start()
    yield server
    server.stop()


# -- 1. a full disk stops feed updates for good ---------------------------------------------


@needs_tmpfs
def test_a_full_cache_disk_is_reported_and_updates_resume_when_space_is_back(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    player = PlayerProcess(
        ["--feed", feed_server.url, "--cache", str(cache), "--poll", "1",
         "--plays", str(tmp_path / "plays.jsonl"), "--token-file", str(token_file(tmp_path))],
        prefix=in_tmpfs(cache, "6m"),
    )  # fmt: skip
    try:
        first = player.wait_for(lambda s: s["feed"]["version"] and s["content"]["version"], 30)
        filler = fill(seen_by(player.process.pid, cache))
        # unchanged polls now fail to save the feed's state: said, not fatal
        status = player.wait_for(lambda s: "disk is full" in (s["feed"]["last_error"] or ""), 15)
        assert status["health"]["feed"]["ok"] is True  # the feed part did not die
        reply = requests.post(f"http://127.0.0.1:{player.port}/reload", headers=auth(), timeout=40)
        assert reply.status_code == 502 and "disk is full" in reply.json()["result"]
        publish(make_content(tmp_path / "v2", title="Seconde", photos=2), feed_server.folder)
        filler.unlink()  # space again
        # the new version is on screen (its feed state and its content: two steps)
        player.wait_for(
            lambda s: (
                s["feed"]["version"] != first["feed"]["version"]
                and not s["feed"]["last_error"]
                and s["content"]["slides"] == 3
            ),
            20,
        )
        reply = requests.post(f"http://127.0.0.1:{player.port}/reload", headers=auth(), timeout=40)
        assert reply.status_code == 200 and reply.json()["result"] == "unchanged"
    finally:
        log = player.stop()
    assert "Traceback" not in log, log[-3000:]


def test_a_feed_thread_that_crashes_is_restarted_and_reported(
    feed_server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    supervisor = Supervisor(first_backoff_s=0.05, settle_s=0.2)
    posted: list = []
    client = FeedClient(feed_server.url, tmp_path / "cache", posted.append, poll_s=0.2)
    original = client.poll
    calls: list[int] = []

    def buggy_poll() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise KeyError("a bug in the poll")  # not a FeedError: escapes the poll loop
        return original()

    monkeypatch.setattr(client, "poll", buggy_poll)
    client.start(supervisor)
    try:
        wait_until(lambda: posted, what="the restarted feed posts the content")
        health = supervisor.health()["feed"]
        assert health["restarts"] == 1 and "KeyError" in str(health["last_error"])
    finally:
        client.stop()


# -- 2. memory grows with every content load ------------------------------------------------

MEMORY_SCRIPT = r"""
import sys, gc
from pathlib import Path
from signage.content.folder import load_content

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

root, times = Path(sys.argv[1]), int(sys.argv[2])
for _ in range(max(2, times // 10)):  # warm-up: caches, interned strings, allocator arenas
    content, report = load_content(root)
    assert content is not None, report.errors
gc.collect()
before = rss_mb()
for _ in range(times):
    content, report = load_content(root)
del content, report
gc.collect()
print(before, rss_mb())
"""


def _big_content(root: Path, slides: int) -> Path:
    (root / "playlists").mkdir(parents=True)
    body = "".join(
        f"  - {{type: text, title: Diapositive {n}, body: Texte numéro {n} de la journée}}\n"
        for n in range(slides)
    )
    (root / "playlists" / "a.yaml").write_text(f"name: Grande\nslides:\n{body}", encoding="utf-8")
    return root


@pytest.mark.parametrize("what,times", [("bundled", 300), ("5000 slides", 20)])
def test_loading_content_again_and_again_keeps_no_memory(
    what: str, times: int, tmp_path: Path
) -> None:
    root = REPO if what == "bundled" else _big_content(tmp_path / "big", 5000)
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(root), str(times)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    before, after = map(float, result.stdout.split())
    # was ~20 MB per 300 loads of the example, ~55 MB per load of 5,000 slides
    assert after - before < 4.0, f"{what}: {before:.1f} -> {after:.1f} MB"


def test_a_large_playlist_is_not_mistaken_for_an_alias_bomb(tmp_path: Path) -> None:
    root = _big_content(tmp_path / "big", 5000)
    content, report = load_content(root)
    assert content is not None, [d.format() for d in report.errors]
    (root / "playlists" / "a.yaml").unlink()
    _big_content(tmp_path / "huge", 20_000)
    content, report = load_content(tmp_path / "huge")
    assert content is None
    assert "has 20,000 items; the limit is 5,000" in report.errors[0].format()
    assert "alias" not in report.errors[0].format()


# -- 3. text that is not text ------------------------------------------------------------------


def test_text_checks_name_the_character() -> None:
    assert text_problem("Évacuation par la sortie B ’ « ok »\n\tfin") is None
    assert "unpaired surrogate (U+D800) at character 3" in str(text_problem("ab\ud800"))
    assert "control character (U+001B)" in str(text_problem("\x1b[2J"))
    assert "control character (U+0085)" in str(text_problem("a\x85b"))
    assert clean_text("a\ud800b\x07c") == "a\ufffdb\ufffdc"


@pytest.mark.parametrize(
    "title,needle",
    [
        # libyaml refuses a surrogate escape itself; PyYAML's pure-Python parser let it
        # through to our check
        (
            '"Bonjour \\ud800"',
            r"a.yaml:4:(12: error: slides\[0\].title: contains an unpaired surrogate \(U\+D800\)|23: error: YAML syntax: found invalid Unicode character escape code)",
        ),
        (
            '"Écran \\x1b[2J effacé"',
            r"a.yaml:4:12: error: slides\[0\].title: contains a control character \(U\+001B\)",
        ),
        (
            '"nul \\0 ici"',
            r"a.yaml:4:12: error: slides\[0\].title: contains a control character \(U\+0000\)",
        ),
    ],
)
def test_check_refuses_text_that_is_not_text(title: str, needle: str, tmp_path: Path) -> None:
    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "a.yaml").write_text(
        f"name: A\nslides:\n  - type: text\n    title: {title}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "signage", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert re.search(needle, result.stdout), result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_programme_with_bad_characters_is_cleaned_not_refused() -> None:
    data = json.dumps(
        {
            "sessions": [
                {"id": "1", "title": "Atelier \ud800 \x07", "startsAt": "2026-11-30T10:00:00Z",
                 "endsAt": "2026-11-30T11:00:00Z", "roomId": 1, "speakers": []}
            ],
            "rooms": [{"id": 1, "name": "Salle\x1b"}],
            "speakers": [],
        }
    ).encode()  # fmt: skip
    programme = parse_programme(data, "sessionize.json", ZoneInfo("Europe/Paris"))
    assert programme.events[0].title == "Atelier \ufffd \ufffd"
    assert programme.events[0].room == "Salle\ufffd"


def test_proof_of_play_survives_a_lone_surrogate(tmp_path: Path) -> None:
    log = PlayLog(tmp_path / "plays.jsonl")
    log.start(Supervisor())
    entry = {"slide": "a", "title": "x", "ended": "2026-11-30T10:00:00+01:00"}
    log.record({**entry, "title": "bad \ud800"})
    log.record({**entry, "slide": "b"})
    log.stop()
    lines = (tmp_path / "plays.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["slide"] for line in lines] == ["a", "b"]  # the thread lived on
    assert json.loads(lines[0])["title"] == "bad \ufffd"


def test_json_bodies_are_bounded_and_checked() -> None:
    assert parse_json(b'{"text": "ok", "expires_in": 300}') == {"text": "ok", "expires_in": 300}
    for body, needle in [
        (b'{"expires_in": ' + b"9" * 5000 + b"}", "more than 15 digits"),
        (b'{"expires_in": NaN}', "NaN is not a JSON number"),
        (b'{"text": "\\ud800"}', "text: contains an unpaired surrogate"),
        (b"\xff", "not UTF-8"),
    ]:
        with pytest.raises(BodyError, match=needle):
            parse_json(body)


# -- 4. credentials --------------------------------------------------------------------------


def test_urls_lose_their_passwords_when_shown() -> None:
    assert redact_url("https://user:hunter2@host/feed") == "https://user:***@host/feed"
    assert redact_url("https://host/feed") == "https://host/feed"
    assert (
        redact_url("error at http://a:b@h/x; see http://h/y")
        == "error at http://a:***@h/x; see http://h/y"
    )
    assert without_credentials("http://us%40er:p%3Aw@host:8080/f") == (
        "http://host:8080/f",
        ("us@er", "p:w"),
    )


class BasicAuthFeed:
    """A static server for a feed folder that wants HTTP basic auth (as nginx would)."""

    def __init__(self, folder: Path, user: str, password: str) -> None:
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.refused = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.headers.get("Authorization") != expected:
                    outer.refused += 1
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path = folder / self.path.lstrip("/")
                data = path.read_bytes() if path.is_file() else None
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.port = self.httpd.server_address[1]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("how", ["url", "file"])
def test_feed_credentials_work_and_never_leave(how: str, tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    publish(make_content(tmp_path / "src"), folder)
    server = BasicAuthFeed(folder, "ecran", "hunter2-secret")
    args = ["--cache", str(tmp_path / "cache"), "--poll", "1", "--plays", str(tmp_path / "p.jsonl")]
    if how == "url":
        args += ["--feed", f"http://ecran:hunter2-secret@127.0.0.1:{server.port}"]
    else:
        credentials = tmp_path / "feed-credentials"
        credentials.write_text("ecran:hunter2-secret\n")
        args += [
            "--feed",
            f"http://127.0.0.1:{server.port}",
            "--feed-credentials",
            str(credentials),
        ]
    player = PlayerProcess(args, wait=False)
    try:
        status = player.wait_for(lambda s: s["content"]["version"], timeout=30)
        raw = requests.get(f"http://127.0.0.1:{player.port}/status", timeout=5).text
        page = requests.get(f"http://127.0.0.1:{player.port}/", timeout=5).text
    finally:
        log = player.stop()
        server.stop()
    assert status["feed"]["url"] == f"http://127.0.0.1:{server.port}"
    assert status["feed"]["last_error"] is None and server.refused == 0
    for text in (raw, page, log):
        assert "hunter2" not in text


def test_programme_url_passwords_stay_out_of_status_and_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fetcher = Fetcher(tmp_path)
    url = f"http://user:hunter2@127.0.0.1:{port}/programme.xml"
    fetcher.fetch(url)
    shown = json.dumps(fetcher.errors)
    assert "hunter2" not in shown and "user:***@" in shown
    assert "hunter2" not in caplog.text


# -- 5. content stays inside its folder --------------------------------------------------------


def _content_with_link(tmp_path: Path, target: Path) -> Path:
    root = make_content(tmp_path / "content")
    (root / "assets" / "p0.jpg").unlink()
    (root / "assets" / "p0.jpg").symlink_to(target)
    return root


def test_links_out_of_the_content_folder_are_refused_everywhere(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    secret = tmp_path / "outside" / "secret.jpg"
    secret.parent.mkdir()
    Image.new("RGB", (8, 8)).save(secret)  # a readable image: only its place is wrong
    root = _content_with_link(tmp_path, secret)
    expected = f"assets/p0.jpg is a link to {secret} ({secret}), outside the content folder"
    result = subprocess.run(
        [sys.executable, "-m", "signage", "check", str(root)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1 and expected in result.stdout, result.stdout
    content, report = load_content(root)  # the folder watcher and the feed client load so
    assert content is None and expected in report.errors[0].format()
    with pytest.raises(PublishError) as refused:
        publish(root, tmp_path / "out")
    assert any(expected in e for e in refused.value.errors)
    before = list(feed_server.served)
    with pytest.raises(PublishError):
        push(root, feed_server.url, TOKEN)
    assert feed_server.served == before  # nothing was uploaded


def test_a_link_inside_the_folder_is_fine(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content")
    (root / "assets" / "alias.jpg").symlink_to("p0.jpg")
    text = (root / "playlists" / "a.yaml").read_text()
    (root / "playlists" / "a.yaml").write_text(
        text + "  - {type: photo, image: assets/alias.jpg}\n"
    )
    content, report = load_content(root)
    assert content is not None, [d.format() for d in report.errors]


def test_fifos_and_link_loops_are_refused_without_hanging(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content")
    (root / "assets" / "p0.jpg").unlink()
    os.mkfifo(root / "assets" / "p0.jpg")  # reading it would wait forever
    content, report = load_content(root)
    assert (
        content is None
        and "assets/p0.jpg is a FIFO (named pipe), not a file" in report.errors[0].format()
    )
    (root / "assets" / "p0.jpg").unlink()
    (root / "assets" / "p0.jpg").symlink_to("p0.jpg")
    content, report = load_content(root)
    assert content is None and "cannot be followed (a loop of links)" in report.errors[0].format()


def test_a_playlist_linked_from_outside_is_refused(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("name: X\nslides:\n  - {type: text, title: X}\n")
    (root / "playlists" / "b.yaml").symlink_to(outside)
    content, report = load_content(root)
    assert content is None
    assert "playlists/b.yaml is a link to" in report.errors[0].format()


# -- 6. processes die together ---------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_player_leaves_no_process_behind(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content")
    player = PlayerProcess([str(root), "--plays", str(tmp_path / "plays.jsonl")])
    children = children_of(player.process.pid)
    assert children, "the player has a drawing worker"
    player.process.kill()
    player.process.wait(timeout=10)
    deadline = time.monotonic() + 3
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in children if alive(pid)]
    assert not left, f"still running after the player's SIGKILL: {left}"


def test_sighup_reloads_instead_of_exiting(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content")
    player = PlayerProcess([str(root), "--plays", str(tmp_path / "plays.jsonl")])
    try:
        player.process.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert player.process.poll() is None
        assert player.status()["slide"]["id"] is not None
    finally:
        log = player.stop()
    assert "SIGHUP: reloading the content" in log
    assert player.process.returncode == 0
    plays = (tmp_path / "plays.jsonl").read_text().splitlines()
    assert plays and json.loads(plays[-1])["ended"]  # the slide on screen was logged at stop


def test_systemd_units_stop_every_process_of_the_player() -> None:
    for unit in (REPO / "systemd").glob("*.service"):
        assert "KillMode=control-group" in unit.read_text(), unit.name
    assert (
        "ExecReload=/bin/kill -HUP $MAINPID"
        in (REPO / "systemd" / "signage-player.service").read_text()
    )


# -- 7. the feed server under concurrency and full disks -----------------------------------


def test_concurrent_pushes_to_one_server_all_succeed(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    sources = [make_content(tmp_path / f"c{n}", title=f"Version {n}", photos=2) for n in range(18)]
    with concurrent.futures.ThreadPoolExecutor(18) as pool:
        versions = list(pool.map(lambda root: push(root, feed_server.url, TOKEN), sources))
    assert len(set(versions)) >= 1 and all(versions)
    leftovers = [p for p in feed_server.store.root.iterdir() if p.name.startswith(".")]
    assert not leftovers


def test_concurrent_uploads_of_one_object_all_get_an_answer(feed_server: FeedServer) -> None:
    data = os.urandom(300_000)
    digest = hashlib.sha256(data).hexdigest()

    def upload(_: int) -> int:
        return requests.put(
            f"{feed_server.url}/api/files/{digest}",
            data=data,
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        ).status_code

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        codes = list(pool.map(upload, range(24)))
    assert codes == [201] * 24
    assert feed_server.store.path(digest).read_bytes() == data


@needs_tmpfs
def test_the_feed_server_says_its_disk_is_full_and_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "served"
    folder.mkdir()
    token = tmp_path / "upload-token"
    token.write_text(TOKEN)
    port = _free_port()
    server = subprocess.Popen(
        [*in_tmpfs(folder, "2m"), sys.executable, "-m", "signage", "serve", str(folder),
         "--bind", f"127.0.0.1:{port}", "--token-file", str(token)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_until(lambda: _answers(port), 20, "the server starts")
        source = make_content(tmp_path / "big", photos=1)
        Image.effect_noise((1500, 1500), 90).convert("RGB").save(
            source / "assets" / "p0.jpg", quality=100
        )  # about 3 MB: more than the disk holds
        with pytest.raises(PublishError, match="the feed server's disk is full"):
            push(source, f"http://127.0.0.1:{port}", TOKEN)
        stored = list(seen_by(server.pid, folder / "files").iterdir())
        assert not [p.name for p in stored if p.name.startswith(".")]  # no partial file
        for path in stored:  # only complete objects (the playlist, sent before the photo)
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
        # a small version still fits: the failure freed what it had written
        assert push(make_content(tmp_path / "small"), f"http://127.0.0.1:{port}", TOKEN)
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=15)
    assert "Traceback" not in out, out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        requests.get(f"http://127.0.0.1:{port}/manifest.json", timeout=1)
    except requests.RequestException:
        return False
    return True


def test_stale_uploads_are_cleaned_and_published_files_kept(feed_server: FeedServer) -> None:
    data = b"an upload that was never published"
    digest = hashlib.sha256(data).hexdigest()
    requests.put(
        f"{feed_server.url}/api/files/{digest}",
        data=data,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    ).raise_for_status()
    published = {
        e.sha256
        for e in parse_manifest((feed_server.folder / "manifest.json").read_bytes(), "m").files
    }
    assert feed_server.clean() == []  # young: kept
    removed = feed_server.clean(now=time.time() + feed_server.stale_s + 60)
    assert removed == [digest]
    assert {p.name for p in feed_server.store.root.iterdir()} == published


def test_a_manifest_naming_a_file_and_a_folder_alike_is_refused(feed_server: FeedServer) -> None:
    entry = {"size": 1, "sha256": "0" * 64}
    manifest = {"version": "x", "files": [
        {"path": "playlists/a.yaml", **entry}, {"path": "playlists/a.yaml/b", **entry}]}  # fmt: skip
    with pytest.raises(ManifestError, match="listed as a file and as a folder"):
        parse_manifest(json.dumps(manifest).encode(), "m")
    answer = requests.post(
        f"{feed_server.url}/api/publish",
        data=json.dumps(manifest),
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert (
        answer.status_code == 400 and "listed as a file and as a folder" in answer.json()["error"]
    )


def test_missing_only_looks_up_digests(feed_server: FeedServer) -> None:
    answer = requests.post(
        f"{feed_server.url}/api/missing",
        json={"sha256": ["../manifest.json", "/etc/passwd"]},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 400  # no answer about arbitrary paths


# -- 8. HTTP hygiene -----------------------------------------------------------------------


def test_host_names_are_checked_against_dns_rebinding() -> None:
    names = {"localhost", "ecran-hall.example.org"}
    for good in (
        "127.0.0.1:8765",
        "[::1]:8765",
        "localhost:8765",
        "ecran-hall.example.org",
        "10.0.0.7",
        None,
    ):
        assert host_allowed(good, names), good
    for bad in ("evil.example:8765", "127.0.0.1.evil.example", "localhost.evil.example"):
        assert not host_allowed(bad, names), bad


class Loop:
    """The render loop's side of the control API, answering on a thread."""

    def __init__(self) -> None:
        self.screenshots = 0

    def post(self, message: object) -> None:
        if isinstance(message, Screenshot):
            self.screenshots += 1
            time.sleep(0.05)  # a capture takes a while
            message.reply.set_result(((64, 36), bytes(64 * 36 * 3)))


@pytest.fixture
def control():
    loop = Loop()
    server = ControlServer(
        ("127.0.0.1", 0), lambda: {"ok": "\ud800"}, loop.post, CONTROL_TOKEN,
        names=["ecran-hall.example.org"],
    )  # fmt: skip
    server.start()
    yield server, loop
    server.stop()


def test_the_control_api_checks_the_host_and_sends_safety_headers(control) -> None:
    server, _ = control
    base = f"http://{server.address}"
    evil = requests.get(f"{base}/status", headers={"Host": "evil.example"}, timeout=5)
    assert evil.status_code == 421
    assert requests.get(
        f"{base}/status", headers={"Host": "ecran-hall.example.org:80"}, timeout=5
    ).ok
    page = requests.get(f"{base}/", timeout=5)
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert requests.get(f"{base}/app.js", timeout=5).ok
    # a status holding a lone surrogate still answers (it used to answer nothing)
    assert requests.get(f"{base}/status", timeout=5).json() == {"ok": "\ufffd"}


def test_huge_numbers_and_lengths_get_an_answer(control) -> None:
    server, _ = control
    base = f"http://{server.address}"
    body = b'{"text": "x", "expires_in": ' + b"9" * 5000 + b"}"
    answer = requests.post(f"{base}/message", data=body, headers=auth(), timeout=5)
    assert answer.status_code == 400 and "more than 15 digits" in answer.json()["error"]
    with socket.create_connection(("127.0.0.1", int(server.address.rsplit(":", 1)[1])), 5) as sock:
        sock.sendall(
            b"POST /message HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + CONTROL_TOKEN.encode()
            + b"\r\nContent-Length: "
            + b"9" * 5000
            + b"\r\n\r\n"
        )
        assert b" 400 " in sock.recv(4096).split(b"\r\n", 1)[0]
    surrogate = requests.post(
        f"{base}/message", data=b'{"text": "\\ud800"}', headers=auth(), timeout=5
    )
    assert surrogate.status_code == 400 and "unpaired surrogate" in surrogate.json()["error"]


def test_a_screenshot_flood_is_served_from_one_capture(control) -> None:
    server, loop = control
    base = f"http://{server.address}"
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(
            pool.map(lambda _: requests.get(f"{base}/screenshot.png", timeout=10), range(40))
        )
    assert all(a.status_code == 200 for a in answers)
    assert loop.screenshots <= 3  # at most two captures a second, shared


def test_idle_connections_are_closed_and_capped(control, monkeypatch: pytest.MonkeyPatch) -> None:
    server, _ = control
    port = int(server.address.rsplit(":", 1)[1])
    monkeypatch.setattr(server.httpd.RequestHandlerClass, "timeout", 1.0)
    idle = [socket.create_connection(("127.0.0.1", port), 5) for _ in range(64)]
    try:
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", port), 5) as extra:
            extra.sendall(b"GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert extra.recv(4096).startswith(b"HTTP/1.1 503")  # over the cap: told at once
        time.sleep(1.5)  # the idle ones are closed by the server
        for sock in idle:
            sock.settimeout(2)
            assert sock.recv(10) == b""
        assert requests.get(f"http://{server.address}/status", timeout=5).ok
    finally:
        for sock in idle:
            sock.close()


def test_headers_trickled_a_byte_at_a_time_are_cut_off(
    control, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = control
    port = int(server.address.rsplit(":", 1)[1])
    monkeypatch.setattr(server.httpd.RequestHandlerClass, "header_timeout", 1.5)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), 5) as slow:
        closed = False
        for char in b"GET /status HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 40:
            try:
                slow.sendall(bytes([char]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)  # never idle for the 10 s idle timeout
        if not closed:
            slow.settimeout(3)
            assert slow.recv(100) == b""
    assert time.monotonic() - started < 5  # cut at 1.5 s, not after the 4 s of trickling

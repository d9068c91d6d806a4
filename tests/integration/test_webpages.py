"""``type: web``: snapshots by the system's Chromium (installed by .ci/run) of pages served
on loopback; a page that never finishes and a page that eats memory are killed, with
their whole process group, and the last good snapshot stays."""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from signage.draw.canvas import Canvas, Screen
from signage.live.hub import LiveHub, wants_of
from signage.live.model import LiveError, Want
from signage.live.web import Page, chromium, snapshot
from signage.player.frames import prepare
from signage.programme.store import ProgrammeServices
from tests.support.content import at, write_content
from tests.support.paths import REPO

pytestmark = pytest.mark.skipif(chromium() is None, reason="Chromium is installed by .ci/run")

RED_PAGE = b"<!doctype html><html><body style='margin:0;background:#c81e1e'><h1>Programme</h1></body></html>"


GREEN_LATER = (
    b"<!doctype html><html><body style='margin:0;background:#c81e1e'><script>"
    b"setTimeout(() => { document.body.style.background = '#1ec81e';"
    b" document.body.innerHTML = '<p id=ready>pr\xc3\xaat</p>'; }, 1500)</script></body></html>"
)
GREEN_PAGE = b"<!doctype html><html><body style='margin:0;background:#1ec81e'></body></html>"
LOGIN = ("accueil", "m0t de passe")


class Site:
    """``/`` a red page; ``/hang`` never finishes; ``/later`` turns green after 1.5 s;
    ``/private`` green behind HTTP basic auth (``LOGIN``); ``/missing`` a 404; anything else
    whatever ``page`` holds. ``authorizations`` lists the Authorization headers received."""

    def __init__(self) -> None:
        self.page = RED_PAGE
        self.release = threading.Event()
        self.authorizations: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/hang":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(b"<html><body>loading")
                    self.wfile.flush()
                    site.release.wait(60)  # the rest of the page never comes
                    return
                said = self.headers.get("Authorization")
                if said:
                    site.authorizations.append(said)
                status, body = 200, site.page
                if self.path == "/later":
                    body = GREEN_LATER
                elif self.path == "/missing":
                    status, body = 404, GREEN_PAGE
                elif self.path.startswith("/private"):
                    token = base64.b64encode(":".join(LOGIN).encode()).decode()
                    status, body = (200, GREEN_PAGE) if said == f"Basic {token}" else (401, b"no")
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="intranet"')
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()


@pytest.fixture
def site():
    server = Site()
    yield server
    server.close()


def _red_share(path: Path) -> float:
    image = Image.open(path).convert("RGB").resize((32, 18))
    raw = image.tobytes()
    return sum(1 for i in range(0, len(raw), 3) if raw[i] > 180 and raw[i + 1] < 60) / (32 * 18)


def _green_share(path: Path) -> float:
    raw = Image.open(path).convert("RGB").resize((32, 18)).tobytes()
    return sum(1 for i in range(0, len(raw), 3) if raw[i + 1] > 180 and raw[i] < 60) / (32 * 18)


def _chromiums() -> int:
    """Chromium processes still running (children of this test, or orphans)."""
    found = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                found += "chrom" in (entry / "comm").read_text()
    return found


def test_a_page_is_snapshotted_and_drawn_whole(site: Site, tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "c",
        {
            "w.yaml": f"name: W\nslides:\n  - {{type: web, id: page, url: '{site.url}/', viewport: 1280x720, wait: 1}}\n"
        },
    )
    hub = LiveHub(tmp_path / "cache")
    hub.set_sources(wants_of(content))
    assert hub.fetch(f"{site.url}/") is True
    (feed,) = hub.feeds()
    shot = Path(feed.items[0].image or "")
    assert Image.open(shot).size == (1280, 720) and _red_share(shot) > 0.8
    assert hub.fetch(f"{site.url}/") is False  # the same picture: nothing to redraw
    services = ProgrammeServices.of(content, None, live=hub.feeds())
    canvas = Canvas(
        (1920, 1080),
        content.theme,
        Path(content.root),
        at("2026-11-30 10:30"),
        Screen("s"),
        services,
    )
    frame = prepare(content.playlists[0].slides[0], canvas)
    drawn = frame.image.convert("RGB").resize((32, 18)).tobytes()
    assert sum(1 for i in range(0, len(drawn), 3) if drawn[i] > 180 and drawn[i + 1] < 60) > 200


def test_a_page_that_never_finishes_is_killed_and_the_last_snapshot_stays(
    site: Site, tmp_path: Path
) -> None:
    hub = LiveHub(tmp_path / "cache")
    url = f"{site.url}/hang"
    site_page = f"{site.url}/"
    before = _chromiums()
    quick = (("timeout", "3"), ("viewport", "800x450"), ("wait", "1"), ("zoom", "1"))
    # the good page is given the time a loaded machine takes to start Chromium (a CI run
    # under two CPU hogs took more than 3 s); the page that hangs has its 3 s
    roomy = (("timeout", "20"), *quick[1:])
    hub.set_sources(
        {site_page: Want("web", 60, options=roomy), url: Want("web", 60, options=quick)}
    )
    assert hub.fetch(site_page)
    started = time.monotonic()
    assert hub.fetch(url) is False
    assert time.monotonic() - started < 10
    assert "did not finish within 3 s" in hub.status()[url]["last_error"]
    assert _chromiums() <= before  # the whole process group went, no zombie left
    # a refresh that fails keeps the last good picture
    site.page = b"<html><body>plus tard</body></html>"
    good = Path(hub.feeds()[0].items[0].image or "")
    hub.set_sources({site_page: Want("web", 60, options=(("timeout", "0.2"), *quick[1:]))})
    hub.fetch(site_page)
    assert hub.status()[site_page]["last_error"] and _red_share(good) > 0.8


def test_a_page_over_its_memory_cap_is_killed(site: Site, tmp_path: Path) -> None:
    with pytest.raises(LiveError, match="over its 5 MB"):
        snapshot(Page(f"{site.url}/", (800, 450), wait_s=1, memory_mb=5), tmp_path / "shot.png")
    assert not (tmp_path / "shot.png").exists()


def test_check_warns_when_no_chromium_is_installed(tmp_path: Path) -> None:
    write_content(
        tmp_path / "c",
        {"w.yaml": "name: W\nslides:\n  - {type: web, id: page, url: 'https://example.org/'}\n"},
    )
    env = {**os.environ, "PATH": str(tmp_path / "empty")}
    result = subprocess.run(
        [sys.executable, "-m", "signage", "check", str(tmp_path / "c")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "none is installed (apt install chromium): this slide will be skipped"
        in result.stdout + result.stderr
    )


def test_web_slide_keys_are_checked_with_their_line(tmp_path: Path) -> None:
    from signage.content.folder import load_content

    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "w.yaml").write_text(
        "name: W\nslides:\n  - {type: web, url: 'ftp://x', viewport: 'grand'}\n"
    )
    _, report = load_content(tmp_path)
    said = [d.format() for d in report.items]
    assert any("w.yaml:3:" in m and "url" in m and "an http(s) URL" in m for m in said), said
    assert any("viewport" in m and "a size like 1920x1080" in m for m in said), said


def test_the_snapshot_waits_for_a_css_selector(site: Site, tmp_path: Path) -> None:
    """``wait: '#ready'``: the picture is taken once the page's script has made the element
    (1.5 s after load); waiting 0 s after load takes the page before it."""
    shot = tmp_path / "shot.png"
    snapshot(Page(f"{site.url}/later", (800, 450), wait_s=0), shot)
    assert _red_share(shot) > 0.8
    snapshot(Page(f"{site.url}/later", (800, 450), wait_s=0, selector="#ready"), shot)
    assert _green_share(shot) > 0.8
    # 8 s: Chromium starts and loads the page within them even on a loaded machine (with
    # 2 s, starting alone took them all there: "the page did not finish"), then waits
    with pytest.raises(LiveError, match="nothing on the page matched '#never' in time"):
        snapshot(Page(f"{site.url}/", (800, 450), timeout_s=8, selector="#never"), shot)
    assert _green_share(shot) > 0.8  # the last good picture stays


def test_a_page_behind_a_login_gets_the_credentials_and_no_other_site_does(
    site: Site, tmp_path: Path
) -> None:
    login = tmp_path / "intranet.credentials"
    login.write_text(":".join(LOGIN) + "\n", encoding="utf-8")
    shot = tmp_path / "shot.png"
    with pytest.raises(LiveError, match="the page answered HTTP 401"):
        snapshot(Page(f"{site.url}/private", (800, 450), wait_s=0), shot)
    assert not shot.exists() and site.authorizations == []
    snapshot(Page(f"{site.url}/private", (800, 450), wait_s=0, credentials=str(login)), shot)
    assert _green_share(shot) > 0.8 and len(site.authorizations) >= 1
    # a page elsewhere that pulls in the protected site: its login prompt is refused
    other = Site()
    try:
        other.page = f"<html><body><img src='{site.url}/private/logo.png'></body></html>".encode()
        site.authorizations.clear()
        snapshot(Page(f"{other.url}/", (800, 450), wait_s=0, credentials=str(login)), shot)
        assert site.authorizations == []
    finally:
        other.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_error_page_is_not_taken_for_the_page(site: Site, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    with pytest.raises(LiveError, match="the page answered HTTP 404"):
        snapshot(Page(f"{site.url}/missing", (800, 450), wait_s=0), shot)
    with pytest.raises(LiveError, match=r"cannot be reached \(net::ERR_CONNECTION_REFUSED\)"):
        snapshot(Page(f"http://127.0.0.1:{_closed_port()}/", (800, 450), wait_s=0), shot)
    assert not shot.exists()


def test_web_slides_wait_for_seconds_or_a_selector_and_name_their_login(tmp_path: Path) -> None:
    from signage.content.checks import across_files
    from signage.content.folder import load_content

    def load(slides: str) -> tuple[Any, list[str]]:
        (tmp_path / "playlists").mkdir(exist_ok=True)
        (tmp_path / "playlists" / "w.yaml").write_text("name: W\nslides:\n" + slides)
        content, report = load_content(tmp_path)
        return content, [d.format() for d in report.items]

    _, said = load("  - {type: web, url: 'https://c.example/', wait: [1]}\n")
    assert any("w.yaml:3:" in m and "wait" in m and "or a CSS selector" in m for m in said), said
    content, said = load(
        "  - {type: web, url: 'https://a.example/', wait: '#programme .session'}\n"
        "  - {type: web, url: 'https://b.example/', wait: 5s,"
        " credentials: /nowhere/intranet.credentials}\n"
    )
    assert content is not None, said
    wants = {slide.url: slide.live()[slide.url] for slide in content.slides()}
    assert ("wait_for", "#programme .session") in wants["https://a.example/"].options
    assert ("wait", "5") in wants["https://b.example/"].options
    warned = [d.format() for d in across_files(tmp_path, content.playlists).items]
    assert any(
        "w.yaml:4:" in m and "/nowhere/intranet.credentials" in m and "cannot read" in m
        for m in warned
    ), warned

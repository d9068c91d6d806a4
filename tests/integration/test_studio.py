"""``signage studio`` and ``signage users``: every route for every role and for no session,
photos from phones (tags stripped, upright, bad input refused whole), the login's limits,
an approved photo reaching a real player, and room states over a real Mosquitto."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from signage.studio import photos as photos_module
from signage.studio.frame import ROUTES, allowed
from signage.studio.server import Studio
from signage.studio.sessions import Sessions
from signage.studio.users import Users
from tests.support.broker import Broker, Client
from tests.support.browser import needs_browser, shown, waiting
from tests.support.paths import REPO
from tests.support.process import PlayerProcess
from tests.support.studio import SECRETS, Running, jpeg, send, spaced, users_file

# -- users ----------------------------------------------------------------------------


def test_users_are_added_listed_changed_and_removed_with_only_a_slow_hash_stored(
    tmp_path: Path,
) -> None:
    path = tmp_path / "users.json"

    def users(*args: str, secret: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "signage", "users", *args, "--users", str(path)],
            input=secret + "\n", capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    assert (
        users("add", "claire", "--role", "photographer", secret="appareil-photo-2026").returncode
        == 0
    )
    assert path.stat().st_mode & 0o777 == 0o600
    stored = path.read_text()
    assert "appareil-photo-2026" not in stored and '"hash": "scrypt$32768$8$1$' in stored
    short = users("add", "paul", "--role", "editor", secret="court")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    twice = users("add", "claire", "--role", "editor", secret="un-autre-secret")
    assert twice.returncode == 2 and "already a user" in twice.stderr
    assert users("list").stdout == "claire\tphotographer\n"
    assert users("passwd", "claire", secret="nouveau-secret-2026").returncode == 0
    loaded = Users.load(path)
    assert loaded.check("claire", "nouveau-secret-2026") and not loaded.check(
        "claire", "appareil-photo-2026"
    )
    assert users("remove", "claire").returncode == 0 and users("list").stdout == ""
    missing = users("remove", "claire")
    assert missing.returncode == 2 and "claire is not a user" in missing.stderr


# -- every route, every role ----------------------------------------------------------


def test_every_route_answers_every_role_and_no_session_as_its_roles_say(running: Running) -> None:
    photographer = running.session("photographer")
    assert send(running, photographer, [("a.jpg", jpeg())]).status_code == 200
    (mine,) = running.studio.queue.all()
    others = running.session("editor")
    assert send(running, others, [("b.jpg", jpeg())]).status_code == 200
    theirs = next(p for p in running.studio.queue.all() if p.by == "editor")
    checked = 0
    for method, route in ROUTES:
        for role in (None, *SECRETS):
            http = running.session(role)
            csrf = running.csrf(http) if role else "none"
            path = route.replace("<id>", theirs.id).replace("<file>", "accueil").replace("<n>", "1")
            path = path.replace("<key>", "0" * 16)  # a social post the studio does not have
            path = path.replace("<room>", "Salle%20Seine")  # a room of the example's programme
            if method == "GET":
                answer = http.get(f"{running.url}{path}", allow_redirects=False)
            elif route == "/photos":
                answer = send(running, http, [("c.jpg", jpeg())], csrf=csrf)
            elif route == "/login":
                data = {"name": "admin", "secret": SECRETS["admin"]}
                answer = http.post(f"{running.url}{path}", data=data, allow_redirects=False)
            else:
                data = {"csrf": csrf, "folder": "nowhere", "room": "nowhere", "state": "full"}
                answer = http.post(f"{running.url}{path}", data=data, allow_redirects=False)
            said = f"{method} {path} as {role}: {answer.status_code}"
            if allowed(method, route, role):
                assert answer.status_code not in (401, 403), said
                if method == "GET":  # a photographer's thumbnails: their own only
                    mine_only = route.endswith("/thumb") and role == "photographer"
                    unknown = route.startswith("/social/<key>")
                    assert answer.status_code == (404 if mine_only or unknown else 200), said
            elif role is None:
                assert answer.status_code == (303 if method == "GET" else 401), said
                if method == "GET":
                    assert answer.headers["Location"].startswith("/login?next="), said
            else:
                assert answer.status_code == 403, said
                assert "ne donne pas accès" in spaced(answer.text), said
            checked += 1
    assert checked == len(ROUTES) * 5
    # a photographer sees their own photos' thumbnails, never another's
    photographer = running.session("photographer")
    assert photographer.get(f"{running.url}/photos/{mine.id}/thumb").status_code == 200
    assert photographer.get(f"{running.url}/photos/{theirs.id}/thumb").status_code == 404
    assert theirs.id not in photographer.get(f"{running.url}/photos/mine").text


def test_a_change_without_the_session_token_is_refused(running: Running) -> None:
    editor = running.session("editor")
    answer = editor.post(f"{running.url}/rooms", data={"room": "Salle Seine", "state": "full"})
    assert answer.status_code == 403 and "plus valable" in spaced(answer.text)
    answer = send(running, editor, [("a.jpg", jpeg())], csrf="not-the-token")
    assert answer.status_code == 403 and running.studio.queue.all() == []
    assert not any(running.studio.incoming.glob("*"))


# -- photos ---------------------------------------------------------------------------


def test_a_photo_is_stored_upright_without_any_tag_and_with_its_thumbnail(running: Running) -> None:
    photographer = running.session("photographer")
    answer = send(running, photographer, [("IMG_2041.jpg", jpeg())])
    assert answer.status_code == 200 and "1 photo(s) reçue(s)" in spaced(answer.text)
    (photo,) = running.studio.queue.all()
    stored = running.studio.queue.folder / photo.file
    data = stored.read_bytes()
    for tag in (b"Exif", b"PhoneMaker", b"Issy-les-Moulineaux", b"GPS"):
        assert tag not in data, tag
    with Image.open(stored) as image:
        assert image.size == (800, 1200)  # turned as the camera said
        assert not image.getexif()
        top = image.convert("RGB").getpixel((400, 10))
        assert top[2] > 150 and top[0] < 60  # the blue band, now at the top
    with Image.open(running.studio.queue.thumb(photo)) as thumb:
        assert max(thumb.size) == 480
    assert photo.by == "photographer" and photo.name == "IMG_2041.jpg" and photo.verdict is None


def test_png_and_heic_are_cleaned_too(running: Running) -> None:
    from pillow_heif import from_pillow

    png = io.BytesIO()
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("GPSLatitude", "48.8236")
    Image.new("RGBA", (300, 200), (10, 200, 10, 255)).save(png, "PNG", pnginfo=info)
    heic = io.BytesIO()
    from_pillow(Image.new("RGB", (640, 480), (240, 200, 20))).save(heic, quality=80)
    photographer = running.session("photographer")
    answer = send(
        running, photographer, [("plan.png", png.getvalue()), ("iphone.heic", heic.getvalue())]
    )
    assert "2 photo(s) reçue(s)" in spaced(answer.text), spaced(answer.text)
    stored = {p.name: running.studio.queue.folder / p.file for p in running.studio.queue.all()}
    assert (
        stored["plan.png"].suffix == ".png"
        and b"GPSLatitude" not in stored["plan.png"].read_bytes()
    )
    with Image.open(stored["iphone.heic"]) as image:
        assert image.format == "JPEG" and image.size == (640, 480)


def test_bad_uploads_are_refused_whole_and_leave_nothing_behind(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    photographer = running.session("photographer")
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")  # 400 megapixels in a few kilobytes
    answer = send(
        running,
        photographer,
        [("bomb.png", bomb.getvalue()), ("notes.jpg", b"%PDF-1.7 not a photo")],
    )
    assert answer.status_code == 400
    assert "bomb.png : 400 mégapixels : plus de 60 mégapixels" in spaced(answer.text)
    assert "notes.jpg : pas une photo" in spaced(answer.text)
    monkeypatch.setattr(photos_module, "MAX_FILE_BYTES", 300_000)
    answer = send(running, photographer, [("huge.jpg", jpeg((3000, 2000)) + b"\0" * 400_000)])
    assert (
        answer.status_code == 400
        and "plus de 0 Mo" not in spaced(answer.text)
        and "huge.jpg" in spaced(answer.text)
    )
    assert running.studio.queue.all() == []
    assert not any(running.studio.incoming.glob("*")), list(running.studio.incoming.glob("*"))
    # 2 GB announced: refused from its headers, before a byte of it is read
    host, port = running.studio.address.split(":")
    cookie = photographer.cookies.get("studio_session")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            f"POST /photos HTTP/1.1\r\nHost: {host}\r\nCookie: studio_session={cookie}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 2147483648\r\n\r\n".encode()
        )
        chunks = []
        while chunk := raw.recv(65536):  # the studio closes the connection after its answer
            chunks.append(chunk)
        reply = b"".join(chunks).decode("utf-8", "replace")
    assert reply.startswith("HTTP/1.0 413") and "Envoi trop gros" in reply


# -- signing in -------------------------------------------------------------------------


def test_logins_are_limited_and_sessions_expire(example: Path, tmp_path: Path) -> None:
    now = [1000.0]  # the sessions' clock, moved by the test
    sessions = Sessions(idle_s=1800, clock=lambda: now[0])
    studio = Studio(
        example, users_file(tmp_path / "users.json"), ("127.0.0.1", 0), sessions=sessions
    )
    running = Running(studio)
    try:
        http = requests.Session()
        for _ in range(5):
            wrong = http.post(f"{running.url}/login", data={"name": "editor", "secret": "guess"})
            assert wrong.status_code == 401 and "incorrect" in spaced(wrong.text)
        right = http.post(
            f"{running.url}/login", data={"name": "editor", "secret": SECRETS["editor"]}
        )
        assert right.status_code == 429 and "Trop d’essais" in spaced(right.text)
        assert int(right.headers["Retry-After"]) > 60
        steward = running.session("steward")
        csrf = running.csrf(steward)
        now[0] += 1801  # half an hour without a request
        expired = steward.post(
            f"{running.url}/rooms", data={"csrf": csrf, "room": "Salle Seine", "state": "full"}
        )
        assert expired.status_code == 401 and "session a expiré" in spaced(expired.text)
        assert steward.get(f"{running.url}/rooms", allow_redirects=False).status_code == 303
        audit = [
            json.loads(line)
            for line in (example / ".studio" / "audit.jsonl").read_text().splitlines()
        ]
        assert sum(1 for e in audit if e["what"] == "login refused" and e["who"] == "editor") >= 5
    finally:
        running.close()


def test_the_cookie_the_headers_and_the_hosts(running: Running) -> None:
    answer = requests.post(
        f"{running.url}/login", data={"name": "admin", "secret": SECRETS["admin"], "next": "//evil.example/x"},
        allow_redirects=False,
    )  # fmt: skip
    assert answer.headers["Location"] == "/"  # never sent to another site after signing in
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    behind_tls = requests.post(
        f"{running.url}/login", data={"name": "admin", "secret": SECRETS["admin"]},
        headers={"X-Forwarded-Proto": "https"}, allow_redirects=False,
    )  # fmt: skip
    assert "; Secure" in behind_tls.headers["Set-Cookie"]
    page = requests.get(f"{running.url}/login")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert requests.get(f"{running.url}/login", headers={"Host": "evil.example"}).status_code == 421


# -- to the screens -----------------------------------------------------------------------


def test_an_approved_photo_is_on_a_real_player_within_5_s(example: Path, tmp_path: Path) -> None:
    content = example
    running = Running(Studio(content, users_file(tmp_path / "users.json"), ("127.0.0.1", 0)))
    player = PlayerProcess([str(content), "--cache", str(tmp_path / "cache")])
    try:
        before = player.status()["content"]["slides"]
        photographer = running.session("photographer")
        assert send(running, photographer, [("pleniere.jpg", jpeg())]).status_code == 200
        (photo,) = running.studio.queue.all()
        editor = running.session("editor")
        queue = editor.get(f"{running.url}/photos/queue").text
        assert "pleniere.jpg" in queue and "<option>assets/photos</option>" in queue
        started = time.monotonic()
        answer = editor.post(
            f"{running.url}/photos/{photo.id}/approve",
            data={"csrf": running.csrf(editor), "folder": "assets/photos"},
        )
        assert answer.status_code == 200 and "validée dans assets/photos" in spaced(answer.text)
        # the folder feeds two photos slides (the welcome loop and the Grand Bleu door)
        status = player.wait_for(lambda s: s["content"]["slides"] == before + 2, timeout=5)
        assert time.monotonic() - started < 5
        assert any(p.name.startswith("studio-") for p in (content / "assets" / "photos").iterdir())
        assert not status["content"]["errors"]
        again = editor.post(
            f"{running.url}/photos/{photo.id}/approve",
            data={"csrf": running.csrf(editor), "folder": "assets/photos"},
        )
        assert again.status_code == 409 and "n’est plus en attente" in spaced(again.text)
    finally:
        player.stop()
        running.close()


def _with_broker(example: Path, tmp_path: Path, broker: Broker, **more: Any) -> Studio:
    from signage.ops.fleet.link import parse_broker

    return Studio(example, users_file(tmp_path / "users.json"), ("127.0.0.1", 0),
                  broker=parse_broker(broker.url), **more)  # fmt: skip


def test_a_steward_sets_a_room_full_and_the_screens_hear_it(
    example: Path, tmp_path: Path, broker: Broker
) -> None:

    listener = Client(broker.port, "signage/rooms/+/state")
    studio = _with_broker(example, tmp_path, broker)
    running = Running(studio)
    try:
        assert studio.link.connected.wait(10)
        steward = running.session("steward")
        page = steward.get(f"{running.url}/rooms").text
        assert "Amphithéâtre Grand Bleu" in page and "Salle Seine" in page
        answer = steward.post(
            f"{running.url}/rooms",
            data={
                "csrf": running.csrf(steward),
                "room": "Salle Seine",
                "state": "full",
                "note": "Complet",
            },
        )
        assert answer.status_code == 200 and "Salle Seine : Complète — envoyé aux écrans" in spaced(
            answer.text
        )
        deadline = time.monotonic() + 5
        while not listener.received and time.monotonic() < deadline:
            time.sleep(0.02)  # until the broker delivers it
        topic, payload, _, _ = listener.received[0]
        assert topic == "signage/rooms/Salle%20Seine/state"  # room names are quoted in topics
        assert json.loads(payload)["state"] == "full" and json.loads(payload)["note"] == "Complet"
        unknown = steward.post(
            f"{running.url}/rooms",
            data={"csrf": running.csrf(steward), "room": "Cuisine", "state": "full"},
        )
        assert unknown.status_code == 400 and "n’est pas une salle du programme" in spaced(
            unknown.text
        )
        # a room's own page (a steward's bookmark): that room alone, its state, and back to it
        own = steward.get(f"{running.url}/rooms/Salle%20Seine")
        assert own.status_code == 200 and "<h1>Salle Seine</h1>" in own.text
        assert "Amphithéâtre Grand Bleu" not in own.text and 'class="on full"' in own.text
        assert '<a href="/rooms/Salle%20Seine">sa page</a>' in page  # linked from the list
        opened = steward.post(
            f"{running.url}/rooms",
            data={"csrf": running.csrf(steward), "room": "Salle Seine", "state": "open",
                  "note": "", "back": "/rooms/Salle%20Seine"},
        )  # fmt: skip
        assert "<h1>Salle Seine</h1>" in opened.text and "Amphithéâtre" not in opened.text
        assert "Salle Seine : Ouverte — envoyé aux écrans" in spaced(opened.text)
        assert steward.get(f"{running.url}/rooms/Cuisine").status_code == 404
    finally:
        running.close()


# -- on a phone, in a real browser ---------------------------------------------------------


@needs_browser
@pytest.mark.parametrize("size", [(390, 844), (1280, 800)])
def test_each_role_works_from_a_phone_in_chromium(
    example: Path, tmp_path: Path, broker: Broker, browser: Any, size: tuple[int, int]
) -> None:
    """Sign in, send a photo from the file picker, approve it, set a room full, as three
    people would; every control at least 44 px tall. ``STUDIO_SCREENSHOTS=DIR`` keeps a
    screenshot of each role's page (the docs' pictures)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    listener = Client(
        broker.port, "signage/rooms/+/state", "signage/all/command", "signage/screens/+/command"
    )
    for name in ("hall-nord", "hall-sud"):  # two screens' presences, as players publish them
        listener.publish(
            f"signage/screens/{name}/status", {"screen": name, "online": True}, retain=True
        )
    studio = _with_broker(example, tmp_path, broker)
    running = Running(studio)
    shots = os.environ.get("STUDIO_SCREENSHOTS")
    photo = tmp_path / "pleniere.jpg"
    photo.write_bytes(jpeg())
    browser.set_window_size(*size)

    def page_says(said: str) -> None:
        """Wait for the page (a new one after a form) to say ``said``, read in one script
        that holds nothing of a page being replaced."""
        waiting(browser, 10).until(lambda b: spaced(said) in spaced(shown(b, "main") or ""))

    def sign_in(role: str) -> None:
        browser.delete_all_cookies()
        browser.get(f"{running.url}/")
        page_says("Mot de passe")
        browser.find_element(By.ID, "name").send_keys(role)
        browser.find_element(By.ID, "secret").send_keys(SECRETS[role])
        browser.find_element(By.CSS_SELECTOR, "form.card button").click()
        page_says("État des salles" if role == "steward" else "Envoyer des photos")

    def small_controls() -> list[str]:
        return browser.execute_script(
            "return [...document.querySelectorAll('button, input:not([type=hidden]), select, a.button')]"
            ".filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))"
        )

    def keep(name: str) -> None:
        if shots and size[0] < 500:
            browser.save_screenshot(str(Path(shots) / f"studio-{name}.png"))

    try:
        assert studio.link.connected.wait(10)
        browser.get(f"{running.url}/")
        page_says("Mot de passe")
        keep("login")
        assert small_controls() == []
        sign_in("photographer")
        browser.find_element(By.LINK_TEXT, "Envoyer des photos").click()
        page_says("GPS")
        browser.find_element(By.ID, "photos").send_keys(str(photo))
        browser.find_element(By.CSS_SELECTOR, "form.card button").click()
        page_says("1 photo(s) reçue(s), en attente de validation.")
        keep("photographer")
        assert small_controls() == []
        sign_in("editor")
        browser.find_element(By.LINK_TEXT, "Photos à valider").click()
        page_says("pleniere.jpg")
        Select(browser.find_element(By.NAME, "folder")).select_by_visible_text("assets/photos")
        keep("editor")
        assert small_controls() == []
        browser.find_element(By.XPATH, "//button[text()='Valider']").click()
        page_says("« pleniere.jpg » validée dans assets/photos.")
        assert any(p.name.startswith("studio-") for p in (example / "assets" / "photos").iterdir())
        browser.get(f"{running.url}/slides/accueil/0")
        page_says("Enregistrer")
        waiting(browser, 30).until(
            lambda b: (
                b.execute_script("return document.querySelector('img.preview').naturalWidth")
                == 1920
            )
        )  # the real renderer's picture of the slide
        title = browser.find_element(By.ID, "f-title")
        title.clear()
        title.send_keys("Bienvenue à toutes et à tous")
        keep("editor-slide")
        browser.find_element(By.XPATH, "//button[text()='Enregistrer']").click()
        page_says("Enregistré : title.")
        assert (
            "title: Bienvenue à toutes et à tous\n"
            in (example / "playlists" / "accueil.yaml").read_text()
        )
        assert small_controls() == []
        browser.get(f"{running.url}/history")
        page_says("Version 1")
        browser.find_element(By.XPATH, "//li[.//strong[text()='Version 1']]//button").click()
        page_says("Version 1 rétablie")
        assert "Bienvenue à toutes" not in (example / "playlists" / "accueil.yaml").read_text()
        browser.get(f"{running.url}/screens")
        page_says("Tous les écrans (2)")
        Select(browser.find_element(By.ID, "target")).select_by_visible_text("hall-nord")
        browser.find_element(By.ID, "text").send_keys("Plénière décalée de 10 min")
        browser.find_element(By.XPATH, "//button[text()='Envoyer']").click()
        page_says("Message envoyé à l’écran hall-nord.")
        Select(browser.find_element(By.ID, "target")).select_by_visible_text("Tous les écrans (2)")
        browser.find_element(By.ID, "text").send_keys("Exercice d’évacuation à 15 h")
        browser.find_element(By.XPATH, "//button[text()='Envoyer']").click()
        page_says("Envoyer ce message à 2 écrans\u00a0?")
        keep("editor-confirm")
        assert not any(topic.endswith("all/command") for topic, *_ in listener.received)
        browser.find_element(By.XPATH, "//button[text()='Oui, à 2 écrans']").click()
        page_says("Message envoyé à tous les écrans.")
        expected = {"signage/screens/hall-nord/command": "Plénière décalée de 10 min",
                    "signage/all/command": "Exercice d’évacuation à 15 h"}  # fmt: skip

        def commands() -> dict[str, str]:
            with listener.lock:
                got = list(listener.received)
            return {t: json.loads(payload)["text"] for t, payload, *_ in got if "command" in t}

        waiting(browser, 5).until(lambda _b: commands() == expected)  # as the broker delivers
        sign_in("steward")
        browser.find_element(By.LINK_TEXT, "État des salles").click()
        page_says("Salle Seine")
        room = browser.find_element(By.XPATH, "//form[.//h2[text()='Salle Seine']]")
        room.find_element(By.NAME, "note").send_keys("Complet jusqu’à 12 h")
        room.find_element(By.XPATH, ".//button[text()='Complète']").click()
        page_says("Salle Seine : Complète — envoyé aux écrans.")
        keep("steward")
        assert small_controls() == []

        def notes() -> list[str]:
            with listener.lock:
                got = list(listener.received)
            return [
                json.loads(payload).get("note") for t, payload, *_ in got if t.endswith("/state")
            ]

        waiting(browser, 5).until(lambda _b: "Complet jusqu’à 12 h" in notes())
    finally:
        running.close()


def test_an_approved_photo_reaches_feed_players_at_once_not_at_their_next_poll(
    example: Path, tmp_path: Path, broker: Broker
) -> None:
    """``--publish`` and ``--mqtt``: the studio publishes the feed and tells every screen to
    read it now; a player polling every 30 s has the photo within 5 s."""
    from tests.support.process import free_port

    feed = tmp_path / "feed"
    subprocess.run([sys.executable, "-m", "signage", "publish", str(example), "--out", str(feed)],
                   check=True, capture_output=True, cwd=REPO, timeout=120)  # fmt: skip
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "signage", "serve", str(feed), "--bind", f"127.0.0.1:{port}"],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    studio = _with_broker(example, tmp_path, broker, publish_to=feed)
    running = Running(studio)
    player = None
    try:
        player = PlayerProcess(["--feed", f"http://127.0.0.1:{port}", "--poll", "30", "--mqtt", broker.url,
                                "--cache", str(tmp_path / "cache")])  # fmt: skip
        before = player.wait_for(lambda s: s["content"]["slides"] > 0, timeout=30)["content"][
            "slides"
        ]
        assert studio.link.connected.wait(10)
        photographer, editor = running.session("photographer"), running.session("editor")
        assert send(running, photographer, [("pleniere.jpg", jpeg())]).status_code == 200
        (photo,) = studio.queue.all()
        started = time.monotonic()
        editor.post(f"{running.url}/photos/{photo.id}/approve",
                    data={"csrf": running.csrf(editor), "folder": "assets/photos"})  # fmt: skip
        player.wait_for(lambda s: s["content"]["slides"] == before + 2, timeout=5)
        assert time.monotonic() - started < 5  # not the 30 s of its poll
    finally:
        if player is not None:
            player.stop()
        running.close()
        server.terminate()
        server.wait(10)


def test_a_message_goes_to_one_screen_and_to_all_only_once_confirmed(
    example: Path, tmp_path: Path, broker: Broker
) -> None:
    """Two real players on the broker: a message to one of them reaches it alone; to all,
    the first answer asks to confirm for 2 screens and nothing is sent until it is."""

    def player(name: str) -> PlayerProcess:
        return PlayerProcess(
            [str(example), "--mqtt", broker.url, "--screen", name, "--cache", str(tmp_path / name)]
        )

    players = [player("hall-nord"), player("hall-sud")]
    studio = _with_broker(example, tmp_path, broker)
    running = Running(studio)
    try:
        editor = running.session("editor")
        page = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and page.count("en ligne") < 2:
            page = editor.get(f"{running.url}/screens").text  # the presences come in
            time.sleep(0.1)
        assert "hall-nord" in page and "hall-sud" in page and "Tous les écrans (2)" in page
        csrf = running.csrf(editor)
        one = {"csrf": csrf, "target": "screen:hall-nord", "text": "Plénière décalée de 10 min",
               "style": "banner", "level": "notice", "minutes": "15"}  # fmt: skip
        answer = editor.post(f"{running.url}/screens/message", data=one)
        assert answer.status_code == 200 and "Message envoyé à l’écran hall-nord." in spaced(
            answer.text
        )
        players[0].wait_for(lambda s: (s["message"] or {}).get("text") == one["text"])
        assert players[1].status()["message"] is None
        every = {**one, "target": "all", "text": "Évacuation exercice à 15 h"}
        asked = editor.post(f"{running.url}/screens/message", data=every)
        assert (
            "Envoyer ce message à 2 écrans\u00a0?" in asked.text  # French typography: no break
            and 'name="confirm" value="2"' in spaced(asked.text)
        )
        assert all((p.status()["message"] or {}).get("text") != every["text"] for p in players)
        sent = editor.post(f"{running.url}/screens/message", data={**every, "confirm": "2"})
        assert "Message envoyé à tous les écrans." in spaced(sent.text)
        for player in players:
            player.wait_for(lambda s: (s["message"] or {}).get("text") == every["text"])
        nobody = editor.post(f"{running.url}/screens/message", data={**one, "target": ""})
        assert nobody.status_code == 400 and "Choisissez l’écran" in spaced(nobody.text)
    finally:
        for player in players:
            player.stop()
        running.close()


def test_the_pages_speak_english_to_a_browser_that_asks_for_it(running: Running) -> None:
    english = requests.Session()
    english.headers["Accept-Language"] = "en-GB,en;q=0.9,fr;q=0.5"
    page = english.get(f"{running.url}/login").text
    assert "<html lang=en>" in page and "Password" in page and "Mot de passe" not in page
    wrong = english.post(f"{running.url}/login", data={"name": "editor", "secret": "guess"})
    assert "Wrong name or password." in wrong.text
    english.post(
        f"{running.url}/login", data={"name": "photographer", "secret": SECRETS["photographer"]}
    )
    answer = send(running, english, [("a.jpg", jpeg()), ("notes.jpg", b"%PDF not a photo")])
    assert "1 photo(s) received, waiting for approval." in answer.text
    assert "notes.jpg: not a photo (JPEG, PNG or HEIC), or a damaged one" in spaced(answer.text)
    french = running.session("photographer")
    assert "Envoyer des photos" in french.get(f"{running.url}/").text  # French by default


def test_a_user_removed_or_given_a_new_secret_is_signed_out_at_once(running: Running) -> None:
    from signage.studio.users import Users

    editor, steward = running.session("editor"), running.session("steward")
    users = Users.load(running.studio.users_file)
    users.remove("steward")
    users.passwd("editor", "un-tout-nouveau-secret")
    users.save()  # as `signage users remove` and `signage users passwd` do, the studio running
    assert steward.get(f"{running.url}/rooms", allow_redirects=False).status_code == 303
    assert editor.get(f"{running.url}/slides", allow_redirects=False).status_code == 303
    old = requests.post(
        f"{running.url}/login", data={"name": "editor", "secret": SECRETS["editor"]}
    )
    assert old.status_code == 401
    new = requests.post(f"{running.url}/login", data={"name": "editor", "secret": "un-tout-nouveau-secret"},
                        allow_redirects=False)  # fmt: skip
    assert new.status_code == 303
    assert running.session("photographer").get(f"{running.url}/photos/mine").status_code == 200

"""Someone is told (issue 25, point 6): the fleet raises an alert when a screen dies,
freezes or has content errors, and once more when it recovers, to a webhook and an SMTP
relay that are real servers on loopback (not mocks), and on the fleet page."""

from __future__ import annotations

import json
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from signage.ops.fleet.alerts import Alerts, AlertSettings, Email, Mailer, load_settings
from tests.support.broker import Broker
from tests.support.fleet import FleetPage, fleet_content, fleet_player
from tests.support.process import free_port


class Hook:
    """A webhook receiver on loopback: every JSON body posted, with when it came."""

    def __init__(self) -> None:
        self.received: list[tuple[float, dict]] = []
        self.came = threading.Condition()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with hook.came:
                    hook.received.append((time.monotonic(), body))
                    hook.came.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"

    def wait_for(self, predicate, timeout: float) -> tuple[float, dict]:
        """The first alert received for which ``predicate`` holds (waits on its arrival)."""
        deadline = time.monotonic() + timeout
        with self.came:
            while True:
                found = [(t, a) for t, a in self.received if predicate(a)]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                assert left > 0, f"no such alert within {timeout} s; received {self.received}"
                self.came.wait(left)

    def close(self) -> None:
        self.server.shutdown()


class Relay:
    """An SMTP relay on loopback (aiosmtpd) keeping every message."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        relay = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                relay.messages.append(envelope.content)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


def test_a_killed_screen_raises_one_alert_and_one_recovery(broker: Broker, tmp_path: Path) -> None:
    """SIGKILL (no clean goodbye: the broker's Last Will says it): the webhook is told
    within offline_after + 10 s, once; the screen back, it is told once more, within 10 s;
    the fleet page lists both."""
    offline_after = 5.0
    hook = Hook()
    root = fleet_content(tmp_path)
    page = FleetPage(broker, None, "--alerts-webhook", hook.url, "--offline-after", "5")
    door = fleet_player(root, broker, "porte")
    again = None
    try:
        page_sees = lambda: [s for s in page.get("/api/screens")["screens"] if s["online"]]  # noqa: E731
        deadline = time.monotonic() + 20
        while not page_sees():
            assert time.monotonic() < deadline, "the page never saw the screen"
            time.sleep(0.1)
        door.process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        door.process.wait()
        at, alert = hook.wait_for(
            lambda a: a["problem"] == "offline" and a["state"] == "raised",
            timeout=offline_after + 10 + 25,  # the Will comes within 1.5 keepalives (22 s)
        )
        assert alert["screen"] == "porte" and "porte" in alert["text"]
        assert at - killed <= offline_after + 10 + 22.5, at - killed
        again = fleet_player(root, broker, "porte")
        back = time.monotonic()
        at, alert = hook.wait_for(
            lambda a: a["problem"] == "offline" and a["state"] == "recovered", timeout=30
        )
        assert at - back <= 10.0 + 3.0  # its start, then presence at once
        time.sleep(2.0)  # nothing else comes: one message per change, not per poll
        offline = [a for _, a in hook.received if a["problem"] == "offline"]
        assert [a["state"] for a in offline] == ["raised", "recovered"]
        alerts = page.get("/api/screens")["alerts"]
        assert [a["state"] for a in alerts if a["problem"] == "offline"] == ["recovered", "raised"]
    finally:
        if again is not None:
            again.stop()
        door.stop()
        page.stop()
        hook.close()


class _Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_stalls_and_content_errors_alert_once_each_way() -> None:
    ticks = _Ticks()
    sent: list[dict] = []
    alerts = Alerts(AlertSettings(offline_after_s=120), [sent.append], monotonic=ticks)
    healthy = {"online": True, "errors": [], "health": {"stalled": False, "frozen_now": False}}
    alerts.seen("hall", healthy)
    for _ in range(3):  # the same frozen presence, polled again and again
        alerts.seen("hall", {**healthy, "health": {"stalled": False, "frozen_now": True}})
        ticks.now += 1
        alerts.check()
    alerts.seen("hall", {**healthy, "errors": ["playlists/a.yaml:3: error: ..."]})
    alerts.seen("hall", healthy)
    changes = [(a["problem"], a["state"]) for a in alerts.recent][::-1]
    assert changes == [
        ("stalled", "raised"),
        ("stalled", "recovered"),
        ("errors", "raised"),
        ("errors", "recovered"),
    ]
    # offline: nothing until offline_after has passed, then once
    alerts.seen("hall", {"screen": "hall", "online": False})
    ticks.now += 119
    assert not alerts.check()
    ticks.now += 2
    assert [(a["problem"], a["state"]) for a in alerts.check()] == [("offline", "raised")]
    ticks.now += 60
    assert not alerts.check()


def test_an_alert_by_email_through_the_relay(tmp_path: Path) -> None:
    relay = Relay()
    try:
        settings_file = tmp_path / "alerts.yaml"
        settings_file.write_text(
            "offline_after: 60\n"
            "email:\n"
            "  to: [regie@example.org]\n"
            f"  relay: 127.0.0.1:{relay.port}\n"
            "  from: signage@example.org\n"
            "  starttls: false\n",
            encoding="utf-8",
        )
        settings, report = load_settings(settings_file)
        assert settings is not None, [d.format() for d in report.items]
        assert isinstance(settings.email, Email) and settings.offline_after_s == 60
        Mailer(settings.email)(
            {"screen": "porte", "problem": "offline", "state": "raised", "at": "2026-11-30T10:00:00+00:00",
             "text": "porte is offline"}
        )  # fmt: skip
        assert len(relay.messages) == 1
        mail = relay.messages[0].decode()
        assert "Subject: [signage] porte is offline" in mail and "To: regie@example.org" in mail
    finally:
        relay.close()


def test_alert_settings_errors_name_the_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text("offline_after: soon\nwebhok: http://x\nemail: {to: [a@b]}\n", encoding="utf-8")
    settings, report = load_settings(path)
    assert settings is None
    errors = "\n".join(d.format() for d in report.items)
    assert f"{path}:1:" in errors and "offline_after" in errors
    assert "webhok" in errors and "webhook" in errors  # did you mean
    assert "email.relay" in errors or "relay" in errors


def test_an_alert_by_email_with_starttls_and_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The venue's relay as it usually is: STARTTLS required (a certificate of the venue's
    CA, trusted through SSL_CERT_FILE), then a login from the credentials file."""
    import ssl
    import subprocess

    from aiosmtpd.smtp import AuthResult, LoginPassword

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "1", "-subj", "/CN=Venue test CA")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "relay.key", "-out", "relay.csr",
            "-subj", "/CN=127.0.0.1")  # fmt: skip
    (tmp_path / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "relay.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "relay.crt", "-days", "1", "-extfile", "san.ext")  # fmt: skip
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(tmp_path / "relay.crt", tmp_path / "relay.key")
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server, session, envelope, mechanism, data):
        logins.append((data.login, data.password))
        ok = isinstance(data, LoginPassword) and data.password == b"mot-de-passe-du-relais"
        return AuthResult(success=ok)

    messages: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append(envelope.content)
            return "250 OK"

    port = free_port()
    controller = Controller(
        Handler(), hostname="127.0.0.1", port=port, tls_context=server_tls,
        require_starttls=True, authenticator=authenticate, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    try:
        (tmp_path / "smtp").write_text("signage:mot-de-passe-du-relais\n")
        (tmp_path / "alerts.yaml").write_text(
            f"email: {{to: regie@example.org, relay: '127.0.0.1:{port}', from: signage@example.org, "
            f"credentials_file: {tmp_path / 'smtp'}}}\n",
            encoding="utf-8",
        )
        settings, report = load_settings(tmp_path / "alerts.yaml")
        assert settings is not None and settings.email is not None, report.items
        assert settings.email.starttls  # the default
        alert = {"screen": "porte", "problem": "stalled", "state": "raised",
                 "at": "2026-11-30T10:00:00+00:00", "text": "porte has a frozen screen"}  # fmt: skip
        with pytest.raises(ssl.SSLCertVerificationError):  # the venue's CA not trusted yet
            Mailer(settings.email)(alert)
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.crt"))
        Mailer(settings.email)(alert)
        assert logins[-1] == (b"signage", b"mot-de-passe-du-relais")
        assert len(messages) == 1 and b"porte has a frozen screen" in messages[0]
    finally:
        controller.stop()

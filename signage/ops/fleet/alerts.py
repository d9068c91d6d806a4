"""Someone is told: the fleet raises an alert when a screen is offline longer than
``offline_after``, reports a stall or frozen output, or has content errors, and once more
when it recovers. One message per change of state, never one per poll.

Channels: a webhook (a JSON POST with a ``text`` line, which ntfy, Matrix and Slack
bridges show as it is), e-mail through the venue's SMTP relay (STARTTLS, credentials from
a file), and the fleet page itself. Sending runs on a thread of its own: a relay that
takes 30 s to answer holds nothing else.

The settings are a YAML file (``signage fleet --alerts FILE``)::

    offline_after: 120              # seconds
    webhook: https://ntfy.example/signage
    email:
      to: [regie@example.org]
      relay: smtp.example.org:587
      from: signage@example.org
      starttls: true
      credentials_file: /etc/signage/smtp   # "user:password"
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import queue
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import requests

from signage.core.diagnostics import Report
from signage.core.schema import INVALID, Boolean, Ctx, Field, ListOf, Obj, Text
from signage.core.values import Duration
from signage.core.yamlsrc import YamlFailure
from signage.core.yamlsrc import load as load_yaml

log = logging.getLogger(__name__)

OFFLINE_AFTER_S = 120.0
SILENT_AFTER_S = 150.0  # presence comes at least every 60 s: this long without it, offline
CHECK_EVERY_S = 1.0
SEND_TIMEOUT_S = 10.0
ALERTS_KEPT = 50
PROBLEMS = {
    "offline": "is offline",
    "stalled": "has a frozen screen (stall, frozen output or black frames)",
    "errors": "has content errors",
}


@dataclass(frozen=True)
class Email:
    to: tuple[str, ...]
    relay: tuple[str, int]
    sender: str
    starttls: bool = True
    credentials: tuple[str, str] | None = None


@dataclass(frozen=True)
class AlertSettings:
    offline_after_s: float = OFFLINE_AFTER_S
    webhook: str | None = None
    email: Email | None = None


SCHEMA = Obj(
    {
        "offline_after": Field(
            Duration(5, 86400), default=OFFLINE_AFTER_S, doc="Seconds offline before an alert"
        ),
        "webhook": Field(Text(max_len=2000, pattern=r"https?://\S+", pattern_help="an http(s) URL"), doc="URL that receives each alert as a JSON POST"),
        "email": Field(
            Obj(
                {
                    "to": Field(ListOf(Text(max_len=254), min_items=1, single_ok=True), required=True, doc="Addresses"),
                    "relay": Field(Text(max_len=300, pattern=r"[^\s:]+:\d{1,5}", pattern_help="HOST:PORT"), required=True, doc="The venue's SMTP relay, HOST:PORT"),
                    "from": Field(Text(max_len=254), required=True, doc="Sender address"),
                    "starttls": Field(Boolean(), default=True, doc="Upgrade the connection with STARTTLS"),
                    "credentials_file": Field(Text(max_len=1000), doc="File holding user:password for the relay"),
                },
                name="e-mail settings like {to: [...], relay: HOST:PORT, from: ...}",
            ),
            doc="E-mail through the venue's relay",
        ),
    },
    name="alert settings",
)  # fmt: skip


def load_settings(path: Path) -> tuple[AlertSettings | None, Report]:
    """The alert settings of ``path``, or None with every error (file:line:column, field)."""
    report = Report()
    try:
        source = load_yaml(path, str(path), what="alert settings")
    except YamlFailure as failure:
        report.add(failure.diagnostic)
        return None, report
    values = SCHEMA.check(source.root, Ctx(str(path), report), "")
    if values is INVALID or report.errors:
        return None, report
    email = None
    if values.get("email"):
        mail = values["email"]
        host, _, port = mail["relay"].rpartition(":")
        credentials = None
        if mail.get("credentials_file"):
            try:
                user, _, password = (
                    Path(mail["credentials_file"])
                    .read_text(encoding="utf-8")
                    .strip()
                    .partition(":")
                )
            except OSError as exc:
                raise ValueError(
                    f"email.credentials_file: {exc.strerror}: {exc.filename}"
                ) from None
            credentials = (user, password)
        email = Email(
            tuple(mail["to"]), (host, int(port)), mail["from"], mail["starttls"], credentials
        )
    return AlertSettings(values["offline_after"], values.get("webhook"), email), report


@dataclass
class _Screen:
    heard_at: float  # monotonic: the last presence
    online_at: float  # the last presence saying online
    online: bool = True
    stalled: bool = False
    errors: int = 0
    raised: set[str] = field(default_factory=set)


class Alerts:
    """What is wrong with each screen, and the messages each change of it sends."""

    def __init__(
        self,
        settings: AlertSettings,
        senders: list[Callable[[dict[str, Any]], None]] | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._monotonic = monotonic
        self._screens: dict[str, _Screen] = {}
        self._lock = threading.Lock()
        self.recent: collections.deque[dict[str, Any]] = collections.deque(maxlen=ALERTS_KEPT)
        self.senders = senders if senders is not None else senders_for(settings)
        self._outbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.sent = 0
        self.failed = 0

    def seen(self, screen: str, presence: dict[str, Any]) -> None:
        """A screen's presence came (any thread)."""
        now = self._monotonic()
        given = presence.get("health")
        health: dict[str, Any] = given if isinstance(given, dict) else {}
        with self._lock:
            state = self._screens.setdefault(screen, _Screen(now, now))
            state.heard_at = now
            state.online = bool(presence.get("online"))
            if state.online:
                state.online_at = now
                state.stalled = any(
                    bool(health.get(k)) for k in ("stalled", "frozen_now", "dark_now")
                )
                state.errors = len(presence.get("errors") or [])
        self.check()

    def check(self) -> list[dict[str, Any]]:
        """Raise or clear each screen's problems as they stand now; the alerts sent."""
        now = self._monotonic()
        changes = []
        with self._lock:
            for screen, state in sorted(self._screens.items()):
                down = not state.online or now - state.heard_at > SILENT_AFTER_S
                problems = {
                    "offline": down and now - state.online_at >= self.settings.offline_after_s,
                    "stalled": not down and state.stalled,
                    "errors": not down and state.errors > 0,
                }
                for problem, now_wrong in problems.items():
                    if now_wrong == (problem in state.raised):
                        continue
                    if down and problem != "offline" and not now_wrong:
                        continue  # a screen that is down has not recovered from anything
                    (state.raised.add if now_wrong else state.raised.discard)(problem)
                    changes.append(_alert(screen, problem, now_wrong, state))
        for alert in changes:
            self.recent.appendleft(alert)
            (log.error if alert["state"] == "raised" else log.info)("alert: %s", alert["text"])
            self._outbox.put(alert)
        return changes

    def run(self, stop: threading.Event) -> None:
        """Look every second (an offline screen says nothing: time passing raises it)."""
        sender = threading.Thread(target=self._send_all, name="fleet-alerts-send", daemon=True)
        sender.start()
        try:
            while not stop.wait(CHECK_EVERY_S):
                self.check()
        finally:
            self._outbox.put(None)

    def _send_all(self) -> None:
        while (alert := self._outbox.get()) is not None:
            for send in self.senders:
                try:
                    send(alert)
                    self.sent += 1
                except Exception as exc:  # a channel down must not stop the others
                    self.failed += 1
                    log.error("alert not sent by %s: %s", getattr(send, "__name__", send), exc)

    def status(self) -> dict[str, Any]:
        return {"recent": list(self.recent), "sent": self.sent, "failed": self.failed}


def _alert(screen: str, problem: str, raised: bool, state: _Screen) -> dict[str, Any]:
    what = PROBLEMS[problem]
    if problem == "errors" and raised:
        what = f"has {state.errors} content error(s)"
    text = f"{screen} {what}" if raised else f"{screen} is back to normal ({problem})"
    return {
        "screen": screen,
        "problem": problem,
        "state": "raised" if raised else "recovered",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "text": text,
    }


def senders_for(settings: AlertSettings) -> list[Callable[[dict[str, Any]], None]]:
    senders: list[Callable[[dict[str, Any]], None]] = []
    if settings.webhook:
        senders.append(Webhook(settings.webhook))
    if settings.email is not None:
        senders.append(Mailer(settings.email))
    return senders


class Webhook:
    """A JSON POST of each alert (``text`` is the line a chat bridge shows)."""

    __name__ = "webhook"

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, alert: dict[str, Any]) -> None:
        answer = requests.post(self.url, json=alert, timeout=SEND_TIMEOUT_S)
        answer.raise_for_status()


class Mailer:
    """Each alert as a short e-mail through the venue's relay."""

    __name__ = "email"

    def __init__(self, email: Email) -> None:
        self.email = email

    def __call__(self, alert: dict[str, Any]) -> None:
        email = self.email
        message = EmailMessage()
        message["Subject"] = f"[signage] {alert['text']}"
        message["From"] = email.sender
        message["To"] = ", ".join(email.to)
        message.set_content(
            f"{alert['text']}\n\nscreen: {alert['screen']}\nproblem: {alert['problem']}\n"
            f"state: {alert['state']}\nat: {alert['at']}\n"
        )
        host, port = email.relay
        with smtplib.SMTP(host, port, timeout=SEND_TIMEOUT_S) as smtp:
            if email.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if email.credentials is not None:
                smtp.login(*email.credentials)
            smtp.send_message(message)

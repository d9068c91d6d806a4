"""A connection to the MQTT broker that stays up: MQTT v5 through Paho, reconnecting with
jittered, capped backoff (forty screens must not hammer a broker that comes back all in
the same second), subscriptions renewed at each connection, a Last Will.

Whatever the broker does, the caller goes on: ``publish`` returns False while it is down,
and the screen keeps playing.
"""

from __future__ import annotations

import ipaddress
import logging
import queue
import random
import ssl
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

log = logging.getLogger(__name__)

KEEPALIVE_S = 15  # a broker gone without a word is noticed within 1.5 x this
CONNECT_TIMEOUT_S = 5.0
BACKOFF_FIRST_S = 0.5
BACKOFF_CAP_S = 5.0  # back within 10 s of the broker's return, even after a long outage
SESSION_EXPIRY_S = 24 * 3600
LOOP_S = 0.05  # how long the link waits for the network before sending what is queued  # queued QoS 1 messages wait this long for a screen that is off


class LinkError(ValueError):
    """The broker URL or its credentials cannot be used as given; the text says why."""


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool = False
    user: str | None = None
    password: str | None = None

    def __str__(self) -> str:  # never the password
        who = f"{self.user}@" if self.user else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{who}{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_broker(url: str, password_file: str | None = None, insecure: bool = False) -> Broker:
    """``mqtt://[user@]HOST[:PORT]`` or ``mqtts://...``, the password read from a file. A
    broker off this machine without credentials is refused unless ``insecure``: anyone on
    the network could then command the screens."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("mqtt", "mqtts"):
        raise LinkError(f"'{url}' is not a broker URL like mqtt://host:1883 or mqtts://user@host")
    if not parts.hostname:
        raise LinkError(f"'{url}': no host")
    if parts.password:
        raise LinkError(
            f"'{parts.scheme}://{parts.username}:…@{parts.hostname}': put the password in a file "
            "(--mqtt-password-file), not in the URL (it would show in ps and the journal)"
        )
    try:
        port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
    except ValueError:
        raise LinkError(f"'{url}': the port is not a number from 1 to 65535") from None
    password = None
    if password_file:
        try:
            password = Path(password_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise LinkError(
                f"{password_file}: cannot read the MQTT password ({exc.strerror or exc})"
            ) from None
        if not password:
            raise LinkError(f"{password_file}: the MQTT password file is empty")
    user = urllib.parse.unquote(parts.username) if parts.username else None
    if not is_loopback(parts.hostname) and not (user and password) and not insecure:
        raise LinkError(
            f"refusing to use the broker {parts.hostname} without a user and a password: give "
            "mqtt://USER@HOST and --mqtt-password-file FILE, or --mqtt-insecure on a closed network"
        )
    return Broker(parts.hostname, port, parts.scheme == "mqtts", user, password)


def backoff_s(attempt: int) -> float:
    """The wait before connection attempt ``attempt`` (0: the first retry): doubling from
    0.5 s to 5 s, each drawn between half and all of it."""
    return float(min(BACKOFF_CAP_S, BACKOFF_FIRST_S * 2**attempt) * random.uniform(0.5, 1.0))  # noqa: S311


class Link:
    """An MQTT v5 client run on its own thread by :meth:`run` (under a supervisor)."""

    def __init__(
        self,
        broker: Broker,
        client_id: str,
        subscriptions: list[str],
        on_message: Callable[[Any], None],
        on_connect: Callable[[], None] | None = None,
        will: tuple[str, bytes] | None = None,
        persistent: bool = True,
    ) -> None:
        self.broker = broker
        self.subscriptions = subscriptions
        self.on_message = on_message
        self.on_connect = on_connect
        self.persistent = persistent
        self.connected = threading.Event()
        self.stopped = threading.Event()
        self.connections = 0  # how many times a connection was made (reconnects + 1)
        self.last_error: str | None = None
        # every call into Paho is made on the link's thread: a publish from another thread
        # would write to the socket while the loop does (Paho without loop_start)
        self._outbox: queue.Queue[tuple[str, bytes, int, bool, Any]] = queue.Queue(maxsize=1000)
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
        )
        if broker.user:
            client.username_pw_set(broker.user, broker.password)
        if broker.tls:
            client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
        if will is not None:
            client.will_set(will[0], will[1], qos=1, retain=True)
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_message = lambda _c, _u, message: self._message(message)
        self.client = client

    # -- paho's callbacks, on this link's thread -------------------------------------------

    def _connected(
        self, client: Any, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            self._trouble(f"the broker refused the connection ({reason})")
            return
        if self.subscriptions:
            client.subscribe([(topic, 1) for topic in self.subscriptions])
        self.connections += 1
        if self.last_error is not None or self.connections > 1:
            log.info("MQTT %s: connected again", self.broker)
        self.last_error = None
        self.connected.set()
        if self.on_connect is not None:
            self.on_connect()

    def _disconnected(self, *_args: Any) -> None:
        if self.connected.is_set() and not self.stopped.is_set():
            self._trouble("the connection to the broker was lost")
        self.connected.clear()

    def _message(self, message: Any) -> None:
        try:
            self.on_message(message)
        except Exception:  # a bad message must not end the link
            log.exception("MQTT: handling a message on %s failed", message.topic)

    def _trouble(self, reason: str) -> None:
        if reason != self.last_error:  # a change of state, not every retry
            log.warning("MQTT %s: %s; the screen plays on and retries", self.broker, reason)
        self.last_error = reason

    # -- the thread ------------------------------------------------------------------------

    def run(self) -> None:
        """Connect, serve, reconnect after a backoff; until :meth:`stop`."""
        attempt = 0
        while not self.stopped.is_set():
            if not self._connect():
                self.stopped.wait(backoff_s(attempt))
                attempt += 1
                continue
            while not self.stopped.is_set():
                code = self.client.loop(timeout=LOOP_S)
                if code != mqtt.MQTT_ERR_SUCCESS:
                    self._disconnected()
                    break
                if self.connected.is_set():
                    attempt = 0
                    self._send_queued()
            if not self.stopped.is_set():
                self.client.disconnect()
                self.stopped.wait(backoff_s(attempt))
                attempt += 1
        self._send_queued()  # the offline presence of stop(), then goodbye
        self.client.loop(timeout=LOOP_S)
        self.client.disconnect()

    def _send_queued(self) -> None:
        while True:
            try:
                topic, payload, qos, retain, properties = self._outbox.get_nowait()
            except queue.Empty:
                return
            self.client.publish(topic, payload, qos=qos, retain=retain, properties=properties)

    def _connect(self) -> bool:
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        if self.persistent:
            properties.SessionExpiryInterval = SESSION_EXPIRY_S
        try:
            self.client.connect(
                self.broker.host, self.broker.port, keepalive=KEEPALIVE_S,
                clean_start=not self.persistent, properties=properties,
            )  # fmt: skip
        except (OSError, ssl.SSLError) as exc:  # refused, unreachable, timed out, TLS
            self._trouble(f"cannot connect ({getattr(exc, 'strerror', None) or exc})")
            return False
        return True

    def publish(
        self,
        topic: str,
        payload: bytes,
        retain: bool = False,
        qos: int = 1,
        expiry_s: float | None = None,
    ) -> bool:
        """Queue a message for the link's thread; False when the broker is not connected
        (nothing is queued: presence is published again at the next connection)."""
        if not self.connected.is_set():
            return False
        properties = None
        if expiry_s is not None:
            properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            properties.MessageExpiryInterval = max(1, round(expiry_s))
        try:
            self._outbox.put_nowait((topic, payload, qos, retain, properties))
        except queue.Full:
            return False
        return True

    def stop(self, last: tuple[str, bytes] | None = None) -> None:
        """Publish ``last`` (a retained offline presence: a clean disconnect sends no Will),
        then disconnect; the thread ends."""
        if last is not None and self.connected.is_set():
            self._outbox.put((last[0], last[1], 1, True, None))
        self.stopped.set()

"""``signage fleet``: the fleet page, for operators and stewards on a phone. It follows the
broker (every screen's retained presence and thumbnail, the rooms' states, the screens'
events) and serves a page that lists every screen and sends commands, messages and room
states through the broker. Same authentication rules as the control API: a bind off
loopback needs a token, and everything that acts needs it.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import logging
import threading
import time
import urllib.parse
import uuid
from http import HTTPStatus
from importlib import resources
from typing import Any

from signage.core.http import bearer_ok, bound_address
from signage.core.httpd import (
    BodyError,
    GuardedHandler,
    GuardedServer,
    json_bytes,
    parse_json,
    token_missing,
)
from signage.live.cap import parse_cap
from signage.live.model import LiveError
from signage.ops.fleet.alerts import Alerts, AlertSettings
from signage.ops.fleet.link import Broker, Link
from signage.ops.fleet.protocol import (
    NAME,
    CommandError,
    Topics,
    parse_command,
    parse_event,
    parse_presence,
    parse_room_state,
    room_state_payload,
)

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a CAP alert in several languages fits; the MQTT payload limit
EVENTS_KEPT = 100
MAX_SCREENS = 5000  # screens the page follows; more are a flood, not a venue
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/fleet.js": ("fleet.js", "text/javascript; charset=utf-8"),
    "/fleet.css": ("fleet.css", "text/css; charset=utf-8"),
}


class FleetError(Exception):
    """The page cannot start as configured (a public bind without a token)."""


class FleetBoard:
    """What the broker says of the fleet, kept up to date by the link's thread."""

    def __init__(self, topics: Topics, alerts: Alerts | None = None) -> None:
        self.topics = topics
        self.alerts = alerts  # told of every presence; its recent alerts shown on the page
        self.lock = threading.Lock()
        self.screens: dict[str, dict[str, Any]] = {}  # name -> presence, seen, thumbnail
        self.rooms: dict[str, dict[str, Any]] = {}
        self.events: collections.deque[dict[str, Any]] = collections.deque(maxlen=EVENTS_KEPT)

    def take(self, message: Any) -> None:
        topics = self.topics
        room = topics.room_of(message.topic)
        if room is not None:
            try:
                state = parse_room_state(message.payload)
            except CommandError:
                return
            with self.lock:
                if state is None:
                    self.rooms.pop(room, None)
                else:
                    self.rooms[room] = state.to_json()
            return
        about = topics.screen_of(message.topic)
        if about is None:
            return
        screen, what = about
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        presence: dict[str, Any] | None = None
        with self.lock:
            if screen not in self.screens and len(self.screens) >= MAX_SCREENS:
                return  # a flood of made-up screens does not grow the page without end
            entry = self.screens.setdefault(
                screen, {"presence": {}, "seen": None, "thumbnail": None}
            )
            if what == "status":
                try:
                    entry["presence"] = parse_presence(message.payload)
                except CommandError as exc:
                    # one screen's bad presence is that screen's problem, shown on its card
                    entry["presence"] = {"errors": [f"unreadable presence: {exc}"[:300]]}
                entry["seen"] = now
                presence = entry["presence"]
            elif what == "thumbnail" and message.payload:
                entry["thumbnail"] = bytes(message.payload)
                entry["thumb_at"] = time.time()
            elif what == "events":
                with contextlib.suppress(CommandError):
                    self.events.appendleft(parse_event(message.payload))
        if presence is not None and self.alerts is not None:
            self.alerts.seen(screen, presence)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            screens = []
            for name, entry in sorted(self.screens.items()):
                presence = entry["presence"]
                screens.append(
                    {
                        **presence,
                        "screen": name,
                        "online": bool(presence.get("online")),
                        "last_seen": presence.get("at") or entry["seen"],
                        "thumbnail": f"thumbnail/{urllib.parse.quote(name)}.jpg?t={entry.get('thumb_at', 0):.0f}"
                        if entry["thumbnail"]
                        else None,
                    }
                )
            known = {r for s in screens if (r := s.get("room"))} | set(self.rooms)
            rooms = [
                {"room": r, **self.rooms.get(r, {"state": "open", "note": "", "set_at": None})}
                for r in sorted(known)
            ]
            alerts = self.alerts.status()["recent"] if self.alerts is not None else []
            return {
                "screens": screens,
                "rooms": rooms,
                "events": list(self.events)[:30],
                "alerts": alerts[:20],
            }

    def thumbnail(self, screen: str) -> bytes | None:
        with self.lock:
            entry = self.screens.get(screen)
            return entry["thumbnail"] if entry else None


class FleetServer:
    def __init__(
        self,
        broker: Broker,
        address: tuple[str, int],
        token: str | None = None,
        prefix: str = "signage",
        names: tuple[str, ...] = (),
        alerts: AlertSettings | None = None,
    ) -> None:
        if token_missing(address, token):
            raise FleetError(
                f"refusing to serve the fleet page on {address[0]} without a token: give "
                "--token-file, or bind 127.0.0.1"
            )
        self.token = token
        self.topics = Topics(prefix)
        self.alerts = Alerts(alerts) if alerts is not None else None
        self.board = FleetBoard(self.topics, self.alerts)
        topics = self.topics
        self.link = Link(
            broker,
            f"signage-fleet-{uuid.uuid4().hex[:8]}",
            [
                f"{prefix}/screens/+/status",
                f"{prefix}/screens/+/thumbnail",
                f"{prefix}/screens/+/events",
                topics.room_states,
            ],
            self.board.take,
            persistent=False,  # a page that starts again reads the retained state afresh
        )
        self.httpd = GuardedServer(address, _handler_for(self), names)

    @property
    def address(self) -> str:
        return bound_address(self.httpd)

    def serve(self) -> None:
        """Until interrupted: the link on a thread, the page on this one."""
        link = threading.Thread(target=self.link.run, name="fleet-mqtt", daemon=True)
        link.start()
        watching = threading.Event()
        if self.alerts is not None:
            alerts = threading.Thread(
                target=self.alerts.run, args=(watching,), name="fleet-alerts", daemon=True
            )
            alerts.start()
        try:
            self.httpd.serve_forever()
        finally:
            watching.set()
            self.link.stop()
            self.httpd.server_close()

    def stop(self) -> None:
        self.httpd.shutdown()

    # -- acting ----------------------------------------------------------------------------

    def command(self, body: Any) -> dict[str, Any]:
        """Send a command to ``target``: "all", "screen:NAME" or "group:NAME"."""
        if not isinstance(body, dict):
            raise CommandError('expected {"target": "all", "command": "next"}')
        target = str(body.get("target", "all"))
        kind, _, name = target.partition(":")
        if target == "all":
            topic = self.topics.all_command
        elif kind in ("screen", "group") and NAME.fullmatch(name):
            topic = (
                self.topics.screen_command(name)
                if kind == "screen"
                else self.topics.group_command(name)
            )
        else:
            raise CommandError("'target' must be all, screen:NAME or group:NAME")
        command = {k: v for k, v in body.items() if k != "target"}
        payload = json.dumps(command, ensure_ascii=False).encode()
        verb, args = parse_command(payload)  # refused here as a screen would refuse it
        if verb == "alert":
            try:  # a file that is not CAP is refused here, with the reason, not by every screen
                parse_cap(args["cap"].encode())
            except LiveError as exc:
                raise CommandError(f"not a CAP 1.2 alert: {exc}") from None
        expiry = args.get("expires_in") if verb == "message" else None
        if not self.link.publish(topic, payload, qos=1, expiry_s=expiry):
            raise ConnectionError("the broker is not connected")
        return {"ok": True, "topic": topic}

    def set_room(self, body: Any) -> dict[str, Any]:
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("room"), str)
            or not body["room"].strip()
        ):
            raise CommandError('expected {"room": "Salle Seine", "state": "full", "note": "..."}')
        payload = room_state_payload(str(body.get("state")), str(body.get("note") or ""))
        topic = self.topics.room_state(body["room"])
        if not self.link.publish(topic, payload, qos=1, retain=True):
            raise ConnectionError("the broker is not connected")
        return {"ok": True, "topic": topic}


def _static(name: str) -> bytes:
    return resources.files("signage.ops.fleet").joinpath(f"static/{name}").read_bytes()


def _handler_for(server: FleetServer) -> type[GuardedHandler]:
    class Handler(GuardedHandler):
        server_version = "signage-fleet"

        def _json(self, status: int, data: Any) -> None:
            self.send_body(status, json_bytes(data), "application/json; charset=utf-8")

        def do_GET(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if path in STATIC:
                name, kind = STATIC[path]
                self.send_body(HTTPStatus.OK, _static(name), kind)
            elif path == "/api/screens":
                data = server.board.snapshot()
                data["broker"] = {
                    "url": str(server.link.broker),
                    "connected": server.link.connected.is_set(),
                    "last_error": server.link.last_error,
                }
                data["can_act"] = server.token is not None
                self._json(HTTPStatus.OK, data)
            elif path.startswith("/thumbnail/") and path.endswith(".jpg"):
                screen = urllib.parse.unquote(path[len("/thumbnail/") : -len(".jpg")])
                image = server.board.thumbnail(screen)
                if image is None:
                    self._json(HTTPStatus.NOT_FOUND, {"error": f"no thumbnail of {screen}"})
                else:
                    self.send_body(HTTPStatus.OK, image, "image/jpeg")
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such page: {path}"})

        do_HEAD = do_GET

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if not bearer_ok(self.headers.get("Authorization"), server.token):
                self._json(HTTPStatus.UNAUTHORIZED, {"error": "a valid bearer token is required"})
                return
            try:
                length = self.content_length(MAX_BODY)
                body = parse_json(self.rfile.read(length)) if length else None
                if path == "/api/command":
                    self._json(HTTPStatus.OK, server.command(body))
                elif path == "/api/rooms":
                    self._json(HTTPStatus.OK, server.set_room(body))
                else:
                    self._json(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {path}"})
            except (CommandError, BodyError) as exc:
                self.close_connection = True
                self._json(HTTPStatus.BAD_REQUEST, {"ok": False, "error": str(exc)})
            except ConnectionError as exc:
                self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"ok": False, "error": str(exc)})

    return Handler

"""A screen in the fleet: its presence and thumbnail published (retained), the commands
for it, its groups and everyone obeyed, and the rooms' states followed.

Runs on the link's thread and one presence thread; it never touches pygame: commands and
room states reach the render loop as messages, a thumbnail is asked of it like the HTTP
API's screenshot.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from signage.core.text import clean_tree, text_problem
from signage.ops.fleet.link import Broker, Link
from signage.ops.fleet.protocol import (
    CommandError,
    RoomState,
    Topics,
    parse_command,
    parse_room_state,
    parse_verdicts,
)
from signage.player.messages import Command, RoomStates, Screenshot

log = logging.getLogger(__name__)

PRESENCE_EVERY_S = 60.0  # at least this often, changed or not
LOOK_EVERY_S = 0.25  # how often the status is read for a change
THUMBNAIL_EVERY_S = 10.0  # at most one thumbnail this often
THUMBNAIL_BYTES = 30_000
THUMBNAIL_WIDTH = 480
REPLY_TIMEOUT_S = 30.0
VOLATILE = ("uptime_s", "at")  # not a change of state
LOG_QUIET_S = 10.0  # refusals logged at most once this often, with a count
MAX_ROOMS = 500  # rooms followed; a venue has tens, a flood of made-up rooms is refused


def summary(status: dict[str, Any], groups: tuple[str, ...]) -> dict[str, Any]:
    """The retained presence: what the fleet page shows of a screen, from its /status."""
    slide = status.get("slide") or {}
    content = status.get("content") or {}
    render = (status.get("health") or {}).get("render") or {}
    return {
        "screen": status.get("screen"),
        "online": True,
        "room": status.get("room"),
        "groups": list(groups),
        "content": {"version": content.get("version"), "source": content.get("source")},
        "slide": {k: slide.get(k) for k in ("id", "type", "title", "shown_at")},
        "regions": [
            {"name": r.get("name"), "slide": (r.get("slide") or {}).get("id")}
            for r in status.get("regions") or []
        ],
        "errors": list(content.get("errors") or [])[:20],
        "message": status.get("message"),
        "room_state": status.get("room_state"),
        # what the fleet's alerts watch: the screen frozen, seen from inside it
        "health": {
            k: render.get(k) for k in ("stalled", "stalls", "frozen_now", "dark_now", "overstays")
        },
        "clock_synchronised": status.get("clock_synchronised"),
        "uptime_s": status.get("uptime_s"),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def thumbnail(size: tuple[int, int], rgb: bytes) -> bytes:
    """The screen as a JPEG of at most 30 KB (smaller and softer until it fits)."""
    from PIL import Image  # on the first thumbnail: the fleet's agent starts without it

    image = Image.frombytes("RGB", size, rgb)
    width = THUMBNAIL_WIDTH
    while True:
        height = max(1, round(size[1] * width / size[0]))
        small = image.resize((width, height), Image.Resampling.BILINEAR)
        for quality in (70, 55, 40, 25):
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=quality, optimize=True)
            if out.tell() <= THUMBNAIL_BYTES:
                return out.getvalue()
        width = width * 3 // 4


class FleetAgent:
    """The player's side of the fleet."""

    def __init__(
        self,
        broker: Broker,
        screen: str,
        groups: tuple[str, ...],
        status: Callable[[], dict[str, Any]],
        post: Callable[[Any], None],
        prefix: str = "signage",
    ) -> None:
        self.screen = screen
        self.groups = groups
        self.topics = Topics(prefix)
        self.status = status
        self.post = post
        self.rooms: dict[str, RoomState] = {}
        # public alerts pushed by the fleet go to the screen's alert watch (app wires it)
        self.on_alert: Callable[[bytes, str], dict[str, Any]] | None = None
        # the studio's verdicts on social posts go to the live hub (app wires it)
        self.on_verdicts: Callable[[dict[str, dict[str, str]]], bool] | None = None
        self.published = 0  # presence messages sent
        self.commands = 0  # commands obeyed
        self.refused = 0
        self.room_messages = 0  # room states received (again at each connection: retained)
        self._last: dict[str, Any] | None = None
        self._last_at = 0.0
        self._thumb_at = 0.0
        self._thumb_slide: Any = None
        self._wake = threading.Event()
        self._log_quiet_until = 0.0
        self._unlogged = 0
        topics = self.topics
        subscriptions = [
            topics.screen_command(screen),
            *(topics.group_command(g) for g in groups),
            topics.all_command,
            topics.room_states,
            topics.social_verdicts,
        ]
        offline = json.dumps({"screen": screen, "online": False}).encode()
        self.offline = (topics.status(screen), offline)
        self.link = Link(
            broker, f"signage-{screen}", subscriptions, self._message, self._connected,
            will=self.offline,
        )  # fmt: skip

    # -- threads (started by the app under its supervisor) ---------------------------------

    def start(self, supervisor: Any) -> None:
        """The link and the presence, supervised; not essential: the screen plays on
        whatever the broker does, so the watchdog does not depend on it."""
        supervisor.spawn("mqtt", self.link.run, self.link.stopped, essential=False)
        supervisor.spawn("fleet-presence", self.run_presence, self.link.stopped, essential=False)

    def run_presence(self) -> None:
        """Publish the presence when it changes (and every minute), the thumbnail when the
        slide changes (at most every 10 s, and every minute)."""
        while not self.link.stopped.is_set():
            self._wake.wait(LOOK_EVERY_S)
            self._wake.clear()
            if self.link.connected.is_set():
                self.publish_presence()
                self.publish_thumbnail()

    def stop(self) -> None:
        self.link.stop(self.offline)
        self._wake.set()

    # -- presence --------------------------------------------------------------------------

    def publish_presence(self, force: bool = False) -> bool:
        now = time.monotonic()
        current = summary(self.status(), self.groups)
        steady = {k: v for k, v in current.items() if k not in VOLATILE}
        if not force and steady == self._last and now - self._last_at < PRESENCE_EVERY_S:
            return False
        if self.link.publish(self.topics.status(self.screen), _json(current), retain=True):
            self._last, self._last_at = steady, now
            self.published += 1
            return True
        return False

    def publish_thumbnail(self) -> bool:
        now = time.monotonic()
        slide = (self._last or {}).get("slide")
        if now - self._thumb_at < THUMBNAIL_EVERY_S:
            return False
        if slide == self._thumb_slide and now - self._thumb_at < PRESENCE_EVERY_S:
            return False
        reply: Future[tuple[tuple[int, int], bytes]] = Future()
        self.post(Screenshot(reply))
        try:
            size, rgb = reply.result(timeout=5.0)
        except Exception:  # the render loop busy or stopping: next time
            return False
        self._thumb_at, self._thumb_slide = now, slide
        return self.link.publish(
            self.topics.thumbnail(self.screen), thumbnail(size, rgb), retain=True
        )

    def _connected(self) -> None:
        """A new connection: presence again at once (the broker may have lost it)."""
        self._last = None
        self._thumb_at = 0.0
        self._wake.set()

    # -- what comes in ---------------------------------------------------------------------

    def _message(self, message: Any) -> None:
        room = self.topics.room_of(message.topic)
        if room is not None:
            self._room(room, message.payload)
            return
        if message.topic == self.topics.social_verdicts:
            self._verdicts(message.payload)
            return
        try:
            if message.retain:  # sent retained: it would run again at every reconnection
                raise CommandError("a retained command is ignored: publish commands without retain")
            name, args = parse_command(message.payload)
        except CommandError as exc:
            self.refused += 1
            self._event({"ok": False, "topic": message.topic, "error": str(exc)})
            return
        if name == "alert":
            self.commands += 1
            result = (
                self.on_alert(args["cap"].encode(), message.topic)
                if self.on_alert is not None
                else {"ok": False, "error": "this screen watches no public alerts"}
            )
            self._event({"command": "alert", "topic": message.topic, **result})
            return
        if name == "message":
            # a message queued while the screen was off: the broker says how long it has
            # left (MQTT v5 message expiry); the screen shows it that long, not from the start
            left = getattr(message.properties, "MessageExpiryInterval", None)
            if left is not None:
                args["expires_in"] = float(min(args["expires_in"], max(1, left)))
        reply: Future[Any] = Future()
        reply.add_done_callback(lambda done: self._answered(name, message.topic, done))
        self.commands += 1
        self.post(Command(name, args, reply))

    def _answered(self, name: str, topic: str, done: Future[Any]) -> None:
        result = done.result() if done.exception() is None else {"ok": False}
        self._event({"command": name, "topic": topic, **result})
        self._wake.set()  # the presence shows what the command changed

    def _room(self, room: str, payload: bytes) -> None:
        self.room_messages += 1
        try:
            if text_problem(room) is not None or len(room) > 200:
                raise CommandError("the room's name in the topic is not a room's name")
            state = parse_room_state(payload)
        except CommandError as exc:
            self._event({"ok": False, "room": room, "error": str(exc)})
            return
        if room not in self.rooms and state is not None and len(self.rooms) >= MAX_ROOMS:
            self._event({"ok": False, "room": room[:100], "error": f"more than {MAX_ROOMS} rooms"})
            return
        if state is None:  # the retained state was cleared
            self.rooms.pop(room, None)
        else:
            self.rooms[room] = state
        # the render loop keeps only the latest of these (see Mailbox): a burst of room
        # states is one redraw, not one per message
        self.post(RoomStates(dict(self.rooms)))

    def _verdicts(self, payload: bytes) -> None:
        try:
            said = parse_verdicts(payload)
        except CommandError as exc:
            self.refused += 1
            self._event({"ok": False, "topic": self.topics.social_verdicts, "error": str(exc)})
            return
        if self.on_verdicts is not None:
            self.on_verdicts(said)  # the hub keeps those of the walls this screen shows

    def _event(self, data: dict[str, Any]) -> None:
        data = {
            "screen": self.screen,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **data,
        }
        if not data.get("ok", True):
            self._refused_log(data)
        self.link.publish(self.topics.events(self.screen), _json(data), qos=0)

    def _refused_log(self, data: dict[str, Any]) -> None:
        """A refusal in the log, but a burst of them as one line and a count: 2,500
        refused commands wrote 2,500 lines into the journal."""
        now = time.monotonic()
        if now < self._log_quiet_until:
            self._unlogged += 1
            return
        more = (
            f" ({self._unlogged} more refused in the last {LOG_QUIET_S:.0f} s)"
            if self._unlogged
            else ""
        )
        log.warning(
            "fleet: refused on %s: %s%s",
            data.get("topic") or data.get("room"),
            data.get("error"),
            more,
        )
        self._log_quiet_until = now + LOG_QUIET_S
        self._unlogged = 0

    def health(self) -> dict[str, Any]:
        """``/status`` ``fleet``."""
        return {
            "broker": str(self.link.broker),
            "connected": self.link.connected.is_set(),
            "connections": self.link.connections,
            "last_error": self.link.last_error,
            "groups": list(self.groups),
            "presence_published": self.published,
            "commands": self.commands,
            "refused": self.refused,
            "room_messages": self.room_messages,
        }


def _json(data: Any) -> bytes:
    """UTF-8 JSON; a lone surrogate from outside (a topic, a refused text) is replaced,
    not left to make the encoder raise on the link's thread."""
    return json.dumps(clean_tree(data), ensure_ascii=False, default=str).encode("utf-8")

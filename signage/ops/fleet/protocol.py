"""The fleet's MQTT topics and payloads: what a screen publishes, what it obeys, and how
commands and room states are checked (the same verbs and rules as the HTTP API).

Topics, under a prefix (``signage`` by default)::

    signage/screens/<screen>/status      retained JSON summary; Last Will {"online": false}
    signage/screens/<screen>/thumbnail   retained JPEG, at most 30 KB, one per 10 s at most
    signage/screens/<screen>/events      what a screen refused or did (not retained)
    signage/screens/<screen>/command     commands for one screen
    signage/groups/<group>/command       commands for a group of screens
    signage/all/command                  commands for every screen
    signage/rooms/<room>/state           retained {"state": "open"|"full"|"closed", ...}
    signage/social/verdicts              retained {"verdicts": {source: {post: verdict}}}
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from signage.content.urgent import FIELDS as MESSAGE_FIELDS
from signage.content.urgent import MessageError, validate
from signage.core.text import clean_tree, text_problem

VERBS = ("next", "previous", "reload", "show", "message", "clear-message", "alert")
ROOM_STATES = ("open", "full", "closed")
MAX_NOTE = 200
MAX_PAYLOAD = 64 * 1024
VERDICTS = ("approved", "rejected")
MAX_POST_ID = 300  # a Bluesky post's at:// URI is about 70 characters, Mastodon's id 18
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # a screen or group id, one topic level


class CommandError(ValueError):
    """A command that is refused; the text says why (reported on the screen's events)."""


# The topics as the reference page documents them (docs/reference/mqtt.md is generated
# from this): (topic under the prefix, who writes, what).
TOPIC_DOCS = (
    (
        "signage/screens/<screen>/status",
        "the screen, retained",
        "`screen`, `online`, `room`, `groups`, `content.version`, `slide` {id, type, title, "
        "shown_at}, `regions`, `errors`, `message`, `room_state`, `clock_synchronised`, "
        "`uptime_s`, `at`; on every change and at least every 60 s. Last Will "
        '`{"screen": ..., "online": false}`, also published on a clean stop',
    ),
    (
        "signage/screens/<screen>/thumbnail",
        "the screen, retained",
        "a JPEG of the screen, at most 30 KB, at most one every 10 s (when the slide "
        "changes, and every minute)",
    ),
    (
        "signage/screens/<screen>/events",
        "the screen",
        "each command's result, and what it refused and why",
    ),
    (
        "signage/screens/<screen>/command, signage/groups/<group>/command, signage/all/command",
        "operators",
        '`{"command": "next" | "previous" | "reload" | "show" | "message" | "clear-message", '
        '"id": ..., "text": ..., "style": "fullscreen" | "banner", "expires_in": ..., '
        '"level": "notice" | "warning" | "emergency"}`, checked as the HTTP API checks them; '
        '`{"command": "alert", "cap": "<alert …>"}`: a public alert (CAP 1.2), shown by '
        "every screen whose area it covers (once, if it also comes from a publisher)",
    ),
    (
        "signage/rooms/<room>/state",
        "stewards, the fleet page; retained",
        '`{"state": "open" | "full" | "closed", "note": "...", "set_at": ...}` (the room\'s '
        "name URL-quoted: `Salle%20Seine`)",
    ),
    (
        "signage/social/verdicts",
        "the studio; retained",
        '`{"verdicts": {"<source>": {"<post id>": "approved" | "rejected"}}, "set_at": ...}`: '
        "the editors' verdicts on the posts of moderated social walls (the source as the "
        "content names it), the latest first kept within 64 KB; every screen takes those "
        "of the walls it shows",
    ),
)


@dataclass(frozen=True)
class Topics:
    prefix: str = "signage"

    def status(self, screen: str) -> str:
        return f"{self.prefix}/screens/{screen}/status"

    def thumbnail(self, screen: str) -> str:
        return f"{self.prefix}/screens/{screen}/thumbnail"

    def events(self, screen: str) -> str:
        return f"{self.prefix}/screens/{screen}/events"

    def screen_command(self, screen: str) -> str:
        return f"{self.prefix}/screens/{screen}/command"

    def group_command(self, group: str) -> str:
        return f"{self.prefix}/groups/{group}/command"

    @property
    def all_command(self) -> str:
        return f"{self.prefix}/all/command"

    @property
    def social_verdicts(self) -> str:
        return f"{self.prefix}/social/verdicts"

    def room_state(self, room: str) -> str:
        return f"{self.prefix}/rooms/{room_topic(room)}/state"

    @property
    def room_states(self) -> str:
        return f"{self.prefix}/rooms/+/state"

    def room_of(self, topic: str) -> str | None:
        """The room a ``rooms/<room>/state`` topic is about."""
        parts = topic.split("/")
        head = self.prefix.split("/")
        if len(parts) == len(head) + 3 and parts[: len(head)] == head and parts[-1] == "state":
            return urllib.parse.unquote(parts[-2])
        return None

    def screen_of(self, topic: str) -> tuple[str, str] | None:
        """(screen, what) of a ``screens/<screen>/<what>`` topic."""
        parts = topic.split("/")
        head = self.prefix.split("/")
        if len(parts) == len(head) + 3 and parts[: len(head)] == head and parts[-3] == "screens":
            return parts[-2], parts[-1]
        return None


def room_topic(room: str) -> str:
    """A room's name as one topic level: MQTT forbids + # and / there; spaces and accents
    are fine, but a quoted form keeps topics the same whatever the operator typed."""
    return urllib.parse.quote(room.strip(), safe="")


def parse_command(payload: bytes) -> tuple[str, dict[str, Any]]:
    """(verb as the render loop names it, arguments) of a command payload, or CommandError."""
    body = _json(payload)
    verb = body.get("command")
    if verb not in VERBS:
        raise CommandError(f"'command' must be one of {', '.join(VERBS)}")
    if verb == "show":
        slide = body.get("id")
        if not isinstance(slide, str) or not slide.strip() or len(slide) > 200:
            raise CommandError("'show' needs an 'id': the slide's id")
        if (problem := text_problem(slide)) is not None:
            raise CommandError(f"'id' {problem}")
        return "show", {"id": slide.strip()}
    if verb == "message":
        fields = {k: v for k, v in body.items() if k in MESSAGE_FIELDS}
        unknown = set(body) - {"command", *MESSAGE_FIELDS, "id"}
        if unknown:
            raise CommandError(f"unknown field(s): {', '.join(sorted(unknown))}")
        try:
            text, style, expires, level = validate(fields)
        except MessageError as exc:
            raise CommandError(str(exc)) from None
        return "message", {"text": text, "style": style, "expires_in": expires, "level": level}
    if verb == "alert":  # a public alert (CAP 1.2 XML as a string): checked by the screen
        cap = body.get("cap")
        unknown = set(body) - {"command", "cap", "id"}
        if unknown or not isinstance(cap, str) or not cap.strip():
            raise CommandError("'alert' needs 'cap': the CAP 1.2 alert's XML, as a string")
        return "alert", {"cap": cap}
    unknown = set(body) - {"command", "id"}
    if unknown:
        raise CommandError(f"unknown field(s) for '{verb}': {', '.join(sorted(unknown))}")
    return verb.replace("-", "_"), {}


@dataclass(frozen=True)
class RoomState:
    state: str
    note: str = ""
    set_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "note": self.note, "set_at": self.set_at}


def parse_room_state(payload: bytes) -> RoomState | None:
    """A room's state; None for an empty payload (the retained state was cleared)."""
    if not payload.strip():
        return None
    body = _json(payload)
    state = body.get("state")
    if state not in ROOM_STATES:
        raise CommandError(f"'state' must be one of {', '.join(ROOM_STATES)}")
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise CommandError(f"'note' must be text of at most {MAX_NOTE} characters")
    if (problem := text_problem(note)) is not None:
        raise CommandError(f"'note' {problem}")
    set_at = body.get("set_at")
    if set_at is not None and (not isinstance(set_at, str) or len(set_at) > 40):
        raise CommandError("'set_at' must be an ISO 8601 time")
    return RoomState(state, note.strip(), set_at)


# what the fleet page reads of another screen's presence, and the type each must have
PRESENCE_TYPES: dict[str, type | tuple[type, ...]] = {
    "online": bool,
    "room": (str, type(None)),
    "groups": list,
    "content": dict,
    "slide": dict,
    "regions": list,
    "errors": list,
    "message": (dict, type(None)),
    "room_state": (dict, type(None)),
    "clock_synchronised": (bool, type(None)),
    "uptime_s": (int, float, type(None)),
    "at": (str, type(None)),
    "screen": (str, type(None)),
    "health": dict,
}


def parse_presence(payload: bytes) -> dict[str, Any]:
    """Another screen's retained presence as the fleet page may show it: a JSON object,
    its known keys of the right type (others dropped), every text cleaned (a lone
    surrogate would make the page's JSON unencodable for every screen); CommandError."""
    body = _json(payload)
    kept = {}
    for key, kind in PRESENCE_TYPES.items():
        if key in body and isinstance(body[key], kind):
            kept[key] = body[key]
    kept["errors"] = [e for e in kept.get("errors", []) if isinstance(e, str)][:20]
    kept["regions"] = [r for r in kept.get("regions", []) if isinstance(r, dict)][:20]
    cleaned: dict[str, Any] = clean_tree(kept)
    return cleaned


def parse_event(payload: bytes) -> dict[str, Any]:
    """A screen's event (what it refused or did), cleaned like a presence."""
    event: dict[str, Any] = clean_tree(_json(payload))
    return event


def room_state_payload(state: str, note: str = "") -> bytes:
    """What the fleet page (or a steward's script) publishes to set a room's state."""
    if state not in ROOM_STATES:
        raise CommandError(f"'state' must be one of {', '.join(ROOM_STATES)}")
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return json.dumps({"state": state, "note": note.strip()[:MAX_NOTE], "set_at": at}).encode()


def parse_verdicts(payload: bytes) -> dict[str, dict[str, str]]:
    """The studio's verdicts, {source: {post id: verdict}}: every source and post id text
    that can be shown, every verdict one of VERDICTS (CommandError otherwise); an empty
    payload (the retained verdicts cleared) is none."""
    if not payload.strip():
        return {}
    said = _json(payload).get("verdicts")
    if not isinstance(said, dict):
        raise CommandError("'verdicts' must be an object of sources")
    found: dict[str, dict[str, str]] = {}
    for source, posts in said.items():
        if not isinstance(posts, dict) or len(source) > 2000 or text_problem(source):
            raise CommandError("each source of 'verdicts' must hold an object of posts")
        for post, verdict in posts.items():
            if verdict not in VERDICTS or len(post) > MAX_POST_ID or text_problem(post):
                raise CommandError(f"a verdict is one of {', '.join(VERDICTS)}, on a post's id")
        found[source] = dict(posts)
    return found


def verdicts_payload(said: dict[str, dict[str, str]]) -> bytes:
    """What the studio publishes: ``said`` (each source's verdicts in the order they were
    given), its earliest verdicts left out until it fits the payload's limit."""
    entries = [(s, p, v) for s, posts in said.items() for p, v in posts.items()]
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    while True:
        kept: dict[str, dict[str, str]] = {}
        for source, post, verdict in entries:
            kept.setdefault(source, {})[post] = verdict
        payload = json.dumps({"verdicts": kept, "set_at": at}, ensure_ascii=False).encode()
        if len(payload) <= MAX_PAYLOAD or not entries:
            return payload
        entries = entries[max(1, len(entries) // 10) :]  # a tenth of the oldest out


def _json(payload: bytes) -> dict[str, Any]:
    if len(payload) > MAX_PAYLOAD:
        raise CommandError(f"the payload is {len(payload)} bytes; the limit is {MAX_PAYLOAD}")
    try:
        body = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CommandError(f"not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise CommandError('expected a JSON object like {"command": "next"}')
    return body

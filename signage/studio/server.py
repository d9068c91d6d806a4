"""``signage studio``: the web app where photographers send photos, editors approve them
into the content, and stewards set their rooms' states, each signed in with a role.

Served by the player's own HTTP stack (:mod:`signage.core.httpd`: the Host allow-list,
the Content-Security-Policy, no framing, bounded bodies and connections). Every route
says which roles may use it (:data:`~signage.studio.frame.ROUTES`); a change needs the session's CSRF token and
is written to the audit log.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from signage.content.folder import load_content
from signage.core.http import bound_address
from signage.core.httpd import GuardedServer
from signage.core.paths import atomic_write, file_stamp, remove_tree
from signage.delivery.publish import PublishError, publish
from signage.programme.fetch import sources_of
from signage.programme.load import load
from signage.programme.model import ProgrammeError
from signage.studio.audit import Audit
from signage.studio.edit import Conflict, checked, version_of
from signage.studio.frame import StudioHandler
from signage.studio.history import History
from signage.studio.photos import Queue
from signage.studio.routes import HANDLERS
from signage.studio.sessions import LoginLimit, Sessions
from signage.studio.social import SocialDesk
from signage.studio.users import Users

log = logging.getLogger(__name__)


class StudioError(ValueError):
    """The studio cannot start; the text says why."""


class Studio:
    """The studio of one content folder."""

    def __init__(
        self,
        root: Path,
        users_file: Path,
        address: tuple[str, int] = ("127.0.0.1", 8790),
        names: tuple[str, ...] = (),
        publish_to: Path | None = None,
        broker: Any = None,
        prefix: str = "signage",
        sessions: Sessions | None = None,
    ) -> None:
        self.root = root
        self.users_file = users_file
        self.users = Users.load(users_file)
        self._users_seen = file_stamp(users_file)
        self._users_lock = threading.Lock()
        if not self.users.users:
            raise StudioError(
                f"{users_file}: no users yet (signage users add NAME --role admin --users {users_file})"
            )
        self.sessions = sessions or Sessions()
        self.limit = LoginLimit()
        state = root / ".studio"
        self.queue = Queue(state / "queue")
        self.incoming = state / "incoming"
        remove_tree(self.incoming)  # uploads cut short by a restart
        self.audit = Audit(state / "audit.jsonl")
        self.social = SocialDesk(root, state)  # the moderated walls, read as a screen does
        self.history = History(root)
        if not self.history.versions():
            self.history.record("studio", "the content as the studio found it")
        self._editing = threading.Lock()  # one save at a time: read, compare, write
        self._opened: OrderedDict[str, str] = OrderedDict()  # version -> text, for conflicts
        # previews of changes not saved: token -> (who, playlist, its text as changed)
        self._drafts: OrderedDict[str, tuple[str, str, str]] = OrderedDict()
        self.publish_to = publish_to
        self._publishing = threading.Lock()
        self.link: Any = None
        self.topics: Any = None
        self.board: Any = None  # ops.fleet.page.FleetBoard, with a broker
        if broker is not None:
            self._connect(broker, prefix)
        self.httpd = GuardedServer(address, _handler_for(self), names)

    def refresh_users(self) -> None:
        """Read the users file again when ``signage users`` changed it: a removed user, or one
        whose secret or role changed, is signed out at once (their sessions closed)."""
        stamp = file_stamp(self.users_file)
        if stamp == self._users_seen:
            return
        with self._users_lock:
            if stamp == self._users_seen:
                return
            try:
                fresh = Users.load(self.users_file)
            except (ValueError, OSError) as exc:  # a file being rewritten: the last good one stays
                log.warning(
                    "studio: the users file cannot be read (%s); the last good one stays", exc
                )
                return
            for name, user in self.users.users.items():
                if fresh.users.get(name) != user:
                    self.sessions.close_user(name)
            self.users, self._users_seen = fresh, stamp

    @property
    def address(self) -> str:
        return bound_address(self.httpd)

    def serve(self) -> None:
        if self.link is not None:
            threading.Thread(target=self.link.run, name="studio-mqtt", daemon=True).start()
        self.social.start()
        try:
            self.httpd.serve_forever()
        finally:
            self.social.stop()
            self.httpd.server_close()
            if self.link is not None:
                self.link.stop()

    def stop(self) -> None:
        self.httpd.shutdown()

    # -- what the content holds --------------------------------------------------------

    def photo_folders(self) -> tuple[str, ...]:
        """The folders of the content's ``photos`` slides, in the playlists' order."""
        found: list[str] = []
        for playlist in sorted((self.root / "playlists").glob("*.yaml")):
            try:
                data = yaml.safe_load(playlist.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            slides = data.get("slides") if isinstance(data, dict) else None
            for slide in slides if isinstance(slides, list) else []:
                if isinstance(slide, dict) and slide.get("type") == "photos":
                    folder = str(slide.get("folder") or "").strip("/")
                    if folder and folder not in found and (self.root / folder).is_dir():
                        found.append(folder)
        return tuple(found)

    def playlist(self, stem: str) -> Path | None:
        """``playlists/<stem>.yaml`` of the content, if there is one."""
        path = self.root / "playlists" / f"{stem}.yaml"
        return (
            path if re.fullmatch(r"[\w.-]+", stem) and ".." not in stem and path.is_file() else None
        )

    def opened(self, text: str) -> str:
        """The version of a text a form was opened on (remembered, to show a conflict)."""
        version = version_of(text)
        self._opened[version] = text
        self._opened.move_to_end(version)
        while len(self._opened) > 64:
            self._opened.popitem(last=False)
        return version

    def draft(self, who: str, shown: str, text: str) -> str:
        """Keep a change not saved for its author's preview (the last 32); its token."""
        token = uuid.uuid4().hex
        with self._editing:
            self._drafts[token] = (who, shown, text)
            while len(self._drafts) > 32:
                self._drafts.popitem(last=False)
        return token

    def drafted(self, token: str, who: str, shown: str) -> str | None:
        """The text of ``who``'s draft ``token`` of ``shown``; None for another's or a lost one."""
        with self._editing:
            found = self._drafts.get(token)
        return found[2] if found is not None and found[:2] == (who, shown) else None

    def save(
        self, path: Path, version: str, change: Callable[[str], str], who: str, what: str
    ) -> None:
        """Write ``change(text)`` over ``path`` if nobody changed it since ``version`` was
        opened (Conflict otherwise, with the difference), checked as ``signage check``
        would (EditError); then a version of the history, and the feed with --publish."""
        shown = str(path.relative_to(self.root))
        with self._editing:
            text = path.read_text(encoding="utf-8")
            if version_of(text) != version:
                before = self._opened.get(version, "")
                difference = "".join(
                    difflib.unified_diff(before.splitlines(True), text.splitlines(True),
                                         "à l’ouverture", "maintenant", n=1)
                )  # fmt: skip
                raise Conflict(difference or "(la version d’origine n’est plus connue)")
            new = change(text)
            if new == text:
                return
            checked(new, shown, self.root)
            atomic_write(path, new.encode("utf-8"), mode=path.stat().st_mode & 0o777)
            self.history.record(who, what)
        self.published()

    def restore(self, n: int, who: str) -> list[str]:
        with self._editing:
            changed = self.history.restore(n)
            self.history.record(who, f"back to version {n}")
        self.published()
        return changed

    def rooms(self) -> list[str]:
        """The rooms of the content's programmes, then any whose state was set."""

        content, _ = load_content(self.root)
        names: list[str] = []
        if content is not None:
            for path in sources_of(content)[1]:
                try:
                    names += [r for r in load(str(path)).room_names() if r not in names]
                except (ProgrammeError, OSError):
                    continue
        return names + sorted(r for r in self.room_states if r not in names)

    # -- changes -----------------------------------------------------------------------

    def published(self) -> None:
        """With ``--publish``: the content as the feed's new version; with ``--mqtt`` too,
        every screen is told to read its feed now (``reload``) rather than at its next poll."""
        if self.publish_to is None:
            return
        with self._publishing:
            try:
                publish(self.root, self.publish_to)
            except PublishError as exc:
                log.error("studio: the change is saved but not published: %s", exc)
                return
        if self.link is not None:
            self.link.publish(self.topics.all_command, b'{"command": "reload"}', qos=1)

    def set_room(self, room: str, state: str, note: str) -> None:
        from signage.ops.fleet.protocol import room_state_payload

        payload = room_state_payload(state, note)  # CommandError for a state not known
        if self.link is None or not self.link.publish(
            self.topics.room_state(room), payload, qos=1, retain=True
        ):
            raise ConnectionError("le courtier MQTT n’est pas joignable")

    def _connect(self, broker: Any, prefix: str) -> None:
        """The fleet as the broker tells it (screens' presence, rooms' states), read by the
        fleet page's own board."""
        from signage.ops.fleet.link import Link
        from signage.ops.fleet.page import FleetBoard
        from signage.ops.fleet.protocol import Topics

        self.topics = Topics(prefix)
        self.board = FleetBoard(self.topics)
        subscriptions = [f"{prefix}/screens/+/status", self.topics.room_states]
        self.link = Link(broker, f"signage-studio-{uuid.uuid4().hex[:8]}", subscriptions,
                         self.board.take, persistent=False)  # fmt: skip
        self.social.send = self._send_verdicts

    def _send_verdicts(self, said: dict[str, dict[str, str]]) -> bool:
        """The editors' verdicts on social posts, retained for every screen (and any that
        starts later); False when the broker cannot be reached now."""
        from signage.ops.fleet.protocol import verdicts_payload

        return bool(
            self.link.publish(
                self.topics.social_verdicts, verdicts_payload(said), qos=1, retain=True
            )
        )

    @property
    def room_states(self) -> dict[str, dict[str, Any]]:
        return dict(self.board.rooms) if self.board is not None else {}

    def screens(self) -> list[dict[str, Any]]:
        """Every screen the broker knows of (its presence: online, what it shows)."""
        return self.board.snapshot()["screens"] if self.board is not None else []

    def command(self, target: str, body: dict[str, Any]) -> str:
        """Send a command to ``all`` or ``screen:NAME``; the topic (CommandError, ConnectionError)."""
        from signage.ops.fleet.protocol import parse_command

        payload = json.dumps(body, ensure_ascii=False).encode()
        verb, args = parse_command(payload)  # refused here as a screen would refuse it
        if self.link is None:
            raise ConnectionError("le studio n’a pas de courtier MQTT (--mqtt)")
        kind, _, name = target.partition(":")
        topic: str
        if target == "all":
            topic = self.topics.all_command
        elif kind == "screen" and name in {s["screen"] for s in self.screens()}:
            topic = self.topics.screen_command(name)
        else:
            raise ValueError(f"« {target} » n’est pas un écran connu")
        expiry = args.get("expires_in") if verb == "message" else None
        if not self.link.publish(topic, payload, qos=1, expiry_s=expiry):
            raise ConnectionError("le courtier MQTT n’est pas joignable")
        return topic


def _handler_for(studio: Studio) -> type[StudioHandler]:
    return type("Handler", (StudioHandler,), {"studio": studio, "routes": HANDLERS})

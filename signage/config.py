"""The player's configuration: one YAML file per screen, for what belongs to the screen.

Screen id, its room, time zone, locale, rotation, control address and token,
feed, display hours. Validated like playlists; command-line flags override it.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

from signage.core.diagnostics import Report, did_you_mean
from signage.core.schema import (
    INVALID,
    Boolean,
    Choice,
    Ctx,
    Duration,
    Field,
    ListOf,
    Obj,
    Text,
    TimeOfDay,
    Type,
)
from signage.core.yamlsrc import YamlFailure
from signage.core.yamlsrc import load as load_yaml
from signage.i18n import LOCALES

DEFAULT_CONFIG = Path("/etc/signage/player.yaml")
DEFAULT_CONTROL = "127.0.0.1:8765"


class TimeZone(Text):
    """An IANA time zone name such as Europe/Paris."""

    def __init__(self) -> None:
        super().__init__(max_len=80)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a time zone name like Europe/Paris"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        text = super().check(node, ctx, path)
        if text is INVALID:
            return INVALID
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            hint = did_you_mean(text, available_timezones())
            return ctx.error(node, path, f"unknown time zone '{text}'{hint}")
        return text


_SIZE_RE = re.compile(r"(\d{2,5})x(\d{2,5})")


def parse_size(text: str) -> tuple[int, int]:
    """``1920x1080`` -> (1920, 1080); ValueError otherwise."""
    match = _SIZE_RE.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(f"'{text}' is not a size like 1920x1080")
    width, height = int(match.group(1)), int(match.group(2))
    if not (64 <= width <= 8192 and 64 <= height <= 8192):
        raise ValueError(f"'{text}': width and height must be between 64 and 8192")
    return width, height


def parse_address(text: str) -> tuple[str, int]:
    """``127.0.0.1:8765`` or ``[::1]:8765`` -> (host, port); ValueError otherwise."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"'{text}' is not an address like 127.0.0.1:8765")
    return host.strip("[]") or "127.0.0.1", int(port)


class SizeType(Text):
    def __init__(self) -> None:
        super().__init__(max_len=20)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a size like 1920x1080"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        text = super().check(node, ctx, path)
        if text is INVALID:
            return INVALID
        try:
            return parse_size(text)
        except ValueError as exc:
            return ctx.error(node, path, str(exc))


class AddressType(Text):
    def __init__(self) -> None:
        super().__init__(max_len=100)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "an address like 127.0.0.1:8765, or off"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        text = super().check(node, ctx, path)
        if text is INVALID or text == "off":
            return text
        try:
            parse_address(text)
        except ValueError as exc:
            return ctx.error(node, path, str(exc))
        return text


class Url(Text):
    def __init__(self) -> None:
        super().__init__(max_len=2000)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "an http(s) URL"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        text = super().check(node, ctx, path)
        if text is not INVALID and not text.startswith(("http://", "https://")):
            return ctx.error(node, path, f"'{text}' is not {self.expected}")
        return text


def _path_field(doc: str) -> Field:
    return Field(Text(max_len=1000), doc=doc)


_COMMAND: Type = ListOf(Text(max_len=1000), min_items=1, single_ok=False)

CONFIG = Obj(
    {
        "screen": Field(
            Text(max_len=100, pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*", pattern_help="a screen id"),
            doc="This screen's id; playlists pick screens by it (default: the host name)",
        ),
        "room": Field(Text(max_len=200), doc="The room this screen stands at (for room: auto)"),
        "timezone": Field(TimeZone(), doc="Time zone of the venue, e.g. Europe/Paris"),
        "locale": Field(Choice(LOCALES), doc="Language of labels and dates (overrides the theme)"),
        "content": _path_field("Content folder to play"),
        "rotate": Field(Choice(("0", "90", "180", "270")), doc="Rotation for portrait screens"),
        "size": Field(SizeType(), doc="Window size like 1920x1080 (default: the display's)"),
        "windowed": Field(Boolean(), default=False, doc="Run in a window instead of fullscreen"),
        "control": Field(AddressType(), doc="Control API address (host:port), or off"),
        "token_file": _path_field("File holding the control API's bearer token"),
        "feed": Field(Url(), doc="Remote feed URL"),
        "feed_credentials": _path_field(
            "File holding 'user:password' for the feed's HTTP basic auth (kept out of the URL)"
        ),
        "health_grace": Field(
            Duration(10, 86400),
            default=300.0,
            doc="Seconds an essential part (feed, folder watch, worker…) may stay down before "
            "the systemd watchdog heartbeat stops and systemd restarts the player",
        ),
        "control_hosts": Field(
            ListOf(Text(max_len=253), single_ok=True),
            doc="Extra host names the control API answers to (DNS-rebinding guard), e.g. ecran-hall.example.org",
        ),
        "poll": Field(Duration(5, 86400), default=30.0, doc="Feed poll interval in seconds"),
        "cache": _path_field("Feed cache folder"),
        "plays": _path_field("Proof-of-play log file"),
        "display": Field(
            Obj(
                {
                    "on": Field(TimeOfDay(), required=True, doc='Screen on at, e.g. "07:30"'),
                    "off": Field(TimeOfDay(), required=True, doc='Screen off at, e.g. "20:00"'),
                    "command_on": Field(_COMMAND, doc="Command run when the screen turns on"),
                    "command_off": Field(_COMMAND, doc="Command run when the screen turns off"),
                },
                name='display hours like {on: "07:30", off: "20:00"}',
            ),
            doc="Display power schedule",
        ),
    },
    name="a player configuration",
)


@dataclass(frozen=True)
class DisplayHours:
    on: Any
    off: Any
    command_on: tuple[str, ...] = ()
    command_off: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlayerConfig:
    screen: str = field(default_factory=socket.gethostname)
    room: str | None = None
    timezone: str | None = None
    locale: str | None = None
    content: str | None = None
    rotate: int = 0
    size: tuple[int, int] | None = None
    windowed: bool = False
    control: str = DEFAULT_CONTROL
    token_file: str | None = None
    feed: str | None = None
    feed_credentials: str | None = None
    health_grace_s: float = 300.0
    control_hosts: tuple[str, ...] = ()
    poll_s: float = 30.0
    cache: str | None = None
    plays: str | None = None
    display: DisplayHours | None = None
    path: str | None = None  # the file it came from


def load_config(path: Path) -> tuple[PlayerConfig | None, Report]:
    report = Report()
    shown = str(path)
    try:
        source = load_yaml(path, shown, what="configuration")
    except YamlFailure as failure:
        report.add(failure.diagnostic)
        return None, report
    values = CONFIG.check(source.root, Ctx(shown, report), "")
    if values is INVALID:
        return None, report
    display = values.get("display")
    kwargs: dict[str, Any] = {
        "room": values.get("room"),
        "timezone": values.get("timezone"),
        "locale": values.get("locale"),
        "content": values.get("content"),
        "rotate": int(values.get("rotate") or 0),
        "size": values.get("size"),
        "windowed": values["windowed"],
        "control": values.get("control") or DEFAULT_CONTROL,
        "token_file": values.get("token_file"),
        "feed": values.get("feed"),
        "feed_credentials": values.get("feed_credentials"),
        "health_grace_s": values["health_grace"],
        "control_hosts": tuple(values.get("control_hosts") or ()),
        "poll_s": values["poll"],
        "cache": values.get("cache"),
        "plays": values.get("plays"),
        "display": DisplayHours(
            display["on"],
            display["off"],
            tuple(display.get("command_on") or ()),
            tuple(display.get("command_off") or ()),
        )
        if display
        else None,
        "path": shown,
    }
    if values.get("screen"):
        kwargs["screen"] = values["screen"]
    return PlayerConfig(**kwargs), report

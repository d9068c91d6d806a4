"""The player's configuration: one YAML file per screen, for what belongs to the screen.

Screen id, its room, time zone, locale, rotation, control address and token,
feed, display hours. Validated like playlists; command-line flags override it.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from signage.core.diagnostics import Report
from signage.core.i18n import LOCALES
from signage.core.schema import INVALID, Boolean, Choice, Ctx, Field, ListOf, Obj, Text, Type
from signage.core.values import Duration, TimeOfDay, TimeZone, viewing_type
from signage.core.yamlsrc import YamlFailure
from signage.core.yamlsrc import load as load_yaml
from signage.live.alerts import ALERTS, AlertConfig, alert_config
from signage.media.hardware import CHOICES as DECODER_CHOICES

DEFAULT_CONFIG = Path("/etc/signage/player.yaml")
DEFAULT_CONTROL = "127.0.0.1:8765"


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


@dataclass(frozen=True)
class Setting:
    """One player setting, declared once: its key in player.yaml (checked by ``type``), its
    flags on ``signage play`` (flags win over the file), its default, and its documentation
    (the README's table is printed from these by ``signage settings``)."""

    key: str
    type: Type
    doc: str
    default: Any = None
    flags: tuple[str, ...] = ()
    attr: str = ""  # the PlayerConfig field, when it is not the key
    flag_type: Callable[[str], Any] | None = None  # a flag's text to the file's value type
    action: str | None = None  # "store_true" (a switch) or "append" (adds to the file's list)
    metavar: str | None = None
    choices: tuple[Any, ...] | None = None

    @property
    def field(self) -> str:
        return self.attr or self.key


ACCESSIBILITY = ("large", "high-contrast", "high-contrast-light")


def _path(doc: str, *flags: str, **more: Any) -> Setting:
    return Setting(more.pop("key"), Text(max_len=1000), doc, flags=flags, metavar="FILE", **more)


_COMMAND: Type = ListOf(Text(max_len=1000), min_items=1, single_ok=False)
_DISPLAY = Obj(
    {
        "on": Field(TimeOfDay(), required=True, doc='Screen on at, e.g. "07:30"'),
        "off": Field(TimeOfDay(), required=True, doc='Screen off at, e.g. "20:00"'),
        "command_on": Field(_COMMAND, doc="Command run when the screen turns on"),
        "command_off": Field(_COMMAND, doc="Command run when the screen turns off"),
    },
    name='display hours like {on: "07:30", off: "20:00"}',
)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "screen",
        Text(max_len=100, pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*", pattern_help="a screen id"),
        "This screen's id; playlists pick screens by it (default: the host name)",
        flags=("--screen",),
    ),
    Setting("room", Text(max_len=200), "The room this screen stands at (for room: auto)", flags=("--room",)),
    Setting("timezone", TimeZone(), "Time zone of the venue, e.g. Europe/Paris (default: the machine's)", flags=("--tz",), metavar="ZONE"),
    Setting("locale", Choice(LOCALES), "Language of labels and dates (overrides the theme's)", flags=("--locale",), choices=LOCALES),
    Setting("content", Text(max_len=1000), "Content folder to play (default: the bundled example; on the command line, the first argument)", metavar="FOLDER"),
    Setting("rotate", Choice(("0", "90", "180", "270")), "Rotation for portrait screens mounted on their side", 0, flags=("--rotate",), flag_type=int, choices=(0, 90, 180, 270)),
    Setting(
        "viewing",
        viewing_type(),
        "The screen's diagonal and how far it is read from, like {diagonal: 55in, distance: 4m} (over the theme's; with no diagonal, 55 in is assumed and said once): the text floors follow",
    ),
    Setting("size", SizeType(), "Window size like 1920x1080 (default: the display's)", flags=("--size",), flag_type=parse_size, metavar="WxH"),
    Setting("windowed", Boolean(), "Run in a window instead of fullscreen", False, flags=("--windowed",), action="store_true"),
    Setting("control", AddressType(), "Control API address HOST:PORT, or off", DEFAULT_CONTROL, flags=("--control",), metavar="HOST:PORT"),
    _path("File holding the control API's bearer token (at least 16 characters)", "--token-file", key="token_file"),
    Setting(
        "control_hosts",
        ListOf(Text(max_len=253), single_ok=True),
        "Host names the control API answers to besides addresses, localhost and this machine's names (DNS-rebinding guard); the flag may be repeated",
        (),
        flags=("--allow-host",),
        action="append",
        metavar="NAME",
    ),
    Setting("feed", Url(), "Remote feed URL (content comes from it instead of a folder)", flags=("--feed",), metavar="URL"),
    _path("File holding 'user:password' for the feed's HTTP basic auth", "--feed-credentials", key="feed_credentials"),
    Setting("poll", Duration(5, 86400), "Feed poll interval in seconds", 30.0, flags=("--poll",), attr="poll_s", flag_type=float, metavar="SECONDS"),
    Setting(
        "health_grace",
        Duration(10, 86400),
        "Seconds an essential part (feed, folder watch, drawing worker…) may stay down before the systemd watchdog heartbeat stops and systemd restarts the player",
        300.0,
        flags=("--health-grace",),
        attr="health_grace_s",
        flag_type=float,
        metavar="SECONDS",
    ),
    Setting(
        "stall_after",
        Duration(0.5, 600),
        "Seconds without a pass of the render loop (the screen on) that count as a stall: counted in /status health.render, every thread's stack written to the log once",
        2.0,
        flags=("--stall-after",),
        attr="stall_after_s",
        flag_type=float,
        metavar="SECONDS",
    ),
    Setting("cache", Text(max_len=1000), "Feed and programme cache folder (default: the state directory)", flags=("--cache",), metavar="FOLDER"),
    _path("Proof-of-play log (default: plays.jsonl in the state directory)", "--plays", key="plays"),
    Setting("display", _DISPLAY, 'Display hours: {on: "07:30", off: "20:00", command_on: [...], command_off: [...]}'),
    Setting(
        "accessibility",
        ListOf(Choice(ACCESSIBILITY), single_ok=True),
        "Accessibility profiles: large (every text floor and the header and ticker 25 % larger), high-contrast (the theme's colours become white on black), high-contrast-light (black on white); the layout is kept. The flag may be repeated",
        (),
        flags=("--accessibility",),
        action="append",
        metavar="PROFILE",
        choices=ACCESSIBILITY,
    ),
    Setting("mqtt", Text(max_len=1000), "The fleet's MQTT broker, mqtt://[user@]HOST[:PORT] (mqtts:// for TLS); off when not given", flags=("--mqtt",), metavar="URL"),
    _path("File holding the MQTT user's password", "--mqtt-password-file", key="mqtt_password_file"),
    Setting("mqtt_insecure", Boolean(), "Allow a broker off this machine without a user and password (a closed network only)", False, flags=("--mqtt-insecure",), action="store_true"),
    Setting("mqtt_prefix", Text(max_len=100, pattern=r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*", pattern_help="topic levels like signage or venue/signage"), "Topic prefix of the fleet", "signage", flags=("--mqtt-prefix",), metavar="PREFIX"),
    Setting(
        "group",
        ListOf(Text(max_len=100, pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*", pattern_help="a group name"), single_ok=True),
        "Groups this screen belongs to (commands to signage/groups/<group>/command reach it); the flag may be repeated",
        (),
        flags=("--group",),
        attr="groups",
        action="append",
        metavar="GROUP",
    ),
    Setting("alerts", ALERTS, "Public alerts (CAP 1.2) that take over the screen: {sources: [publishers' URLs or folders], area: {lat, lon} or {polygon} or {geocode: [NAME=VALUE]}, min_severity: minor|moderate|severe|extreme (default moderate), show_tests: false, poll: 30s}"),
    Setting(
        "video_decoder",
        Choice(DECODER_CHOICES),
        "Hardware video decoding: auto (the first of V4L2 M2M, VAAPI, DRM, QSV, CUDA… that decodes on this machine, found when the player starts, else software), software, or one by name; a clip the hardware cannot decode plays in software",
        "auto",
        flags=("--video-decoder",),
        metavar="DECODER",
        choices=DECODER_CHOICES,
    ),
)  # fmt: skip

BY_KEY = {s.key: s for s in SETTINGS}
CONFIG = Obj(
    {s.key: Field(s.type, default=s.default, doc=s.doc) for s in SETTINGS},
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
    """The screen's settings (fields named by ``Setting.field``; defaults from SETTINGS)."""

    screen: str = field(default_factory=socket.gethostname)
    room: str | None = None
    timezone: str | None = None
    locale: str | None = None
    content: str | None = None
    rotate: int = BY_KEY["rotate"].default
    size: tuple[int, int] | None = None
    windowed: bool = BY_KEY["windowed"].default
    control: str = BY_KEY["control"].default
    token_file: str | None = None
    control_hosts: tuple[str, ...] = BY_KEY["control_hosts"].default
    feed: str | None = None
    feed_credentials: str | None = None
    poll_s: float = BY_KEY["poll"].default
    health_grace_s: float = BY_KEY["health_grace"].default
    stall_after_s: float = BY_KEY["stall_after"].default
    cache: str | None = None
    plays: str | None = None
    display: DisplayHours | None = None
    viewing: dict[str, float] | None = None  # {diagonal, distance} in mm, as given
    accessibility: tuple[str, ...] = BY_KEY["accessibility"].default
    video_decoder: str = BY_KEY["video_decoder"].default
    mqtt: str | None = None
    mqtt_password_file: str | None = None
    mqtt_insecure: bool = BY_KEY["mqtt_insecure"].default
    mqtt_prefix: str = BY_KEY["mqtt_prefix"].default
    groups: tuple[str, ...] = BY_KEY["group"].default
    alerts: AlertConfig | None = None
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
    given = {s.key: values[s.key] for s in SETTINGS if values.get(s.key) is not None}
    kwargs = {BY_KEY[key].field: _from_file(key, value) for key, value in given.items()}
    return PlayerConfig(**kwargs, path=shown), report


def _from_file(key: str, value: Any) -> Any:
    """A checked value of player.yaml as PlayerConfig holds it."""
    if key == "rotate":
        return int(value)
    if key in ("control_hosts", "accessibility", "group"):
        return tuple(value)
    if key == "viewing":
        return {k: value.get(k) for k in ("diagonal", "distance") if value.get(k) is not None}
    if key == "alerts":
        return alert_config(value)
    if key == "display":
        return DisplayHours(
            value["on"],
            value["off"],
            tuple(value.get("command_on") or ()),
            tuple(value.get("command_off") or ()),
        )
    return value


def settings_table() -> str:
    """The README's table of settings, in Markdown."""
    rows = ["| key in player.yaml | flag of `signage play` | default | what |", "|---|---|---|---|"]
    for setting in SETTINGS:
        flags = ", ".join(f"`{f}`" for f in setting.flags) or "—"
        default = "—" if setting.default in (None, ()) else f"`{setting.default}`"
        rows.append(f"| `{setting.key}` | {flags} | {default} | {setting.doc} |")
    return "\n".join(rows) + "\n"

"""The player's configuration: one YAML file per screen, for what belongs to the screen.

Screen id, its room, time zone, locale, rotation, control address and token,
feed, display hours. Validated like playlists; command-line flags override it.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from signage.core.diagnostics import Report
from signage.core.i18n import LOCALES
from signage.core.schema import INVALID, Boolean, Choice, Ctx, Field, ListOf, Obj, Text, Type
from signage.core.values import (
    AddressType,
    Duration,
    SizeType,
    TimeOfDay,
    TimeZone,
    Url,
    parse_size,
    viewing_type,
)
from signage.core.yamlsrc import YamlFailure
from signage.core.yamlsrc import load as load_yaml
from signage.live.alerts import ALERTS, AlertConfig, alert_config
from signage.media.hardware import CHOICES as DECODER_CHOICES

DEFAULT_CONFIG = Path("/etc/signage/player.yaml")
DEFAULT_CONTROL = "127.0.0.1:8765"


@dataclass(frozen=True)
class Setting:
    """One player setting, declared once, as a field of :class:`PlayerConfig`: its key in
    player.yaml (checked by ``type``), its flags on ``signage play`` (flags win over the
    file), its default, and its documentation (the reference's table is printed from these
    by ``signage settings``). ``attr`` is the field's name, filled in from the class."""

    key: str
    type: Type
    doc: str
    default: Any = None
    flags: tuple[str, ...] = ()
    attr: str = ""
    flag_type: Callable[[str], Any] | None = None  # a flag's text to the file's value type
    action: str | None = None  # "store_true" (a switch) or "append" (adds to the file's list)
    metavar: str | None = None
    choices: tuple[Any, ...] | None = None
    convert: Callable[[Any], Any] | None = None  # a checked value of the file to the field's

    @property
    def field(self) -> str:
        return self.attr or self.key


SETTING = "signage.setting"  # the key of a field's metadata that holds its Setting


def setting(key: str, type: Type, doc: str, default: Any = None, **more: Any) -> Any:
    """A field of :class:`PlayerConfig` that is a setting (``factory``: a default computed
    when the configuration is made, like the host name). Typed Any, as dataclasses'
    ``field()`` is, so that the field's annotation gives its type."""
    factory = more.pop("factory", None)
    declared = Setting(key, type, doc, default, **more)
    if factory is not None:
        return field(default_factory=factory, metadata={SETTING: declared})
    return field(default=default, metadata={SETTING: declared})


ACCESSIBILITY = ("large", "high-contrast", "high-contrast-light")


def _path(doc: str, *flags: str, key: str) -> Any:
    return setting(key, Text(max_len=1000), doc, flags=flags, metavar="FILE")


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


@dataclass(frozen=True)
class DisplayHours:
    on: Any
    off: Any
    command_on: tuple[str, ...] = ()
    command_off: tuple[str, ...] = ()

    @classmethod
    def of(cls, value: dict[str, Any]) -> DisplayHours:
        """player.yaml's checked ``display`` mapping."""
        on, off = value["on"], value["off"]
        return cls(
            on, off, tuple(value.get("command_on") or ()), tuple(value.get("command_off") or ())
        )


def _viewing(value: dict[str, Any]) -> dict[str, float]:
    return {k: value[k] for k in ("diagonal", "distance") if value.get(k) is not None}


@dataclass(frozen=True)
class PlayerConfig:
    """The screen's settings: each field that is a setting declares it (:func:`setting`),
    in the order of the reference's table. Adding a setting is adding a field here."""

    screen: str = setting(
        "screen",
        Text(max_len=100, pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*", pattern_help="a screen id"),
        "This screen's id; playlists pick screens by it (default: the host name)",
        flags=("--screen",),
        factory=socket.gethostname,
    )
    room: str | None = setting(
        "room",
        Text(max_len=200),
        "The room this screen stands at (for room: auto)",
        flags=("--room",),
    )
    timezone: str | None = setting(
        "timezone",
        TimeZone(),
        "Time zone of the venue, e.g. Europe/Paris (default: the machine's)",
        flags=("--tz",),
        metavar="ZONE",
    )
    locale: str | None = setting(
        "locale",
        Choice(LOCALES),
        "Language of labels and dates (overrides the theme's)",
        flags=("--locale",),
        choices=LOCALES,
    )
    content: str | None = setting(
        "content",
        Text(max_len=1000),
        "Content folder to play (default: the bundled example; on the command line, the first argument)",
        metavar="FOLDER",
    )
    rotate: int = setting(
        "rotate",
        Choice(("0", "90", "180", "270")),
        "Rotation for portrait screens mounted on their side",
        0,
        flags=("--rotate",),
        flag_type=int,
        choices=(0, 90, 180, 270),
        convert=int,
    )
    viewing: dict[str, float] | None = setting(  # {diagonal, distance} in mm, as given
        "viewing",
        viewing_type(),
        "The screen's diagonal and how far it is read from, like {diagonal: 55in, distance: 4m} (over the theme's; with no diagonal, 55 in is assumed and said once): the text floors follow",
        convert=_viewing,
    )
    size: tuple[int, int] | None = setting(
        "size",
        SizeType(),
        "Window size like 1920x1080 (default: the display's)",
        flags=("--size",),
        flag_type=parse_size,
        metavar="WxH",
    )
    windowed: bool = setting(
        "windowed",
        Boolean(),
        "Run in a window instead of fullscreen",
        False,
        flags=("--windowed",),
        action="store_true",
    )
    control: str = setting(
        "control",
        AddressType(),
        "Control API address HOST:PORT, or off",
        DEFAULT_CONTROL,
        flags=("--control",),
        metavar="HOST:PORT",
    )
    token_file: str | None = _path(
        "File holding the control API's bearer token (at least 16 characters)",
        "--token-file",
        key="token_file",
    )
    control_hosts: tuple[str, ...] = setting(
        "control_hosts",
        ListOf(Text(max_len=253), single_ok=True),
        "Host names the control API answers to besides addresses, localhost and this machine's names (DNS-rebinding guard); the flag may be repeated",
        (),
        flags=("--allow-host",),
        action="append",
        metavar="NAME",
        convert=tuple,
    )
    feed: str | None = setting(
        "feed",
        Url(),
        "Remote feed URL (content comes from it instead of a folder)",
        flags=("--feed",),
        metavar="URL",
    )
    feed_credentials: str | None = _path(
        "File holding 'user:password' for the feed's HTTP basic auth",
        "--feed-credentials",
        key="feed_credentials",
    )
    poll_s: float = setting(
        "poll",
        Duration(5, 86400),
        "Feed poll interval in seconds",
        30.0,
        flags=("--poll",),
        flag_type=float,
        metavar="SECONDS",
    )
    health_grace_s: float = setting(
        "health_grace",
        Duration(10, 86400),
        "Seconds an essential part (feed, folder watch, drawing worker…) may stay down before the systemd watchdog heartbeat stops and systemd restarts the player",
        300.0,
        flags=("--health-grace",),
        flag_type=float,
        metavar="SECONDS",
    )
    stall_after_s: float = setting(
        "stall_after",
        Duration(0.5, 600),
        "Seconds without a pass of the render loop (the screen on) that count as a stall: counted in /status health.render, every thread's stack written to the log once",
        2.0,
        flags=("--stall-after",),
        flag_type=float,
        metavar="SECONDS",
    )
    cache: str | None = setting(
        "cache",
        Text(max_len=1000),
        "Feed and programme cache folder (default: the state directory)",
        flags=("--cache",),
        metavar="FOLDER",
    )
    plays: str | None = _path(
        "Proof-of-play log (default: plays.jsonl in the state directory)", "--plays", key="plays"
    )
    display: DisplayHours | None = setting(
        "display",
        _DISPLAY,
        'Display hours: {on: "07:30", off: "20:00", command_on: [...], command_off: [...]}',
        convert=DisplayHours.of,
    )
    accessibility: tuple[str, ...] = setting(
        "accessibility",
        ListOf(Choice(ACCESSIBILITY), single_ok=True),
        "Accessibility profiles: large (every text floor and the header and ticker 25 % larger), high-contrast (the theme's colours become white on black), high-contrast-light (black on white); the layout is kept. The flag may be repeated",
        (),
        flags=("--accessibility",),
        action="append",
        metavar="PROFILE",
        choices=ACCESSIBILITY,
        convert=tuple,
    )
    mqtt: str | None = setting(
        "mqtt",
        Text(max_len=1000),
        "The fleet's MQTT broker, mqtt://[user@]HOST[:PORT] (mqtts:// for TLS); off when not given",
        flags=("--mqtt",),
        metavar="URL",
    )
    mqtt_password_file: str | None = _path(
        "File holding the MQTT user's password", "--mqtt-password-file", key="mqtt_password_file"
    )
    mqtt_insecure: bool = setting(
        "mqtt_insecure",
        Boolean(),
        "Allow a broker off this machine without a user and password (a closed network only)",
        False,
        flags=("--mqtt-insecure",),
        action="store_true",
    )
    mqtt_prefix: str = setting(
        "mqtt_prefix",
        Text(
            max_len=100,
            pattern=r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*",
            pattern_help="topic levels like signage or venue/signage",
        ),
        "Topic prefix of the fleet",
        "signage",
        flags=("--mqtt-prefix",),
        metavar="PREFIX",
    )
    groups: tuple[str, ...] = setting(
        "group",
        ListOf(
            Text(max_len=100, pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*", pattern_help="a group name"),
            single_ok=True,
        ),
        "Groups this screen belongs to (commands to signage/groups/<group>/command reach it); the flag may be repeated",
        (),
        flags=("--group",),
        action="append",
        metavar="GROUP",
        convert=tuple,
    )
    alerts: AlertConfig | None = setting(
        "alerts",
        ALERTS,
        "Public alerts (CAP 1.2) that take over the screen: {sources: [publishers' URLs or folders], area: {lat, lon} or {polygon} or {geocode: [NAME=VALUE]}, min_severity: minor|moderate|severe|extreme (default moderate), show_tests: false, poll: 30s}",
        convert=alert_config,
    )
    video_decoder: str = setting(
        "video_decoder",
        Choice(DECODER_CHOICES),
        "Hardware video decoding: auto (the first of V4L2 M2M, VAAPI, DRM, QSV, CUDA… that decodes on this machine, found when the player starts, else software), software, or one by name; a clip the hardware cannot decode plays in software",
        "auto",
        flags=("--video-decoder",),
        metavar="DECODER",
        choices=DECODER_CHOICES,
    )
    path: str | None = None  # the file it came from (not a setting)


SETTINGS: tuple[Setting, ...] = tuple(
    replace(f.metadata[SETTING], attr=f.name) for f in fields(PlayerConfig) if SETTING in f.metadata
)
BY_KEY = {s.key: s for s in SETTINGS}
CONFIG = Obj(
    {s.key: Field(s.type, default=s.default, doc=s.doc) for s in SETTINGS},
    name="a player configuration",
)


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
    kwargs = {
        s.field: s.convert(values[s.key]) if s.convert else values[s.key]
        for s in SETTINGS
        if values.get(s.key) is not None
    }
    return PlayerConfig(**kwargs, path=shown), report


def settings_table() -> str:
    """The README's table of settings, in Markdown."""
    rows = ["| key in player.yaml | flag of `signage play` | default | what |", "|---|---|---|---|"]
    for s in SETTINGS:
        flags = ", ".join(f"`{f}`" for f in s.flags) or "—"
        default = "—" if s.default in (None, ()) else f"`{s.default}`"
        rows.append(f"| `{s.key}` | {flags} | {default} | {s.doc} |")
    return "\n".join(rows) + "\n"

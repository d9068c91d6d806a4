"""Value types of the schema framework beyond text and numbers: durations, times of day, dates, files of the content folder, colours, time zones, real lengths, screen sizes, addresses and URLs."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

from signage.core.diagnostics import did_you_mean
from signage.core.inside import outside_problem
from signage.core.schema import INVALID, JSON, Ctx, Text, Type, scalar_node, short_text
from signage.core.viewing import Viewing, parse_length, show_length
from signage.core.yamlsrc import scalar_value

_DURATION_RE = re.compile(
    r"(?:(?P<h>\d+(?:\.\d+)?)\s*h)?\s*(?:(?P<m>\d+(?:\.\d+)?)\s*m(?:in)?)?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*s?)?",
    re.IGNORECASE,
)


def parse_duration(text: str) -> float | None:
    """Seconds in ``"8"``, ``"8s"``, ``"1m30s"``, ``"2m"``, ``"1h"``, ``"1.5s"``; None if not."""
    text = text.strip()
    match = _DURATION_RE.fullmatch(text)
    if not text or not match or not any(match.groupdict().values()):
        return None
    hours, minutes, seconds = (float(match.group(g) or 0) for g in ("h", "m", "s"))
    return hours * 3600 + minutes * 60 + seconds


@dataclass
class Duration(Type):
    """Seconds as a number or ``"1m30s"``; values outside the range are clamped with a warning."""

    minimum: float
    maximum: float
    clamp: bool = True
    allow_zero: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return (
            f"a duration from {self.minimum:g} to {self.maximum:g} seconds "
            "(a number of seconds, or like 8s, 1m30s, 2m)"
        )

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not scalar_node(node):
            return self.wrong(node, ctx, path)
        value = scalar_value(node)
        seconds: float | None
        if isinstance(value, bool) or value is None:
            seconds = None
        elif isinstance(value, int | float):
            seconds = float(value)
        else:
            seconds = parse_duration(str(node.value))
        if seconds is None or math.isnan(seconds):
            return self.wrong(node, ctx, path)
        if seconds == 0 and self.allow_zero:
            return 0.0
        if not self.minimum <= seconds <= self.maximum:
            if not self.clamp or seconds < 0:
                return ctx.error(
                    node, path, f"{node.value} is out of range; expected {self.expected}"
                )
            clamped = min(max(seconds, self.minimum), self.maximum)
            ctx.warning(
                node,
                path,
                f"{short_text(str(node.value))} seconds is outside {self.minimum:g}..{self.maximum:g}; "
                f"using {clamped:g}",
            )
            return clamped
        return seconds

    def json_schema(self) -> JSON:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {
                    "type": "string",
                    "pattern": r"^\s*(\d+(\.\d+)?\s*h)?\s*(\d+(\.\d+)?\s*m(in)?)?\s*(\d+(\.\d+)?\s*s?)?\s*$",
                },
            ],
            "description": f"seconds ({self.minimum:g} to {self.maximum:g}), or like 8s, 1m30s",
        }


_TIME_RE = re.compile(r"(\d{1,2})[:h](\d{2})")


class TimeOfDay(Type):
    """``"08:00"`` or ``"8h30"``; ``"24:00"`` means the end of the day."""

    expected = 'a time of day like "08:00" (24-hour clock)'

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not scalar_node(node):
            return self.wrong(node, ctx, path)
        value = scalar_value(node)
        if isinstance(value, int) and not isinstance(value, bool) and ":" in node.value:
            # YAML 1.1 reads an unquoted 8:30 as the sexagesimal number 510.
            text = node.value
        else:
            text = str(node.value).strip()
        match = _TIME_RE.fullmatch(text)
        if not match:
            return self.wrong(node, ctx, path)
        hour, minute = int(match.group(1)), int(match.group(2))
        if (hour, minute) == (24, 0):
            return dt.time.max
        if hour > 23 or minute > 59:
            return ctx.error(node, path, f"'{text}' is not a time of day; expected {self.expected}")
        return dt.time(hour, minute)

    def json_schema(self) -> JSON:
        return {"type": "string", "pattern": r"^\d{1,2}[:h]\d{2}$"}


class Date(Type):
    expected = "a date like 2026-11-30"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not scalar_node(node):
            return self.wrong(node, ctx, path)
        value = scalar_value(node)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(node.value).strip())
        except ValueError:
            return self.wrong(node, ctx, path)

    def json_schema(self) -> JSON:
        return {"type": "string", "format": "date"}


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


@dataclass
class Asset(Type):
    """A file or folder inside the content folder, named relative to it."""

    kind: str = "file"  # "file" | "folder"
    extensions: Sequence[str] = ()
    urls: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        what = f"a {self.kind} in the content folder"
        if self.extensions:
            what += f" ({', '.join(self.extensions)})"
        return what + (" or an http(s) URL" if self.urls else "")

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        text = Text(max_len=2000).check(node, ctx, path)
        if text is INVALID:
            return INVALID
        if self.urls and is_url(text):
            return text
        rel = PurePosixPath(text.replace("\\", "/"))
        if rel.is_absolute() or ".." in rel.parts:
            return ctx.error(
                node,
                path,
                f"'{text}' must be a path inside the content folder (no '..', not absolute)",
            )
        if self.extensions and self.kind == "file" and rel.suffix.lower() not in self.extensions:
            return ctx.error(node, path, f"'{text}' is not {self.expected}")
        if ctx.content_root is None:
            return text
        full = ctx.content_root / rel
        problem = outside_problem(ctx.content_root, Path(rel), self.kind)
        if problem is not None:
            return ctx.error(node, path, problem)
        exists = full.is_dir() if self.kind == "folder" else full.is_file()
        if not exists:
            return ctx.error(
                node, path, f"{self.kind} not found: {text} (looked in {full.resolve()})"
            )
        return str(rel)

    def json_schema(self) -> JSON:
        return {"type": "string", "description": self.expected}


_COLOUR_RE = re.compile(r"#?([0-9a-fA-F]{6})")


class Colour(Type):
    """``"#0c234e"``: a colour as six hex digits."""

    expected = 'a colour like "#0c234e" (quote it: # starts a comment in YAML)'

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not scalar_node(node):
            return self.wrong(node, ctx, path)
        match = _COLOUR_RE.fullmatch(str(node.value).strip())
        if not match:
            return self.wrong(node, ctx, path)
        hexa = match.group(1)
        return tuple(int(hexa[i : i + 2], 16) for i in (0, 2, 4))

    def json_schema(self) -> JSON:
        return {"type": "string", "pattern": "^#?[0-9a-fA-F]{6}$"}


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


@dataclass
class RealLength(Type):
    """A physical length with its unit: ``55in``, ``4m``, ``140cm``, ``1397mm`` (millimetres
    once checked), between ``minimum_mm`` and ``maximum_mm``."""

    what: str
    minimum_mm: float
    maximum_mm: float

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a {self.what} with its unit (in, cm, m or mm), like {self.example}"

    @property
    def example(self) -> str:
        return "55in" if self.what == "diagonal" else "4m"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not scalar_node(node) or isinstance(scalar_value(node), bool):
            return self.wrong(node, ctx, path)
        text = str(node.value)
        try:
            mm = parse_length(text)
        except ValueError:
            bare = re.fullmatch(r"\s*\d+(\.\d+)?\s*", text) is not None
            hint = f" (a number needs its unit: {text.strip()}in? {text.strip()}m?)" if bare else ""
            return ctx.error(node, path, f"'{short_text(text)}' is not {self.expected}{hint}")
        if not self.minimum_mm <= mm <= self.maximum_mm:
            return ctx.error(
                node,
                path,
                f"{text.strip()} is out of range for a {self.what}: from "
                f"{show_length(self.minimum_mm, self.what == 'diagonal')} to "
                f"{show_length(self.maximum_mm, self.what == 'diagonal')}",
            )
        return mm

    def json_schema(self) -> JSON:
        return {
            "type": "string",
            "pattern": r"^\s*\d+(\.\d+)?\s*(mm|cm|m|in)\s*$",
            "description": self.expected,
        }


DIAGONAL = RealLength("diagonal", 100.0, 10_000.0)  # 4 in (a tablet) to 10 m (a wall)
DISTANCE = RealLength("distance", 300.0, 100_000.0)  # 30 cm to 100 m


def viewing_type() -> Any:
    """``viewing: {diagonal: 55in, distance: 4m}``: the screen and how far it is read from
    (theme.yaml and player.yaml)."""
    from signage.core.schema import Field, Obj

    return Obj(
        {
            "diagonal": Field(
                DIAGONAL, doc="The panel's diagonal, like 55in or 140cm (default 55in)"
            ),
            "distance": Field(
                DISTANCE, doc="How far people read it from, like 4m (default 4m; door layouts 2m)"
            ),
        },
        name="viewing like {diagonal: 55in, distance: 4m}",
    )


def viewing_of(values: dict[str, Any] | None, under: Viewing | None = None) -> Viewing:
    """A checked ``viewing:`` mapping over ``under`` (the theme's, else the defaults)."""
    base = under or Viewing()
    if not values:
        return base
    diagonal = values.get("diagonal")
    distance = values.get("distance")
    return Viewing(
        diagonal if diagonal is not None else base.diagonal_mm,
        distance if distance is not None else base.distance_mm,
        base.assumed and diagonal is None,
    )


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

"""The player's settings as command-line flags: ``signage play`` has every one that has a
flag, ``signage fleet`` the broker's, ``render`` and ``check`` the viewing's halves; the
flags go over player.yaml (:func:`merge`). Declared in :mod:`signage.player.config`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from signage.core.values import DIAGONAL, DISTANCE
from signage.core.viewing import parse_length
from signage.player.config import BY_KEY, SETTINGS, PlayerConfig


def add_flags(parser: Any, keys: tuple[str, ...] | None = None, required: bool = False) -> None:
    """The settings' flags on an argparse parser: every one (``signage play``), or those of
    ``keys`` (``signage fleet`` shares the broker's four; ``required``: the first of them
    must be given). A flag not given is None: see :func:`flag_value`."""
    for setting in SETTINGS:
        if not setting.flags or (keys is not None and setting.key not in keys):
            continue
        options: dict[str, Any] = {"dest": setting.field, "help": setting.doc, "default": None}
        if required and keys is not None and setting.key == keys[0]:
            options["required"] = True
        if setting.action is not None:
            options["action"] = setting.action
        else:
            options["type"] = setting.flag_type or str
        if setting.metavar and setting.action != "store_true":
            options["metavar"] = setting.metavar
        if setting.choices is not None:
            options["choices"] = setting.choices
        parser.add_argument(*setting.flags, **options)


def flag_value(args: Any, key: str) -> Any:
    """A setting's flag as given, else the setting's default (outside ``signage play``,
    where no player.yaml comes under the flags)."""
    setting = BY_KEY[key]
    value = getattr(args, setting.field, None)
    return setting.default if value is None else value


def add_viewing_flags(parser: Any) -> None:
    """``--diagonal`` and ``--distance``: the ``viewing`` setting's two halves, on ``play``,
    ``render`` and ``check`` (over player.yaml's and the theme's)."""
    parser.add_argument(
        "--diagonal", type=_length(DIAGONAL), metavar="LENGTH",
        help="the screen's diagonal, like 55in or 140cm (viewing.diagonal)",
    )  # fmt: skip
    parser.add_argument(
        "--distance", type=_length(DISTANCE), metavar="LENGTH",
        help="how far the screen is read from, like 4m (viewing.distance)",
    )  # fmt: skip


def _length(kind: Any) -> Callable[[str], float]:
    def parse(text: str) -> float:
        mm = parse_length(text)  # ValueError: argparse says "invalid value"
        if not kind.minimum_mm <= mm <= kind.maximum_mm:
            raise ValueError(text)
        return mm

    parse.__name__ = kind.what  # argparse: "invalid distance value: '4'"
    return parse


def viewing_given(config: PlayerConfig | None, args: Any) -> dict[str, float]:
    """The viewing the file and the flags give (flags win), in mm; empty when neither does."""
    given = dict(config.viewing or {}) if config is not None else {}
    for key in ("diagonal", "distance"):
        if getattr(args, key, None) is not None:
            given[key] = getattr(args, key)
    return given


def merge(config: PlayerConfig | None, args: Any) -> PlayerConfig:
    """The configuration with the flags given on the command line over it."""
    merged = config or PlayerConfig()
    changes: dict[str, Any] = {}
    for setting in SETTINGS:
        value = getattr(args, setting.field, None) if setting.flags else None
        if value is None or value is False:
            continue
        if setting.action == "append":  # flags add to the file's list
            value = tuple(value) + tuple(getattr(merged, setting.field))
        changes[setting.field] = value
    viewing = viewing_given(config, args)
    if viewing:
        changes["viewing"] = viewing
    return replace(merged, **changes)

"""What every command shares: exit codes, the bundled example, the player's config and
content loaded for a command, logging, tokens."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from signage.player.config import PlayerConfig as PlayerConfigT

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def bundled_content() -> Path:
    """The example content folder: the repository's top level, shipped in wheels as the
    package ``signage.example`` (a non-editable install once looked for it in site-packages
    and played nothing)."""
    import importlib

    try:  # a namespace package (no __init__.py in the content folder): its __path__
        places = [Path(p) for p in importlib.import_module("signage.example").__path__]
    except ModuleNotFoundError:
        places = []
    for place in places:
        if (place / "playlists").is_dir():
            return place
    return Path(__file__).resolve().parents[2]  # a source checkout run without installing


def shown_path(path: Path) -> str:
    """The path as a technician would type it: relative when under the current folder."""
    try:
        shown = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path.resolve()) if shown.startswith("..") else shown


def as_configured(
    content: Any, config: PlayerConfigT | None, locale: str | None, args: Any = None
) -> Any:
    """The content as this screen would show it: locale override, accessibility profiles,
    the screen's viewing (player.yaml's, ``--diagonal`` and ``--distance`` in ``args`` over it)."""
    from dataclasses import replace

    from signage.content.theme import with_profiles
    from signage.player.flags import viewing_given

    locale = locale or (config.locale if config else None)
    if locale:
        content = replace(content, theme=replace(content.theme, locale=locale))
    profiles = config.accessibility if config is not None else ()
    viewing = viewing_given(config, args)
    if profiles or viewing:
        content = replace(content, theme=with_profiles(content.theme, profiles, viewing))
    return content


def programme_services(content: Any, zone: Any, screen: tuple[int, int] = (1920, 1080)) -> Any:
    """What schedule and news slides read, fetched as the player would have (remote
    programmes and live sources downloaded once, or their cache; speakers' photos)."""
    from signage.core.paths import state_dir
    from signage.live.hub import LiveHub, wants_of
    from signage.programme.fetch import Fetcher, credentials_of, sources_of
    from signage.programme.store import ProgrammeServices

    cache = state_dir()
    fetcher = Fetcher(cache, zone=zone)
    urls, files = sources_of(content)
    fetcher.set_sources(urls, files, credentials_of(content))
    for url in urls:  # a preview downloads what the player would have downloaded
        fetcher.fetch(url)
    for path in files:
        fetcher.local(path)
    live = LiveHub(cache, screen=screen)  # a web page's default viewport: the screen's
    live.set_sources(wants_of(content))
    for source in wants_of(content):  # a preview shows what the screen would
        live.fetch(source)
    return ProgrammeServices.of(
        content, str(cache), parsed=fetcher.store.snapshot(), live=live.feeds()
    )


def zone_for(
    args: argparse.Namespace, config: PlayerConfigT | None, content_zone: str | None = None
) -> Any:
    """``--tz``, else the configuration's zone, else the content's, else the machine's."""
    from signage.core.clock import venue_zone

    name = getattr(args, "tz", None) or (config.timezone if config else None)
    return venue_zone(name, content_zone)


def load_player_config(args: argparse.Namespace) -> tuple[PlayerConfigT | None, int]:
    """The configuration file (``--config`` or /etc/signage/player.yaml when it exists)."""
    from signage.player.config import DEFAULT_CONFIG, load_config

    path: Path | None = args.config
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    if path is None:
        return None, EXIT_OK
    if not path.exists():
        print(f"{path}: error: configuration file not found", file=sys.stderr)
        return None, EXIT_INVALID
    config, report = load_config(path)
    for diagnostic in report.sorted():
        print(diagnostic.format(), file=sys.stderr)
    return config, (EXIT_OK if config is not None else EXIT_INVALID)


def load_content_or_report(root: Path) -> Any:
    from signage.content.folder import load_content

    content, report = load_content(root, show=shown_path)
    for diagnostic in report.sorted():
        print(diagnostic.format(), file=sys.stderr)
    return content


def setup_logging(level: int) -> None:
    """Log lines to stderr, with passwords taken out of any URL they quote."""
    import logging

    from signage.core.urls import RedactingFilter

    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())


def read_token(path: str | None) -> str | None:
    """The control API's bearer token from its file; ValueError when it cannot be used."""
    from signage.core.urls import read_token as read

    return None if path is None else read(Path(path))

"""The frame around slides, per content folder: ``theme.yaml`` (colours, fonts, logo, header)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

from signage.content.layout import LAYOUT_FIELDS, layouts_of
from signage.content.model import Content, Layouts
from signage.core.colour import MIN_CONTRAST, contrast, readable
from signage.core.diagnostics import Report
from signage.core.i18n import LOCALES
from signage.core.model import BUNDLED_BOLD, BUNDLED_REGULAR, Colours, Theme, TickerFeed
from signage.core.schema import INVALID, AnyOf, Boolean, Choice, Ctx, Field, ListOf, Obj, Text
from signage.core.values import Asset, Colour, TimeZone, viewing_of, viewing_type
from signage.core.yamlsrc import YamlFailure
from signage.core.yamlsrc import load as load_yaml
from signage.slides.news import TICKER_FEED

FONT_EXTENSIONS = (".ttf", ".otf", ".ttc")


_COLOURS = Obj(
    {
        name: Field(Colour(), doc=f"{name} colour")
        for name in ("background", "text", "muted", "accent", "panel", "header")
    },
    name='colours like {background: "#0c234e", accent: "#ff8c28"}',
)

_FONT = Text(max_len=300)

THEME = Obj(
    {
        "venue": Field(Text(max_len=200), doc="Venue name, shown in the header and fallback slide"),
        "locale": Field(Choice(LOCALES), default="fr", doc="Language of labels and dates"),
        "timezone": Field(
            TimeZone(),
            doc="The venue's time zone, e.g. Europe/Paris: the clock, the programme and the "
            "when windows use it unless the screen's configuration sets one",
        ),
        "colours": Field(_COLOURS, doc='Colours as "#rrggbb"'),
        "fonts": Field(
            Obj(
                {
                    "regular": Field(_FONT, doc="Font file in the content folder, or family name"),
                    "bold": Field(_FONT, doc="Font file in the content folder, or family name"),
                },
                name='fonts like {regular: assets/fonts/x.ttf, bold: "Open Sans Bold"}',
            ),
            doc="Fonts; the bundled DejaVu Sans is used when one cannot be found",
        ),
        "logo": Field(Asset("file", (".png", ".jpg", ".jpeg", ".webp")), doc="Logo in the header"),
        "header": Field(Boolean(), default=True, doc="Show the header (logo, venue, clock)"),
        "clock": Field(Boolean(), default=True, doc="Show the clock in the header"),
        "ticker": Field(
            ListOf(
                AnyOf((Text(max_len=500), TICKER_FEED), "a message, or a feed like {source: URL}"),
                single_ok=True,
            ),
            doc="Messages scrolling in a footer; an entry {source: URL or feed file, items, "
            "max_age, poll} scrolls the newest titles of a news feed",
        ),
        "viewing": Field(
            viewing_type(),
            doc="The screen's diagonal and how far it is read from, like {diagonal: 55in, "
            "distance: 4m}: the text floors follow (a screen's player.yaml may say its own)",
        ),
        **LAYOUT_FIELDS,
    },
    name="a theme",
    doc="signage theme.yaml",
)


def find_font(spec: str | None, root: Path, fallback: Path, report: Report, display: str) -> str:
    """A font file for ``spec``: a file in the content folder, else a family name via fontconfig."""
    if not spec:
        return str(fallback)
    candidate = root / spec
    if candidate.suffix.lower() in FONT_EXTENSIONS:
        if candidate.is_file():
            return str(candidate)
        report.add_warning(display, f"font file not found: {spec}; using the bundled font")
        return str(fallback)
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(
                [fc_match, "--format=%{file}", spec],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        # fc-match always answers something; accept it only when the family matches.
        if found and Path(found).is_file() and _family_matches(spec, found):
            return found
    report.add_warning(display, f"font family not found: {spec}; using the bundled font")
    return str(fallback)


def _family_matches(spec: str, path: str) -> bool:
    words = [w for w in spec.lower().replace("-", " ").split() if w not in ("bold", "regular")]
    name = Path(path).stem.lower().replace("-", "").replace("_", "")
    return all(w in name for w in words)


def load_theme(root: Path) -> tuple[Theme, Report]:
    """The content folder's theme; defaults when there is no theme.yaml."""
    theme, _, report = load_theme_file(root)
    return theme, report


def _checked(root: Path, report: Report) -> Any:
    """theme.yaml's validated values; INVALID when it is absent or wrong (``report`` says)."""
    path = root / "theme.yaml"
    if not path.exists():
        return INVALID
    try:
        source = load_yaml(path, "theme.yaml", what="theme")
    except YamlFailure as failure:
        report.add(failure.diagnostic)
        return INVALID
    return THEME.check(source.root, Ctx("theme.yaml", report, root), "")


def timezone_of(root: Path) -> str | None:
    """theme.yaml's time zone alone (what a naive ``--at`` means before the content loads),
    without resolving fonts (fontconfig) or anything else."""
    values = _checked(root, Report())
    return None if values is INVALID else values.get("timezone")


def _ticker_entry(entry: Any) -> str | TickerFeed:
    """A ticker's message as written, or a feed read into a :class:`TickerFeed`."""
    if isinstance(entry, str):
        return entry
    return TickerFeed(entry["source"], entry["items"], entry.get("max_age"), entry["poll"])


def load_theme_file(root: Path) -> tuple[Theme, Layouts | None, Report]:
    """The content folder's theme and its default layout; defaults when there is no theme.yaml."""
    report = Report()
    values = _checked(root, report)
    if values is INVALID:
        return Theme(), None, report
    given = values.get("colours")
    colours = Colours(**{k: v for k, v in given.values.items() if v}) if given else Colours()
    fonts = values.get("fonts")
    regular = find_font(fonts and fonts.get("regular"), root, BUNDLED_REGULAR, report, "theme.yaml")
    bold = find_font(fonts and fonts.get("bold"), root, BUNDLED_BOLD, report, "theme.yaml")
    logo = values.get("logo")
    for problem in contrast_problems(colours):
        report.add_warning("theme.yaml", problem)
    return (
        Theme(
            venue=values.get("venue", ""),
            locale=values["locale"],
            colours=colours,
            font_regular=regular,
            font_bold=bold,
            logo=str((root / logo).resolve()) if logo else None,
            header=values["header"],
            clock=values["clock"],
            ticker=tuple(_ticker_entry(entry) for entry in values.get("ticker") or ()),
            timezone=values.get("timezone"),
            viewing=viewing_of(values.get("viewing")),
        ),
        layouts_of(values),
        report,
    )


# White on black, black on white: every text colour at least 7:1 on its background.
HIGH_CONTRAST = Colours(
    background=(0, 0, 0), text=(255, 255, 255), muted=(215, 215, 215),
    accent=(255, 221, 0), panel=(28, 28, 28), header=(0, 0, 0),
)  # fmt: skip
HIGH_CONTRAST_LIGHT = Colours(
    background=(255, 255, 255), text=(0, 0, 0), muted=(55, 55, 55),
    accent=(0, 60, 150), panel=(236, 236, 236), header=(255, 255, 255),
)  # fmt: skip


LARGE_SCALE = 1.25  # the ``large`` profile raises every text floor by a quarter


def with_profiles(
    theme: Theme, profiles: tuple[str, ...], viewing: dict[str, float] | None = None
) -> Theme:
    """The theme for a screen's accessibility profiles: ``high-contrast`` (white on black)
    or ``high-contrast-light`` (black on white) replace its colours, keeping its layout;
    ``large`` raises every text floor (and the header and ticker with them) by 25 %.
    ``viewing`` (the screen's diagonal and distance in mm, from player.yaml or flags) goes
    over the theme's."""
    if viewing:
        theme = replace(theme, viewing=viewing_of(viewing, theme.viewing))
    if "large" in profiles:
        theme = replace(theme, text_scale=LARGE_SCALE)
    if "high-contrast-light" in profiles:
        return replace(theme, colours=HIGH_CONTRAST_LIGHT)
    if "high-contrast" in profiles:
        return replace(theme, colours=HIGH_CONTRAST)
    return theme


def for_screen(
    content: Content, profiles: tuple[str, ...], viewing: dict[str, float] | None
) -> Content:
    """``content`` with its theme as this screen shows it (see :func:`with_profiles`)."""
    return replace(content, theme=with_profiles(content.theme, profiles, viewing))


# The colour pairs a theme draws text with (foreground, background), and what they are for.
TEXT_PAIRS = (
    ("text", "background", "text"),
    ("muted", "background", "secondary text"),
    ("accent", "background", "labels and highlights"),
    ("text", "panel", "text on panels"),
    ("muted", "panel", "secondary text on panels"),
    ("text", "header", "the header's clock and venue"),
)


def hex_colour(colour: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def contrast_problems(colours: Colours) -> list[str]:
    """Each text colour pair under MIN_CONTRAST, with its ratio and a suggested colour."""
    problems = []
    for fg_name, bg_name, what in TEXT_PAIRS:
        fg, bg = getattr(colours, fg_name), getattr(colours, bg_name)
        ratio = contrast(fg, bg)
        if ratio < MIN_CONTRAST:
            problems.append(
                f"colours.{fg_name} {hex_colour(fg)} on colours.{bg_name} {hex_colour(bg)} "
                f"({what}) has a contrast of {ratio:.2f}:1, under {MIN_CONTRAST}:1; "
                f'for example {fg_name}: "{hex_colour(readable(fg, bg))}"'
            )
    return problems

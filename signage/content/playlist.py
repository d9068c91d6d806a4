"""The playlist format: its schema, and loading a playlist file into a frozen model."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from signage.content.layout import LAYOUT_FIELDS, layouts_of
from signage.content.model import Playlist
from signage.core.diagnostics import Diagnostic, Report, did_you_mean, one_of
from signage.core.model import DAY_NAMES, Transition, When
from signage.core.schema import (
    INVALID,
    AnyOf,
    Boolean,
    Choice,
    Ctx,
    Field,
    Integer,
    ListOf,
    Located,
    Obj,
    Text,
    Type,
    join,
)
from signage.core.values import Date, Duration, TimeOfDay
from signage.core.yamlsrc import Source, YamlFailure, mark_of, scalar_value
from signage.core.yamlsrc import load as load_yaml
from signage.slides import Common, Slide, kinds

MIN_DURATION_S = 1.0
MAX_DURATION_S = 24 * 3600.0
DEFAULT_DURATION_S = 10.0

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"

_DAY_ALIASES = {
    **{
        name: short
        for short, name in zip(
            DAY_NAMES,
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
            strict=True,
        )
    },
    **{
        fr: short
        for short, fr in zip(
            DAY_NAMES, ("lun", "mar", "mer", "jeu", "ven", "sam", "dim"), strict=True
        )
    },
    **{
        fr: short
        for short, fr in zip(
            DAY_NAMES,
            ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
            strict=True,
        )
    },
}

TRANSITIONS = ("cut", "fade", "slide")

TRANSITION = AnyOf(
    (
        Choice(TRANSITIONS),
        Obj(
            {
                "type": Field(Choice(TRANSITIONS), required=True, doc="cut, fade or slide"),
                "duration": Field(
                    Duration(0.05, 5.0), default=0.8, doc="Length of the transition in seconds"
                ),
            },
            name="a transition like {type: fade, duration: 0.8}",
        ),
    ),
    expected_text="cut, fade, slide, or {type: fade, duration: 0.8}",
)


def _check_window(values: Located, node: yaml.MappingNode, ctx: Ctx, path: str) -> None:
    start, end = values.get("start"), values.get("end")
    if start and end and end < start:
        ctx.error(node, join(path, "end"), f"end {end} is before start {start}")


WHEN = Obj(
    {
        "days": Field(
            ListOf(Choice(DAY_NAMES, _DAY_ALIASES), min_items=1, single_ok=True),
            doc="Weekdays: mon, tue, wed, thu, fri, sat, sun",
        ),
        "from": Field(TimeOfDay(), doc='Start time of day, e.g. "08:00"'),
        "to": Field(TimeOfDay(), doc='End time of day (exclusive), e.g. "18:30"'),
        "start": Field(Date(), doc="First date, e.g. 2026-11-30"),
        "end": Field(Date(), doc="Last date (inclusive)"),
    },
    name='a time window like {days: [mon], from: "08:00", to: "18:30"}',
    doc="When this plays; every key is optional",
    checks=[_check_window],
)

DURATION = Duration(MIN_DURATION_S, MAX_DURATION_S)
AUTO = "auto"
WORDS_PER_S = 3.0  # a passer-by reads about three words a second ...
READ_MARGIN_S = 2.0  # ... after two seconds to find the text


def reading_seconds(text: str | int) -> float:
    """The time needed to read ``text`` (or that many words) on a screen: about 3 words a
    second plus 2 s."""
    words = text if isinstance(text, int) else len(text.split())
    return float(math.ceil(words / WORDS_PER_S + READ_MARGIN_S))


class SlideDuration(Type):
    """A slide's duration, or ``auto``: the time its text takes to read."""

    expected = 'a duration like 8, "8s", "1m30s", or auto'

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if isinstance(node, yaml.ScalarNode) and str(node.value).strip().lower() == AUTO:
            return AUTO
        return DURATION.check(node, ctx, path)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"const": AUTO}, DURATION.json_schema()]}


COMMON_FIELDS: dict[str, Field] = {
    "type": Field(Text(), required=True, doc="The kind of slide"),
    "id": Field(
        Text(pattern=ID_PATTERN, pattern_help="an id of letters, digits, '-', '_' or '.'"),
        doc="Unique in the playlist; used by the control API (/show/ID)",
    ),
    "duration": Field(
        SlideDuration(),
        doc='Seconds on screen: 8, "8s", "1m30s", or auto (the time its text takes to read: '
        "about 3 words a second plus 2 s, at least the playlist default)",
    ),
    "transition": Field(TRANSITION, doc="How this slide comes in: cut, fade or slide"),
    "when": Field(WHEN, doc="Only show this slide in this window"),
    "overflow": Field(
        Choice(("page", "cut")),
        default="page",
        doc="Text that does not fit at its floor: page (shown in pages in turn, the slide "
        "held until every page is read; the default) or cut (cut with an ellipsis; check "
        "says what was cut)",
    ),
}


class SlideType(Type):
    """A slide: a mapping whose ``type`` picks the kind, and so the allowed keys."""

    expected = "a slide (a mapping with a 'type')"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, ctx, path)
        registry = kinds()
        type_node = next(
            (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "type"),
            None,
        )
        if type_node is None:
            return ctx.error(node, join(path, "type"), f"is required: one of {one_of(registry)}")
        word = (
            str(type_node.value).strip().lower() if isinstance(type_node, yaml.ScalarNode) else ""
        )
        kind = registry.get(word)
        if kind is None:
            hint = did_you_mean(word, registry)
            return ctx.error(
                type_node,
                join(path, "type"),
                f"unknown slide type '{word}'{hint}; expected one of {one_of(registry)}",
            )
        values = Obj.check_items(node, ctx, path, {**COMMON_FIELDS, **kind.fields})
        if values is INVALID:
            return INVALID
        if said := kind.problem(values, f"a {kind.type} slide"):
            return ctx.error(node, path, said)
        return (kind, Located(values, *mark_of(node)))

    def json_schema(self) -> dict[str, Any]:
        options = []
        for kind in kinds().values():
            props = {**COMMON_FIELDS, **kind.fields}
            schema = Obj(props, doc=kind.doc).json_schema()
            schema["properties"]["type"] = {"const": kind.type, "description": kind.doc}
            options.append(schema)
        return {"oneOf": options}


PLAYLIST = Obj(
    {
        "name": Field(Text(max_len=200), required=True, doc="Name shown in status and logs"),
        "screens": Field(
            ListOf(Text(max_len=100), single_ok=True),
            doc="Screen ids that play this playlist; default every screen",
        ),
        "priority": Field(Integer(-1000, 1000), default=0, doc="The highest active priority wins"),
        "when": Field(WHEN, doc="When this playlist is active; default always"),
        "sync": Field(
            Boolean(),
            default=False,
            doc="Walls in step: slides start on the wall clock, the cycle counted from midnight in the content's time zone, so every screen playing this playlist changes at the same instant (screens must run NTP)",
        ),
        "defaults": Field(
            Obj(
                {
                    "duration": Field(
                        DURATION, default=DEFAULT_DURATION_S, doc="Seconds per slide"
                    ),
                    "transition": Field(TRANSITION, default="fade", doc="cut, fade or slide"),
                },
                name="defaults like {duration: 10, transition: fade}",
            ),
            doc="Values for every slide that does not set its own",
        ),
        "slides": Field(
            ListOf(SlideType(), min_items=1, max_items=5000),
            required=True,
            doc="The slides, played in order",
        ),
        **LAYOUT_FIELDS,
    },
    name="a playlist (a mapping with name and slides)",
    doc="A signage playlist",
)


def _when(values: Located | None) -> When | None:
    if values is None:
        return None
    days = values.get("days")
    return When(
        days=frozenset(DAY_NAMES.index(d) for d in days) if days else None,
        from_time=values.get("from"),
        to_time=values.get("to"),
        start=values.get("start"),
        end=values.get("end"),
    )


def _transition(value: Any, fallback: Transition) -> Transition:
    if value is None:
        return fallback
    if isinstance(value, str):
        return Transition(value, 0.0 if value == "cut" else fallback.duration_s)
    return Transition(value["type"], value["duration"])


def _check_ids(slides_node: yaml.Node, ctx: Ctx) -> None:
    seen: dict[str, int] = {}
    if not isinstance(slides_node, yaml.SequenceNode):
        return
    for i, item in enumerate(slides_node.value):
        if not isinstance(item, yaml.MappingNode):
            continue
        for key, value in item.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == "id"
                and isinstance(value, yaml.ScalarNode)
            ):
                ident = str(scalar_value(value))
                if ident in seen:
                    ctx.error(
                        value,
                        f"slides[{i}].id",
                        f"id '{ident}' is already used by slides[{seen[ident]}]; ids must be unique",
                    )
                else:
                    seen[ident] = i


def build_playlist(source: Source, ctx: Ctx) -> Playlist | None:
    """Validate a composed playlist and build it; errors go to ``ctx.report``."""
    values = PLAYLIST.check(source.root, ctx, "")
    if isinstance(source.root, yaml.MappingNode):
        for key, value in source.root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "slides":
                _check_ids(value, ctx)
    if values is INVALID or not ctx.report.ok:
        return None
    defaults = values.get("defaults")
    default_duration = defaults["duration"] if defaults else DEFAULT_DURATION_S
    default_transition = _transition(defaults["transition"] if defaults else "fade", Transition())
    stem = Path(source.display).stem
    slides: list[Slide] = []
    for index, (kind, slide) in enumerate(values["slides"]):
        given = slide.get("duration")
        common = Common(
            id=slide.get("id"),
            duration_s=default_duration if given in (None, AUTO) else given,
            transition=_transition(slide.get("transition"), default_transition),
            when=_when(slide.get("when")),
            origin=f"{source.display}:{slide.line}",
            overflow=slide.get("overflow") or "page",
        )
        errors_before = len(ctx.report.errors)
        built = kind.make(common, slide, ctx, f"{stem}-{index + 1}")
        built = _timed(built, given, default_duration, ctx, slide, index)
        if not built and len(ctx.report.errors) == errors_before:  # not already said why
            ctx.error(
                _slide_node(source.root, index),
                f"slides[{index}]",
                "makes no slides (is the folder empty?)",
            )
        slides.extend(built)
    if len(ctx.report.errors) > 0:  # a kind's build may report (an empty folder)
        return None
    return Playlist(
        name=values["name"],
        path=source.display,
        slides=tuple(slides),
        screens=tuple(values.get("screens") or ()),
        priority=values["priority"],
        when=_when(values.get("when")),
        layouts=layouts_of(values),
        sync=values["sync"],
    )


def _timed(
    built: list[Slide], given: Any, default: float, ctx: Ctx, slide: Located, index: int
) -> list[Slide]:
    """``duration: auto``: each slide on screen for the time its text takes to read (at
    least the playlist's default); a fixed duration shorter than that is warned about."""
    timed = []
    for one in built:
        natural = one.natural_s()
        if natural is not None and given in (None, AUTO):  # a video: its own length
            # its clock starts when the transition into it ends: the whole clip is seen
            lead = one.transition.duration_s if one.transition.kind != "cut" else 0.0
            duration = min(MAX_DURATION_S, max(MIN_DURATION_S, natural + lead))
            timed.append(replace(one, duration_s=duration))
            continue
        if natural is not None and given < natural - 0.5:
            ctx.report.add(
                Diagnostic(
                    ctx.display, slide.line, slide.col,
                    f"{given:g} s cuts the clip, which plays {natural:.1f} s; "
                    "leave duration out (or auto) to play it whole",
                    f"slides[{index}].duration", "warning",
                )
            )  # fmt: skip
            timed.append(one)
            continue
        text = one.reading()
        needed = reading_seconds(text) if text.strip() else 0.0
        if given == AUTO:
            duration = min(MAX_DURATION_S, max(default, needed))
            timed.append(replace(one, duration_s=duration, auto_duration=True))
            continue
        if given is not None and needed > given:
            ctx.report.add(
                Diagnostic(
                    ctx.display, slide.line, slide.col,
                    f"{given:g} s is shorter than the {needed:g} s needed to read it "
                    f"({len(text.split())} words: about 3 a second plus 2 s); use duration: auto",
                    f"slides[{index}].duration", "warning",
                )
            )  # fmt: skip
        # a duration the author fixed: text in pages shares it (see draw.pages)
        timed.append(replace(one, fixed_duration=True) if given is not None else one)
    return timed


def _slide_node(root: yaml.Node, index: int) -> yaml.Node:
    for key, value in root.value:
        if key.value == "slides":
            node: yaml.Node = value.value[index]
            return node
    return root


def load_playlist(
    path: Path, content_root: Path | None, display: str | None = None
) -> tuple[Playlist | None, Report]:
    """Load one playlist file. Returns the playlist (or None) and every diagnostic."""
    report = Report()
    shown = display or str(path)
    try:
        source = load_yaml(path, shown, what="playlist")
    except YamlFailure as failure:
        report.add(failure.diagnostic)
        return None, report
    ctx = Ctx(shown, report, content_root)
    return build_playlist(source, ctx), report

"""Screen layouts: named regions placed in % or px, each showing a playlist or a widget.

``layout:`` (both orientations) or ``layouts: {landscape: ..., portrait: ...}`` in
``theme.yaml`` (the screen's default) or in a playlist (while it is the active one).
A region is ``{name, x, y, w, h, z}`` and either ``playlist: NAME`` or ``widget: KIND``
with that widget's keys. Checked here: lengths, names, one source per region, a known
widget (did-you-mean), regions inside the screen, overlaps only with different ``z``.
Whether a named playlist exists is checked with the whole folder (``resolve_playlists``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import yaml

from signage.content.model import Content, Layout, Layouts, Length, Playlist, Region
from signage.core.diagnostics import Diagnostic, Report, did_you_mean, one_of
from signage.core.model import Transition
from signage.core.schema import INVALID, Ctx, Field, Integer, ListOf, Located, Obj, Text, Type, join
from signage.core.values import DISTANCE
from signage.core.yamlsrc import mark_of, scalar_value
from signage.slides import Common, kinds

# widget name -> the slide kind that draws it (a widget is a one-slide playlist of it)
WIDGETS = {
    "clock": "clock",
    "ticker": "ticker",
    "room": "schedule",
    "image": "photo",
    "text": "text",
    "qr": "qr",
}
WIDGET_DURATION_S = 24 * 3600.0  # a widget's slide never ends; clocks redraw through valid_until
MAX_REGIONS = 16
# The sizes regions are checked against (off screen, overlaps), per orientation.
REFERENCE = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
_LENGTH_RE = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*(%|px)?\s*", re.IGNORECASE)
REGION_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}"


class LengthType(Type):
    expected = "a length in % or px of the screen, like 68% or 600"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not isinstance(node, yaml.ScalarNode) or isinstance(scalar_value(node), bool):
            return self.wrong(node, ctx, path)
        match = _LENGTH_RE.fullmatch(str(node.value))
        if match is None:
            return ctx.error(node, path, f"'{node.value}' is not {self.expected}")
        value = float(match.group(1))
        percent = (match.group(2) or "").lower() == "%"
        if value < 0:
            return ctx.error(node, path, f"is negative ({node.value}); regions start at 0")
        if percent and value > 100:
            return ctx.error(node, path, f"is {node.value}: more than the whole screen")
        return Length(value, percent)

    def json_schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(%|px)?\s*$"},
            ],
            "description": self.expected,
        }


_ZERO, _FULL = Length(0, True), Length(100, True)

REGION_FIELDS: dict[str, Field] = {
    "name": Field(
        Text(pattern=REGION_NAME, pattern_help="a region name of letters, digits, '-' or '_'"),
        required=True,
        doc="The region's name (main, sidebar, clock, ...): status, proof of play, errors",
    ),
    "x": Field(LengthType(), default=_ZERO, doc="Left edge, in % of the screen's width or px"),
    "y": Field(LengthType(), default=_ZERO, doc="Top edge, in % of the screen's height or px"),
    "w": Field(LengthType(), default=_FULL, doc="Width, in % of the screen's width or px"),
    "h": Field(LengthType(), default=_FULL, doc="Height, in % of the screen's height or px"),
    "z": Field(Integer(-100, 100), doc="Stacking order: a higher z is drawn over a lower one"),
    "playlist": Field(
        Text(max_len=200), doc="The playlist this region plays: its file name (no .yaml) or name"
    ),
    "widget": Field(Text(max_len=40), doc=f"A widget: {', '.join(WIDGETS)}"),
    "distance": Field(
        DISTANCE,
        doc="How far this region is read from, like 2m (default: the theme's viewing distance; "
        "2 m in a layout with a room widget, a door sign): its text floors follow",
    ),
}


class RegionType(Type):
    """A region: its place, and ``playlist`` or ``widget`` with that widget's own keys."""

    expected = "a region like {name: main, x: 0, y: 8%, w: 68%, h: 84%, playlist: accueil}"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, ctx, path)
        widget_node = next(
            (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "widget"),
            None,
        )
        fields = dict(REGION_FIELDS)
        kind = None
        if widget_node is not None:
            word = (
                str(widget_node.value).strip().lower()
                if isinstance(widget_node, yaml.ScalarNode)
                else ""
            )
            if word not in WIDGETS:
                hint = did_you_mean(word, WIDGETS)
                return ctx.error(
                    widget_node,
                    join(path, "widget"),
                    f"unknown widget '{word}'{hint}; expected one of {one_of(WIDGETS)}",
                )
            kind = kinds()[WIDGETS[word]]
            fields.update({k: v for k, v in kind.fields.items() if k not in fields})
        values = Obj.check_items(node, ctx, path, fields)
        if values is INVALID:
            return INVALID
        if (values.get("playlist") is None) == (values.get("widget") is None):
            return ctx.error(
                node, path, f"region '{values['name']}' needs either playlist: NAME or widget: KIND"
            )
        line, col = mark_of(node)
        slide = None
        if kind is not None:
            word = str(values["widget"]).lower()
            if word == "room":
                values["room"] = values.get("room") or "auto"
                values["view"] = values.get("view") or "room"
            if said := kind.problem(values, f"a {word} widget"):
                return ctx.error(node, path, said)
            common = Common(
                id=values["name"],
                duration_s=WIDGET_DURATION_S,
                transition=Transition("cut", 0.0),
                when=None,
                origin=f"{ctx.display}:{line}",
            )
            built = kind.make(common, Located(values, line, col), ctx, values["name"])
            slide = built[0] if built else None
            values["widget"] = word
        return Region(
            name=values["name"], x=values["x"], y=values["y"], w=values["w"], h=values["h"],
            z=values["z"] if values.get("z") is not None else 0, playlist=values.get("playlist"),
            widget=values.get("widget"), slide=slide, origin=f"{ctx.display}:{line}:{col}",
            line=line, col=col, path=path, distance_mm=values.get("distance"),
        )  # fmt: skip

    def json_schema(self) -> dict[str, Any]:
        options = [
            {**Obj(REGION_FIELDS).json_schema(), "required": ["name", "playlist"]},
        ]
        for widget, kind_type in WIDGETS.items():
            kind = kinds()[kind_type]
            schema = Obj({**REGION_FIELDS, **kind.fields}).json_schema()
            schema["properties"]["widget"] = {"const": widget}
            schema["properties"].pop("playlist", None)
            schema["required"] = ["widget", *schema["required"]]
            options.append(schema)
        return {"oneOf": options, "description": self.expected}


Problem = tuple[int, str, str, bool, str]  # region index, field, what, is an error, message


def _problems(regions: list[Region], orientation: str) -> list[Problem]:
    """The problems of a list of regions on this orientation's reference screen."""
    width, height = REFERENCE[orientation]
    screen = f"a {width}x{height} {orientation} screen"
    found: list[Problem] = []
    placed: list[tuple[Region, tuple[int, int, int, int]]] = []
    for index, region in enumerate(regions):
        if any(r.name == region.name for r, _ in placed):
            found.append((index, "name", "twice", True, f"region '{region.name}' is named twice"))
        x, y = region.x.px(width), region.y.px(height)
        right, bottom = x + region.w.px(width), y + region.h.px(height)
        if right > width + 1 or bottom > height + 1:
            lengths = (region.x, region.y, region.w, region.h)
            relative = all(v.percent or v.value == 0 for v in lengths)
            message = (
                f"region '{region.name}' goes off the screen (x {region.x} + w {region.w}, "
                f"y {region.y} + h {region.h} reaches {right}x{bottom} on {screen})"
            )
            if not relative:
                message += "; it is cut at the screen's edge"
            found.append((index, "", "off", relative, message))
        for other, (ox, oy, ow, oh) in placed:
            across = min(right, ox + ow) - max(x, ox) > 0
            down = min(bottom, oy + oh) - max(y, oy) > 0
            if across and down and other.z == region.z:
                message = (
                    f"region '{region.name}' overlaps region '{other.name}' on {orientation} "
                    "screens; give the one on top a higher z"
                )
                found.append((index, "z", f"over {other.name}", True, message))
        placed.append((region, (x, y, right - x, bottom - y)))
    return found


def _check_regions(
    regions: list[Region], node: yaml.Node, ctx: Ctx, path: str, orientations: tuple[str, ...]
) -> None:
    """Names unique, inside the screen, overlapping only with different z (at the reference
    sizes); a problem found in both orientations is reported once."""
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    merged: dict[tuple[int, str, str, bool], list[str]] = {}
    for orientation in orientations:
        for index, field, what, error, message in _problems(regions, orientation):
            merged.setdefault((index, field, what, error), []).append(message)
    for (index, field, what, error), messages in merged.items():
        message = messages[0]
        if len(messages) > 1 and what.startswith("over"):
            message = message.replace(
                f"on {orientations[0]} screens", "on landscape and portrait screens"
            )
        where = items[index] if index < len(items) else node
        here = join(f"{path}[{index}]", field) if field else f"{path}[{index}]"
        if error:
            ctx.error(where, here, message)
        else:
            ctx.warning(where, here, message)


class LayoutType(Type):
    """A list of regions."""

    expected = "a list of regions"

    def __init__(self, orientation: str) -> None:
        self.orientation = orientation
        self.items = ListOf(RegionType(), min_items=1, max_items=MAX_REGIONS)

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        regions = self.items.check(node, ctx, path)
        if regions is INVALID:
            return INVALID
        orientations = (
            ("landscape", "portrait") if self.orientation == "both" else (self.orientation,)
        )
        before = len(ctx.report.errors)
        _check_regions(regions, node, ctx, path, orientations)
        if len(ctx.report.errors) > before:
            return INVALID
        line, col = mark_of(node)
        return Layout(tuple(regions), f"{ctx.display}:{line}:{col}")

    def json_schema(self) -> dict[str, Any]:
        return self.items.json_schema()


LAYOUT_FIELDS: dict[str, Field] = {
    "layout": Field(
        LayoutType("both"),
        doc="The screen as regions: [{name: main, x: 0, y: 8%, w: 68%, h: 84%, playlist: NAME}, "
        "{name: clock, ..., widget: clock}]",
    ),
    "layouts": Field(
        Obj(
            {
                "landscape": Field(LayoutType("landscape"), doc="Regions on a landscape screen"),
                "portrait": Field(LayoutType("portrait"), doc="Regions on a portrait screen"),
            },
            name="layouts like {landscape: [regions], portrait: [regions]}",
        ),
        doc="One layout per orientation (over layout:)",
    ),
}


def layouts_of(values: Any) -> Layouts | None:
    """The Layouts given by a validated mapping's ``layout`` and ``layouts`` keys."""
    both = values.get("layout")
    per = values.get("layouts")
    landscape = (per.get("landscape") if per else None) or both
    portrait = (per.get("portrait") if per else None) or both
    if landscape is None and portrait is None:
        return None
    return Layouts(landscape, portrait)


def resolve_playlists(
    layouts: Layouts, playlists: dict[str, str], names: dict[str, str], report: Report
) -> Layouts:
    """Regions' ``playlist:`` as playlist paths: by file name (no extension) or by name.

    An unknown one is an error located at its region, with the closest name suggested.
    """

    def resolve(layout: Layout | None) -> Layout | None:
        if layout is None:
            return None
        regions = []
        for region in layout.regions:
            if region.playlist is None:
                regions.append(region)
                continue
            path = playlists.get(region.playlist) or names.get(region.playlist)
            if path is None:
                known = [*playlists, *names]
                hint = did_you_mean(region.playlist, known)
                report.add(
                    Diagnostic(
                        region.origin.rsplit(":", 2)[0], region.line, region.col,
                        f"region '{region.name}' plays playlist '{region.playlist}', which "
                        f"does not exist{hint}; playlists: {one_of(playlists)}",
                        join(region.path, "playlist"),
                    )
                )  # fmt: skip
                regions.append(region)
                continue
            regions.append(replace(region, playlist=path))
        return replace(layout, regions=tuple(regions))

    landscape = resolve(layouts.landscape)
    portrait = landscape if layouts.portrait is layouts.landscape else resolve(layouts.portrait)
    return Layouts(landscape, portrait)


def region_content(content: Content, region: Region | None) -> Content:
    """What a region's timeline plays: the content (a playlist region: the sequencer is told
    which playlist), or one playlist of the widget's single slide."""
    if region is None or region.slide is None:
        return content
    playlist = Playlist(region.label, f"{region.origin}#{region.name}", (region.slide,))
    return replace(content, playlists=(playlist,))

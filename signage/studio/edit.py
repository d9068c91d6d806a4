"""Slides edited in place: a change to a slide's key is written into the playlist's text
at the exact span of its value (found from the YAML nodes' marks), so that comments, key
order, quoting, indentation and every other line stay as the technician wrote them.

Why not a round-trip dump (ruamel.yaml): a dump re-emits the whole document, and with it
can re-wrap a long line or re-indent a list elsewhere in the file; splicing the one value
cannot touch anything but that value. A changed text is checked with the same checker as
``signage check`` before it is written, and refused with the checker's messages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from signage.content.playlist import COMMON_FIELDS, PLAYLIST, SlideDuration, build_playlist
from signage.core.diagnostics import Report
from signage.core.schema import Boolean, Choice, Ctx, Field, Integer, ListOf, Number, Text
from signage.core.values import Asset, Colour, Duration, TimeOfDay
from signage.core.yamlsrc import YamlFailure, mark_of, parse
from signage.slides import KINDS
from signage.studio.splice import (
    block_end,
    insertion,
    insertion_before,
    listed,
    removal,
    scalar,
)
from signage.studio.words import _


class EditError(ValueError):
    """A change that cannot be made; ``problems`` lists the checker's messages."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class Conflict(Exception):
    """The file changed since the form was opened; the text is the difference."""


@dataclass(frozen=True)
class Key:
    """One key of a slide as the form shows it."""

    name: str
    field: Field
    widget: str  # text | textarea | number | select | checkbox | asset | list | readonly
    value: str  # as written in the file ("" when absent)
    present: bool
    options: tuple[str, ...] = ()  # an asset's: the content's files (or folders) it may name


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def slides_of(text: str, shown: str) -> list[tuple[int, str, str]]:
    """(index, type, label) of each slide of a playlist's text."""
    found = []
    for index, node in enumerate(_slide_nodes(_root(text, shown))):
        values = _scalars(node)
        label = (
            values.get("title")
            or values.get("name")
            or values.get("id")
            or values.get("image")
            or ""
        )
        found.append((index, values.get("type", "?"), label))
    return found


def line_of(text: str, shown: str, index: int) -> int:
    """The line the slide starts at (what its ``origin`` says)."""
    return mark_of(_slide(text, shown, index))[0]


def keys_of(text: str, shown: str, index: int) -> tuple[str, list[Key]]:
    """The slide's type and its keys as a form shows them."""
    node = _slide(text, shown, index)
    values = _scalars(node)
    kind = KINDS.get(values.get("type", ""))
    if kind is None:
        raise EditError(f"slide {index + 1} has no known type")
    fields = {**kind.fields, **COMMON_FIELDS}
    return kind.type, [_key(node, name, field) for name, field in fields.items() if name != "type"]


def playlist_keys(text: str, shown: str) -> list[Key]:
    """The playlist's own keys (its name, screens, priority, sync…) as a form shows them;
    its slides are edited one by one, its layouts and time windows in the file."""
    root = _root(text, shown)
    if not isinstance(root, yaml.MappingNode):
        raise EditError(f"{shown} is not a playlist")
    return [_key(root, name, field) for name, field in PLAYLIST.fields.items() if name != "slides"]


def _key(node: yaml.MappingNode, name: str, field: Field) -> Key:
    """Key ``name`` of ``node`` as its form shows it: a list as its items, comma separated
    (one written as a block, a line per item, stays for the file)."""
    found = next(
        (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name), None
    )
    widget = _widget(field)
    if isinstance(found, yaml.SequenceNode):
        items = [str(i.value) for i in found.value if isinstance(i, yaml.ScalarNode)]
        simple = widget == "list" and found.flow_style and len(items) == len(found.value)
        return Key(name, field, "list" if simple else "readonly", ", ".join(items), True)
    value = str(found.value) if isinstance(found, yaml.ScalarNode) else ""
    if found is not None and not isinstance(found, yaml.ScalarNode):
        widget = "readonly"  # a mapping (a time window, defaults): edited in the file
    return Key(name, field, widget, value, found is not None)


def blank_keys(kind_name: str) -> list[Key]:
    """The keys of a new slide of ``kind_name`` as its form shows them, all empty;
    EditError for a kind that is not known."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise EditError(_("« {kind} » n’est pas un type de diapositive", kind=kind_name))
    return [
        Key(name, field, _widget(field), "", False)
        for name, field in {**kind.fields, **COMMON_FIELDS}.items()
        if name != "type"
    ]


def edit_slide(text: str, shown: str, index: int, changes: dict[str, str | None]) -> str:
    """``text`` with the slide's keys changed (None: the key removed), each written at its
    own place; EditError for a key the form does not edit."""
    node = _slide(text, shown, index)
    kind = KINDS.get(_scalars(node).get("type", ""))
    return _edit_mapping(text, node, {**(kind.fields if kind else {}), **COMMON_FIELDS}, changes)


def edit_playlist(text: str, shown: str, changes: dict[str, str | None]) -> str:
    """``text`` with the playlist's own keys changed, as :func:`edit_slide` changes a
    slide's: only their values' spans are rewritten."""
    root = _root(text, shown)
    if not isinstance(root, yaml.MappingNode) or "slides" in changes:
        raise EditError(f"{shown}: only the playlist's own keys are edited here")
    slides = next((k for k, _ in root.value if getattr(k, "value", None) == "slides"), None)
    return _edit_mapping(text, root, PLAYLIST.fields, changes, before=slides)


def _edit_mapping(
    text: str,
    node: yaml.MappingNode,
    fields: dict[str, Field],
    changes: dict[str, str | None],
    before: yaml.Node | None = None,
) -> str:
    """``changes`` spliced into ``node``'s values; a new key after its last, or on the line
    before ``before`` (a playlist's settings stay above its slides)."""
    pairs = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    splices: list[tuple[int, int, str]] = []
    for name, new in changes.items():
        field = fields.get(name)
        typed = field is not None and not isinstance(field.type, Text)
        # a list typed comma separated is written as YAML here ([hall, porte-seine])
        raw = listed(new, field.type) if field and new and isinstance(field.type, ListOf) else None
        if name in pairs:
            key_node, value_node = pairs[name]
            flow_list = isinstance(value_node, yaml.SequenceNode) and value_node.flow_style
            if not isinstance(value_node, yaml.ScalarNode) and not flow_list:
                raise EditError(f"{name} is not a single value: edit it in the file")
            if new is None:
                splices.append(removal(text, node, key_node, value_node))
                continue
            span = (value_node.start_mark.index, value_node.end_mark.index)
            indent = " " * (key_node.start_mark.column + 2)
            style = value_node.style if isinstance(value_node, yaml.ScalarNode) else None
            written = raw or scalar(new, style, indent, text[span[0] : span[1]], typed)
            splices.append((*span, written))
        elif new is not None and before is not None:
            splices.append(insertion_before(text, before, name, raw or new, typed, bool(raw)))
        elif new is not None:
            splices.append(insertion(text, node, name, raw or new, typed, bool(raw)))
    for start, end, replacement in sorted(splices, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def checked(text: str, shown: str, root: Path) -> None:
    """EditError with every error of the playlist as ``signage check`` says them."""
    report = Report()
    try:
        build_playlist(
            parse(text.encode("utf-8"), shown, what="playlist"), Ctx(shown, report, root)
        )
    except YamlFailure as failure:
        report.add(failure.diagnostic)
    if not report.ok:
        problems = tuple(d.format() for d in report.sorted() if d.severity == "error")
        raise EditError(
            _("Rien n’a été enregistré : la playlist ne serait plus valable."), problems
        )


def move_slide(text: str, shown: str, index: int, to: int) -> str:
    """``text`` with the slide's whole block (the comments just above it and inside it too)
    moved to ``to``."""
    head, blocks, tail = _blocks(text, shown)
    if not 0 <= to < len(blocks) or to == index:
        return text
    blocks.insert(to, blocks.pop(index))
    return _joined(head, blocks, tail)


def remove_slide(text: str, shown: str, index: int) -> str:
    """``text`` without the slide's block (the playlist must keep one slide at least)."""
    head, blocks, tail = _blocks(text, shown)
    if len(blocks) < 2:
        raise EditError(_("une playlist garde au moins une diapositive"))
    blocks.pop(index)
    return _joined(head, blocks, tail)


def add_text_slide(text: str, shown: str, title: str, body: str = "") -> str:
    """``text`` with an announcement (a ``text`` slide: a title, a body) after its slides."""
    return add_slide(text, shown, "text", {"title": title.strip(), "body": body.strip()})


def add_slide(text: str, shown: str, kind: str, values: dict[str, str]) -> str:
    """``text`` with a new slide of ``kind`` after its slides, its keys in ``values``' order
    (empty ones left out; several lines as a block), indented and spaced as the file's
    other slides are."""
    head, blocks, tail = _blocks(text, shown)
    first = blocks[0]
    dash = next(line for line in first if line.lstrip().startswith("- "))
    pad = dash[: len(dash) - len(dash.lstrip())]
    fields = {**KINDS[kind].fields, **COMMON_FIELDS} if kind in KINDS else {}
    lines = [f"{pad}- type: {kind}\n"]
    for name, value in values.items():
        if not value.strip():
            continue
        if name in fields and _widget(fields[name]) == "textarea":  # paragraphs: a block
            lines.append(
                f"{pad}  {name}: {scalar(value.strip() + chr(10), '|', pad + '    ', '|')}"
            )
            continue
        kind_of = fields[name].type if name in fields else None
        if isinstance(kind_of, ListOf):
            lines.append(f"{pad}  {name}: {listed(value, kind_of)}\n")
            continue
        typed = kind_of is not None and not isinstance(kind_of, Text)
        lines.append(f"{pad}  {name}: {scalar(value.strip(), None, pad + '    ', typed=typed)}\n")
    spaced = len(blocks) > 1 and not blocks[0][-1].strip()  # the file leaves a blank line between
    if spaced and blocks[-1][-1].strip():
        blocks[-1].append("\n")
    blocks.append(lines)
    return _joined(head, blocks, tail)


def _blocks(text: str, shown: str) -> tuple[list[str], list[list[str]], list[str]]:
    """The text as (the lines before the slides, each slide's lines, the lines after);
    the slides must be written as a block sequence, one ``- `` per slide."""
    nodes = _slide_nodes(_root(text, shown))
    if not nodes:
        raise EditError(_("cette playlist n’a pas de diapositives à modifier ici"))
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    starts = [n.start_mark.line for n in nodes]
    dash_col = nodes[0].start_mark.column - 2
    if any(not lines[s][dash_col:].startswith("- ") for s in starts):
        raise EditError(
            _("les diapositives ne sont pas écrites une par « - » : modifiez le fichier")
        )
    starts = [_with_comments_above(lines, s) for s in starts]
    ends = [*starts[1:], block_end(lines, nodes[-1].start_mark.line, dash_col)]
    blocks = [lines[s:e] for s, e in zip(starts, ends, strict=True)]
    return lines[: starts[0]], blocks, lines[ends[-1] :]


def _with_comments_above(lines: list[str], start: int) -> int:
    """The first line of a slide's block: its dash line, or the comments right above it."""
    while start > 0 and lines[start - 1].strip().startswith("#"):
        start -= 1
    return start


def _joined(head: list[str], blocks: list[list[str]], tail: list[str]) -> str:
    return "".join(head + [line for block in blocks for line in block] + tail)


# -- the nodes ------------------------------------------------------------------------


def _root(text: str, shown: str) -> yaml.Node:
    try:
        return parse(text.encode("utf-8"), shown, what="playlist").root
    except YamlFailure as failure:
        raise EditError(failure.diagnostic.format()) from None


def _slide_nodes(root: yaml.Node) -> list[yaml.MappingNode]:
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == "slides"
                and isinstance(value, yaml.SequenceNode)
            ):
                return [n for n in value.value if isinstance(n, yaml.MappingNode)]
    return []


def _slide(text: str, shown: str, index: int) -> yaml.MappingNode:
    nodes = _slide_nodes(_root(text, shown))
    if not 0 <= index < len(nodes):
        raise EditError(f"there is no slide {index + 1} in {shown}")
    return nodes[index]


def _scalars(node: yaml.MappingNode) -> dict[str, str]:
    return {
        k.value: str(v.value)
        for k, v in node.value
        if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)
    }


def _widget(field: Field) -> str:
    kind = field.type
    if isinstance(kind, Boolean):
        return "checkbox"
    if isinstance(kind, Choice):
        return "select"
    if isinstance(kind, Integer | Number):
        return "number"
    if isinstance(kind, Text):
        return "textarea" if kind.max_len >= 1000 and not kind.pattern else "text"
    if isinstance(kind, Duration | Colour | TimeOfDay | SlideDuration):
        return "text"
    if isinstance(kind, Asset):  # a file of the content chosen from a list; a URL typed
        return "text" if kind.urls else "asset"
    if isinstance(kind, ListOf) and isinstance(kind.item, Text):
        return "list"  # items typed comma separated (screens: hall, porte-seine)
    return "readonly"  # lists, mappings: edited in the file

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
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from signage.content.playlist import COMMON_FIELDS, SlideDuration, build_playlist
from signage.core.diagnostics import Report
from signage.core.schema import Boolean, Choice, Ctx, Field, Integer, Number, Text
from signage.core.values import Asset, Colour, Duration, TimeOfDay
from signage.core.yamlsrc import YamlFailure, mark_of, parse
from signage.slides import KINDS
from signage.studio.words import _

PLAIN_SAFE = re.compile(r"[\w À-ÿŒœ’'.,()/@+-]+")  # text that stays itself unquoted


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
    widget: str  # text | textarea | number | select | checkbox | asset | readonly
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
    present = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    kind = KINDS.get(values.get("type", ""))
    if kind is None:
        raise EditError(f"slide {index + 1} has no known type")
    keys = []
    for name, field in {**kind.fields, **COMMON_FIELDS}.items():
        widget = _widget(field)
        if name == "type":
            continue
        keys.append(Key(name, field, widget, values.get(name, ""), name in present))
    return kind.type, keys


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
    pairs = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    splices: list[tuple[int, int, str]] = []
    for name, new in changes.items():
        if name in pairs:
            key_node, value_node = pairs[name]
            if not isinstance(value_node, yaml.ScalarNode):
                raise EditError(f"{name} is not a single value: edit it in the file")
            if new is None:
                splices.append(_removal(text, node, key_node, value_node))
            else:
                span = (value_node.start_mark.index, value_node.end_mark.index)
                indent = " " * (key_node.start_mark.column + 2)
                old = text[span[0] : span[1]]
                splices.append(
                    (*span, _scalar(new, value_node.style, indent, old, _typed(name, node)))
                )
        elif new is not None:
            splices.append(_insertion(text, node, name, new, _typed(name, node)))
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
                f"{pad}  {name}: {_scalar(value.strip() + chr(10), '|', pad + '    ', '|')}"
            )
            continue
        typed = name in fields and not isinstance(fields[name].type, Text)
        lines.append(f"{pad}  {name}: {_scalar(value.strip(), None, pad + '    ', typed=typed)}\n")
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
    ends = [*starts[1:], _block_end(lines, nodes[-1].start_mark.line, dash_col)]
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
    return "readonly"  # lists, mappings: edited in the file


# -- the text ---------------------------------------------------------------------------


def _typed(name: str, slide: yaml.MappingNode) -> bool:
    """A key whose value is a number, a duration, a choice or a time, not text."""
    kind = KINDS.get(_scalars(slide).get("type", ""))
    field = {**(kind.fields if kind else {}), **COMMON_FIELDS}.get(name)
    return field is not None and not isinstance(field.type, Text)


def _scalar(value: str, style: str | None, indent: str, old: str = "", typed: bool = False) -> str:
    """``value`` as YAML, in the style the old value had (plain, quoted, block); a number,
    a duration or a choice plain (the checker says if it is not one)."""
    plain = not style  # PyYAML: "" (or None) for a plain scalar
    if typed and plain and re.fullmatch(r"[\w.:+-]+", value):
        return value
    if style in ("|", ">"):
        header = old.split("\n", 1)[0] if old else "|"
        body = "".join(f"{indent}{line}\n" if line else "\n" for line in value.splitlines())
        return f"{header}\n{body}"
    if "\n" in value:
        return json.dumps(value, ensure_ascii=False)
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if not plain or not _plain_ok(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def _plain_ok(value: str) -> bool:
    """Written unquoted, ``value`` reads back as the same text."""
    if not value or not PLAIN_SAFE.fullmatch(value) or value != value.strip():
        return False
    try:
        read: object = yaml.safe_load(value)
    except yaml.YAMLError:
        return False
    return read == value


def _removal(
    text: str, mapping: yaml.MappingNode, key: yaml.Node, value: yaml.Node
) -> tuple[int, int, str]:
    if mapping.flow_style:  # {a: 1, b: 2}: the pair and the comma before it (or after)
        start, end = key.start_mark.index, value.end_mark.index
        before = text.rfind(",", mapping.start_mark.index, start)
        if before != -1 and not text[before + 1 : start].strip():
            return before, end, ""
        after = text.find(",", end)
        return start, (after + 1 if after != -1 else end), ""
    line_start = text.rfind("\n", 0, key.start_mark.index) + 1
    end = value.end_mark.index
    line_end = text.find("\n", end)
    return line_start, (len(text) if line_end == -1 else line_end + 1), ""


def _insertion(
    text: str, mapping: yaml.MappingNode, name: str, value: str, typed: bool
) -> tuple[int, int, str]:
    first_key = mapping.value[0][0]
    indent = " " * first_key.start_mark.column
    rendered = _scalar(value, None, indent + "  ", typed=typed)
    if mapping.flow_style:
        close = mapping.end_mark.index - 1  # the "}"
        return close, close, f", {name}: {rendered}"
    last_value = mapping.value[-1][1]
    end = last_value.end_mark.index
    if last_value.end_mark.column == 0:  # a block scalar ends at the start of a line
        return end, end, f"{indent}{name}: {rendered}\n"
    line_end = text.find("\n", end)
    at = len(text) if line_end == -1 else line_end
    return at, at, f"\n{indent}{name}: {rendered}"


def _block_end(lines: list[str], start: int, dash_col: int) -> int:
    """The line after the last slide's block: the first line indented at or left of its
    dash that is not blank or a comment."""
    at = start + 1
    while at < len(lines):
        line = lines[at]
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip()) <= dash_col:
            break
        at += 1
    while at > start + 1 and not lines[at - 1].strip():
        at -= 1  # blank lines after the last slide stay after it
    return at

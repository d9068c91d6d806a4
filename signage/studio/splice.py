"""Values written into a playlist's YAML text at their own spans: in the style the old
value had (plain, quoted, a block), a key taken out with its line, a key added after the
mapping's last, a list as a flow list. Nothing else of the text is touched."""

from __future__ import annotations

import json
import re

import yaml

from signage.core.schema import ListOf

PLAIN_SAFE = re.compile(r"[\w À-ÿŒœ’'.,()/@+-]+")  # text that stays itself unquoted


def scalar(value: str, style: str | None, indent: str, old: str = "", typed: bool = False) -> str:
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
    if not plain or not plain_ok(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def plain_ok(value: str) -> bool:
    """Written unquoted, ``value`` reads back as the same text."""
    if not value or not PLAIN_SAFE.fullmatch(value) or value != value.strip():
        return False
    try:
        read: object = yaml.safe_load(value)
    except yaml.YAMLError:
        return False
    return read == value


def removal(
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


def insertion(
    text: str, mapping: yaml.MappingNode, name: str, value: str, typed: bool, raw: bool = False
) -> tuple[int, int, str]:
    """A new key after the mapping's last (``raw``: ``value`` is YAML already)."""
    first_key = mapping.value[0][0]
    indent = " " * first_key.start_mark.column
    rendered = _new_value(value, indent, typed, raw)
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


def block_end(lines: list[str], start: int, dash_col: int) -> int:
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


def listed(value: str, kind: ListOf) -> str:
    """Items typed comma separated, as YAML: one alone plain where the key takes a single
    item (``screens: hall``), else a flow list (``[hall, porte-seine]``)."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    written = [scalar(item, None, "") for item in items]
    if len(written) == 1 and kind.single_ok:
        return written[0]
    return "[" + ", ".join(written) + "]"


def insertion_before(
    text: str, key: yaml.Node, name: str, value: str, typed: bool, raw: bool = False
) -> tuple[int, int, str]:
    """A new key on its own line just before ``key``'s (and the comments right above it):
    a playlist's new ``screens:`` among its settings, not after its last slide."""
    start = text.rfind("\n", 0, key.start_mark.index) + 1
    while start > 0:
        above = text.rfind("\n", 0, start - 1) + 1
        if not text[above:start].lstrip().startswith("#"):
            break
        start = above
    indent = " " * key.start_mark.column
    rendered = _new_value(value, indent, typed, raw)
    return start, start, f"{indent}{name}: {rendered}\n"


def _new_value(value: str, indent: str, typed: bool, raw: bool) -> str:
    """A new key's value under a key at ``indent``: as given when ``raw`` (YAML already),
    else written plain or quoted as :func:`scalar` does."""
    return value if raw else scalar(value, None, indent + "  ", typed=typed)

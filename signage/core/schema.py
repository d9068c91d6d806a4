"""The declared schema: every key, its type, range and default, in one place.

Types validate PyYAML nodes (so errors carry line and column), collect every problem into
a :class:`Report`, and describe themselves as JSON Schema for editors."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from signage.core.diagnostics import Diagnostic, Report, did_you_mean, one_of
from signage.core.yamlsrc import mark_of, scalar_value

JSON = dict[str, Any]


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass
class Ctx:
    """Where we are: the file shown in errors, the content folder, the report."""

    display: str
    report: Report
    content_root: Path | None = None

    def _add(self, node: yaml.Node, path: str, message: str, severity: str) -> None:
        line, col = mark_of(node)
        self.report.add(
            Diagnostic(self.display, line, col, message, path, severity)  # type: ignore[arg-type]
        )

    def error(self, node: yaml.Node, path: str, message: str) -> Any:
        self._add(node, path, message, "error")
        return INVALID

    def warning(self, node: yaml.Node, path: str, message: str) -> None:
        self._add(node, path, message, "warning")


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    value = scalar_value(node)
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {node.value}"
    if isinstance(value, int | float):
        return f"the number {node.value}"
    return f"'{short_text(node.value)}'"


def short_text(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Type:
    """A value type: validates a node, and says what it accepts."""

    expected = "a value"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> JSON:
        raise NotImplementedError

    def wrong(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        return ctx.error(node, path, f"expected {self.expected}, got {_kind(node)}")


def scalar_node(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode)


@dataclass
class Text(Type):
    """A line or paragraph of text. Numbers are accepted as their text."""

    max_len: int = 5000
    pattern: str | None = None
    pattern_help: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.pattern_help or "text"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not scalar_node(node):
            return self.wrong(node, ctx, path)
        value = scalar_value(node)
        if value is None or isinstance(value, bool):
            return self.wrong(node, ctx, path)
        text = str(node.value).strip()
        if not text:
            return ctx.error(node, path, f"is empty; expected {self.expected}")
        if len(text) > self.max_len:
            return ctx.error(
                node, path, f"is {len(text):,} characters long; the limit is {self.max_len:,}"
            )
        if self.pattern and not re.fullmatch(self.pattern, text):
            return ctx.error(node, path, f"'{short_text(text)}' is not {self.expected}")
        return text

    def json_schema(self) -> JSON:
        out: JSON = {"type": ["string", "number"], "maxLength": self.max_len}
        if self.pattern:
            out = {"type": "string", "pattern": f"^{self.pattern}$"}
        return out


@dataclass
class Integer(Type):
    minimum: int
    maximum: int

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a whole number from {self.minimum} to {self.maximum}"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        value = scalar_value(node) if scalar_node(node) else None
        if not isinstance(value, int) or isinstance(value, bool):
            return self.wrong(node, ctx, path)
        if not self.minimum <= value <= self.maximum:
            return ctx.error(node, path, f"{value} is out of range; expected {self.expected}")
        return value

    def json_schema(self) -> JSON:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass
class Number(Type):
    minimum: float
    maximum: float
    unit: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        unit = f" {self.unit}" if self.unit else ""
        return f"a number from {self.minimum:g} to {self.maximum:g}{unit}"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        value = scalar_value(node) if scalar_node(node) else None
        if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value):
            return self.wrong(node, ctx, path)
        if not self.minimum <= value <= self.maximum:
            return ctx.error(node, path, f"{value:g} is out of range; expected {self.expected}")
        return float(value)

    def json_schema(self) -> JSON:
        return {"type": "number", "minimum": self.minimum, "maximum": self.maximum}


class Boolean(Type):
    expected = "true or false"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        value = scalar_value(node) if scalar_node(node) else None
        if not isinstance(value, bool):
            return self.wrong(node, ctx, path)
        return value

    def json_schema(self) -> JSON:
        return {"type": "boolean"}


@dataclass
class Choice(Type):
    """One word from a fixed list; aliases map extra spellings to a choice."""

    choices: Sequence[str]
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.choices)

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not scalar_node(node) or scalar_value(node) is None:
            return self.wrong(node, ctx, path)
        word = str(node.value).strip()
        key = word.lower()
        if key in self.choices:
            return key
        if key in self.aliases:
            return self.aliases[key]
        hint = did_you_mean(key, [*self.choices, *self.aliases])
        return ctx.error(
            node, path, f"'{short_text(word)}' is not allowed{hint}; expected {self.expected}"
        )

    def json_schema(self) -> JSON:
        return {"type": "string", "enum": [*self.choices, *self.aliases]}


@dataclass
class ListOf(Type):
    """A list; a single item is accepted where ``single_ok`` (``screens: hall``)."""

    item: Type
    min_items: int = 0
    max_items: int = 10_000
    single_ok: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.item.expected}"

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            if self.single_ok and scalar_node(node) and scalar_value(node) is not None:
                single = self.item.check(node, ctx, path)
                return INVALID if single is INVALID else [single]
            return self.wrong(node, ctx, path)
        items = node.value
        if len(items) < self.min_items:
            return ctx.error(
                node, path, f"needs at least {self.min_items} item(s), has {len(items)}"
            )
        if len(items) > self.max_items:
            return ctx.error(
                node, path, f"has {len(items):,} items; the limit is {self.max_items:,}"
            )
        out = [self.item.check(child, ctx, f"{path}[{i}]") for i, child in enumerate(items)]
        return INVALID if any(v is INVALID for v in out) else out

    def json_schema(self) -> JSON:
        arr: JSON = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            arr["minItems"] = self.min_items
        if self.single_ok:
            return {"anyOf": [arr, self.item.json_schema()]}
        return arr


@dataclass(frozen=True)
class Field:
    """A mapping's key: its type, whether required, default, meaning, model attribute if renamed."""

    type: Type
    required: bool = False
    default: Any = None
    doc: str = ""
    attr: str = ""


@dataclass(frozen=True)
class Located:
    """A validated mapping's values with the line of the mapping (for later errors)."""

    values: dict[str, Any]
    line: int
    col: int

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


@dataclass
class Obj(Type):
    """A mapping with declared keys. Unknown keys get a did-you-mean suggestion."""

    fields: dict[str, Field]
    doc: str = ""
    name: str = "a mapping"
    checks: list[Callable[[Located, yaml.MappingNode, Ctx, str], None]] = field(
        default_factory=list
    )

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.name

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, ctx, path)
        values = self.check_items(node, ctx, path, self.fields)
        if values is INVALID:
            return INVALID
        located = Located(values, *mark_of(node))
        for extra in self.checks:
            extra(located, node, ctx, path)
        return located

    @staticmethod
    def check_items(
        node: yaml.MappingNode, ctx: Ctx, path: str, fields: Mapping[str, Field]
    ) -> Any:
        values: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}
        bad = False
        for key_node, value_node in node.value:
            key = str(key_node.value) if scalar_node(key_node) else ""
            if key in seen:
                if _merged(seen[key], node):
                    # "<<: *base" then the same key: the mapping's own value wins.
                    seen[key] = key_node
                    values.pop(key, None)
                else:
                    line, _ = mark_of(seen[key])
                    ctx.error(
                        key_node, join(path, key), f"duplicate key (first given at line {line})"
                    )
                    bad = True
                    continue
            seen[key] = key_node
            spec = fields.get(key)
            if spec is None:
                hint = did_you_mean(key, fields)
                allowed = "" if hint else f"; allowed keys: {one_of(fields)}"
                ctx.error(key_node, join(path, key), f"unknown key{hint}{allowed}")
                bad = True
                continue
            if scalar_node(value_node) and scalar_value(value_node) is None and not spec.required:
                values[key] = spec.default
                continue
            value = spec.type.check(value_node, ctx, join(path, key))
            if value is INVALID:
                bad = True
            values[key] = value
        for key, spec in fields.items():
            if key in seen:
                continue
            if spec.required:
                ctx.error(node, join(path, key), f"is required: {spec.doc or spec.type.expected}")
                bad = True
            else:
                values[key] = spec.default
        return INVALID if bad else values

    def json_schema(self) -> JSON:
        return {
            "type": "object",
            "description": self.doc,
            "properties": {key: _documented(spec) for key, spec in self.fields.items()},
            "required": [key for key, spec in self.fields.items() if spec.required],
            "additionalProperties": False,
        }


def _merged(key: yaml.Node, mapping: yaml.MappingNode) -> bool:
    """True when ``key`` came into ``mapping`` through a ``<<`` merge (it lies outside it)."""
    start, end = mapping.start_mark.index, mapping.end_mark.index
    return not start <= key.start_mark.index < end


def _documented(spec: Field) -> JSON:
    out = dict(spec.type.json_schema())
    if spec.doc:
        out["description"] = spec.doc
    if spec.default is not None and isinstance(spec.default, str | int | float | bool):
        out["default"] = spec.default
    return out


@dataclass
class AnyOf(Type):
    """The first of several types whose shape matches the node (e.g. a word or a mapping)."""

    options: Sequence[Type]
    expected_text: str

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.expected_text

    def check(self, node: yaml.Node, ctx: Ctx, path: str) -> Any:
        for option in self.options:
            if isinstance(option, Obj) == isinstance(node, yaml.MappingNode):
                return option.check(node, ctx, path)
        return self.wrong(node, ctx, path)

    def json_schema(self) -> JSON:
        return {"anyOf": [o.json_schema() for o in self.options]}

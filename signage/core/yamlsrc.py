"""Reading YAML safely, keeping every value's line and column.

We compose the document into PyYAML nodes (which carry ``start_mark``) instead of
constructing Python objects, so validation can point at ``file:line:col``. The
composer never runs constructors, so Python tags cannot execute anything; we
also reject them outright, and bound how large the document becomes once
aliases are expanded ("billion laughs" is a few hundred bytes of YAML).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from signage.core.diagnostics import Diagnostic
from signage.core.inside import regular_file
from signage.core.text import text_problem

MAX_FILE_BYTES = 2 * 1024 * 1024
# Values that aliases may add beyond those written in the file: a "billion laughs"
# writes a few hundred and expands to billions. A large file written out in full
# (20,000 slides) adds none, so it is not mistaken for one.
MAX_ALIAS_EXPANSION = 100_000
MAX_DEPTH = 64
MAX_INT_DIGITS = 30  # int() refuses 4,300 digits with a ValueError nothing expected

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
}

# Used only through its stateless scalar constructors and ``flatten_mapping``: never
# through ``construct_object``, which remembers every node it ever built (a module-level
# constructor that did kept every loaded document alive, ~20 MB per 300 reloads).
_SCALARS = yaml.constructor.SafeConstructor()


class YamlFailure(Exception):
    """The file cannot be read as YAML at all; carries the diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class Source:
    """A YAML document composed to nodes, with the name to show in errors."""

    display: str
    root: yaml.Node


def mark_of(node: yaml.Node) -> tuple[int, int]:
    """1-based (line, column) of a node."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def scalar_value(node: yaml.Node) -> object:
    """The Python value of a scalar node under the safe schema (None for other nodes)."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    build = yaml.constructor.SafeConstructor.yaml_constructors.get(node.tag)
    return build(_SCALARS, node) if build is not None else node.value


def load(path: Path, display: str | None = None, *, what: str = "file") -> Source:
    """Compose ``path`` to nodes, or raise :class:`YamlFailure` with a clear message."""
    shown = display or str(path)
    if path.exists() and not regular_file(path):
        raise YamlFailure(
            Diagnostic(shown, 0, 0, f"{what} is not a regular file (a FIFO or a device?)")
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlFailure(
                Diagnostic(
                    shown, 0, 0, f"{what} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
                )
            )
        data = path.read_bytes()
    except OSError as exc:
        raise YamlFailure(Diagnostic(shown, 0, 0, f"cannot read {what}: {exc.strerror}")) from exc
    return parse(data, shown, what=what)


def parse(data: bytes, shown: str, *, what: str = "file") -> Source:
    """Compose YAML bytes to nodes, or raise :class:`YamlFailure`."""
    text = _decode(data, shown)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise YamlFailure(Diagnostic(shown, 1, 1, f"{what} is empty"))
    deep = _deep_flow(text)
    if deep is not None:
        raise YamlFailure(
            Diagnostic(shown, deep[0], deep[1], f"YAML is nested more than {MAX_DEPTH} levels deep")
        )
    try:
        root = _compose(text)
        if root is not None:
            _check_tree(root, shown)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise YamlFailure(Diagnostic(shown, line, col, f"YAML syntax: {problem}")) from exc
    except yaml.YAMLError as exc:
        raise YamlFailure(Diagnostic(shown, 1, 1, f"YAML syntax: {exc}")) from exc
    except RecursionError as exc:
        raise YamlFailure(Diagnostic(shown, 1, 1, "YAML is nested too deeply")) from exc
    if root is None or (isinstance(root, yaml.ScalarNode) and scalar_value(root) is None):
        raise YamlFailure(Diagnostic(shown, 1, 1, f"{what} is empty"))
    return Source(shown, root)


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlFailure(
            Diagnostic(
                shown,
                line,
                col,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                "save the file as UTF-8 in your editor",
            )
        ) from exc


def _deep_flow(text: str) -> tuple[int, int] | None:
    """Where ``[``/``{`` nesting first passes MAX_DEPTH, if it does.

    PyYAML's scanner takes quadratic time in flow nesting (5,000 levels: several
    seconds), so a hostile file is refused before it is scanned. Quoted text and
    comments are skipped; brackets inside plain words count, which can only make
    us refuse absurd files earlier.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    quote = ""
    line, line_start = 1, 0
    comment = False
    # only the characters that matter are visited (a 5,000-slide playlist: 150 ms -> 15 ms)
    for match in _FLOW_CHARS.finditer(text):
        char, index = match.group(), match.start()
        if char == "\n":
            line, line_start, comment = line + 1, index + 1, False
            continue
        if comment:
            continue
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and (index == 0 or text[index - 1] in " [{,:\t\n"):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, index - line_start + 1
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


_FLOW_CHARS = re.compile(r"[\n\[\]{}\"'#]")


# libyaml's composer, where PyYAML was built with it, is four times faster than the pure
# Python one (a 5,000-slide playlist: 0.4 s against 1.6 s); both give nodes with marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> yaml.Node | None:
    loader = _LOADER(text)
    old_limit = sys.getrecursionlimit()
    try:
        # The composer recurses once per nesting level; keep a margin so a
        # hostile "[[[[..." fails as RecursionError rather than crashing.
        sys.setrecursionlimit(max(old_limit, 3000))
        node = loader.get_single_node()
    finally:
        sys.setrecursionlimit(old_limit)
        loader.dispose()
    return node


def _check_tree(root: yaml.Node, shown: str) -> None:
    """Reject non-standard tags, text that is not text, excessive depth, and alias bombs.

    Sizes are computed once per distinct node (memoised), so a bomb is measured
    in time linear in the file, not in its expansion.
    """
    sizes: dict[int, int] = {}

    def fail(node: yaml.Node, message: str, field: str = "") -> YamlFailure:
        line, col = mark_of(node)
        return YamlFailure(Diagnostic(shown, line, col, message, field))

    def walk(node: yaml.Node, depth: int, field: str) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > MAX_DEPTH:
            raise fail(node, f"YAML is nested more than {MAX_DEPTH} levels deep")
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise fail(
                node,
                f"tag '{tag}' is not allowed; only plain YAML values "
                "(text, numbers, lists, mappings) are accepted",
            )
        size = 1
        if isinstance(node, yaml.ScalarNode):
            problem = text_problem(node.value)
            if problem is not None:
                raise fail(node, problem, field)
            if node.tag.endswith(":int") and len(node.value) > MAX_INT_DIGITS:
                raise fail(node, f"a number with more than {MAX_INT_DIGITS} digits", field)
        elif isinstance(node, yaml.MappingNode):
            # Resolve "<<: *defaults" merge keys in place, as the safe loader would.
            _SCALARS.flatten_mapping(node)
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else "?"
                inner = f"{field}.{name}" if field else str(name)
                size += walk(k, depth + 1, inner) + walk(v, depth + 1, inner)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                size += walk(item, depth + 1, f"{field}[{index}]")
        if size - len(sizes) > MAX_ALIAS_EXPANSION:
            raise fail(
                node,
                f"document expands to more than {MAX_ALIAS_EXPANSION:,} values beyond those "
                "written (anchors and aliases repeated too often)",
            )
        sizes[key] = size
        return size

    walk(root, 0, "")

"""Errors and warnings for people: ``path:line:col: error: field: message``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a file, located at a line and column (1-based)."""

    path: str
    line: int
    col: int
    message: str
    field: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {self.severity}: {what}"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "field": self.field,
            "severity": self.severity,
            "message": self.message,
            "text": self.format(),
        }


@dataclass
class Report:
    """Collects every diagnostic of a load instead of stopping at the first."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def add_warning(self, path: str, message: str) -> None:
        self.items.append(Diagnostic(path, 0, 0, message, severity="warning"))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics in file order: by path, then line and column."""
        return sorted(self.items, key=lambda d: (d.path, d.line, d.col))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'duration'?)`` when a choice is close enough, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(choices: Iterable[str]) -> str:
    return ", ".join(sorted(choices))

"""The keys every spec shares, as plain data: their names, their defaults, the Common record.

The loader (problem.py) reads them; a kind's `load(node, common)` receives the Common and
imports it from here, so kinds never need the loader.
"""

from __future__ import annotations

from dataclasses import dataclass

from examsolve.spec.node import SpecNode

COMMON_KEYS = ("kind", "title", "source", "statement", "indexing", "expected", "tolerance",
               "marks", "parts", "vary")
DEFAULT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Common:
    """The keys every spec shares."""

    file: str
    kind: str
    title: str
    source: str | None = None
    statement: str | None = None
    indexing: int = 1  # how indices are written in derivations and answer keys
    tolerance: float = DEFAULT_TOLERANCE
    expected: tuple[tuple[str, SpecNode], ...] = ()  # answer key → its node (kept for lines)

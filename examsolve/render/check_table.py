"""`examsolve check` on the terminal: the rows check.py returns as a rich table and a summary.

A row shows the answer key, the expected value as the spec wrote it (a typographic minus),
and the value the solver got: exact values as the derivation prints them, a float to 7
digits so it reads against an expected 10.00676.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from examsolve.check import CheckReport, CheckRow
from examsolve.derivation import Shape, value_expr
from examsolve.render.textmath import linear
from examsolve.wording import number


def render(report: CheckReport, console: Console) -> None:
    """The table (when a spec was checked), what could not be checked, and the closing line
    CI reads: `check: N passed, N failed` (answers, not tests; an unchecked spec counts as
    one failure)."""
    if report.checked:
        console.print(table(report))
    elif not report.unchecked:
        console.print(f"nothing to check: none of the {report.files} spec(s) has `expected` "
                      "answers", markup=False)
    if report.unchecked:
        console.print(f"{report.unchecked} spec(s) could not be checked (see the errors above)",
                      markup=False)
    console.print(f"check: {report.passed} passed, {report.failed} failed")


def table(report: CheckReport) -> Table:
    """One line per expected answer: ✓/✗, file, answer key, expected, got."""
    grid = Table("", "file", "answer", "expected", "got")
    for file, row in report.rows:
        mark = Text("✓", style="green") if row.ok else Text("✗", style="bold red")
        got = "—" if row.error else _got(row.got)
        if row.reason:
            got += f"  ({row.reason})"
        grid.add_row(mark, file, row.key, _expected(row), got)
    return grid


def _expected(row: CheckRow) -> str:
    if row.expected_text:
        return row.expected_text.replace("-", "−")
    if isinstance(row.got, Shape) and _is_list(row.expected):
        # a shape written as a list reads in the notation of the value it is checked against
        return _shown(Shape(_decimal_as_float(v) for v in np.ravel(row.expected)))
    return _shown(row.expected)


def _is_list(value: object) -> bool:
    return isinstance(value, np.ndarray) and (value.ndim == 1 or 1 in value.shape)


def _got(value: object) -> str:
    """A float answer to 7 digits, so it can be read against an expected 10.00676."""
    if isinstance(value, float):
        return number(value, 7)
    return _shown(value)


def _shown(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        # Expected decimals were read exactly; long ones print as the floats they were.
        value = np.vectorize(_decimal_as_float, otypes=[object])(value)
        value = tuple(tuple(r) for r in value) if value.ndim == 2 else tuple(value)
    return linear(value_expr(value))  # type: ignore[arg-type]


def _decimal_as_float(value: object) -> object:
    if value is None:  # an entry the spec leaves open (`?` or null): shown as it was written
        return "?"
    if isinstance(value, Fraction) and value.denominator > 10_000:
        return float(value)
    return value

"""Matrices in a spec: every notation, read exactly, with a breadcrumb for every entry.

`GridReader` is the part of `SpecNode` that reads matrices: nested lists, a flat list (a
column vector), a block string with one row per line (or rows split by `;`), or one number;
entries are numbers (exact Fractions), names (tied parameters) or `?` (unknown).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import yaml

from examsolve.errors import SpecError
from examsolve.numbers import NumberRangeError, check_number_text, parse_number

if TYPE_CHECKING:
    import numpy as np

NAME_RE = re.compile(r"^[^\W\d]\w*$")  # an identifier: letters (α too), digits, _


class _Unknown:
    """An entry lost in the channel: `?` in a spec."""

    _instance = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "?"


UNKNOWN = _Unknown()

Entry = Fraction | float | str | _Unknown


@dataclass(frozen=True)
class Grid:
    """A matrix read from a spec: rows of entries (numbers, names or UNKNOWN).

    `flat` is True when it was written as a flat list (a column vector), `scalar` when it
    was a single number.
    """

    rows: tuple[tuple[Entry, ...], ...]
    flat: bool = False
    scalar: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.rows), len(self.rows[0]) if self.rows else 0)


class GridReader:
    """Matrix accessors of SpecNode (which provides node, file, path, line, error, seq…)."""

    def grid(self, unknown: bool = False, names: bool = False) -> Grid:
        """A matrix: nested lists, a flat list (a column vector), a block string with one row
        per line (or rows split by `;`) and entries split by spaces or commas, or one number.

        `unknown` admits `?` entries, `names` admits identifiers (tied parameters).
        """
        what = "a number" + (" or a name" if names else "") + (" or ?" if unknown else "")
        if self.is_sequence:
            items = self.seq()
            if not items:
                raise self.error("expected a matrix, got an empty list")
            if all(not it.is_sequence for it in items):
                return Grid(tuple((it._entry(unknown, names, what),) for it in items), flat=True)
            rows = []
            for it in items:
                if not it.is_sequence:
                    raise it.error(f"expected a row (a list), got {it.type_name}; "
                                   "write every row as a list")
                cells = it.seq()
                if not cells:
                    raise it.error("empty row")
                rows.append(tuple(c._entry(unknown, names, what) for c in cells))
            self._check_rectangular([len(r) for r in rows], [it.line for it in items],
                                    [it.path for it in items])
            return Grid(tuple(rows))
        if self.is_scalar and not self.is_null and self.node.tag == "tag:yaml.org,2002:str":
            return self._grid_from_text(unknown, names, what)
        if self.is_unknown_mark and unknown:
            return Grid(((UNKNOWN,),), scalar=True)
        if self.is_scalar:
            return Grid(((self._entry(unknown, names, what),),), scalar=True)
        raise self.error(f"expected a matrix (a list or a block of rows), got {self.type_name}")

    def entry_count(self) -> int:
        """About how many entries this matrix holds, counted without reading them (so a kind
        can choose exact or float arithmetic before paying for 200k Fractions)."""
        if self.is_sequence:
            return sum(len(n.value) if isinstance(n, yaml.SequenceNode) else 1
                       for n in self.node.value)
        if self.is_scalar and self.node.tag == "tag:yaml.org,2002:str":
            return len(self.node.value.split())
        return 1

    def float_grid(self) -> "np.ndarray | None":
        """A block-string matrix of plain finite numbers as float64, read by numpy (fast);
        None for anything else — the caller then reads it exactly with `grid()`, which also
        reports any error with its line."""
        import numpy as np

        if not (self.is_scalar and self.node.tag == "tag:yaml.org,2002:str"):
            return None
        lines = [ln.split("#")[0].strip() for ln in self.node.value.split("\n")]
        rows = [ln for ln in lines if ln]
        if len(rows) < 2 or any(";" in r for r in rows):
            return None
        try:
            cells = [np.array(re.split(r"[\s,]+", r), dtype=float) for r in rows]
        except ValueError:  # a name, a ?, a fraction like 3/4: not plain numbers
            return None
        if len({len(c) for c in cells}) != 1:
            return None
        out = np.vstack(cells)
        return out if np.isfinite(out).all() else None

    def _entry(self, unknown: bool, names: bool, what: str) -> Entry:
        if self.is_unknown_mark:
            if unknown:
                return UNKNOWN
            raise self.error(f"expected {what}, got an unknown (?)")
        if not self.is_scalar:
            raise self.error(f"expected {what}, got {self.type_name}")
        if self.node.tag == "tag:yaml.org,2002:bool":  # `true`/`yes` is not a name
            raise self.error(f"expected {what}, got a boolean ({self.node.value}); quote it "
                             "if it is a name")
        return _parse_entry(self.node.value, unknown, names, what,
                            lambda msg: self.error(msg))

    def _grid_from_text(self, unknown: bool, names: bool, what: str) -> Grid:
        text: str = self.node.value
        # A literal block (|) starts on the line after its indicator; other styles are one line.
        first_line = self.line + 1 if self.node.style in ("|", ">") else self.line
        lines = text.split("\n")
        if len([ln for ln in lines if ln.split("#")[0].strip()]) <= 1:
            lines = [part for part in text.split("#")[0].split(";")]
            line_numbers = [first_line] * len(lines)
        else:
            line_numbers = [first_line + i for i in range(len(lines))]
        rows, row_lines, row_paths = [], [], []
        for ln, number in zip(lines, line_numbers):
            content = ln.split("#")[0].strip()
            if not content:
                continue
            path = f"{self.path}[{len(rows) + 1}]"
            cells = [c for c in re.split(r"[\s,]+", content) if c]
            row = []
            for j, cell in enumerate(cells):
                row.append(_parse_entry(
                    cell, unknown, names, what,
                    lambda msg, n=number, p=f"{path}[{j + 1}]": SpecError(msg, self.file, n, p)))
            rows.append(tuple(row))
            row_lines.append(number)
            row_paths.append(path)
        if not rows:
            raise self.error("expected a matrix, got an empty string")
        self._check_rectangular([len(r) for r in rows], row_lines, row_paths)
        return Grid(tuple(rows), scalar=len(rows) == 1 and len(rows[0]) == 1 and
                    "\n" not in text.strip() and ";" not in text)

    def _check_rectangular(self, lengths: list[int], lines: list[int], paths: list[str]) -> None:
        for length, line, path in zip(lengths, lines, paths):
            if length != lengths[0]:
                raise SpecError(f"ragged matrix: this row has {length} entries, the first has "
                                f"{lengths[0]}", self.file, line, path)


# Exact numbers are kept as fractions, but every kind may need them as floats (exp, log,
# plots), so a spec's numbers must fit in float64: 1e400 is refused here, not a crash later.


_FLOAT_MAX_INT = int(sys.float_info.max)


def _within_float_range(q: Fraction | float, fail) -> Fraction | float:  # type: ignore[no-untyped-def]
    if isinstance(q, Fraction) and abs(q.numerator) > _FLOAT_MAX_INT * q.denominator:
        raise fail("too large: numbers must fit in float64 (|x| ≤ 1.8e308)")
    return q


def _plain_decimal(text: str) -> Fraction | None:
    """`-12.375` → Fraction(-12375, 1000) without Fraction's string parser (2× faster on the
    200k entries of a big weight matrix); None for anything else."""
    whole, dot, tail = text.partition(".")
    digits = whole[1:] if whole[:1] in "-+" else whole
    if not (digits.isascii() and digits.isdigit() and (not tail or
                                                        (tail.isascii() and tail.isdigit()))):
        return None
    return Fraction(int(whole + tail), 10 ** len(tail)) if dot else Fraction(int(whole))


def _parse_entry(text: str, unknown: bool, names: bool, what: str, fail) -> Entry:  # type: ignore[no-untyped-def]
    try:
        check_number_text(str(text))
    except NumberRangeError as exc:
        raise fail(str(exc)) from None
    q = _plain_decimal(text) if isinstance(text, str) else None
    if q is not None:
        return _within_float_range(q, fail)
    try:
        return _within_float_range(Fraction(text), fail)  # -1/2, 1e-3, …
    except (ValueError, ZeroDivisionError, TypeError):
        pass
    cell = str(text).strip()
    if cell == "?":
        if unknown:
            return UNKNOWN
        raise fail(f"expected {what}, got an unknown (?)")
    try:
        q = parse_number(cell)
    except (ValueError, ZeroDivisionError):
        q = None
    if q is not None:
        return _within_float_range(q, fail)
    if names and NAME_RE.match(cell):
        return cell
    raise fail(f"expected {what}, got '{cell}'")

"""Reading specs: YAML nodes that remember where they came from, validated once.

Every value a solver gets passes through `SpecNode`, whose errors carry the file, the line
(from PyYAML's marks) and the path inside the spec (`kernel[2][1]`; list positions count
from 1, like the lines of a file). After loading, specs are frozen dataclasses and solvers
never re-check their input.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Iterator

import yaml

from examsolve.errors import SpecError
from examsolve.numbers import parse_number

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


class _NoAliasLoader(yaml.SafeLoader):
    """safe_load's loader, refusing aliases: a "billion laughs" document is never expanded."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not supported in specs",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


# PyYAML's wording for the slips people make most, with what to do about them.
_YAML_HINTS = (
    ("'\\t'", " (indent with spaces: YAML does not allow tabs there)"),
    ("mapping values are not allowed", " (a value containing ': ' must be quoted)"),
    ("but got '<stream end>'", " (a bracket or brace is never closed)"),
    ("but got '<document end>'", " (a bracket or brace is never closed)"),
    ("expected ',' or ']', but got '['", " (quote entries with brackets or commas, "
                                         "e.g. \"X[4,1]\")"),
    ("expected ',' or '}', but got '['", " (quote keys with brackets or commas, "
                                         "e.g. \"X[4,1]\": 1)"),
    ("found another document", " (a spec is one YAML document: remove the '---' line)"),
    ("expected <block end>", " (check the indentation of this line against the ones above)"),
)


def compose_file(path: Path) -> "SpecNode":
    """Parse a spec file into a SpecNode (a mapping), or raise SpecError."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("no such file", file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read: {exc}", file) from None
    return compose_text(text, file)


# libyaml's parser is ~30x faster on big matrices. It is used only for text with no anchor
# or alias characters at all, and any error it meets is re-read by the pure-Python loader, so
# messages and `?` in flow lists (which libyaml rejects) behave the same either way.
_FastLoader = getattr(yaml, "CSafeLoader", None)


def compose_text(text: str, file: str = "<spec>") -> "SpecNode":
    if _FastLoader is not None and "&" not in text and "*" not in text:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            if node is not None:
                return _as_spec(node, file)
        except yaml.YAMLError:
            pass  # the pure-Python loader below reports it with its own wording
        finally:
            fast.dispose()
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context and exc.problem and problem.startswith("but "):
            problem = f"{exc.context.strip()}, {problem}"  # "expected a single document …"
        hint = next((h for pattern, h in _YAML_HINTS if pattern in problem), "")
        raise SpecError(f"invalid YAML: {problem}{hint}", file, line) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML: {exc}", file) from None
    finally:
        loader.dispose()
    if node is None:
        raise SpecError("the spec is empty", file, 1)
    return _as_spec(node, file)


def _as_spec(node: yaml.Node, file: str) -> "SpecNode":
    spec = SpecNode(node, file)
    if not isinstance(node, yaml.MappingNode):
        raise spec.error(f"a spec is a mapping of keys (kind, title, ...), got {spec.type_name}")
    return spec


_SAFE = yaml.SafeLoader("")


class SpecNode:
    """A YAML node plus its file and path: typed accessors that fail with a breadcrumb."""

    def __init__(self, node: yaml.Node, file: str, path: str = "") -> None:
        self.node = node
        self.file = file
        self.path = path

    # ---- where ---------------------------------------------------------------------------
    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, message: str, line: int | None = None, path: str | None = None) -> SpecError:
        return SpecError(message, self.file, self.line if line is None else line,
                         self.path if path is None else path)

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key + 1}]"
        return f"{self.path}.{key}" if self.path else key

    # ---- shape ---------------------------------------------------------------------------
    @property
    def is_mapping(self) -> bool:
        return isinstance(self.node, yaml.MappingNode)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.node, yaml.SequenceNode)

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode)

    @property
    def is_null(self) -> bool:
        return self.is_scalar and self.node.tag == "tag:yaml.org,2002:null"

    @property
    def is_unknown_mark(self) -> bool:
        """`?` in a flow list parses as the mapping {null: null}; `"?"` and null also mean unknown."""
        if self.is_null:
            return True
        if self.is_scalar:
            return self.node.value.strip() == "?" and self.node.tag == "tag:yaml.org,2002:str"
        if self.is_mapping and len(self.node.value) == 1:
            k, v = self.node.value[0]
            return (k.tag == v.tag == "tag:yaml.org,2002:null")
        return False

    @property
    def type_name(self) -> str:
        if self.is_mapping:
            return "a mapping"
        if self.is_sequence:
            return "a list"
        if self.is_null:
            return "nothing (null)"
        tag = self.node.tag.rsplit(":", 1)[-1]
        return {"str": "a string", "int": "a number", "float": "a number",
                "bool": "a boolean"}.get(tag, tag)

    # ---- mappings ------------------------------------------------------------------------
    def _pairs(self) -> list[tuple[str, "SpecNode", yaml.Node]]:
        if not self.is_mapping:
            raise self.error(f"expected a mapping, got {self.type_name}")
        pairs = []
        for key_node, value_node in self.node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SpecNode(key_node, self.file, self.path).error("keys must be plain words")
            key = key_node.value
            pairs.append((key, SpecNode(value_node, self.file, self._child_path(key)), key_node))
        return pairs

    def keys(self) -> list[str]:
        return [k for k, _, _ in self._pairs()]

    def items(self) -> Iterator[tuple[str, "SpecNode"]]:
        for key, child, _ in self._pairs():
            yield key, child

    def get(self, key: str) -> "SpecNode | None":
        for k, child, _ in self._pairs():
            if k == key:
                return child
        return None

    def __getitem__(self, key: str) -> "SpecNode":
        child = self.get(key)
        if child is None:
            raise self.error(f"missing required key '{key}'")
        return child

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def check_keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        """Unknown or duplicate keys are errors, with a 'did you mean' hint."""
        allowed = list(allowed)
        seen: dict[str, int] = {}
        for key, child, key_node in self._pairs():
            line = key_node.start_mark.line + 1
            if key in seen:
                raise self.error(f"duplicate key '{key}' (first on line {seen[key]})", line,
                                 child.path)
            seen[key] = line
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                more = f"; did you mean '{hint[0]}'?" if hint else \
                    f"; expected one of: {', '.join(sorted(allowed))}"
                raise self.error(f"unknown key '{key}'{more}", line, child.path)
        for key in required:
            if key not in seen:
                raise self.error(f"missing required key '{key}'")

    # ---- sequences -----------------------------------------------------------------------
    def seq(self) -> list["SpecNode"]:
        if not self.is_sequence:
            raise self.error(f"expected a list, got {self.type_name}")
        return [SpecNode(n, self.file, self._child_path(i)) for i, n in enumerate(self.node.value)]

    # ---- scalars -------------------------------------------------------------------------
    def value(self) -> object:
        """The plain Python value, as yaml.safe_load would give it."""
        return _SAFE.construct_object(self.node, deep=True)

    def string(self) -> str:
        if not self.is_scalar or self.is_null:
            raise self.error(f"expected a string, got {self.type_name}")
        return str(self.node.value)

    def number(self) -> Fraction | float:
        """A number: YAML ints/floats and strings like "3/4", "-1/2", "1e-3" (exact)."""
        if not self.is_scalar or self.is_null:
            raise self.error(f"expected a number, got {self.type_name}")
        if self.node.tag == "tag:yaml.org,2002:bool":
            raise self.error(f"expected a number, got a boolean ({self.node.value})")
        try:
            q = parse_number(self.node.value)
        except (ValueError, ZeroDivisionError):
            raise self.error(f"expected a number, got '{self.node.value}'") from None
        return _within_float_range(q, self.error)

    def integer(self, minimum: int | None = None, maximum: int | None = None) -> int:
        q = self.number()
        if isinstance(q, float) or q.denominator != 1:
            raise self.error(f"expected a whole number, got '{self.node.value}'")
        n = int(q)
        if minimum is not None and n < minimum:
            raise self.error(f"expected a whole number ≥ {minimum}, got {n}")
        if maximum is not None and n > maximum:
            raise self.error(f"expected a whole number ≤ {maximum}, got {n}")
        return n

    def boolean(self) -> bool:
        if self.node.tag != "tag:yaml.org,2002:bool":
            raise self.error(f"expected true or false, got {self.type_name}")
        return bool(self.value())

    def choice(self, options: Iterable[str]) -> str:
        options = list(options)
        text = str(self.node.value) if self.is_scalar else None
        if text not in options:
            got = f"'{text}'" if text is not None else self.type_name
            hint = difflib.get_close_matches(text or "", options, n=1)
            more = f"; did you mean '{hint[0]}'?" if hint else ""
            raise self.error(f"expected one of {', '.join(options)}, got {got}{more}")
        return text  # type: ignore[return-value]

    def name(self) -> str:
        """An identifier (a kernel name, a model variable)."""
        text = self.string().strip()
        if not NAME_RE.match(text):
            raise self.error(f"expected a name (letters, digits, _), got '{text}'")
        return text

    # ---- matrices ------------------------------------------------------------------------
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

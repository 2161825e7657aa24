"""Comparing a derivation's answers with the known ones in a spec's `expected`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from examsolve.derivation import AnswerValue, Derivation
from examsolve.errors import ExitStatus, SpecError
from examsolve.numbers import parse_number
from examsolve.problem import Problem
from examsolve.spec import UNKNOWN, SpecNode
from examsolve.tolerance import agrees
from examsolve.wording import did_you_mean


@dataclass(frozen=True)
class CheckRow:
    key: str
    ok: bool
    expected: object
    got: AnswerValue
    reason: str = ""
    expected_text: str | None = None  # a scalar as the spec wrote it (2.0794, not 10397/5000)
    error: SpecError | None = None  # the expected key names no answer (bad input)


def expected_value(node: SpecNode) -> object:
    """An expected answer: null (undetermined), a yes/no (a YAML boolean), a number, a
    matrix, or a word."""
    if node.is_null:
        return None
    if node.is_scalar and node.node.tag == "tag:yaml.org,2002:bool":
        return node.boolean()
    if node.is_scalar and node.node.tag == "tag:yaml.org,2002:str":
        text = node.node.value.strip()
        try:
            return parse_number(text)
        except (ValueError, ZeroDivisionError):
            pass
        if any(sep in text for sep in ("\n", ";", " ", ",")):
            try:  # a block of rows, as matrices are written elsewhere in a spec
                return _grid_array(node)
            except SpecError:
                pass
        return text
    if node.is_scalar:
        return node.number()
    if node.is_sequence and not node.node.value:
        return ()  # an empty list: "no points", as error-surface answers stationary
    if node.is_sequence:
        return _grid_array(node)
    raise node.error(f"expected a number, a list or a word, got {node.type_name}")


def _grid_array(node: SpecNode) -> np.ndarray:
    """A matrix in any spec notation; `?`/null entries mean "undetermined"."""
    grid = node.grid(unknown=True)
    return np.array([[None if e is UNKNOWN else e for e in r] for r in grid.rows], dtype=object)


def written_texts(node: SpecNode) -> list[str | None]:
    """The text of every entry of an expected value, row by row (None where a list holds a
    nested structure): the tolerance rule reads how many digits each was written with."""
    if node.is_sequence:
        return [text for item in node.seq() for text in written_texts(item)]
    if node.is_scalar and not node.is_null:
        text = node.node.value
        if node.node.tag == "tag:yaml.org,2002:str":
            rows = [r.split("#")[0] for r in re.split(r"[\n;]", text)]
            return [c for r in rows for c in re.split(r"[\s,]+", r.strip()) if c]
        return [text]
    return [None]


def _as_array(value: object) -> np.ndarray | None:
    if isinstance(value, (tuple, list, np.ndarray)):
        arr = np.array(value, dtype=object)
        return arr
    return None


def _close(expected: object, got: object, tol: float, text: str | None = None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, bool) or isinstance(got, bool):  # yes/no answers match only yes/no
        words = {"true": True, "false": False}
        e = words.get(expected.lower(), expected) if isinstance(expected, str) else expected
        return isinstance(e, bool) and isinstance(got, bool) and e == got
    if isinstance(expected, str) or isinstance(got, str):
        if isinstance(got, str) and not isinstance(expected, str):
            try:
                got = parse_number(got)
            except ValueError:
                return False
        elif isinstance(expected, str) and not isinstance(got, str):
            return False
        else:
            return expected == got
    e, g = float(expected), float(got)  # type: ignore[arg-type]
    if math.isnan(e) or math.isnan(g):
        return math.isnan(e) and math.isnan(g)
    if math.isinf(e) or math.isinf(g):
        return e == g
    # The spec's number is the written one, the solver's the true value.
    return agrees(expected, got, tol, text).ok  # type: ignore[arg-type]


def compare(expected: object, got: AnswerValue, tol: float,
            texts: list[str | None] | None = None, key: str = "",
            base: int = 1) -> tuple[bool, str]:
    """Tolerant comparison (examsolve.tolerance) of a written value with the true one; a flat
    expected list matches a column or a row of the same size. `texts` are the written entries
    (their digits decide the rule); a list that differs names every differing entry,
    `key[i]` counting from `base`."""
    texts = texts or []
    e_arr, g_arr = _as_array(expected), _as_array(got)
    if e_arr is None and g_arr is None:
        return _close(expected, got, tol, texts[0] if len(texts) == 1 else None), ""
    if e_arr is None or g_arr is None:
        # A 1×1 matrix answers a scalar question and vice versa.
        arr = e_arr if e_arr is not None else g_arr
        other = got if e_arr is not None else expected
        if arr.size == 1:
            return compare(arr.reshape(-1)[0], other, tol, texts) if e_arr is None else \
                compare(other, arr.reshape(-1)[0], tol, texts)
        return False, "expected a single value" if e_arr is None else "expected a matrix"
    if e_arr.shape != g_arr.shape:
        if e_arr.size == g_arr.size and sorted(s for s in e_arr.shape if s > 1) == \
                sorted(s for s in g_arr.shape if s > 1) and (e_arr.ndim == 1 or 1 in e_arr.shape):
            e_arr = e_arr.reshape(g_arr.shape)
        else:
            return False, f"shape {e_arr.shape} expected, got {g_arr.shape}"
    if len(texts) != e_arr.size:
        texts = [None] * e_arr.size
    bad = [i for i, (e, g, t) in enumerate(zip(e_arr.reshape(-1), g_arr.reshape(-1), texts))
           if not _close(e, g, tol, t)]
    if bad:
        return False, "; ".join(_entry_difference(key, g_arr.shape, i, base, e_arr, g_arr, texts)
                                for i in bad)
    return True, ""


def _entry_difference(key: str, shape: tuple[int, ...], flat: int, base: int,
                      e_arr: np.ndarray, g_arr: np.ndarray, texts: list[str | None]) -> str:
    """`p[2]: 0.19 vs 0.2119` — one differing entry, indexed as the derivation indexes it."""
    index = np.unravel_index(flat, shape)
    if len(shape) == 2 and 1 in shape:  # a row or column vector has one index
        index = (index[0] if shape[0] > 1 else index[1],)
    where = ",".join(str(int(i) + base) for i in index)
    e, g = e_arr.reshape(-1)[flat], g_arr.reshape(-1)[flat]
    written_e = texts[flat] if texts[flat] is not None else _plain(e)
    return f"{key}[{where}]: {written_e} vs {_plain(g)}"


def _plain(value: object) -> str:
    from examsolve.numbers import format_number

    if value is None or isinstance(value, str):
        return "undetermined" if value is None else value
    if isinstance(value, float):
        return format_number(value, 7)
    return format_number(value)


def _nearest(key: str, names: list[str]) -> str:
    """'; did you mean …?' (spaces and case ignored), else the list of answer names."""
    squeeze = {n.replace(" ", "").lower(): n for n in names}
    wanted = key.replace(" ", "").lower()
    near = wanted if wanted in squeeze else did_you_mean(wanted, squeeze)
    if near is not None:
        return f"; did you mean '{squeeze[near]}'?"
    return f"; this problem answers: {', '.join(names)}"


@dataclass
class CheckReport:
    """What `examsolve check` found: the rows of every checked spec, in file order."""

    files: int = 0  # specs looked at
    rows: list[tuple[str, CheckRow]] = field(default_factory=list)  # (spec file name, row)
    checked: int = 0  # specs with `expected` that were solved and compared
    unchecked: int = 0  # specs that could not be read or solved: counted as failed

    @property
    def passed(self) -> int:
        return sum(row.ok for _, row in self.rows)

    @property
    def failed(self) -> int:
        return len(self.rows) - self.passed + self.unchecked

    @property
    def status(self) -> ExitStatus:
        """2 when an expected key names no answer, else 1 on any mismatch, else 0."""
        if any(row.error is not None for _, row in self.rows):
            return ExitStatus.BAD_INPUT
        return ExitStatus.FAILED if self.failed else ExitStatus.OK


def check(problem: Problem, derivation: Derivation) -> list[CheckRow]:
    """One row per expected answer; an expected key the solver never produced is an error."""
    answers = derivation.answer_map()
    rows = []
    for key, node in problem.common.expected:
        want = expected_value(node)
        if key not in answers:
            # Bad input, but the other answers are still worth checking: a row that fails,
            # carrying the error the CLI reports (exit 2).
            error = SpecError(f"no answer named '{key}'{_nearest(key, list(answers))}",
                              node.file, node.line, f"expected.{key}")
            rows.append(CheckRow(key, False, want, None, "no such answer", None, error))
            continue
        ok, reason = compare(want, answers[key], problem.common.tolerance,
                             written_texts(node), key, problem.common.indexing)
        text = node.node.value.strip() if node.is_scalar and not node.is_null else None
        rows.append(CheckRow(key, ok, want, answers[key], reason, text))
    return rows

"""Marking a student's answers against a solved spec: `examsolve check SPEC --answers FILE`.

One row per answer the student gave, in computation order (forward values, the loss, then
gradients from the loss back): right, wrong, or "follows from your h" — the value the
kind's own solver computes from the student's earlier answers substituted (error carried
forward). A wrong row names a slip only when recomputing with that slip reproduces the
student's value (slips.py). The first wrong row points into the derivation: its step and
the equation that computes it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from examsolve.check import compare, expected_value, written_texts
from examsolve.derivation import AnswerValue, Derivation, Equation
from examsolve.errors import SpecError
from examsolve.marking import Quantity, Slip
from examsolve.mathmodel import Expr, Rel, Sym
from examsolve.problem import Problem
from examsolve.spec import SpecNode, compose_file, compose_text
from examsolve.wording import hint

# More answers than this in one file is not a student's sheet (and each costs a re-run).
MAX_ANSWERS = 500


@dataclass(frozen=True)
class Row:
    """The verdict on one answer."""

    key: str
    status: str  # "right", "wrong", "carried" (follows from an earlier wrong answer)
    got: object  # the student's value as read
    got_text: tuple[str | None, ...]  # each entry as written
    expected: AnswerValue  # the true value
    reason: str = ""  # entries that differ, too few digits, a shape
    carried_from: str | None = None  # the earlier answer this one follows from
    slip: Slip | None = None
    step: int | None = None  # the derivation step (1-based) that computes it
    heading: str | None = None
    equation: Expr | None = None  # the derivation's equation for it
    symbol: Expr | None = None
    also: tuple[str, ...] = ()  # other slips that reproduce the value too

    @property
    def ok(self) -> bool:
        return self.status != "wrong"


@dataclass(frozen=True)
class Verdict:
    file: str  # the spec
    answers_file: str
    rows: tuple[Row, ...]

    @property
    def first_wrong(self) -> Row | None:
        return next((row for row in self.rows if row.status == "wrong"), None)

    @property
    def marks(self) -> tuple[int, int]:
        """(right or carried, all)."""
        return sum(row.ok for row in self.rows), len(self.rows)


def marking_module(kind: str) -> ModuleType | None:
    """The kind's marking.py (examsolve/marking.py describes it), or None."""
    from examsolve.kinds import KINDS

    try:
        return importlib.import_module(f"{KINDS[kind]}.marking")
    except ModuleNotFoundError:
        return None


def read_answers(path: str | Path | None = None, text: str | None = None,
                 file: str = "<answers>") -> tuple[tuple[str, SpecNode], ...]:
    """A student's answers: a YAML mapping of answer keys to values, in any notation a spec's
    `expected` accepts. SpecError (with file and line) for anything else."""
    try:
        node = compose_file(Path(path)) if path is not None else compose_text(text or "", file)
    except SpecError as exc:  # the reader words a non-mapping for specs; say it for answers
        if exc.message.startswith("a spec is a mapping"):
            got = exc.message.rpartition("got ")[2]
            raise SpecError(f"expected a mapping of answer keys to values (`L: 2.079`), got "
                            f"{got}", exc.file, exc.line) from None
        raise
    node.check_keys(node.keys())  # duplicates only
    items = tuple(node.items())
    if not items:
        raise node.error("no answers: write one `key: value` per line")
    if len(items) > MAX_ANSWERS:
        raise node.error(f"{len(items)} answers; at most {MAX_ANSWERS} are marked at once")
    return items


def computation_order(problem: Problem, derivation: Derivation,
                      module: ModuleType | None) -> list[Quantity]:
    """The kind's quantities (or the derivation's answers), and each remaining answer
    placed after the quantity it is about (`prediction(p1)` after p1)."""
    quantities = list(module.quantities(problem.spec)) if module is not None else []
    known = {q.key for q in quantities}
    for answer in derivation.answers:
        if answer.key in known:
            continue
        q = Quantity(answer.key, answer.value, Sym(answer.key), (0, 0))
        inner = answer.key.partition("(")[2].rstrip(")")
        at = next((i for i, o in enumerate(quantities) if o.key == inner), None)
        quantities.insert(len(quantities) if at is None else at + 1, q)
        known.add(answer.key)
    return quantities


def mark(problem: Problem, derivation: Derivation,
         answers: tuple[tuple[str, SpecNode], ...], answers_file: str = "") -> Verdict:
    """The verdict on `answers` (see the module docstring)."""
    from examsolve import slips as slip_catalogue

    module = marking_module(problem.common.kind)
    if module is not None:
        module = _Memo(module)
    order = computation_order(problem, derivation, module)
    by_key = {q.key: q for q in order}
    mine: dict[str, tuple[object, list[str | None], SpecNode]] = {}
    for key, node in answers:
        if key not in by_key:
            names = [q.key for q in order]
            raise node.error(f"no answer or quantity named '{key}'"
                             f"{hint(key, names, '; this problem has: ' + ', '.join(names))}",
                             path=key)
        mine[key] = (expected_value(node), written_texts(node), node)
    tol, base = problem.common.tolerance, problem.common.indexing
    kind_slips = module.slips(problem.spec) if module is not None else ()
    rows: list[Row] = []
    given: dict[str, np.ndarray] = {}  # the student's earlier values, in the quantity's shape
    wrong_so_far: list[str] = []
    for q in order:
        if q.key not in mine:
            continue
        value, texts, _ = mine[q.key]
        ok, reason = compare(value, q.value, tol, texts, q.key, base)
        status, carried_from, slip = ("right" if ok else "wrong"), None, None
        if not ok and module is not None and given:
            carried = module.recompute(problem.spec, given).get(q.key)
            if carried is not None and compare(value, carried, tol, texts)[0]:
                status = "carried"
                carried_from = _cause(module, problem, q.key, given, wrong_so_far, q.value)
        also: tuple[str, ...] = ()
        if status == "wrong":
            found = slip_catalogue.diagnose(q, value, texts, tol, kind_slips)
            slip = found[0] if found else None
            also = tuple(s.name for s in found[1:])
        located = module.locate(problem.spec, derivation, q.key) \
            if module is not None and hasattr(module, "locate") else None
        step, heading, equation = located if located is not None else \
            _pointer(derivation, q.symbol, None if module is not None else q.value)
        rows.append(Row(q.key, status, value, tuple(texts), q.value, "" if ok else reason,
                        carried_from, slip, step, heading, equation, q.symbol, also))
        array = _shaped(value, q.shape)
        if array is not None:
            given[q.key] = array
        if status != "right":
            wrong_so_far.append(q.key)
    return Verdict(problem.file, answers_file, tuple(rows))


class _Memo:
    """A kind's marking module whose `recompute` remembers its answers while one sheet is
    marked: "follows from your h" asks the same single substitution for many rows."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self._seen: dict[tuple, dict[str, AnswerValue]] = {}

    def __getattr__(self, name: str) -> object:
        return getattr(self._module, name)

    def recompute(self, spec: object, given: dict[str, np.ndarray]) -> dict[str, AnswerValue]:
        key = tuple((k, v.shape, tuple(v.reshape(-1).tolist())) for k, v in given.items())
        if key not in self._seen:
            self._seen[key] = self._module.recompute(spec, given)
        return self._seen[key]


def _cause(module: ModuleType | _Memo, problem: Problem, key: str, given: dict[str, np.ndarray],
           wrong: list[str], truth: AnswerValue) -> str | None:
    """The nearest earlier wrong answer that alone changes `key`: "follows from your h"."""
    for earlier in reversed(wrong):
        if earlier not in given:
            continue
        alone = module.recompute(problem.spec, {earlier: given[earlier]}).get(key)
        # a float re-run of an exact answer differs in its last bits: that is no change
        if alone is not None and not compare(alone, truth, 1e-9)[0]:
            return earlier
    return wrong[-1] if wrong else None


def _shaped(value: object, shape: tuple[int, int]) -> np.ndarray | None:
    """The student's value as a quantity's array, or None (a word, a wrong size)."""
    if shape == (0, 0) or value is None or isinstance(value, str):
        return None
    arr = np.array(value, dtype=object)
    if arr.size != shape[0] * shape[1] or any(e is None or isinstance(e, str)
                                              for e in arr.reshape(-1)):
        return None
    return arr.reshape(shape)


def _pointer(derivation: Derivation, symbol: Expr, value: AnswerValue = None,
             ) -> tuple[int | None, str | None, Expr | None]:
    """The first step with an equation `symbol = …` (or one solved for it, `… ⇒ symbol =
    …`): its number, heading and the last such equation in it (the one with the numbers substituted). Without a kind's marking module
    the symbol is only the answer key, so an equation counts only when it ends in the true
    `value` (softmax-regression also shows the direct code's p = [nan 0 nan])."""
    from examsolve.derivation import value_expr
    from examsolve.render.textmath import linear

    try:
        want = linear(value_expr(value)) if value is not None else None
    except TypeError:  # a list with undetermined entries has no math of its own
        return None, None, None
    for number, step in enumerate(derivation.steps, 1):
        found = [block.expr for block in step.blocks
                 if isinstance(block, Equation) and isinstance(block.expr, Rel) and
                 _computes(block.expr, symbol) and
                 (want is None or linear(block.expr.parts[-1]) == want)]
        if found:
            return number, step.heading, found[-1]
    return None, None, None


def _computes(relation: Rel, symbol: Expr) -> bool:
    """`symbol = …`, or a chain that concludes `… ⇒ symbol = value` (solving for it)."""
    parts, ops = relation.parts, relation.ops
    return parts[0] == symbol or (len(parts) >= 3 and parts[-2] == symbol and
                                  ops[-1] == "=" and ops[-2] == "⇒")


def check_answers(problem: Problem, derivation: Derivation, answers_path: Path) -> Verdict:
    """Read the student's file and mark it."""
    return mark(problem, derivation, read_answers(answers_path), str(answers_path))

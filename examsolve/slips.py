"""Diagnosing a wrong answer: the common slips, each named only when making it on purpose
reproduces the student's value.

Two slips need no knowledge of the problem (a sign error: −value; a transposed matrix:
valueᵀ); the rest are recomputed by the kind (its marking.py `slips`: a missing branch, the
ReLU mask, ReLU'(0), an index base, a log base, mean vs sum, softmax's axis, early
rounding), each a full re-run of its solver with the slip made. A value no slip reproduces
is reported as no known slip.
"""

from __future__ import annotations

import numpy as np

from examsolve.check import compare
from examsolve.derivation import AnswerValue
from examsolve.marking import Quantity, Slip
from examsolve.mathmodel import Expr


def _negated(value: AnswerValue) -> AnswerValue:
    if isinstance(value, tuple):
        return tuple(_negated(v) for v in value)
    if value is None or isinstance(value, str):
        return value
    return -value  # type: ignore[operator]


def generic_slips(q: Quantity) -> list[Slip]:
    """The slips any numeric answer can have: the sign, the transpose."""
    out = []
    value = q.value
    if value is None or isinstance(value, str):
        return out
    flat = np.array(value, dtype=object).reshape(-1)
    if any(isinstance(v, str) or v is None for v in flat) or not any(v != 0 for v in flat):
        return out
    sym: tuple[str | Expr, ...] = (q.symbol,) if q.symbol is not None else ()
    out.append(Slip("sign error", ("the sign of ", *sym, " is flipped"),
                    ((q.key, _negated(value)),)))
    arr = np.array(value, dtype=object)
    if arr.ndim == 2 and arr.shape[0] > 1 and arr.shape[1] > 1:
        transposed = tuple(tuple(r) for r in arr.T)
        if not np.array_equal(arr.T, arr):
            out.append(Slip("transposed matrix", (*sym, " is written transposed (",
                            f"{arr.shape[1]} × {arr.shape[0]} instead of "
                            f"{arr.shape[0]} × {arr.shape[1]})"), ((q.key, transposed),)))
    return out


def diagnose(q: Quantity, value: object, texts: list[str | None], tol: float,
             kind_slips: tuple[Slip, ...]) -> tuple[Slip, ...]:
    """Every slip whose recomputed value for `q` the student's value agrees with, the
    problem's own slips first (a missing branch can look like a sign error)."""
    found = []
    for slip in (*kind_slips, *generic_slips(q)):
        if any(key == q.key and compare(value, slipped, tol, texts)[0]
               for key, slipped in slip.values) and \
                all(slip.name != other.name for other in found):
            found.append(slip)
    return tuple(found)

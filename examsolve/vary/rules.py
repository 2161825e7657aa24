"""The niceness rules every kind's variants obey, each a test of the candidate's solution
against the original's. A kind adds its own (`RULES` in the kind's `vary.py`: they see the
loaded problems too) and cheap ones checked before solving (`PRECHECK`)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable

from examsolve.derivation import Derivation


def _scalars(value: object) -> list[object]:
    if isinstance(value, tuple):
        return [x for v in value for x in _scalars(v)]
    return [value]


def _shape_of(value: object) -> object:
    """What must not change: undetermined, a word (which one), a non-finite float."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return "number"


def same_structure(original: Derivation, candidate: Derivation) -> bool:
    """The same answers, undetermined where the original's are, the same words (a tie stays
    a tie, no tie appears), infinite where the original overflowed, and nowhere else."""
    a, b = original.answer_map(), candidate.answer_map()
    return list(a) == list(b) and all(
        [_shape_of(x) for x in _scalars(a[k])] == [_shape_of(y) for y in _scalars(b[k])]
        for k in a)


def small_denominators(original: Derivation, candidate: Derivation) -> bool:
    """Exact answers no worse than the original's: no denominator above the original's
    largest (at least 4: halves and quarters are fine), no fraction where it had floats."""
    def largest(d: Derivation) -> int:
        return max((x.denominator for v in d.answer_map().values() for x in _scalars(v)
                    if isinstance(x, Fraction)), default=1)
    return largest(candidate) <= max(largest(original), 4)


def same_steps(original: Derivation, candidate: Derivation) -> bool:
    """The same steps: no ReLU input lands on exactly 0 (a step of its own) unless the
    original's did, and every step the original needed is needed again."""
    return [s.heading for s in original.steps] == [s.heading for s in candidate.steps]


RULES: dict[str, Callable[[Derivation, Derivation], bool]] = {
    "same structure": same_structure,
    "small denominators": small_denominators,
    "same steps": same_steps,
}


def answer(solution: Derivation, key: str) -> object:
    """One answer's value (None when the solution has no such answer): for kinds' rules."""
    return solution.answer_map().get(key)

"""A loaded backprop problem, and its evaluation on the shared engine (examsolve.autodiff).

`evaluate` runs the spec's lines with autodiff.program, which remembers which node every line
and sub-expression became, so the derivation can print each step next to its equation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from examsolve.autodiff import engine as eng
from examsolve.autodiff import program
from examsolve.autodiff.parse import Line
from examsolve.autodiff.program import Evaluation, Matrix, to_float
from examsolve.problem import Common

# Above this many given and parameter entries the work is done in float64: exact Fractions
# cost ~2 µs a multiplication, so a 784×256 layer would take seconds.
EXACT_LIMIT = 20_000


@dataclass(frozen=True)
class BackpropSpec:
    common: Common
    given: tuple[tuple[str, Matrix], ...]
    parameters: tuple[tuple[str, Matrix], ...]
    classes: tuple[tuple[str, tuple[str, ...]], ...]
    lines: tuple[Line, ...]
    loss: str | None  # None: a forward pass only
    wrt: tuple[str, ...]
    relu_grad_at_zero: int
    derived: tuple = ()  # autodiff.derived.DerivedLine, evaluated after the passes
    steps: int = 0  # time steps run by `for` loops (0: none)
    # each loop as (its first unrolled line's name, variable, first, last)
    loops: tuple[tuple[str, str, int, int], ...] = ()

    @property
    def leaves(self) -> tuple[tuple[str, Matrix], ...]:
        return self.given + self.parameters

    @property
    def entries(self) -> int:
        return sum(len(m) * len(m[0]) for _, m in self.leaves)

    @property
    def exact(self) -> bool:
        """Exact Fractions while the work is small: a recurrence repeats its arithmetic at
        every step, so it counts entries × steps."""
        return self.entries * max(1, self.steps) <= EXACT_LIMIT

    def class_names(self, name: str) -> tuple[str, ...] | None:
        return dict(self.classes).get(name)


def leaf_arrays(spec: BackpropSpec, exact: bool) -> dict[str, np.ndarray]:
    """The given and parameter values as Fraction (exact) or float64 arrays."""
    if exact:
        return {name: np.array(mx, dtype=object) for name, mx in spec.leaves}
    return {name: to_float(mx) for name, mx in spec.leaves}


def evaluate(spec: BackpropSpec, values: dict[str, np.ndarray], ctx: eng.Context,
             perturb: tuple[str, int, float] | None = None) -> Evaluation:
    """Run the spec's model on `values` (see autodiff.program.evaluate)."""
    return program.evaluate(tuple(name for name, _ in spec.leaves), spec.lines, values, ctx,
                            perturb)

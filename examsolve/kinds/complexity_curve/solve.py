"""Orchestration of the complexity-curve kind: run the experiment, write the solution."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.kinds.complexity_curve.experiment import run
from examsolve.kinds.complexity_curve.spec import ComplexityCurveSpec


def solve(spec: ComplexityCurveSpec) -> Derivation:
    """Run the experiment and write the solution (pure: no printing, no files)."""
    from examsolve.kinds.complexity_curve.narration import write_solution

    return write_solution(spec.common, run(spec.design))

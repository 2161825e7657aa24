"""The data of an error-surface problem as its question sheet shows it: the function as
math, the point asked about and gradient descent's rate and start — nothing solved."""

from __future__ import annotations

from examsolve.derivation import Step, StepBuilder
from examsolve.kinds.error_surface.notation import f_of, point, variable
from examsolve.kinds.error_surface.spec import ErrorSurfaceSpec
from examsolve.mathmodel import eq, num, sym


def question(spec: ErrorSurfaceSpec) -> tuple[Step, ...]:
    """f(…) = the polynomial; the point `at`; η and the start."""
    step = StepBuilder("The function")
    step.math(eq(f_of(spec.names), spec.written))
    where = point(tuple(variable(n) for n in spec.names))
    if spec.at is not None:
        step.say("At the point ", eq(where, point(tuple(num(v) for v in spec.at))), ".")
    if spec.lr is not None:
        start = spec.start or tuple(0 for _ in spec.names)
        step.say("Gradient descent with learning rate ", eq(sym("η"), num(spec.lr)),
                 " from ", eq(where, point(tuple(num(v) for v in start))), ".")
    return (step.build(),)

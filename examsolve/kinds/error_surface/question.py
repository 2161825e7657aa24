"""The data of an error-surface problem as its question sheet shows it: the function as
math, the point asked about and gradient descent's rate and start — nothing solved."""

from __future__ import annotations

from examsolve.derivation import Step, StepBuilder
from examsolve.kinds.error_surface.spec import ErrorSurfaceSpec
from examsolve.mathmodel import Call, eq, num, row, sym


def _point(values: tuple) -> object:
    return num(values[0]) if len(values) == 1 else row(values)


def question(spec: ErrorSurfaceSpec) -> tuple[Step, ...]:
    """f(…) = the polynomial; the point `at`; η and the start."""
    step = StepBuilder("The function")
    args = tuple(sym(n) for n in spec.names)
    step.math(eq(Call("f", args), spec.written))
    if spec.at is not None:
        step.say("At the point ", eq(row(args) if len(args) > 1 else args[0],
                                     _point(spec.at)), ".")
    if spec.lr is not None:
        start = spec.start or tuple(0 for _ in spec.names)
        step.say("Gradient descent with learning rate ", eq(sym("η"), num(spec.lr)),
                 " from ", eq(row(args) if len(args) > 1 else args[0], _point(start)), ".")
    return (step.build(),)

"""The data of a softmax-regression problem as its question sheet shows it: the model, the
point, the parameters and the true class."""

from __future__ import annotations

from examsolve.derivation import Step, StepBuilder
from examsolve.kinds.softmax_regression.spec import SoftmaxRegressionSpec
from examsolve.mathmodel import Neg, Sym, add, call, eq, mat, mul


def question(spec: SoftmaxRegressionSpec) -> tuple[Step, ...]:
    """s = W x + b, p = softmax(s), L = −log p_y; then x, W, b as matrices and y."""
    step = StepBuilder("The data")
    step.say("The model, for one point ", Sym("x"), ":")
    step.eq(Sym("s"), add(mul(Sym("W"), Sym("x"), op=""), Sym("b")))
    step.eq(Sym("p"), call("softmax", Sym("s")))
    step.eq(Sym("L"), Neg(call("log", Sym("p", "y"))))
    step.eq(Sym("x"), mat([[v] for v in spec.x], summarise=False))
    step.eq(Sym("W"), mat(spec.W, summarise=False))
    step.eq(Sym("b"), mat([[v] for v in spec.b], summarise=False))
    base = spec.common.indexing
    name = f" (`{spec.classes[spec.y - 1]}`)" if spec.classes else ""
    classes = (f" The classes, from {base}: " + ", ".join(f"`{c}`" for c in spec.classes)
               + ".") if spec.classes else ""
    step.say("The true class: ", eq(Sym("y"), spec.y - 1 + base), f"{name}.{classes} "
             f"The arithmetic is in {spec.dtype}.")
    return (step.build(),)

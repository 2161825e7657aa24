"""Orchestration of the softmax-regression kind: the six steps and the answers."""

from __future__ import annotations

from examsolve.derivation import Derivation, DerivationBuilder, Shape, value_expr
from examsolve.mathmodel import Sym, Text, eq
from examsolve.kinds.softmax_regression.spec import SoftmaxRegressionSpec


def solve(spec: SoftmaxRegressionSpec) -> Derivation:
    # Imported here so that runs of other kinds do not pay for the steps module at start-up.
    from examsolve.mathmodel import Num, deriv, mat, mul
    from examsolve.kinds.softmax_regression.digits import honest, honest_all
    from examsolve.kinds.softmax_regression.hazards import direct_step, hazards_step
    from examsolve.kinds.softmax_regression.steps import (Numbers, column, gradient_step,
                                                            reference_step, robust_step,
                                                            shapes_step, shown)

    common = spec.common
    d = DerivationBuilder("softmax-regression", common.title, common.statement, common.source)
    n = Numbers.compute(spec.x, spec.W, spec.b, spec.y, spec.scores(), spec.dtype,
                        common.indexing, spec.classes)
    shapes_step(d, n)
    direct_step(d, n)
    hazards_step(d, n)
    robust_step(d, n)
    gradient_step(d, n)
    reference_step(d, n)

    C, D = spec.C, spec.D
    for key, shape in (("W.shape", Shape((C, D))), ("b.shape", Shape((C, 1)))):
        d.answer(key, shape, eq(Text(key), value_expr(shape)))
    d.answer("s", list(n.s_exact), eq(Sym("s"), column(shown(n.s_exact))))
    # The keys are the issue's; the displays read as the derivation does (∂L/∂W, L).
    d.answer("p", n.p.ravel(), eq(Sym("p"), column(honest_all(n.p))))
    d.answer("loss", n.loss, eq(Sym("L"), Num(n.loss_written)))
    naive = n.loss_written if n.naive.loss == n.loss else honest(n.naive.loss)
    d.answer("naive.loss", n.naive.loss, eq(mul(Sym("L"), Text(" (direct code)"), op=""),
                                                Num(naive)))
    d.answer("dL/dW", n.dW, eq(deriv("L", "W"), mat(honest_all(n.dW))))
    d.answer("dL/db", n.db.ravel(), eq(deriv("L", "b"), column(honest_all(n.db))))
    for warning in n.warnings:
        d.warn(warning)
    return d.build()

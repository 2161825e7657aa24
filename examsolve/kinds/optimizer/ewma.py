"""The exponentially weighted moving average of a sequence, with optional bias correction:
v_t = βv_{t−1} + (1 − β)θ_t from v_0 = 0, and v̂_t = v_t/(1 − βᵗ), exact on Fractions."""

from __future__ import annotations

from examsolve import mathmodel as m
from examsolve.derivation import DerivationBuilder
from examsolve.kinds.optimizer.notation import BETA, approx, readable
from examsolve.kinds.optimizer.spec import OptimizerSpec


def averages(sequence: tuple, beta: object) -> tuple[list, list]:
    """(v_1 … v_n, v̂_1 … v̂_n)."""
    v, vs, hats = 0, [], []
    for t, theta in enumerate(sequence, start=1):
        v = beta * v + (1 - beta) * theta  # type: ignore[operator]
        vs.append(v)
        hats.append(v / (1 - beta ** t))  # type: ignore[operator]
    return vs, hats


def solve_ewma(spec: OptimizerSpec, d: DerivationBuilder) -> None:
    beta, corrected = spec.option("beta"), spec.option("bias_correction")
    vs, hats = averages(spec.sequence, beta)
    V, H, th = (lambda t: m.Sym("v", str(t))), (lambda t: m.Sym("v̂", str(t))), \
        (lambda t: m.Sym("θ", str(t)))  # v_t, v̂_t, θ_t
    one_minus = m.Paren(m.Add((m.num(1), m.Neg(BETA))))
    s = d.step("The average and its convention")
    default = " (the default)" if "beta" in spec.defaulted else ""
    s.say("The exponentially weighted moving average of ",
          m.Mul((th(1), m.Ellipsis_(), th("n")), ""), " with decay ",
          m.eq(BETA, beta), default, ", starting from ", m.eq(V(0), 0), ":")
    s.eq(V("t"), m.Add((m.Mul((BETA, V("t-1"))), m.Mul((one_minus, th("t"))))))
    if corrected:
        s.say("Starting from 0 biases the early averages towards 0; bias correction divides "
              "by the weight the terms so far carry:")
        s.eq(H("t"), m.Div(V("t"), m.Add((m.num(1), m.Neg(m.Pow(BETA, m.Sym("t")))))))
    else:
        s.say("No bias correction (set `bias_correction: true` for ", H("t"), ").")
    s = d.step("Each term")
    prev = 0
    rows = []
    for t, (theta, v, hat) in enumerate(zip(spec.sequence, vs, hats), start=1):
        s.eq(V(t), m.Add((m.Mul((m.num(beta), V(t - 1))), m.Mul((m.num(1 - beta), th(t))))),
             m.Add((m.Mul((m.num(beta), m.num(prev))), m.Mul((m.num(1 - beta), m.num(theta))))),
             *approx(v)[:1])
        row = [m.num(t), m.num(theta), readable(v)]
        if corrected:
            s.rel(H(t), "=", m.Div(V(t), m.Add((m.num(1), m.Neg(m.Pow(m.num(beta),
                                                                       m.num(t)))))),
                  "=", m.Div(m.num(v), m.num(1 - beta ** t)), "=", *approx(hat))
            row.append(readable(hat))
        rows.append(row)
        prev = v
        d.answer(f"v@{t}", v)
        if corrected:
            d.answer(f"vhat@{t}", hat)
    s = d.step("The averages")
    s.table(["t", "θ", "v", *(["v̂"] if corrected else [])], rows)

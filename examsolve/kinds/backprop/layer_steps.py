"""Forward-pass steps of the layers that are written as their pieces: attention (scores,
weights, the weighted sum of V's rows) and batch/layer normalisation (μ, the biased σ², x̂).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from examsolve import mathmodel as m
from examsolve.autodiff.engine import Node
from examsolve.autodiff.parse import Apply, Ref
from examsolve.autodiff.program import Evaluation
from examsolve.derivation import StepBuilder
from examsolve.kinds.backprop.notation import dedupe, symbol, value


def norm_statistics(step: StepBuilder, node: Node, x: m.Expr, op: str) -> None:
    """batchnorm/layernorm: the mean, the biased variance and x̂, before the output."""
    info = node.info
    over = "each row (a feature) over the batch's columns, as in training mode" \
        if info["axis"] == 1 else "each column over its entries"
    mu, var, xhat = m.Sym("μ"), m.Pow(m.Sym("σ"), m.num(2)), m.Sym("x̂")
    eps = m.num(info["eps"])
    step.say(m.call("BN" if op == "batchnorm" else "LN", x, "γ", "β"),
             f" normalises {over}: ", m.eq(mu, m.call("mean", x)), ", ",
             m.eq(var, m.call("mean", m.Pow(m.Paren(m.add(x, m.Neg(mu))), m.num(2)))),
             f" (divided by n = {info['n']}, the biased variance), ",
             m.eq(xhat, m.Div(m.add(x, m.Neg(mu)), m.call("sqrt", m.add(var, eps)))),
             " and the output is ", m.add(m.mul(m.Sym("γ"), xhat, op="⊙"), m.Sym("β")),
             ", γ and β one entry per row.")
    step.eq(mu, value(np.asarray(info["mu"], dtype=float)))
    step.eq(var, value(np.asarray(info["var"], dtype=float)))
    step.eq(xhat, value(np.asarray(info["xhat"], dtype=float)))


def attention_pieces(step: StepBuilder, name: str, a: Apply, ev: Evaluation,
                     display: Callable[..., m.Expr]) -> None:
    """Z = attention(Q, K, V) as its pieces: the scores, the weights (each row a softmax),
    and the weighted sum of V's rows. `display(expr, numbers=False)` writes an operand."""
    node = ev.named[name]
    scores, weights = node.info["attention"]
    q, k, v = (display(x) for x in a.args[:3])
    d_k = scores.info["d_k"]
    Z = symbol(name)
    step.say("Attention takes one token per row of ", q, ", ", k, " and ", v, " (the "
             "papers' convention; elsewhere in this language a vector is a column): ",
             m.eq(Z, m.mul(m.call("softmax", m.Div(m.mul(q, m.Transpose(k)), m.call(
                 "sqrt", m.Sym("d", "k")))), v)), ", the softmax taken along each row, "
             "with ", m.eq(m.Sym("d", "k"), m.num(d_k)), " the number of columns of ", k,
             "." + (" A mask entry 0 sets its score to −∞, so its weight is 0."
                    if len(a.args) == 4 else ""))
    kv = ev.named[a.args[1].name].value if isinstance(a.args[1], Ref) else None
    raw_num = m.mul(display(a.args[0], numbers=True),
                    value(kv.T) if kv is not None else m.Transpose(k))
    step.eq(m.Call("scores", (Z,)), m.Div(m.mul(q, m.Transpose(k)),
                                          m.call("sqrt", m.num(d_k))),
            *dedupe([m.Div(raw_num, m.call("sqrt", m.num(d_k))), value(scores.value)]))
    step.eq(m.Call("weights", (Z,)), m.call("softmax", m.Call("scores", (Z,)),
                                             m.Text("each row")), value(weights.value))
    step.eq(Z, m.mul(m.Call("weights", (Z,)), v),
            m.mul(value(weights.value), display(a.args[2], numbers=True)),
            value(node.value))

"""Parameter and MAC counts, layer by layer, by each framework's own rules.

    linear           weights i·o, biases o;                     MACs i·o per position
    conv             weights o·(i/g)·k₁·k₂…, biases o;          MACs out elements·(i/g)·k₁·k₂…
    transposed conv  weights i·(o/g)·k₁·k₂…, biases o;          MACs in elements·(o/g)·k₁·k₂…
    norms            γ (weights) and β (biases), one per feature; Keras' batch norm adds the
                     moving mean and variance, 2C non-trainable (PyTorch keeps them as buffers)
    embedding        vocab·dim weights, 0 MACs (a lookup)
    recurrent        g gate groups (RNN 1, GRU 3, LSTM 4), per layer and direction:
                     PyTorch g·h·(i + h) weights and 2·g·h biases (b_ih and b_hh);
                     Keras   g·h·(i + h) weights and g·h biases, GRU with reset_after 2·g·h;
                     MACs g·h·(i + h) per time step
    attention        Q, K, V and output projections: PyTorch E·E each, biases E each;
                     Keras E·(H·d_k), E·(H·d_k), E·(H·d_v), (H·d_v)·E, biases alike;
                     MACs T·E·H(2d_k + d_v) + H·T·T·(d_k + d_v) + T·H·d_v·E

Each function returns Formulas (value and the formula with the numbers in it).
"""

from __future__ import annotations

from examsolve.mathmodel import Add, Div, Expr, Mul, Num, Paren
from examsolve.kinds.architecture.symbolic import (Dim, Formula, exact_div, product, shown,
                                                   total)

GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def times(*dims: Dim) -> Formula:
    """a·b·…: the product and the product written out."""
    value = product(*dims)
    if len(dims) == 1:
        return Formula(value, None)
    return Formula(value, Mul(tuple(_factor(d) for d in dims), "·"))


def _factor(d: Dim) -> Expr:
    e = shown(d)
    return Paren(e) if isinstance(e, Add) else e


def per_group(channels: Dim, groups: Dim) -> tuple[Dim, Expr]:
    """i/g, written as the quotient when there are groups."""
    if groups == 1:
        return channels, shown(channels)
    return exact_div(channels, groups), Paren(Div(shown(channels), shown(groups)))


def grouped_times(lead: Dim | tuple[Dim, ...], channels: Dim, groups: Dim,
                  rest: tuple[Dim, ...]) -> Formula:
    """lead·(i/g)·k₁·k₂…: a convolution's weights (or its MACs, with lead the output shape,
    written factor by factor)."""
    leads = lead if isinstance(lead, tuple) else (lead,)
    quotient, q_expr = per_group(channels, groups)
    value = product(*leads, quotient, *rest)
    return Formula(value, Mul((*(_factor(x) for x in leads), q_expr,
                               *(_factor(k) for k in rest)), "·"))


def plain(value: Dim) -> Formula:
    return Formula(value, None)


def recurrent(cell: str, framework: str, i: Dim, h: Dim, reset_after: bool) -> tuple[
        Formula, Formula, Formula]:
    """One layer, one direction: (weights, biases, MACs per step) of an RNN/GRU/LSTM."""
    g = GATES[cell]
    weights = Formula(product(g, h, total(i, h)),
                      Mul((Num(g), _factor(h), Paren(Add((shown(i), shown(h))))), "·"))
    if framework == "pytorch" or (cell == "gru" and reset_after):
        biases = Formula(product(2 * g, h), Mul((Num(2), Num(g), _factor(h)), "·"))
    else:
        biases = Formula(product(g, h), Mul((Num(g), _factor(h)), "·"))
    return weights, biases, Formula(weights.value, weights.shown)


def attention(framework: str, t: Dim, e: Dim, heads: Dim, d_k: Dim, d_v: Dim,
              bias: bool) -> tuple[Formula, Formula, Formula]:
    """(weights, biases, MACs) of multi-head self-attention over T tokens of size E."""
    if framework == "pytorch":
        weights = Formula(product(4, e, e), Mul((Num(4), _factor(e), _factor(e)), "·"))
        biases = Formula(product(4, e) if bias else 0,
                         Mul((Num(4), _factor(e)), "·") if bias else None)
    else:
        hk, hv = product(heads, d_k), product(heads, d_v)
        weights = Formula(total(product(2, e, hk), product(e, hv), product(hv, e)),
                          Add((Mul((Num(2), _factor(e), _factor(hk)), "·"),
                               Mul((_factor(e), _factor(hv)), "·"),
                               Mul((_factor(hv), _factor(e)), "·"))))
        biases = Formula(total(product(2, hk), hv, e) if bias else 0,
                         Add((Mul((Num(2), _factor(hk)), "·"), shown(hv), shown(e)))
                         if bias else None)
    hk, hv = product(heads, d_k), product(heads, d_v)
    projections = product(t, e, total(product(2, hk), hv))
    scores = product(heads, t, t, total(d_k, d_v))
    out = product(t, hv, e)
    macs = Formula(total(projections, scores, out),
                   Add((Mul((_factor(t), _factor(e), Paren(Add((Mul((Num(2), _factor(hk)), "·"),
                                                                   shown(hv))))), "·"),
                        Mul((_factor(heads), _factor(t), _factor(t),
                             Paren(Add((shown(d_k), shown(d_v))))), "·"),
                        Mul((_factor(t), _factor(hv), _factor(e)), "·"))))
    return weights, biases, macs

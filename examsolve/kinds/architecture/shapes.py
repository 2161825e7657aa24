"""Output sizes along one axis: convolution, pooling, transposed convolution.

    conv / pool   out = ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1      (⌊(n + 2p − k)/s⌋ + 1 when d = 1)
    ceil_mode     the ceiling instead, but a last window that would start in the right
                  padding is dropped, as PyTorch does: if (out − 1)·s ≥ n + p, out − 1
    Keras "same"  out = ⌈n/s⌉;  PyTorch "same" (stride 1 only) out = n
    transposed    out = (n − 1)s − 2p + d(k − 1) + output_padding + 1

Each function returns a Formula: the size (a Dim) and the formula with the numbers in it.
"""

from __future__ import annotations

from examsolve.mathmodel import Add, Call, Div, Expr, Mul, Neg, Num, Paren
from examsolve.kinds.architecture.symbolic import (Dim, Formula, ceil_div, custom, floor_div,
                                                   minus, product, shown, total)


def _span(k: Dim, d: Dim) -> tuple[Dim, list[Expr]]:
    """The window's extent beyond its first tap, d(k − 1) + 1, and how it is subtracted."""
    if d == 1:
        return k, [Neg(shown(k))]
    return total(product(d, minus(k, 1)), 1), [Neg(Mul((shown(d), Paren(Add((shown(k),
                                                Neg(Num(1)))))), "·")), Neg(Num(1))]


def _numerator(n: Dim, p: Dim, k: Dim, d: Dim) -> tuple[Dim, Expr]:
    span, subtracted = _span(k, d)
    value = minus(total(n, product(2, p)), span)
    terms: list[Expr] = [shown(n)]
    if p != 0:
        terms.append(Mul((Num(2), shown(p)), "·"))
    return value, Add((*terms, *subtracted))


def window_out(n: Dim, k: Dim, s: Dim, p: Dim, d: Dim = 1) -> Formula:
    """⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1: a convolution's or pooling's output size."""
    num, num_expr = _numerator(n, p, k, d)
    value = total(floor_div(num, s), 1)
    expr = Add((Call("floor", (Div(num_expr, shown(s)),)), Num(1)))
    return Formula(value, expr)


def window_out_ceil(n: Dim, k: Dim, s: Dim, p: Dim, d: Dim = 1) -> tuple[Formula, bool]:
    """PyTorch's ceil_mode: ⌈(n + 2p − d(k − 1) − 1)/s⌉ + 1, less one when the last window
    would start in the right padding. Also says whether that window was dropped (known
    sizes only)."""
    num, num_expr = _numerator(n, p, k, d)
    raw = total(ceil_div(num, s), 1)

    def rule(raw_: int, s_: int, n_: int, p_: int) -> int:
        return raw_ - 1 if (raw_ - 1) * s_ >= n_ + p_ else raw_

    value = custom(rule, shown(raw) if not isinstance(raw, int) else Num(raw), raw, s, n, p)
    dropped = isinstance(raw, int) and isinstance(value, int) and value != raw
    expr = Add((Call("ceil", (Div(num_expr, shown(s)),)), Num(1)))
    return Formula(value, expr), dropped


def same_out(n: Dim, s: Dim) -> Formula:
    """Keras' "same": ⌈n/s⌉ (PyTorch's, stride 1: n)."""
    if s == 1:
        return Formula(n, None)
    return Formula(ceil_div(n, s), Call("ceil", (Div(shown(n), shown(s)),)))


def transposed_out(n: Dim, k: Dim, s: Dim, p: Dim, d: Dim, output_padding: Dim) -> Formula:
    """(n − 1)s − 2p + d(k − 1) + output_padding + 1."""
    value = total(product(minus(n, 1), s), product(-2, p), product(d, minus(k, 1)),
                  output_padding, 1)
    terms: list[Expr] = [Mul((Paren(Add((shown(n), Neg(Num(1))))), shown(s)), "·")]
    if p != 0:
        terms.append(Neg(Mul((Num(2), shown(p)), "·")))
    km1 = Paren(Add((shown(k), Neg(Num(1)))))
    terms.append(km1 if d == 1 else Mul((shown(d), km1), "·"))
    if output_padding != 0:
        terms.append(shown(output_padding))
    terms.append(Num(1))
    return Formula(value, Add(tuple(terms)))


def keras_transposed_out(n: Dim, k: Dim, s: Dim, same: bool, d: Dim) -> Formula:
    """Keras' Conv2DTranspose without output_padding: "same" n·s, "valid" n·s + max(k' − s, 0)
    with k' = d(k − 1) + 1 (keras.src.utils.conv_utils.deconv_output_length)."""
    if same:
        return Formula(product(n, s), Mul((shown(n), shown(s)), "·"))
    span = total(product(d, minus(k, 1)), 1)
    extra = custom(lambda a, b: max(a - b, 0), Call("max", (Add((shown(span), Neg(shown(s)))),
                                                            Num(0))), span, s)
    value = total(product(n, s), extra)
    return Formula(value, Add((Mul((shown(n), shown(s)), "·"),
                               Call("max", (Add((shown(span), Neg(shown(s)))), Num(0))))))

"""How the perceptron kind writes its symbols and substitutes its numbers.

Vectors are rows, `[−1  1]`; x is a point's inputs, w the weights, b the bias or θ the
threshold, η the learning rate, t the target, y the output f(net). A difference with a
negative number keeps it in parentheses, `1 − (−1)`, in every format. Presentations are
counted k = 1, 2, … across epochs, points i = 1, 2, … in the order listed.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from examsolve.mathmodel import Expr, Mul, Neg, Num, Paren, Sym, add, eq, mul, row

W, B, THETA, ETA = Sym("w"), Sym("b"), Sym("θ"), Sym("η")
X, T, Y, NET = Sym("x"), Sym("t"), Sym("y"), Sym("net")
MAX_EXPANDED_INPUTS = 6  # beyond this a net input is shown as its value only
# Table headers are plain text: the update's coefficient and the offset, as the rules write them.
COEFFICIENT_HEADER = {"perceptron": "η(t − y)", "hebb": "η·t", "delta": "η(t − net)"}


def offset_header(threshold: bool) -> str:
    return "θ" if threshold else "b"


def number(q: object) -> Expr:
    """A number, parenthesised when negative (a factor or a subtrahend)."""
    n = Num(q)
    return Paren(n) if q < 0 else n  # type: ignore[operator]


def minus(a: object, b: object) -> Expr:
    """a − b with numbers: `1 − (−1)`."""
    return add(Num(a), Neg(number(b)))


def vector(values: Sequence[object]) -> Expr:
    return row(values)


def offset_symbol(threshold: bool) -> Sym:
    return THETA if threshold else B


def net_formula(threshold: bool) -> Expr:
    """net = w·x + b, or w·x − θ."""
    wx = mul(W, X)
    return eq(NET, add(wx, Neg(THETA)) if threshold else add(wx, B))


def net_numbers(w: Sequence[Fraction], x: Sequence[Fraction], offset: Fraction,
                threshold: bool) -> Expr | None:
    """w₁x₁ + w₂x₂ + b with numbers (`0·(−1) + 0·1 + 0`), None for too many inputs."""
    if len(w) > MAX_EXPANDED_INPUTS:
        return None
    terms: list[Expr] = [Mul((number(a), number(b)), "·") for a, b in zip(w, x)]
    terms.append(Neg(number(offset)) if threshold else number(offset))
    return add(*terms)



def error_symbol(rule: str) -> Expr:
    """The error the rule learns from: t − y, t (Hebb) or t − net."""
    if rule == "hebb":
        return T
    return add(T, Neg(NET if rule == "delta" else Y))


def coefficient_symbol(rule: str) -> Expr:
    """What the update multiplies x by: η(t − y), ηt or η(t − net)."""
    if rule == "hebb":
        return Mul((ETA, T), "·")
    return Mul((ETA, Paren(error_symbol(rule))), "")


def update_symbol(rule: str) -> Expr:
    """The weight step: η(t − y)x, η·t·x or η(t − net)x."""
    coefficient = coefficient_symbol(rule)
    return Mul((*coefficient.factors, X), coefficient.op)  # type: ignore[attr-defined]


def coefficient_numbers(rule: str, lr: Fraction, t: int, y: int, net: Fraction) -> Expr:
    """The coefficient with numbers: `1·(1 − (−1))`, `1·(−1)`, `0.1·(1 − 0.3)`."""
    if rule == "hebb":
        return Mul((Num(lr), number(t)), "·")
    return Mul((Num(lr), Paren(minus(t, net if rule == "delta" else y))), "·")

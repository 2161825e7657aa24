"""How a softmax-regression derivation writes its symbols and numbers in prose.

Prose holds its math as math nodes, so every printer typesets it (`say("here ", s_i(n, 0),
" = ", number(710))`). The names are the exam's: x, W, b, the scores s = W x + b, their
largest m, Z = Σⱼ exp(sⱼ − m), p = softmax(s), the loss L; class indices are written as
`indexing` counts them (s₂), the true class's generically as s_y.
"""

from __future__ import annotations

import math
from fractions import Fraction

from examsolve.mathmodel import (Add, Div, Expr, Mul, Neg, Num, Sym, Text, add, call, eq, mul,
                                 rel)
from examsolve.numbers import format_number

S, X, W, B, P, Z, L, M = (Sym(c) for c in "sxWbpZLm")
C, D, Y = Sym("C"), Sym("D"), Sym("y")
S_I, S_J, S_Y, P_I, P_Y = Sym("s", "i"), Sym("s", "j"), Sym("s", "y"), Sym("p", "i"), Sym("p", "y")
INF = Num(math.inf)
NAN = Sym("NaN")  # the float's name, as numpy prints it (and \mathrm{NaN} in LaTeX)
SCORES = eq(S, add(mul(W, X, op=""), B))  # s = W x + b
LOGSUMEXP = call("logsumexp", S)


def number(value: object) -> Expr:
    """A number in prose, as the math writes it; NaN by its name."""
    if isinstance(value, float) and math.isnan(value):
        return NAN
    return Num(value)


def fixed(value: float, places: int) -> Num:
    """A float to fixed places (a threshold: 709.78, −745.1), exactly as written."""
    return Num(Fraction(f"{value:.{places}f}"))


def fmt(value: object) -> str:
    """A number as text, for the warnings (plain strings): typographic minus, NaN by name."""
    text = format_number(value).replace("-", "−")
    return "NaN" if text == "nan" else text


def shape(rows: Expr | int, cols: Expr | int) -> Mul:
    """C×D, 3×2."""
    return Mul((rows if isinstance(rows, Expr) else Num(rows),
                cols if isinstance(cols, Expr) else Num(cols)), "×")


def sub(name: str, label: str) -> Sym:
    """s₂, p₂: a class's entry, its index as written."""
    return Sym(name, label)


def exp_of(arg: Expr) -> Expr:
    return call("exp", arg)


def log_of(arg: Expr) -> Expr:
    return call("log", arg)


def minus(a: Expr, b: Expr) -> Add:
    return Add((a, Neg(b)))


def ratio(a: Expr, b: Expr) -> Div:
    return Div(a, b)


def sum_j(term: Expr) -> Mul:
    """Σⱼ term."""
    return Mul((Sym("Σ", "j"), term), "")


def max_j() -> Expr:
    """max(sᵢ), as step 4's equation writes the largest score."""
    return call("max", S_I)


def word(text: str) -> Text:
    """An upright word inside math: finite/inf."""
    return Text(text)


__all__ = ["B", "C", "D", "INF", "L", "LOGSUMEXP", "M", "NAN", "P", "P_I", "P_Y", "S", "SCORES",
           "S_I", "S_J", "S_Y", "W", "X", "Y", "Z", "eq", "exp_of", "fixed", "fmt", "log_of",
           "max_j", "minus", "number", "ratio", "rel", "shape", "sub", "sum_j", "word"]

"""How the error-surface kind writes its symbols: parameters, points, f, ∇f, H, λ, η.

A parameter named `w1` or `w_1` is written w₁; a point is written (x, y) as a tuple; an
irrational number is written exactly with its decimal beside (√2 ≈ 1.414).
"""

from __future__ import annotations

import re
from fractions import Fraction
from dataclasses import fields, is_dataclass, replace

from examsolve.mathmodel import Add, Call, Div, Expr, Mul, Neg, Num, Rel, Sym

_INDEXED = re.compile(r"^([A-Za-z]+)_?(\d+)$")


def variable(name: str) -> Sym:
    """A parameter as a symbol: x, w₁ (from w1 or w_1), lr."""
    match = _INDEXED.match(name)
    return Sym(match.group(1), match.group(2)) if match else Sym(name)


def point(coords: tuple[Expr, ...]) -> Expr:
    """(a, b): a point as a tuple; in one variable the number itself."""
    return coords[0] if len(coords) == 1 else Call("", coords)


def point_shown(exact: tuple[Expr, ...], decimal: tuple[Expr, ...] | None) -> Expr:
    """The point, with its decimals beside when a coordinate is irrational."""
    if decimal is None:
        return point(exact)
    return Rel((point(exact), point(decimal)), ("≈",))


def f_of(names: tuple[str, ...]) -> Expr:
    """f(x, y)."""
    return Call("f", tuple(variable(n) for n in names))


def f_at(coords: tuple[Expr, ...]) -> Expr:
    return Call("f", coords)


F = Sym("f")
H = Sym("H")
ETA = Sym("η")
LAMBDA = Sym("λ")


def lam(sub: str | None = None) -> Sym:
    return Sym("λ", sub)


def hessian_at(k: int) -> Sym:
    """H_k: the Hessian at the k-th stationary point."""
    return Sym("H", str(k))


def substitute(expr: Expr, values: dict[Sym, Expr]) -> Expr:
    """expr with each variable replaced by its number: every number substituted, as a model
    solution writes it (32x² becomes 32·2², so juxtaposed products get a dot)."""
    if isinstance(expr, Sym):
        return values.get(expr, expr)
    if not is_dataclass(expr):
        return expr
    changes = {}
    for f in fields(expr):
        value = getattr(expr, f.name)
        if isinstance(value, Expr):
            changes[f.name] = substitute(value, values)
        elif isinstance(value, tuple) and value and isinstance(value[0], Expr):
            changes[f.name] = tuple(substitute(v, values) for v in value)
    if isinstance(expr, Mul) and expr.op == "":
        changes["op"] = "·"
    return replace(expr, **changes)


GRAD = Sym("∇f")
LAMBDA_MAX = Sym("λ", "max")
LAMBDA_MIN = Sym("λ", "min")
P = Sym("p")


def step_factor(lam_: Expr = LAMBDA) -> Expr:
    """1 − ηλ."""
    return Add((Num(Fraction(1)), Neg(Mul((ETA, lam_), ""))))


def abs_step_factor(lam_: Expr = LAMBDA) -> Expr:
    """|1 − ηλ|."""
    return Call("abs", (step_factor(lam_),))


def gd_update(p: Sym = P, grad: str = "∇f") -> Expr:
    """p := p − η∇f(p) (x := x − ηf′(x) in one variable)."""
    return Rel((p, Add((p, Neg(Mul((ETA, Call(grad, (p,))), ""))))), (":=",))


def descent_names(names: tuple[str, ...]) -> tuple[Sym, str]:
    """The point's symbol and the gradient's name: (p, ∇f), or (x, f′) in one variable."""
    return (variable(names[0]), "f′") if len(names) == 1 else (P, "∇f")


def over(numerator: int, den: Expr) -> Expr:
    return Div(Num(Fraction(numerator)), den)

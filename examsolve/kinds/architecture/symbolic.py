"""Sizes that may hold unknowns: a `Dim` is an int, or a `SymDim` — an expression in the
spec's unknown names together with the function that evaluates it.

Every formula of the kind is written once over Dims, so the same code gives the numbers of a
known network and, with unknowns, the equation a constraint pins (`4·h·(10 + h) + 8·h = 4400`)
plus the function the search evaluates for each candidate value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from examsolve.mathmodel import Add, Call, Div, Expr, Mul, Neg, Num, Sym

Env = dict[str, int]


class SymDim:
    """An integer expression in unknown names: `expr` shows it, `fn(env)` evaluates it."""

    __slots__ = ("expr", "fn", "names")

    def __init__(self, expr: Expr, fn: Callable[[Env], int], names: frozenset[str]) -> None:
        self.expr, self.fn, self.names = expr, fn, names

    def __repr__(self) -> str:
        return f"SymDim({self.expr!r})"


Dim = Union[int, SymDim]


def unknown(name: str) -> SymDim:
    return SymDim(Sym(name), lambda env: env[name], frozenset((name,)))


def is_known(d: Dim) -> bool:
    return isinstance(d, int)


def names_of(*dims: Dim) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for d in dims:
        if isinstance(d, SymDim):
            out |= d.names
    return out


def evaluate(d: Dim, env: Env) -> int:
    return d if isinstance(d, int) else d.fn(env)


def shown(d: Dim) -> Expr:
    """The math node of a Dim: its number, or its expression in the unknowns."""
    return Num(d) if isinstance(d, int) else d.expr


def _lift(op: Callable[..., int], expr: Expr, dims: tuple[Dim, ...]) -> SymDim:
    fns = [(lambda env, d=d: d) if isinstance(d, int) else d.fn for d in dims]
    return SymDim(expr, lambda env: op(*(f(env) for f in fns)), names_of(*dims))


def total(*dims: Dim) -> Dim:
    """a + b + …; constants fold."""
    if all(isinstance(d, int) for d in dims):
        return sum(dims)  # type: ignore[arg-type]
    terms = tuple(shown(d) for d in dims if not (isinstance(d, int) and d == 0))
    return _lift(lambda *v: sum(v), Add(terms) if len(terms) > 1 else terms[0], dims)


def minus(a: Dim, b: Dim) -> Dim:
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    return _lift(lambda x, y: x - y, Add((shown(a), Neg(shown(b)))), (a, b))


def product(*dims: Dim) -> Dim:
    """a·b·…; constants fold, factors of 1 are left out of the expression."""
    if all(isinstance(d, int) for d in dims):
        out = 1
        for d in dims:
            out *= d  # type: ignore[operator]
        return out
    factors = tuple(shown(d) for d in dims if not (isinstance(d, int) and d == 1))
    expr = Mul(factors, "·") if len(factors) > 1 else factors[0]
    return _lift(lambda *v: _prod(v), expr, dims)


def _prod(values: tuple[int, ...]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def floor_div(a: Dim, b: Dim) -> Dim:
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    if b == 1:
        return a
    return _lift(lambda x, y: x // y if y else 0, Call("floor", (Div(shown(a), shown(b)),)),
                 (a, b))


def ceil_div(a: Dim, b: Dim) -> Dim:
    if isinstance(a, int) and isinstance(b, int):
        return -(-a // b)
    if b == 1:
        return a
    return _lift(lambda x, y: -(-x // y) if y else 0, Call("ceil", (Div(shown(a), shown(b)),)),
                 (a, b))


def exact_div(a: Dim, b: Dim) -> Dim:
    """a/b where the caller has required b | a (heads dividing the embedding)."""
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    return _lift(lambda x, y: x // y if y else 0, Div(shown(a), shown(b)), (a, b))


def custom(fn: Callable[..., int], expr: Expr, *dims: Dim) -> Dim:
    """Any integer function of some Dims (PyTorch's ceil-mode rule), shown as `expr`."""
    if all(isinstance(d, int) for d in dims):
        return fn(*dims)
    return _lift(fn, expr, dims)


@dataclass(frozen=True)
class Formula:
    """A result and how it was computed, the numbers substituted (`shown`); `shown` is None
    when the value is simply carried over (a shape that does not change)."""

    value: Dim
    shown: Expr | None = None

"""The derivative of a one-line model with respect to one parameter, written out as math.

For a loss written on one line (`L = (2*p + 3) * (2*p + 3)`) the derivation shows the whole
chain rule rather than a pointer to backpropagation: the sum rule, the product rule
d(ab) = da·b + a·db, and σ' = σ(1 − σ), tanh' = 1 − tanh², exp' = exp, log' = 1/x, each
times the derivative of its argument. A term whose derivative is 0 is dropped and a factor
1 is not written. Ops without such a rule here (matrix products, losses, relu's kink) make
`derivative` return None, and the derivation falls back to the backpropagation summary.
"""

from __future__ import annotations

import numpy as np

from examsolve import mathmodel as m
from examsolve.autodiff.parse import Apply, Const, Node_, Ref
from examsolve.kinds.optimizer.notation import line_math

ONE = m.num(1)


class _NoRule(Exception):
    """An op this module has no written derivative for."""


def derivative(expr: Node_, wrt: str,
               values: dict[str, np.ndarray] | None = None) -> m.Expr | None:
    """d expr/d wrt as math (with `values`, every name replaced by its number); None when
    some op has no rule here. A derivative that is 0 everywhere is the number 0."""
    try:
        out = _d(expr, wrt, values)
    except _NoRule:
        return None
    return m.num(0) if out is None else out


def _times(a: m.Expr | None, b: m.Expr) -> m.Expr:
    """a·b with a factor 1 left out (a None stands for 1 here only where the caller says)."""
    if a is None or a == ONE:
        return b
    if b == ONE:
        return a
    return m.Mul((a, b), "·")


def _d(e: Node_, wrt: str, values: dict[str, np.ndarray] | None) -> m.Expr | None:
    """The derivative, or None for 0."""
    if isinstance(e, Ref):
        return ONE if e.name == wrt else None
    if isinstance(e, Const):
        return None
    if not isinstance(e, Apply):
        raise _NoRule()
    show = lambda x: line_math(x, values)  # noqa: E731
    args = e.args
    if e.op in ("add", "sub"):
        da, db = _d(args[0], wrt, values), _d(args[1], wrt, values)
        if db is None:
            return da
        right = m.Neg(m.Paren(db) if isinstance(db, m.Add) else db) if e.op == "sub" else db
        return right if da is None else m.Add((da, right))
    if e.op == "neg":
        da = _d(args[0], wrt, values)
        return None if da is None else m.Neg(m.Paren(da) if isinstance(da, m.Add) else da)
    if e.op == "mul":
        da, db = _d(args[0], wrt, values), _d(args[1], wrt, values)
        terms = []
        if da is not None:
            terms.append(_times(_paren(da), show(args[1])) if da != ONE else show(args[1]))
        if db is not None:
            terms.append(_times(show(args[0]), _paren(db)) if db != ONE else show(args[0]))
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else m.Add(tuple(terms))
    outer = _outer(e, show)
    if outer is None:
        raise _NoRule()
    da = _d(args[0], wrt, values)
    if da is None:
        return None
    return outer if da == ONE else m.Mul((outer, _paren(da)), "·")


def _paren(x: m.Expr) -> m.Expr:
    return m.Paren(x) if isinstance(x, m.Add) else x


def _outer(e: Apply, show) -> m.Expr | None:  # type: ignore[no-untyped-def]
    """f'(a) for a unary f, written with a's math."""
    a = show(e.args[0])
    if e.op == "sigmoid":
        s = m.Call("σ", (a,))
        return m.Mul((s, m.Paren(m.Add((ONE, m.Neg(s))))), "·")
    if e.op == "tanh":
        return m.Paren(m.Add((ONE, m.Neg(m.Pow(m.Call("tanh", (a,)), m.num(2))))))
    if e.op == "exp":
        return m.Call("exp", (a,))
    if e.op == "log":
        return m.Div(ONE, a)
    if e.op == "pow":  # d(aⁿ)/da = n·aⁿ⁻¹
        n = dict(e.options)["exponent"]
        base = a if isinstance(a, (m.Sym, m.Num, m.Call)) else m.Paren(a)
        if n == 2:
            return m.Mul((m.num(2), base), "·")
        return m.Mul((m.num(n), m.Pow(base, m.num(n - 1))), "·")
    return None

"""How the optimizer kind writes its symbols: parameters, gradients, optimizer state, and a
model line as math (with or without its numbers)."""

from __future__ import annotations

import re

import numpy as np

from examsolve import mathmodel as m
from examsolve.autodiff.parse import Apply, Const, Node_, Ref

_INDEXED = re.compile(r"^([A-Za-z]+)(\d+)$")
_SUBSCRIPTED = re.compile(r"^([A-Za-z]+)_([A-Za-z0-9]+)$")

# Greek letters of the hyper-parameters, as the course notes write them.
ETA, MU, BETA, LAMBDA, EPS = m.Sym("η"), m.Sym("μ"), m.Sym("β"), m.Sym("λ"), m.Sym("ε")
BETA1, BETA2 = m.Sym("β", "1"), m.Sym("β", "2")
FUNCTION_NAMES = {"sigmoid": "σ", "cross_entropy": "CE"}


def base(name: str) -> tuple[str, str | None]:
    """W1 → (W, 1), b_out → (b, out), p → (p, None)."""
    for pattern in (_INDEXED, _SUBSCRIPTED):
        match = pattern.match(name)
        if match:
            return match.group(1), match.group(2)
    return name, None


def symbol(name: str) -> m.Sym:
    """A model name as a symbol: W1 → W₁, b_out → bₒᵤₜ."""
    letter, sub = base(name)
    return m.Sym(letter, sub)


def at(name: str, t: int | str, label: str | None = None) -> m.Sym:
    """A quantity at step t: p_t, or m_{W,t} when `label` names the parameter it belongs to
    (several parameters: m_{W₁,t})."""
    letter, sub = base(name)
    parts = [p for p in (sub, label) if p]
    return m.Sym(letter, ",".join([*parts, str(t)]))


def value(arr: np.ndarray) -> m.Expr:
    """A number for a 1×1 value, else a matrix, summarised as numpy prints it (only the
    entries shown are converted, so a 784×256 weight costs 49 nodes, not 200k)."""
    if arr.shape == (1, 1):
        return m.as_expr(arr[0, 0])
    rows, cols = (_shown(k) for k in arr.shape)
    if len(rows) == arr.shape[0] and len(cols) == arr.shape[1]:
        return m.mat(arr)
    return m.Mat(tuple(tuple(m.Ellipsis_() if i is None or j is None else m.as_expr(arr[i, j])
                             for j in cols) for i in rows), (arr.shape[0], arr.shape[1]))


def _shown(count: int) -> list[int | None]:
    """The indices numpy's summary keeps (None for the `…`), as mathmodel.mat does."""
    if count <= m.SUMMARY_THRESHOLD:
        return list(range(count))
    edge = m.SUMMARY_EDGE
    return [*range(edge), None, *range(count - edge, count)]


def is_scalar(arr: np.ndarray) -> bool:
    return arr.shape == (1, 1)


def times(a: m.Expr, b: m.Expr, arr_a: np.ndarray | None = None,
          arr_b: np.ndarray | None = None) -> m.Mul:
    """a·b, or a ⊙ b when both stand for matrices (elementwise)."""
    elementwise = arr_a is not None and arr_b is not None and not is_scalar(arr_a) \
        and not is_scalar(arr_b)
    return m.Mul((a, b), "⊙" if elementwise else "·")


def line_math(expr: Node_, values: dict[str, np.ndarray] | None = None) -> m.Expr:
    """A model expression as math; with `values`, every name replaced by its value."""
    def walk(e: Node_) -> m.Expr:
        if isinstance(e, Ref):
            if values is not None and e.name in values:
                return value(values[e.name])
            return symbol(e.name)
        if isinstance(e, Const):
            return m.num(e.value)
        args = [walk(a) for a in e.args]
        if e.op == "add":
            return m.Add((args[0], args[1]))
        if e.op == "sub":
            right = m.Paren(args[1]) if isinstance(args[1], m.Add) else args[1]
            return m.Add((args[0], m.Neg(right)))
        if e.op == "neg":
            return m.Neg(args[0])
        if e.op in ("mul", "matmul"):
            return m.Mul(tuple(args), "·")
        if e.op == "transpose":
            return m.Transpose(args[0])
        if e.op == "pow":  # x**n, square(x)
            n = dict(e.options)["exponent"]
            inner = args[0] if isinstance(args[0], (m.Sym, m.Num, m.Call)) else m.Paren(args[0])
            return m.Pow(inner, m.num(n))
        if e.op == "div":
            return m.Div(args[0], args[1])
        extra = tuple(m.Text(str(v)) for k, v in e.options if k == "cls")
        return m.Call(FUNCTION_NAMES.get(e.op, e.op), tuple(args) + extra)

    return walk(expr)


def sqrt(x: m.Expr) -> m.Call:
    return m.Call("sqrt", (x,))


def approx(value: object) -> list[m.Expr | str]:
    """A value's number, then `≈ decimal` when it is a fraction without a short decimal
    (210/19 ≈ 11.05): the parts to end an equation with."""
    from fractions import Fraction

    from examsolve.numbers import format_number

    q = m.as_expr(value)
    if isinstance(value, Fraction) and "/" in format_number(value):
        return [q, "≈", m.num(float(value))]
    return [q]


def readable(value: object) -> m.Expr:
    """A table cell: the number, a long fraction as its float."""
    from fractions import Fraction

    from examsolve.numbers import format_number

    if isinstance(value, Fraction) and "/" in format_number(value):
        return m.num(float(value))
    return m.as_expr(value)

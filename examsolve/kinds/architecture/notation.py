"""How the architecture kind writes shapes, sizes and layer names."""

from __future__ import annotations

from examsolve.mathmodel import Expr, Mul, Num, Text
from examsolve.kinds.architecture.symbolic import Dim, shown


def dim_text(d: Dim) -> str:
    """A size in an error message or warning (plain text: messages are not math output)."""
    return str(d) if isinstance(d, int) else _plain(d.expr)


def _plain(e: Expr) -> str:
    from examsolve.mathmodel import Add, Call, Div, Neg, Paren, Sym

    if isinstance(e, Num):
        return str(e.value)
    if isinstance(e, Sym):
        return e.name
    if isinstance(e, Neg):
        return "-" + _plain(e.arg)
    if isinstance(e, Add):
        out = _plain(e.terms[0])
        for t in e.terms[1:]:
            out += " - " + _plain(t.arg) if isinstance(t, Neg) else " + " + _plain(t)
        return out
    if isinstance(e, Mul):
        return "*".join(f"({_plain(f)})" if isinstance(f, Add) else _plain(f) for f in e.factors)
    if isinstance(e, Div):
        return f"({_plain(e.num)})/({_plain(e.den)})"
    if isinstance(e, Paren):
        return f"({_plain(e.arg)})"
    if isinstance(e, Call):
        return f"{e.fn}({', '.join(_plain(a) for a in e.args)})"
    return "?"


def shape_text(shape: tuple[Dim, ...]) -> str:
    """A shape in prose and messages: (16, 32, 32); a vector (10,) as Python writes it."""
    inner = ", ".join(dim_text(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def shape_expr(shape: tuple[Dim, ...]) -> Expr:
    """A shape as math: 16 × 32 × 32; a vector is its length."""
    if not shape:
        return Text("scalar")
    if len(shape) == 1:
        return shown(shape[0])
    return Mul(tuple(shown(d) for d in shape), "×")


def count_expr(value: Dim) -> Expr:
    return Num(value) if isinstance(value, int) else value.expr


def grouped(n: int) -> str:
    """138357544 → 138,357,544 (table cells and prose)."""
    return f"{n:,}"

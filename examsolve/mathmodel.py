"""The small math model every derivation is written in.

Solvers build equations from these nodes; each renderer (terminal, JSON, Markdown, LaTeX)
walks them and dispatches on the node type, so the same numbers reach every format. A
renderer that meets a node type it does not know raises, never falls back to `str()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Union

import numpy as np

from examsolve.numbers import exact


class Expr:
    """Base of every math node."""

    __slots__ = ()


@dataclass(frozen=True)
class Num(Expr):
    """A number: int/Fraction (exact) or float."""

    value: object


@dataclass(frozen=True)
class Sym(Expr):
    """A symbol with an optional subscript and superscript: `x` with sub `4,1` is x₄,₁."""

    name: str
    sub: str | None = None
    sup: str | None = None


@dataclass(frozen=True)
class Text(Expr):
    """Upright words inside math: a class name, `if`, `true`."""

    text: str


@dataclass(frozen=True)
class Mat(Expr):
    """A matrix of expressions; a column vector is an n×1 Mat."""

    rows: tuple[tuple[Expr, ...], ...]
    # The shape of the matrix this stands for, when big rows/columns were elided with
    # Ellipsis_ entries (numpy-style summary); None when every entry is present.
    full_shape: tuple[int, int] | None = None

    @property
    def shape(self) -> tuple[int, int]:
        if self.full_shape is not None:
            return self.full_shape
        return (len(self.rows), len(self.rows[0]) if self.rows else 0)


@dataclass(frozen=True)
class Add(Expr):
    """A sum of terms; a Neg or negative term is written with a minus sign."""

    terms: tuple[Expr, ...]


@dataclass(frozen=True)
class Neg(Expr):
    arg: Expr


@dataclass(frozen=True)
class Mul(Expr):
    """A product. op is `·` (scalars), `` (juxtaposition: 3e, W x), `⊙` (elementwise)."""

    factors: tuple[Expr, ...]
    op: str = "·"


@dataclass(frozen=True)
class Div(Expr):
    num: Expr
    den: Expr


@dataclass(frozen=True)
class Pow(Expr):
    base: Expr
    exp: Expr


@dataclass(frozen=True)
class Call(Expr):
    """A named function applied to arguments: relu(k), log(0.25), σ(s₂), softmax(s₁)."""

    fn: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Deriv(Expr):
    """∂num/∂den."""

    num: Expr
    den: Expr


@dataclass(frozen=True)
class Transpose(Expr):
    arg: Expr


@dataclass(frozen=True)
class Paren(Expr):
    """Explicit parentheses."""

    arg: Expr


@dataclass(frozen=True)
class Boxed(Expr):
    """A final answer, boxed."""

    arg: Expr


@dataclass(frozen=True)
class Ellipsis_(Expr):
    """`…` standing for omitted terms or entries."""


RELATIONS = ("=", "≈", "≠", "<", ">", "≤", "≥", "⇒", "∈", ":=")


@dataclass(frozen=True)
class Rel(Expr):
    """A chain `a = b = c` (ops[i] stands between parts[i] and parts[i+1])."""

    parts: tuple[Expr, ...]
    ops: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.ops) != len(self.parts) - 1:
            raise ValueError("a relation needs one operator between each pair of parts")
        for op in self.ops:
            if op not in RELATIONS:
                raise ValueError(f"unknown relation {op!r}")


# ---- constructors that read like the math -------------------------------------------------

ExprLike = Union[Expr, int, float, Fraction, str, np.generic]


def as_expr(x: ExprLike) -> Expr:
    """Numbers become Num, strings become Sym, nodes pass through."""
    if isinstance(x, Expr):
        return x
    if isinstance(x, str):
        return Sym(x)
    if isinstance(x, np.ndarray):
        return mat(x)
    return Num(exact(x))


def num(x: object) -> Num:
    return Num(exact(x))


def sym(name: str, sub: object = None, sup: str | None = None) -> Sym:
    return Sym(name, None if sub is None else str(sub), sup)


def eq(*parts: ExprLike) -> Rel:
    """a = b = c."""
    return Rel(tuple(as_expr(p) for p in parts), ("=",) * (len(parts) - 1))


def rel(*items: ExprLike | str) -> Rel:
    """Alternate parts and relation strings: rel(a, "=", b, "≈", c)."""
    parts = [as_expr(p) for p in items[0::2]]
    ops = tuple(str(o) for o in items[1::2])
    return Rel(tuple(parts), ops)


def add(*terms: ExprLike) -> Add:
    return Add(tuple(as_expr(t) for t in terms))


def mul(*factors: ExprLike, op: str = "·") -> Mul:
    return Mul(tuple(as_expr(f) for f in factors), op)


def call(fn: str, *args: ExprLike) -> Call:
    return Call(fn, tuple(as_expr(a) for a in args))


def deriv(num_: ExprLike, den: ExprLike) -> Deriv:
    return Deriv(as_expr(num_), as_expr(den))


# numpy's print options: summarise a dimension longer than THRESHOLD to EDGE items each end.
SUMMARY_THRESHOLD = 10
SUMMARY_EDGE = 3


def mat(values: object, summarise: bool = True) -> Mat:
    """A Mat from a numpy array or nested lists; a 1-D input becomes a column vector.

    A dimension longer than SUMMARY_THRESHOLD keeps SUMMARY_EDGE entries at each end with an
    Ellipsis_ between (as numpy prints), so a 784×256 weight never becomes 200k nodes.
    """
    arr = np.asarray(values, dtype=object)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim != 2:
        raise ValueError(f"a matrix needs 1 or 2 dimensions, got {arr.ndim}")
    shape = arr.shape
    row_ids = _summary_indices(shape[0]) if summarise else list(range(shape[0]))
    col_ids = _summary_indices(shape[1]) if summarise else list(range(shape[1]))
    rows = tuple(
        tuple(Ellipsis_() if i is None or j is None else as_expr(arr[i, j]) for j in col_ids)
        for i in row_ids
    )
    elided = len(row_ids) != shape[0] or len(col_ids) != shape[1]
    return Mat(rows, shape if elided else None)


def _summary_indices(n: int) -> list[int | None]:
    if n <= SUMMARY_THRESHOLD:
        return list(range(n))
    return [*range(SUMMARY_EDGE), None, *range(n - SUMMARY_EDGE, n)]


def row(values: Iterable[object]) -> Mat:
    """A 1×n row vector."""
    return Mat((tuple(as_expr(v) for v in values),))

"""The softmax-regression kind: multiclass logistic regression for one point (exam problem 4).

s = W x + b (C scores), p = softmax(s), L = −log p_y = logsumexp(s) − s_y. The derivation
gives the shapes, runs the direct code in the spec's dtype to show what it really returns
(overflow in exp, inf/inf = NaN, log 0 = −inf), ties each hazard to its line, computes the
robust form step by step, then the gradients ∂L/∂W = (p − onehot(y)) xᵀ, ∂L/∂b = p − onehot(y),
and prints the library's source (examsolve.numerics) as the reference implementation.

The scores are rational (exact Fractions); everything after exp is a float in the dtype,
written so that no rounded float looks exact (digits.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.mathmodel import Sym, Text, eq
from examsolve.spec.common import Common
from examsolve.spec import Grid, SpecNode
from examsolve.wording import hint

DTYPES = ("float64", "float32")
FLOAT64_MAX = Fraction(float(np.finfo(np.float64).max))


@dataclass(frozen=True)
class SoftmaxRegressionSpec:
    common: Common
    x: tuple[Fraction, ...]  # D entries of the column x
    W: tuple[tuple[Fraction, ...], ...]  # C rows of D
    b: tuple[Fraction, ...]  # C entries
    y: int  # the true class, counted from 1 (the spec's `indexing` is applied in load)
    dtype: str = "float64"
    classes: tuple[str, ...] | None = None

    @property
    def C(self) -> int:
        return len(self.W)

    @property
    def D(self) -> int:
        return len(self.x)

    def scores(self) -> tuple[Fraction, ...]:
        """s = W x + b, exactly."""
        return tuple(sum((w * v for w, v in zip(row, self.x)), Fraction(0)) + bias
                     for row, bias in zip(self.W, self.b))


# ---- load ---------------------------------------------------------------------------------

def _numbers(node: SpecNode, grid: Grid) -> list[list[Fraction]]:
    """Entries as Fractions: finite and within float64's range, or a SpecError."""
    rows = []
    for i, r in enumerate(grid.rows):
        row = []
        for j, v in enumerate(r):
            where = node.path + (f"[{i + 1}]" if grid.flat else f"[{i + 1}][{j + 1}]") \
                if not grid.scalar else node.path
            if isinstance(v, float):  # parse_number gives floats only for inf and nan
                raise node.error(f"expected a finite number, got {v}", path=where)
            if abs(v) > FLOAT64_MAX:
                raise node.error("too large: beyond float64's largest number (≈1.798e308)",
                                 path=where)
            row.append(v)
        rows.append(row)
    return rows


def _column(node: SpecNode, name: str, length: int | None, what: str) -> tuple[Fraction, ...]:
    """A column vector: a flat list, one number per row, or a single number."""
    grid = node.grid()
    rows, cols = grid.shape
    if cols != 1:
        raise node.error(f"{name} must be a column ({what}); got a {rows}×{cols} matrix — "
                         f"write it as a flat list like [1, 2]")
    if length is not None and rows != length:
        raise node.error(f"{name} must have {length} entries ({what}), got {rows}")
    return tuple(r[0] for r in _numbers(node, grid))


def _class(node: SpecNode, C: int, indexing: int, classes: tuple[str, ...] | None) -> int:
    """y as a number per `indexing` or a name from `classes`; returned counted from 1."""
    first, last = indexing, C - 1 + indexing
    is_name = node.is_scalar and node.node.tag == "tag:yaml.org,2002:str"
    if is_name and (classes is None or node.string().strip() not in classes):
        try:  # "2" is a number written as a string, as everywhere else in a spec
            float(node.string())
            is_name = False
        except ValueError:
            pass
    if is_name:
        name = node.string().strip()
        if classes is None:
            raise node.error(f"y must be a class number in [{first}, {last}], got '{name}' "
                             "(class names need a `classes` list)")
        if name not in classes:
            raise node.error(f"unknown class '{name}'; classes are {', '.join(classes)}"
                             f"{hint(name, classes)}")
        return classes.index(name) + 1
    y = node.integer()
    if not first <= y <= last:
        raise node.error(f"y must be a class in [{first}, {last}] (C = {C}, indexing "
                         f"{indexing}), got {y}")
    return y - indexing + 1


# Limits (docs/kinds/softmax-regression.md): the derivation prints every score, so a W
# bigger than this is no exam problem, and 1000×1000 took a minute.
MAX_CLASSES = 100
MAX_FEATURES = 100


def load(node: SpecNode, common: Common) -> SoftmaxRegressionSpec:
    for key, limit in (("x", MAX_FEATURES), ("W", MAX_CLASSES * MAX_FEATURES)):
        if key in node and node[key].entry_count() > limit:
            raise node[key].error(f"{key} has {node[key].entry_count():,} entries; at most "
                                  f"{limit:,} (C ≤ {MAX_CLASSES} classes, D ≤ "
                                  f"{MAX_FEATURES} features)")
    x = _column(node["x"], "x", None, "D×1")
    D = len(x)
    W_node = node["W"]
    W_grid = W_node.grid()
    C, cols = W_grid.shape
    if cols != D:
        flat = " (a flat list is read as a column; write one row per class)" \
            if W_grid.flat else ""
        raise W_node.error(f"W must be C×D with D = {D} (the length of x); got {C}×{cols}{flat}")
    if C > MAX_CLASSES:
        raise W_node.error(f"W has {C} rows (classes); at most {MAX_CLASSES}")
    W = tuple(tuple(r) for r in _numbers(W_node, W_grid))
    b = _column(node["b"], "b", C, f"C×1, one bias per class, C = {C}") if "b" in node \
        else (Fraction(0),) * C
    dtype = node["dtype"].choice(DTYPES) if "dtype" in node else "float64"
    classes = None
    if "classes" in node:
        items = node["classes"].seq()
        names = tuple(item.string().strip() for item in items)
        if len(names) != C:
            raise node["classes"].error(f"expected {C} class names (one per row of W), "
                                        f"got {len(names)}")
        for i, name in enumerate(names):
            if name in names[:i]:
                raise items[i].error(f"duplicate class name '{name}'")
        classes = names
    y = _class(node["y"], C, common.indexing, classes)
    spec = SoftmaxRegressionSpec(common, x, W, b, y, dtype, classes)
    if any(abs(s) > FLOAT64_MAX for s in spec.scores()):
        raise W_node.error("the scores s = W x + b exceed float64's largest number (≈1.798e308);"
                           " no floating-point code can hold them")
    return spec



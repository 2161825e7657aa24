"""The Hessian of f, its eigenvalues at a point, and the second-derivative test.

At a stationary point p, f(p + d) = f(p) + ½ dᵀ H d + …; so H positive definite (every
eigenvalue > 0) is a strict local minimum, negative definite a strict local maximum, and
eigenvalues of both signs a saddle (f rises along one eigenvector and falls along another,
even when another eigenvalue is 0). When H is singular and its other eigenvalues share one
sign, the second-order terms cannot decide: the point is `undecided` by this test.
Eigenvalues are exact (a diagonal H, or the roots of the characteristic polynomial of a
rational H when they are real radicals); the signs are read to DIGITS digits, and a zero
eigenvalue is confirmed exactly through det H = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy

from examsolve.kinds.error_surface.from_sympy import DIGITS, decimal

MINIMUM, MAXIMUM, SADDLE, UNDECIDED = "minimum", "maximum", "saddle", "undecided"


@dataclass(frozen=True)
class Curvature:
    """H at a point, its eigenvalues (ascending) and what they say."""

    hessian: sympy.Matrix
    eigenvalues: tuple[sympy.Expr, ...]
    signs: tuple[int, ...]  # −1, 0, +1 per eigenvalue
    exact: bool  # eigenvalues in exact form (else 50-digit decimals)

    @property
    def singular(self) -> bool:
        return 0 in self.signs

    @property
    def kind(self) -> str:
        if 1 in self.signs and -1 in self.signs:
            return SADDLE
        if self.singular:
            return UNDECIDED
        return MINIMUM if self.signs[0] > 0 else MAXIMUM

    @property
    def positive(self) -> tuple[sympy.Expr, ...]:
        return tuple(v for v, s in zip(self.eigenvalues, self.signs) if s > 0)


def hessian(poly: sympy.Poly, gens: tuple[sympy.Symbol, ...]) -> sympy.Matrix:
    """The matrix of second partial derivatives ∂²f/∂x_i∂x_j (symbolic)."""
    expr = poly.as_expr()
    return sympy.Matrix(len(gens), len(gens),
                        lambda i, j: sympy.expand(sympy.diff(expr, gens[i], gens[j])))


def curvature_at(h: sympy.Matrix, gens: tuple[sympy.Symbol, ...],
                 point: tuple[sympy.Expr, ...]) -> Curvature:
    if any(c.has(sympy.CRootOf) for c in point):
        # A root sympy can only name (of a quintic, say): H to DIGITS digits. Simplifying
        # polynomials in CRootOf exactly costs seconds and prints no better.
        floats = tuple(sympy.Float(sympy.re(sympy.N(c, DIGITS)), DIGITS) for c in point)
        return curvature(h.subs(dict(zip(gens, floats))).applyfunc(sympy.expand))
    at = h.subs(dict(zip(gens, point))).applyfunc(_simplify)
    return curvature(at)


def curvature(at: sympy.Matrix) -> Curvature:
    values, exact = _eigenvalues(at)
    tiny = sympy.Float(10, DIGITS) ** (-DIGITS // 2)
    near_zero = [abs(sympy.N(v, DIGITS)) < tiny for v in values]
    # A zero eigenvalue is confirmed exactly (det H = 0) where the entries are exact.
    singular = _is_zero(at.det(method="berkowitz")) if any(near_zero) else False
    signs = []
    for v, small in zip(values, near_zero):
        if small and singular is not False:
            signs.append(0)
        else:
            signs.append(1 if sympy.N(v, DIGITS) > 0 else -1)
    return Curvature(at, values, tuple(signs), exact)


def _eigenvalues(at: sympy.Matrix) -> tuple[tuple[sympy.Expr, ...], bool]:
    n = at.shape[0]
    if at.is_diagonal():
        return tuple(sorted((at[i, i] for i in range(n)), key=decimal)), True
    if all(e.is_Rational for e in at) and n <= 3:
        found = sympy.roots(at.charpoly().as_expr(), multiple=True)
        if len(found) == n and all(v.is_real for v in found):
            return tuple(sorted((_simplify(v) for v in found), key=decimal)), True
    # Otherwise: the symmetric eigenproblem to DIGITS digits (mpmath), entries evaluated
    # from their exact forms (CRootOf included).
    with mpmath.workdps(DIGITS):
        m = mpmath.matrix([[mpmath.mpf(str(sympy.re(sympy.N(at[i, j], DIGITS))))
                            for j in range(n)] for i in range(n)])
        values = mpmath.eigsy(m, eigvals_only=True)
        found = sorted(sympy.Float(mpmath.nstr(v, DIGITS), DIGITS) for v in values)
    return tuple(found), False


def _simplify(e: sympy.Expr) -> sympy.Expr:
    return sympy.radsimp(sympy.expand(e)) if e.has(sympy.Pow) else sympy.expand(e)


def _is_zero(e: sympy.Expr) -> bool | None:
    """Exactly zero? (None: sympy cannot tell; the decimal decides then.)"""
    if e.is_Rational:
        return e == 0
    if e.has(sympy.Float):
        return None  # decimals: the 50-digit value decides
    simplified = sympy.simplify(e)
    if simplified.is_zero is not None:
        return bool(simplified.is_zero)
    return None

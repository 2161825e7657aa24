"""Is f bounded below? Decided exactly where a proof is short, else left open and said so.

- one variable: bounded below iff f is constant or of even degree with a positive leading
  coefficient;
- a sum of one-variable parts: iff every part is (the infimum is the sum of the parts'
  minima, each attained);
- a quadratic f = ½ pᵀHp + bᵀp + c: iff H is positive semidefinite (every principal minor
  ≥ 0, checked exactly) and ∇f = Hp + b = 0 has a solution; if H has a negative eigenvalue f
  falls without bound along its eigenvector, and if Hp = −b has no solution there is a d
  with Hd = 0 and bᵀd ≠ 0, along which f is linear;
- otherwise: unbounded when f restricted to one of a few lines through the origin (the axes,
  the diagonals x_i ± x_j) is, which the one-variable rule decides; else not decided.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy

from examsolve.kinds.error_surface.curvature import curvature
from examsolve.kinds.error_surface.polynomial import Polynomial

BOUNDED, UNBOUNDED, UNKNOWN = "bounded", "unbounded", "unknown"


@dataclass(frozen=True)
class Boundedness:
    verdict: str  # BOUNDED, UNBOUNDED or UNKNOWN
    case: str  # "constant", "1d", "separable", "quadratic", "line", "open"
    variable: int | None = None  # 1d/separable: the part that decides (unbounded), or None
    degree: int | None = None
    leading: sympy.Expr | None = None
    direction: tuple[sympy.Expr, ...] | None = None  # quadratic (null direction) or line
    along: sympy.Expr | None = None  # f on the line as a polynomial in t
    negative: sympy.Expr | None = None  # quadratic: a negative eigenvalue of H
    minors: tuple[tuple[tuple[int, ...], sympy.Expr], ...] = ()  # quadratic: principal minors


def univariate_verdict(coeffs: dict[int, sympy.Expr]) -> tuple[str, int, sympy.Expr]:
    """(verdict, degree, leading coefficient) of a one-variable polynomial {power: coeff}."""
    powers = [k for k, c in coeffs.items() if c != 0 and k > 0]
    if not powers:
        return BOUNDED, 0, sympy.Integer(0)
    degree = max(powers)
    leading = coeffs[degree]
    ok = degree % 2 == 0 and leading > 0
    return (BOUNDED if ok else UNBOUNDED), degree, leading


def boundedness(f: Polynomial, gens: tuple[sympy.Symbol, ...], hessian: sympy.Matrix,
                has_stationary: bool) -> Boundedness:
    n = len(f.names)
    if f.degree == 0:
        return Boundedness(BOUNDED, "constant")
    if f.separable:
        worst = None
        for i in range(n):
            coeffs = {k: _rational(c) for k, c in f.part(i).items()}
            verdict, degree, leading = univariate_verdict(coeffs)
            if verdict == UNBOUNDED:
                worst = Boundedness(UNBOUNDED, "1d" if n == 1 else "separable", i, degree,
                                    leading)
                break
        if worst is not None:
            return worst
        i = 0
        return Boundedness(BOUNDED, "1d" if n == 1 else "separable", None,
                           f.variable_degree(i), None)
    if f.degree <= 2:
        return _quadratic(f, gens, hessian, has_stationary)
    return _lines(f, gens)


def _quadratic(f: Polynomial, gens, hessian: sympy.Matrix, has_stationary: bool) -> Boundedness:
    n = len(gens)
    minors = tuple((idx, hessian.extract(list(idx), list(idx)).det())
                   for size in range(1, n + 1) for idx in itertools.combinations(range(n), size))
    if any(m < 0 for _, m in minors):
        # the smallest eigenvalue, exact where it is a real radical (else to 50 digits)
        eigen = curvature(hessian).eigenvalues[0]
        return Boundedness(UNBOUNDED, "quadratic", negative=eigen, minors=minors)
    if has_stationary:
        return Boundedness(BOUNDED, "quadratic", minors=minors)
    b = sympy.Matrix([_rational(f.as_dict().get(tuple(int(i == j) for j in range(n)), 0))
                      for i in range(n)])
    for d in hessian.nullspace():
        if (b.T * d)[0] != 0:
            d = d * sympy.ilcm(*[sympy.fraction(x)[1] for x in d])
            return Boundedness(UNBOUNDED, "quadratic", direction=tuple(d), minors=minors)
    raise AssertionError("a PSD quadratic with no stationary point has a null direction")


def _lines(f: Polynomial, gens) -> Boundedness:
    n = len(gens)
    t = sympy.Symbol("t", real=True)
    directions = [tuple(int(i == k) for i in range(n)) for k in range(n)]
    for i, j in itertools.combinations(range(n), 2):
        for sign in (1, -1):
            directions.append(tuple(1 if k == i else sign if k == j else 0 for k in range(n)))
    expr = sum(_rational(c) * sympy.Mul(*[g ** e for g, e in zip(gens, m)])
               for m, c in f.terms)
    for d in directions:
        along = sympy.Poly(sympy.expand(expr.subs({g: di * t for g, di in zip(gens, d)},
                                                  simultaneous=True)), t)
        coeffs = {k[0]: c for k, c in zip(along.monoms(), along.coeffs())}
        verdict, degree, leading = univariate_verdict(coeffs)
        if verdict == UNBOUNDED:
            return Boundedness(UNBOUNDED, "line", degree=degree, leading=leading,
                               direction=d, along=along.as_expr())
    return Boundedness(UNKNOWN, "open")


def _rational(c) -> sympy.Rational:
    return sympy.Rational(c.numerator, c.denominator) if hasattr(c, "denominator") \
        else sympy.Rational(c)

"""Every real stationary point of a polynomial: ∇f = 0 solved exactly with sympy.

Three routes, cheapest first, each exact:
- a sum of one-variable parts (every 1-D f among them): each ∂f/∂x_i involves x_i alone, so
  each equation is a one-variable polynomial, solved by `sympy.real_roots`, and the points
  are all combinations of the roots;
- a quadratic: ∇f = H p + b = 0 is linear, solved by `sympy.linsolve` (its solution set may
  be empty, one point, or a line or plane);
- anything else: a lex Gröbner basis of the partial derivatives. [1] means no solution; a
  basis that is not zero-dimensional means the solutions are not isolated; otherwise
  each coordinate is a real root of the one-variable polynomial that eliminates the others,
  and the combinations of those roots where ∇f vanishes are the points.
Points are sorted by their coordinates ascending, first coordinate first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import mpmath
import sympy

from examsolve.kinds.error_surface.from_sympy import DIGITS, decimal
from examsolve.kinds.error_surface.polynomial import Polynomial

Point = tuple[sympy.Expr, ...]
TOLERANCE = mpmath.mpf(10) ** (-(DIGITS * 3) // 5)


@dataclass(frozen=True)
class Stationary:
    """The solution set of ∇f = 0."""

    method: str  # "separable", "linear" or "groebner"
    points: tuple[Point, ...]  # every real stationary point, sorted; empty when not isolated
    isolated: bool  # False: a line, plane, … of stationary points (points is then empty)
    equations: tuple[sympy.Expr, ...] = ()  # the set {eq = 0 for each} when not isolated
    roots: tuple[tuple[sympy.Expr, ...], ...] = ()  # separable: the real roots of each ∂f/∂x_i
    free: tuple[int, ...] = ()  # separable: variables f does not depend on
    particular: Point | None = None  # linear, not isolated: one stationary point of the set
    details: dict = field(default_factory=dict, compare=False)


def symbols(names: tuple[str, ...]) -> tuple[sympy.Symbol, ...]:
    """One real sympy Symbol per parameter (built by name, never parsed: `I` is not i)."""
    return tuple(sympy.Symbol(n, real=True) for n in names)


def to_sympy(f: Polynomial, gens: tuple[sympy.Symbol, ...]) -> sympy.Poly:
    return sympy.Poly.from_dict({m: sympy.Rational(c.numerator, c.denominator)
                                 for m, c in f.terms} or {(0,) * len(gens): 0}, *gens)


def stationary_points(f: Polynomial, gens: tuple[sympy.Symbol, ...]) -> Stationary:
    poly = to_sympy(f, gens)
    grad = [poly.diff(g) for g in gens]
    if f.separable:
        return _separable(grad, gens)
    if f.degree <= 2:
        return _linear(grad, gens)
    return _groebner(grad, gens)


def _separable(grad: list[sympy.Poly], gens: tuple[sympy.Symbol, ...]) -> Stationary:
    roots: list[tuple[sympy.Expr, ...]] = []
    free: list[int] = []
    for i, (g, x) in enumerate(zip(grad, gens)):
        if g.is_zero:
            free.append(i)
            roots.append(())
            continue
        univariate = sympy.Poly(g.as_expr(), x)
        found = sorted(set(sympy.real_roots(univariate)), key=decimal)
        roots.append(tuple(found))
    if free:
        equations = tuple(sympy.factor(g.as_expr()) for i, g in enumerate(grad) if i not in free)
        if any(not r for i, r in enumerate(roots) if i not in free):
            return Stationary("separable", (), True, roots=tuple(roots), free=tuple(free))
        return Stationary("separable", (), False, equations, tuple(roots), tuple(free))
    points: list[Point] = [()]
    for r in roots:
        points = [p + (x,) for p in points for x in r]
    return Stationary("separable", tuple(points), True, roots=tuple(roots))


def _linear(grad: list[sympy.Poly], gens: tuple[sympy.Symbol, ...]) -> Stationary:
    solutions = sympy.linsolve([g.as_expr() for g in grad], *gens)
    if not solutions:
        return Stationary("linear", (), True)
    (solution,) = tuple(solutions)
    free_symbols = set().union(*(s.free_symbols for s in solution))
    if not free_symbols:
        return Stationary("linear", (tuple(solution),), True)
    # A line or plane: written as its independent equations, one stationary point of it kept
    # (the free parameters at 0) for the value of f there.
    basis = sympy.groebner([g.as_expr() for g in grad], *gens, order="lex")
    particular = tuple(s.subs({v: 0 for v in free_symbols}) for s in solution)
    return Stationary("linear", (), False, tuple(basis.exprs), particular=particular)


def _groebner(grad: list[sympy.Poly], gens: tuple[sympy.Symbol, ...]) -> Stationary:
    """Zero-dimensional systems: each coordinate of a solution is a real root of the
    polynomial that eliminates every other variable (the last element of a lex basis with
    that variable last), so the points are among the combinations of those roots; a
    combination is kept when the gradient vanishes there (to DIGITS digits, far below any
    gap between distinct roots of these small integer systems)."""
    exprs = [g.as_expr() for g in grad]
    basis = sympy.groebner(exprs, *gens, order="lex")
    if basis.exprs == [1]:
        return Stationary("groebner", (), True)
    if not basis.is_zero_dimensional:
        return Stationary("groebner", (), False, tuple(sympy.factor(e) for e in basis.exprs))
    candidates: list[list[sympy.Expr]] = []
    for i, x in enumerate(gens):
        order = (*gens[:i], *gens[i + 1:], x)
        eliminant = sympy.groebner(exprs, *order, order="lex").exprs[-1]
        found = sympy.real_roots(sympy.Poly(eliminant, x))
        candidates.append(sorted(set(found), key=decimal))
    points: list[Point] = []
    with mpmath.workdps(DIGITS):
        numeric = [[mpmath.mpf(str(sympy.N(c, DIGITS))) for c in cs] for cs in candidates]
        residuals = [sympy.lambdify(gens, e, "mpmath") for e in exprs]
        degree = max(sympy.Poly(e, *gens).total_degree() for e in exprs)
        for combo in itertools.product(*(range(len(cs)) for cs in candidates)):
            at = [numeric[i][j] for i, j in enumerate(combo)]
            scale = (1 + max(abs(v) for v in at)) ** degree
            if all(abs(r(*at)) < TOLERANCE * scale for r in residuals):
                points.append(tuple(candidates[i][j] for i, j in enumerate(combo)))
    return Stationary("groebner", tuple(points), True, details={"basis": tuple(basis.exprs)})


def sort_key(p: Point) -> tuple[float, ...]:
    return tuple(decimal(c) for c in p)

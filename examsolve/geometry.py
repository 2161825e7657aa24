"""Exact convex geometry shared by kinds: do two finite point sets' convex hulls meet?

Two classes are strictly separable by a hyperplane (w·x + b > 0 on one, < 0 on the other)
exactly when their convex hulls are disjoint. They meet when

    Σ_i λ_i p_i = Σ_j μ_j q_j,   Σ_i λ_i = 1,   Σ_j μ_j = 1,   λ, μ ≥ 0

has a solution. Phase 1 of the simplex method in Fractions (Bland's rule, so it terminates)
finds a basic solution, with at most D + 2 nonzero weights: an exact certificate a
derivation can print. No solution means the hulls are disjoint (by LP duality a separating
hyperplane exists). This module belongs to no kind, so any kind may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

Vector = tuple[Fraction, ...]


@dataclass(frozen=True)
class HullMeet:
    """Convex weights over two point sets with the same weighted average, `point`."""

    first: tuple[tuple[int, Fraction], ...]  # (index into the first set, weight > 0)
    second: tuple[tuple[int, Fraction], ...]
    point: Vector


def convex_hulls_meet(first: Sequence[Vector], second: Sequence[Vector]) -> HullMeet | None:
    """A point of both convex hulls with its convex weights, or None when they are disjoint
    (then the sets are strictly separable by a hyperplane). Both sets must be non-empty."""
    dim = len(first[0])
    columns = [[*p, Fraction(1), Fraction(0)] for p in first]
    columns += [[*(-v for v in q), Fraction(0), Fraction(1)] for q in second]
    rhs = [Fraction(0)] * dim + [Fraction(1), Fraction(1)]
    solution = feasible_point(columns, rhs)
    if solution is None:
        return None
    n = len(first)
    lam = tuple((i, v) for i, v in enumerate(solution[:n]) if v)
    mu = tuple((j, v) for j, v in enumerate(solution[n:]) if v)
    point = tuple(sum((v * first[i][k] for i, v in lam), Fraction(0)) for k in range(dim))
    return HullMeet(lam, mu, point)


def feasible_point(columns: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """x ≥ 0 with A x = rhs (A given by its columns, rhs ≥ 0), or None if there is none.

    Phase 1: one artificial variable per row, minimise their sum; the tableau keeps the
    reduced costs as its last row. Bland's rule (smallest entering index, ties in the ratio
    test to the smallest basic index) rules out cycling."""
    m, n = len(rhs), len(columns)
    tableau = [[columns[j][r] for j in range(n)] + [Fraction(int(r == k)) for k in range(m)]
               + [rhs[r]] for r in range(m)]
    # Reduced costs of Σ artificials with the artificials basic: −(column sums) on A.
    cost = [-sum((tableau[r][j] for r in range(m)), Fraction(0)) for j in range(n)] + \
        [Fraction(0)] * m + [-sum(rhs, Fraction(0))]
    basis = [n + r for r in range(m)]
    while True:
        entering = next((j for j in range(n + m) if cost[j] < 0), None)
        if entering is None:
            break
        candidates = [(tableau[r][-1] / tableau[r][entering], basis[r], r) for r in range(m)
                      if tableau[r][entering] > 0]
        _, _, pivot = min(candidates)  # bounded: the phase-1 objective is ≥ 0
        row = tableau[pivot]
        factor = row[entering]
        row = tableau[pivot] = [v / factor for v in row]
        for r in range(m):
            f = tableau[r][entering]
            if r != pivot and f:
                tableau[r] = [a - f * b for a, b in zip(tableau[r], row)]
        f = cost[entering]
        cost = [a - f * b for a, b in zip(cost, row)]
        basis[pivot] = entering
    if cost[-1] != 0:  # the least total infeasibility is positive
        return None
    x = [Fraction(0)] * n
    for r in range(m):
        if basis[r] < n:
            x[basis[r]] = tableau[r][-1]
    return x

"""Why one hidden unit cannot work: a point in both classes' convex hulls, found exactly.

With one hidden unit s = v·ReLU(w·x + b) + b2 is a monotone function of w·x, so the net
predicts by a threshold on w·x: the classes must be strictly separable by a hyperplane. They
are not exactly when their convex hulls meet, i.e. when

    Σ_i λ_i p_i = Σ_j μ_j n_j,   Σ λ_i = 1,   Σ μ_j = 1,   λ, μ ≥ 0

has a solution (p_i the positive points, n_j the negative ones). Phase 1 of the simplex
method (Bland's rule, so it terminates) in Fractions finds a basic solution — at most D + 2
nonzero weights — which the derivation writes out as the proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from examsolve.kinds.classifier_design.net import Vector


@dataclass(frozen=True)
class HullMeet:
    """Convex weights over the positive and the negative points with the same average."""

    positive: tuple[tuple[int, Fraction], ...]  # (index into the points, weight > 0)
    negative: tuple[tuple[int, Fraction], ...]
    point: Vector


def hulls_meet(xs: list[Vector], ys: list[int]) -> HullMeet | None:
    """A point common to both convex hulls, or None when the classes are separable."""
    pos = [i for i, y in enumerate(ys) if y > 0]
    neg = [i for i, y in enumerate(ys) if y < 0]
    dim = len(xs[0])
    columns = [(i, [xs[i][k] for k in range(dim)] + [Fraction(1), Fraction(0)]) for i in pos]
    columns += [(i, [-xs[i][k] for k in range(dim)] + [Fraction(0), Fraction(1)]) for i in neg]
    rhs = [Fraction(0)] * dim + [Fraction(1), Fraction(1)]
    solution = _phase_one([c for _, c in columns], rhs)
    if solution is None:
        return None
    weights = [(columns[k][0], v) for k, v in enumerate(solution) if v != 0]
    positive = tuple((i, v) for i, v in weights if ys[i] > 0)
    negative = tuple((i, v) for i, v in weights if ys[i] < 0)
    point = tuple(sum((v * xs[i][k] for i, v in positive), Fraction(0)) for k in range(dim))
    return HullMeet(positive, negative, point)


def _phase_one(columns: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """x ≥ 0 with A x = rhs (rhs ≥ 0, A given by columns), or None if there is none.

    Tableau with one artificial variable per row; minimise their sum (Bland's rule)."""
    m, n = len(rhs), len(columns)
    # Rows: [A | I | rhs]; basis starts on the artificials n..n+m-1.
    tableau = [[columns[j][r] for j in range(n)] + [Fraction(int(r == k)) for k in range(m)]
               + [rhs[r]] for r in range(m)]
    basis = [n + r for r in range(m)]
    while True:
        # Reduced costs of minimising Σ artificials: c_j − Σ_rows (artificial rows) a_rj.
        cost = [Fraction(int(j >= n)) - sum((tableau[r][j] for r in range(m)
                                             if basis[r] >= n), Fraction(0))
                for j in range(n + m)]
        entering = next((j for j in range(n + m) if cost[j] < 0 and j not in basis), None)
        if entering is None:
            break
        ratios = [(tableau[r][-1] / tableau[r][entering], basis[r], r) for r in range(m)
                  if tableau[r][entering] > 0]
        if not ratios:
            return None  # unbounded cannot happen for a phase-1 problem; be safe
        _, _, pivot = min(ratios)  # ties by the smallest basic index (Bland)
        factor = tableau[pivot][entering]
        tableau[pivot] = [v / factor for v in tableau[pivot]]
        for r in range(m):
            if r != pivot and tableau[r][entering] != 0:
                f = tableau[r][entering]
                tableau[r] = [a - f * b for a, b in zip(tableau[r], tableau[pivot])]
        basis[pivot] = entering
    if any(basis[r] >= n and tableau[r][-1] != 0 for r in range(m)):
        return None
    x = [Fraction(0)] * n
    for r in range(m):
        if basis[r] < n:
            x[basis[r]] = tableau[r][-1]
    return x

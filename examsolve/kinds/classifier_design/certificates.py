"""Infeasibility of a pattern's linear program, confirmed in exact arithmetic (Farkas' lemma).

The pattern's program (minimality.py, step 3) is A x ≤ b. It has no solution exactly when
some λ ≥ 0 has λᵀA = 0 and λᵀb < 0: adding the rows with those weights gives 0 ≤ λᵀb < 0.
HiGHS's row duals of the shortfall program are such a λ in floating point; here the rows
that carry it are rebuilt in fractions from the exact points, the equations λᵀA = 0,
λᵀb = −1 solved exactly on those rows (Gauss–Jordan; a free weight, if any, takes the
float dual's value, rounded to a multiple of 2⁻³⁰), and λ ≥ 0 checked. So a proof's "infeasible"
does not rest on HiGHS's tolerances.
"""

from __future__ import annotations

import math
from fractions import Fraction

from examsolve.kinds.classifier_design.cuts import Vector


def farkas_weights(xs: list[Vector], ys: list[int], sets: list[int], signs: list[int],
                   weights: dict[int, float]) -> dict[int, Fraction] | None:
    """Exact weights λ_r ≥ 0 on the rows in `weights` (row → its float dual weight, all > 0)
    with λᵀA = 0 and λᵀb = −1 (module docstring), or None if there are none. The rows are
    minimality._rows': x = (w_j, b_j per unit, c); row j·N + i says unit j's side at point
    i (−z ≤ −1 active, z ≤ 0 not), row m·N + i says −y_i s_i ≤ −1."""
    rows = sorted(weights)
    equations = _equations(xs, ys, sets, signs, rows)
    solution = _solve(equations, len(rows), [weights[r] for r in rows])
    if solution is None or any(v < 0 for v in solution):
        return None
    return dict(zip(rows, solution))


def _equations(xs: list[Vector], ys: list[int], sets: list[int], signs: list[int],
               rows: list[int]) -> list[list[int]]:
    """λᵀA = 0 (one equation per variable) and λᵀb = −1 as integer rows [coefficients of
    λ_r for r in `rows` | right-hand side]. A w_j equation's coefficients are coordinates:
    it is multiplied by the lcm of their denominators (the same equation, in integers)."""
    n, m, dim = len(xs), len(sets), len(xs[0])
    width = dim + 1
    scale = math.lcm(*(v.denominator for x in xs for v in x))
    points = [[int(v * scale) for v in x] + [1] for x in xs]  # w_j equations scaled, b_j not
    equations = [[0] * (len(rows) + 1) for _ in range(width * m + 2)]
    for col, r in enumerate(rows):
        if r < m * n:
            j, i = divmod(r, n)
            sign = -1 if sets[j] >> i & 1 else 1
            for k in range(width):
                equations[j * width + k][col] = sign * points[i][k]
            equations[-1][col] = -1 if sign < 0 else 0
            continue
        i = r - m * n
        equations[width * m][col] = -ys[i]  # the c equation
        for j, (cut, v) in enumerate(zip(sets, signs)):
            if cut >> i & 1:
                for k in range(width):
                    equations[j * width + k][col] = -ys[i] * v * points[i][k]
        equations[-1][col] = -1
    equations[-1][-1] = -1
    return equations


def _solve(equations: list[list[int]], unknowns: int, guess: list[float]
           ) -> list[Fraction] | None:
    """A solution of the integer augmented system (rows [a_1 … a_k | rhs]) by Gauss–Jordan
    elimination, free unknowns set to `guess`; None when inconsistent. Rows are combined by
    cross-multiplication (divided by their gcd), so the elimination runs on Python ints,
    many times faster than on fractions."""
    rows = [row[:] for row in equations]
    pivots: list[int] = []
    r = 0
    for c in range(unknowns):
        pick = next((k for k in range(r, len(rows)) if rows[k][c] != 0), None)
        if pick is None:
            continue
        rows[r], rows[pick] = rows[pick], rows[r]
        head = rows[r]
        for k in range(len(rows)):
            if k != r and rows[k][c] != 0:
                p, f = head[c], rows[k][c]
                combined = [a * p - b * f for a, b in zip(rows[k], head)]
                g = math.gcd(*combined)
                rows[k] = [v // g for v in combined] if g > 1 else combined
        pivots.append(c)
        r += 1
        if r == len(rows):
            break
    if any(all(v == 0 for v in row[:unknowns]) and row[unknowns] != 0 for row in rows):
        return None
    # Free unknowns take the guess G_f / Q (one power-of-two denominator, so the pivots'
    # values are integer ratios); a pivot's value is (rhs·Q − Σ a_f G_f) / (a_c Q).
    free = [c for c in range(unknowns) if c not in pivots]
    Q = 1 << 30
    G = {f: round(guess[f] * Q) for f in free}
    solution = [Fraction(0)] * unknowns
    for f in free:
        solution[f] = Fraction(G[f], Q)
    for k, c in enumerate(pivots):
        solution[c] = Fraction(rows[k][unknowns] * Q - sum(rows[k][f] * G[f] for f in free),
                               rows[k][c] * Q)
    return solution

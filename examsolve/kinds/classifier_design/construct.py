"""A construction that always classifies every point: one ReLU per class change on a line.

1. Pick a direction d (small integers) on which points of different classes never project to
   the same t = d·x; among the candidates take the one with the fewest class changes along
   the sorted projections (then the simplest d). On the moment curve d = (1, r, r², …) all
   but finitely many r qualify, so a direction always exists.
2. Along t the classes form runs R_1, R_2, …, R_{k+1}, y_j = ±1 the sign of run j. Let t_j be
   the last projection of run j and t_j⁺ the first of run j + 1 (t_j < t_j⁺). Build

       s(t) = y_1 + Σ_{j=1..k} v_j ReLU(t − t_j)

   piece by piece: s = y_1 on run 1; on [t_j, t_{j+1}] s is the line through (t_j, s(t_j))
   and (t_j⁺, y_{j+1}), with slope m_j = (y_{j+1} − s(t_j)) / (t_j⁺ − t_j), so
   v_j = m_j − m_{j−1} (m_0 = 0). From t_j⁺ on that line moves away from 0 on the side of
   y_{j+1}, so every point of run j + 1 has y_{j+1}·s ≥ 1; the last piece runs on forever in
   the same way.

Hidden unit j is ReLU(d·x − t_j): W1 has k equal rows d, b1 = −t, w2 = v, b2 = y_1.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from examsolve.kinds.classifier_design.net import Model, Vector

MAX_DIRECTIONS = 200  # small-integer directions tried before the moment curve


@dataclass(frozen=True)
class Construction:
    """The pieces of the construction, for the derivation."""

    direction: tuple[int, ...]  # d
    changes: int
    kinks: tuple[Fraction, ...]  # t_j
    next_firsts: tuple[Fraction, ...]  # t_j⁺
    values_at_kinks: tuple[Fraction, ...]  # s(t_j)
    slopes: tuple[Fraction, ...]  # m_j
    start: int  # y_1
    model: Model


def changes_along(xs: list[Vector], ys: list[int], d: tuple[int, ...]) -> int | None:
    """Class changes along the sorted projections d·x, or None when two points of different
    classes share a projection."""
    by_t: dict[Fraction, int] = {}
    for x, y in zip(xs, ys):
        t = sum((ui * xi for ui, xi in zip(d, x)), Fraction(0))
        if by_t.setdefault(t, y) != y:
            return None
    labels = [by_t[t] for t in sorted(by_t)]
    return sum(1 for a, b in zip(labels, labels[1:]) if a != b)


def _directions(dim: int) -> list[tuple[int, ...]]:
    """Small-integer directions, first nonzero entry positive (d and −d are the same line),
    sparsest and smallest first."""
    if dim == 1:
        return [(1,)]
    found: list[tuple[int, ...]] = []
    for nnz in range(1, dim + 1):
        for positions in itertools.combinations(range(dim), nnz):
            for values in itertools.product((1, -1, 2, -2), repeat=nnz):
                if values[0] < 0:
                    continue
                d = [0] * dim
                for p, v in zip(positions, values):
                    d[p] = v
                found.append(tuple(d))
                if len(found) >= MAX_DIRECTIONS:
                    break
            if len(found) >= MAX_DIRECTIONS:
                break
        if len(found) >= MAX_DIRECTIONS:
            break
    found.sort(key=lambda d: (sum(1 for v in d if v), max(map(abs, d)), sum(map(abs, d))))
    return found


def best_direction(xs: list[Vector], ys: list[int]) -> tuple[tuple[int, ...], int]:
    """(d, class changes along d): fewest changes among the small directions, else the first
    r = 3, 4, … on the moment curve that separates the projections of the two classes."""
    best: tuple[tuple[int, ...], int] | None = None
    for d in _directions(len(xs[0])):
        changes = changes_along(xs, ys, d)
        if changes is not None and (best is None or changes < best[1]):
            best = (d, changes)
    if best is not None:
        return best
    r = 3
    while True:
        d = tuple(r ** i for i in range(len(xs[0])))
        changes = changes_along(xs, ys, d)
        if changes is not None:
            return d, changes
        r += 1


def construct(xs: list[Vector], ys: list[int]) -> Construction:
    """The network of the module docstring; every point gets y·s ≥ 1."""
    d, changes = best_direction(xs, ys)
    runs: list[tuple[int, Fraction, Fraction]] = []  # (sign, first t, last t)
    for t, y in sorted({sum((a * b for a, b in zip(d, x)), Fraction(0)): y
                        for x, y in zip(xs, ys)}.items()):
        if runs and runs[-1][0] == y:
            runs[-1] = (y, runs[-1][1], t)
        else:
            runs.append((y, t, t))
    kinks, firsts, values, slopes, weights = [], [], [], [], []
    value, slope = Fraction(runs[0][0]), Fraction(0)
    for j in range(len(runs) - 1):
        a, b, target = runs[j][2], runs[j + 1][1], Fraction(runs[j + 1][0])
        if j > 0:
            value += slope * (a - kinks[-1])  # s(t_j) along the previous piece
        new_slope = (target - value) / (b - a)
        kinks.append(a)
        firsts.append(b)
        values.append(value)
        slopes.append(new_slope)
        weights.append(new_slope - slope)
        slope = new_slope
    row = tuple(Fraction(v) for v in d)
    model = Model(W1=tuple(row for _ in kinks), b1=tuple(-a for a in kinks),
                  w2=tuple(weights), b2=Fraction(runs[0][0]))
    return Construction(d, changes, tuple(kinks), tuple(firsts), tuple(values), tuple(slopes),
                        runs[0][0], model)

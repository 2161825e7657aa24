"""Necessary conditions on a pattern of cuts and signs (minimality.py, step 4): a pattern that
fails one has no net, so it is ruled out without a linear program.

The net is s = c + P − N with P = Σ_{v_j = +1} ReLU(z_j) and N = Σ_{v_j = −1} ReLU(z_j),
z_j = w_j·x + b_j; a point of class y needs y·s > 0. Points are bits of a mask.

- The sign rule: where only +1 units are active s ≥ c, where only −1 units are active
  s ≤ c; so if c > 0 the former are all positive, if c ≤ 0 the latter are all negative.
- The pieces: points with the same active units have s affine among them, so each such
  group's classes must be separable by a line.
- The hulls: P and N are convex (sums of ReLUs of affine functions). Take the points G whose
  active −1 units are exactly a set B, any point r = Σ λ_i p_i in the convex hull of G's
  negative points p_i, and any other point r. Then P(r) ≤ Σ λ_i P(p_i), and
  N(r) ≥ Σ_{j∈B} z_j(r) = Σ λ_i N(p_i) (ReLU(z) ≥ z, and on G, N is exactly that sum), so
  s(r) ≤ Σ λ_i s(p_i) < 0: no positive point lies in that hull. Likewise no negative point
  lies in the hull of the positive points whose active +1 units are exactly a set A. With B
  (or A) empty this is "no −1 unit active: s = c + P is convex".
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from examsolve.kinds.classifier_design.cuts import Vector


def separable_table(cuts: tuple[int, ...], positive: int, n: int) -> np.ndarray:
    """table[T]: the points of bitmask T are separable by a line (some cut restricted to T is
    T's positive points)."""
    subsets = np.arange(1 << n, dtype=np.int64)
    table = np.zeros(1 << n, dtype=bool)
    for cut in cuts:
        table |= (subsets & cut) == (subsets & positive)
    return table


def hull_table(xs: list[Vector], ys: list[int], of: int) -> np.ndarray:
    """table[T]: some point of class −`of` lies in the convex hull of T's points of class
    `of` (T a bitmask; exact). By Carathéodory's theorem a point in the hull of points in
    the plane is in the hull of three of them (two on a line), so the table is marked from
    those triangles and segments and closed under supersets."""
    n = len(xs)
    mine = [i for i in range(n) if ys[i] == of]
    others = [xs[i] for i in range(n) if ys[i] == -of]
    table = np.zeros(1 << n, dtype=bool)
    for size in (2, 3):
        for corners in itertools.combinations(mine, size):
            if any(_in_hull(r, [xs[i] for i in corners]) for r in others):
                table[sum(1 << i for i in corners)] = True
    for i in range(n):  # superset closure: T ⊇ a marked set is marked
        view = table.reshape(-1, 2, 1 << i)
        view[:, 1, :] |= view[:, 0, :]
    return table


def _in_hull(r: Vector, corners: list[Vector]) -> bool:
    """r lies in the closed segment or triangle of `corners` (1-D or 2-D, exact)."""
    if len(r) == 1:
        low, high = sorted(c[0] for c in corners)[::len(corners) - 1]
        return low <= r[0] <= high
    if len(corners) == 2:
        a, b = corners
        return _cross(a, b, r) == 0 and (r[0] - a[0]) * (r[0] - b[0]) <= 0 \
            and (r[1] - a[1]) * (r[1] - b[1]) <= 0
    a, b, c = corners
    sides = (_cross(a, b, r), _cross(b, c, r), _cross(c, a, r))
    if _cross(a, b, c) == 0:
        return False  # a flat triangle: its segments are checked on their own
    return all(v >= 0 for v in sides) or all(v <= 0 for v in sides)


def _cross(a: Vector, b: Vector, r: Vector) -> Fraction:
    return (b[0] - a[0]) * (r[1] - a[1]) - (b[1] - a[1]) * (r[0] - a[0])


def hull_rule_holds(sets: np.ndarray, table: np.ndarray, of: int, full: int) -> np.ndarray:
    """Per row of cut masks for units of one sign (the +1 units with `table` =
    hull_table(…, +1) and `of` the positive points' mask, or the −1 units with the negative
    ones): no group of points with exactly the same active units among them has a point of
    the other class in the hull of its points of class `of` (module docstring: the hulls).
    Units of the other sign do not enter, so each sign's units are checked on their own."""
    bad = np.zeros(len(sets), dtype=bool)
    for group in _groups(sets, range(sets.shape[1]), full):
        bad |= table[group & of]
    return ~bad


def rule_out(sets: np.ndarray, plus: int, full: int, positive: int, separable: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """(by the sign rule, by the pieces) for each row of cut masks: the first `plus` columns
    are the +1 units' cuts, the rest the −1 units'."""
    negative = full & ~positive
    zero = np.zeros(len(sets), dtype=np.int64)
    on_plus = np.bitwise_or.reduce(sets[:, :plus], axis=1) if plus else zero
    on_minus = np.bitwise_or.reduce(sets[:, plus:], axis=1) if plus < sets.shape[1] else zero
    only_plus, only_minus = full & ~on_minus, full & ~on_plus
    by_sign = ((only_plus & negative) != 0) & ((only_minus & positive) != 0)
    by_piece = np.zeros(len(sets), dtype=bool)
    for group in _groups(sets, range(sets.shape[1]), full):
        by_piece |= ~separable[group]
    return by_sign, by_piece


def _groups(sets: np.ndarray, units: range, full: int):
    """For each subset A of `units`: per row, the mask of points whose active units among
    `units` are exactly A."""
    for code in range(1 << len(units)):
        group = np.full(len(sets), full, dtype=np.int64)
        for k, j in enumerate(units):
            group &= sets[:, j] if code >> k & 1 else full & ~sets[:, j]
        yield group

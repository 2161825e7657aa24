"""The fewest step/sign hidden units for labelled points, found and proved by enumeration.

A threshold hidden unit outputs one value on one side of its line and the other value on the
other side: on the points it is a cut (cuts.py), and a unit on the complementary cut is the
same unit negated, which the output unit absorbs (its weight changes sign). The output unit
sees only the m hidden outputs h(x) ∈ {low, 1}^m, so m units whose cuts are S_1 … S_m work
exactly when
    - no two points of different classes get the same h (the output cannot split them), and
    - the distinct h of the two classes are strictly separable by a hyperplane, i.e. their
      convex hulls do not meet (decided exactly, examsolve.geometry).
Trying every m-subset of the cuts for m = 2, 3, … (m = 1 fails when the classes' hulls meet)
gives the fewest units, and the enumeration that came before is the proof. The weights are
a basic solution of y·(w·x + b) ≥ 1 (exact simplex), scaled to small integers: no net input
at a point is 0, so at_zero never matters there.

Limits: points in one or two dimensions (or at most cuts.MAX_BRUTE in more, such as a
3-input truth table's rows), at most MAX_POINTS distinct ones, at most MAX_UNITS
hidden units and MAX_COMBINATIONS cut subsets per count; beyond them nothing is claimed.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from examsolve.geometry import convex_hulls_meet, feasible_point
from examsolve.kinds.classifier_design.cuts import MAX_BRUTE, Vector, linear_dichotomies

MAX_POINTS = 16
MAX_UNITS = 4
MAX_COMBINATIONS = 300_000
CHUNK = 50_000


@dataclass(frozen=True)
class ThresholdDesign:
    """What the enumeration tried, and the net it found (None when it stopped)."""

    cuts: int  # distinct cuts, a cut and its complement counted once, none/all left out
    tried: tuple[tuple[int, int], ...]  # (m, cut subsets checked) for every m tried
    hidden: tuple[tuple[Vector, Fraction], ...] = ()  # (w, b) per hidden unit
    output: tuple[Vector, Fraction] | None = None  # weights over the hidden outputs, bias
    reason: str | None = None  # why nothing was found


def fewest_threshold_units(xs: list[Vector], ys: list[int], low: int) -> ThresholdDesign:
    """The first m (from 2) and m-subset of cuts that works (module docstring); `ys` are ±1,
    `low` the hidden units' off value (0 for step, −1 for sign)."""
    seen: dict[Vector, int] = {}
    for x, y in zip(xs, ys):
        seen.setdefault(x, y)
    xs, ys = list(seen), list(seen.values())
    n = len(xs)
    if n > MAX_POINTS:
        return ThresholdDesign(0, (), reason=f"the enumeration takes at most {MAX_POINTS} "
                                             f"distinct points, here {n}")
    full = (1 << n) - 1
    every = linear_dichotomies(xs)
    if every is None:
        return ThresholdDesign(0, (), reason=f"cuts are enumerated for points in one or two "
                                             f"dimensions, or at most {MAX_BRUTE} in more")
    cuts = sorted({min(c, full & ~c) for c in every if c not in (0, full)})
    positive = np.array([y > 0 for y in ys])
    masks = np.array(cuts, dtype=np.int64)
    tried: list[tuple[int, int]] = []
    cache: dict[tuple[int, int], bool] = {}
    for m in range(2, MAX_UNITS + 1):
        count = math.comb(len(cuts), m)
        if count > MAX_COMBINATIONS:
            return ThresholdDesign(len(cuts), tuple(tried), reason=f"{count:,} subsets of "
                                   f"{m} cuts, more than the {MAX_COMBINATIONS:,} the enumeration checks")
        combos = itertools.combinations(range(len(cuts)), m)
        checked = 0
        while True:
            block = np.array(list(itertools.islice(combos, CHUNK)), dtype=np.int64)
            if not len(block):
                break
            for row in _working(masks[block], positive, m, cache):
                tried.append((m, checked + row + 1))
                chosen = [int(masks[k]) for k in block[row]]
                return _weights(xs, ys, chosen, low, len(cuts), tuple(tried))
            checked += len(block)
        tried.append((m, checked))
    return ThresholdDesign(len(cuts), tuple(tried), reason=f"no net with at most {MAX_UNITS} "
                                                           "hidden units exists")


def _working(sets: np.ndarray, positive: np.ndarray, m: int,
             cache: dict[tuple[int, int], bool]):
    """Row numbers of the cut subsets that work, in order."""
    n = len(positive)
    bits = (sets[:, :, None] >> np.arange(n)) & 1  # (K, m, N)
    codes = (bits << np.arange(m)[None, :, None]).sum(axis=1)  # (K, N): h as a number
    ones = np.int64(1) << codes
    pos = np.bitwise_or.reduce(np.where(positive, ones, 0), axis=1)
    neg = np.bitwise_or.reduce(np.where(~positive, ones, 0), axis=1)
    for row in np.nonzero((pos & neg) == 0)[0]:
        key = (int(pos[row]), int(neg[row]))
        if key not in cache:
            cache[key] = codes_separable(*key, m)
        if cache[key]:
            yield int(row)


def codes_separable(pos: int, neg: int, m: int) -> bool:
    """The 0/1 vectors whose numbers are set in `pos` and in `neg` are strictly separable
    (their convex hulls do not meet)."""
    def vectors(mask: int) -> list[Vector]:
        return [tuple(Fraction(c >> j & 1) for j in range(m)) for c in range(1 << m)
                if mask >> c & 1]

    return convex_hulls_meet(vectors(pos), vectors(neg)) is None


def separating_weights(points: list[Vector], labels: list[int]) -> tuple[Vector, Fraction]:
    """Integer (w, b) with y·(w·x + b) ≥ 1 at every point (labels ±1, strictly separable):
    a basic solution of w = w⁺ − w⁻, b = b⁺ − b⁻, y(w·x + b) − s = 1 with everything ≥ 0,
    then scaled by the common denominator."""
    dim, n = len(points[0]), len(points)
    columns = []
    for k in range(dim):
        column = [y * x[k] for x, y in zip(points, labels)]
        columns += [column, [-v for v in column]]
    columns += [[Fraction(y) for y in labels], [Fraction(-y) for y in labels]]
    columns += [[Fraction(-int(i == r)) for r in range(n)] for i in range(n)]
    solution = feasible_point(columns, [Fraction(1)] * n)
    if solution is None:
        raise ValueError("the points are not strictly separable")
    w = [solution[2 * k] - solution[2 * k + 1] for k in range(dim)]
    b = solution[2 * dim] - solution[2 * dim + 1]
    scale = math.lcm(*(v.denominator for v in (*w, b)))
    common = math.gcd(*(int(v * scale) for v in (*w, b))) or 1
    return tuple(v * scale / common for v in w), b * scale / common


def design_from_cuts(xs: list[Vector], ys: list[int], chosen: list[int], low: int,
                     hidden: list[tuple[Vector, Fraction]] | None = None) -> ThresholdDesign:
    """The weights for cuts found elsewhere (cube_cover.smaller_net): exact, as below, or
    the hidden units' given (w, b) with the output unit's found here."""
    design = _weights(xs, ys, chosen, low, len(chosen), ())
    if hidden is None:
        return design
    return ThresholdDesign(design.cuts, design.tried, tuple(hidden), design.output)


def _weights(xs: list[Vector], ys: list[int], chosen: list[int], low: int, cuts: int,
             tried: tuple[tuple[int, int], ...]) -> ThresholdDesign:
    n = len(xs)
    hidden = []
    for cut in chosen:
        hidden.append(separating_weights(xs, [1 if cut >> i & 1 else -1 for i in range(n)]))
    codes: dict[Vector, int] = {}
    for i, y in enumerate(ys):
        codes[tuple(Fraction(1 if cut >> i & 1 else low) for cut in chosen)] = y
    output = separating_weights(list(codes), list(codes.values()))
    return ThresholdDesign(cuts, tried, tuple(hidden), output)

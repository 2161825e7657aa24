"""Searching for the network with the fewest hidden units and the friendliest weights.

The search is exact and deterministic. For H hidden units and a grid of weights (integers
with |w| ≤ 1, then ≤ 2, then halves with |w| ≤ 2):

1. Candidate units: every ReLU(w·x + b) with w and b on the grid. The output layer only sees a
   unit through its activations h = (h_1, …, h_N) on the N points, so units with the same h
   are interchangeable: the simplest (smallest max |param|, fewest halves, smallest sum) is
   kept, dead units (h = 0 everywhere) are dropped.
2. Output weights share one magnitude a (w2 = a·σ, signs σ_j = ±1; a unit's own scale lives
   in its weights), so for a combination of H units and signs the output is s_i = a·g_i + b2
   with g_i = Σ_j σ_j h_ij. Every point needs y_i s_i ≥ 1 (y = +1 for the positive class):
       1 − a·min_{y_i=+1} g_i  ≤  b2  ≤  −1 − a·max_{y_i=−1} g_i.
   Such a and b2 exist exactly when min g⁺ > max g⁻ (the gap can be scaled to any margin);
   a is the smallest grid number for which the interval holds a grid number, and b2 the one
   of smallest |b2| in it.
3. Among all feasible combinations the cheapest (max |param|, number of halves, Σ |param|)
   wins; ties go to the first in enumeration order (units in order of simplicity).

All arithmetic is in scaled integers: with x = X/L (L the common denominator of the
coordinates) and grid numbers k/q, a pre-activation is (k·X + B·L)/(qL), an integer over a
fixed denominator, so every comparison above is exact. A budget caps the combinations tried
per (H, grid) — the pool is cut to its simplest units — and each attempt records how much of
the grid was searched, so the derivation can say exactly what was (not) looked at.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from examsolve.kinds.classifier_design.net import Model, forward

# Element operations allowed per (H, grid) search: C(P, H) · 2^H · N ≤ BUDGET. It bounds the
# time of an unsuccessful search (the common case for big random sets) at a few tenths of a s.
BUDGET = 12_000_000
CHUNK = 1_000_000  # elements per vectorised step (memory ~ 8 bytes each, a few arrays)
MAX_WEIGHT_VECTORS = 400  # for large D only the sparsest/simplest w are tried
MAX_BIAS_SPAN = 60  # biases up to bound · min(R, this), R = the data's largest |x|₁
MAX_MAGNITUDE = 2 ** 40  # scaled integers beyond this could overflow: skip the search


@dataclass(frozen=True)
class WeightGrid:
    """Numbers k/q with |k/q| ≤ bound: q = 1 integers, q = 2 halves."""

    q: int
    bound: int

    def describe(self) -> str:
        kind = "integers" if self.q == 1 else "halves"
        return f"{kind}, |w| ≤ {self.bound}"


GRIDS = (WeightGrid(1, 1), WeightGrid(1, 2), WeightGrid(2, 2))


@dataclass(frozen=True)
class Attempt:
    """One (H, grid) search and what it covered."""

    hidden: int
    grid: WeightGrid
    bias_bound: Fraction
    units: int  # distinct candidate units on the grid
    searched: int  # the simplest `searched` of them were combined (the budget)
    found: bool
    skipped: str | None = None  # why the search could not run
    largest: Fraction | None = None  # the best net's largest |parameter|, when found

    @property
    def complete(self) -> bool:
        return self.searched == self.units


@dataclass(frozen=True)
class SearchResult:
    model: Model | None
    attempts: tuple[Attempt, ...]


def search(xs: list[tuple[Fraction, ...]], ys: list[int], hidden_counts: tuple[int, ...]
           ) -> SearchResult:
    """The cheapest net for the first H in `hidden_counts` (in order) that has one.

    Per H the grids are tried in GRIDS order; the search stops at the first grid whose best
    net has no parameter beyond that grid's bound (a later grid cannot do better then), else
    the cheapest over the grids tried wins."""
    attempts: list[Attempt] = []
    for hidden in hidden_counts:
        best: tuple[tuple, Model] | None = None
        for grid in GRIDS:
            found, attempt = search_grid(xs, ys, hidden, grid)
            attempts.append(attempt)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
            if best is not None and best[0][0] <= grid.bound:
                break
        if best is not None:
            return SearchResult(best[1], tuple(attempts))
    return SearchResult(None, tuple(attempts))


def search_grid(xs: list[tuple[Fraction, ...]], ys: list[int], hidden: int, grid: WeightGrid
                ) -> tuple[tuple[tuple, Model] | None, Attempt]:
    """(cost key, net) of the cheapest net with `hidden` units on `grid`, or None.

    The cost key starts (max |param|, number of halves, Σ |param|)."""
    n, dim = len(xs), len(xs[0])
    scale = math.lcm(*(v.denominator for x in xs for v in x))
    reach = max(1, math.ceil(max(sum(abs(v) for v in x) for x in xs)))
    bias_bound = grid.bound * min(reach, MAX_BIAS_SPAN)
    magnitude = (max(abs(v) for x in xs for v in x) * scale * grid.q * grid.bound * dim
                 + scale * grid.q * bias_bound)
    if magnitude * hidden * 4 > MAX_MAGNITUDE:
        return None, Attempt(hidden, grid, Fraction(bias_bound), 0, 0, False,
                             "the coordinates are too fine-grained for an exact grid search")
    X = np.array([[int(v * scale) for v in x] for x in xs], dtype=np.int64)
    units_k, units_b, act, cost = _candidate_units(X, scale, dim, grid, bias_bound)
    pool = len(act)
    used = _budget_pool(pool, hidden, n)
    best = _best_combination(act[:used], cost[:used], np.array(ys) > 0, hidden, grid.q, scale)
    if best is None:
        return None, Attempt(hidden, grid, Fraction(bias_bound), pool, used, False)
    key, combo, signs, alpha, m = best
    attempt = Attempt(hidden, grid, Fraction(bias_bound), pool, used, True, largest=key[0])
    q = grid.q
    model = Model(
        W1=tuple(tuple(Fraction(int(k), q) for k in units_k[i]) for i in combo),
        b1=tuple(Fraction(int(units_b[i]), q) for i in combo),
        w2=tuple(Fraction(sign * alpha, q) for sign in signs),
        b2=Fraction(m, q),
    )
    # The integer arithmetic is exact; this re-check in Fractions guards the bookkeeping.
    for x, y in zip(xs, ys):
        if forward(model, x).s * y < 1:
            raise RuntimeError(f"classifier search produced a net that fails at {x}")
    return (key, model), attempt


def _weight_vectors(dim: int, grid: WeightGrid) -> np.ndarray:
    """Nonzero numerator vectors k (w = k/q), sparsest first, at most MAX_WEIGHT_VECTORS."""
    top = grid.q * grid.bound
    values = [v for a in range(1, top + 1) for v in (a, -a)]
    rows: list[tuple[int, ...]] = []
    for nnz in range(1, dim + 1):
        if len(rows) >= MAX_WEIGHT_VECTORS or \
                math.comb(dim, nnz) * len(values) ** nnz > 50 * MAX_WEIGHT_VECTORS:
            break
        for positions in itertools.combinations(range(dim), nnz):
            for chosen in itertools.product(values, repeat=nnz):
                k = [0] * dim
                for p, v in zip(positions, chosen):
                    k[p] = v
                rows.append(tuple(k))
    rows.sort(key=lambda k: (max(map(abs, k)), sum(v % 2 for v in k) if grid.q == 2 else 0,
                             sum(map(abs, k))))
    return np.array(rows[:MAX_WEIGHT_VECTORS], dtype=np.int64).reshape(-1, dim)


def _candidate_units(X: np.ndarray, scale: int, dim: int, grid: WeightGrid, bias_bound: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct live units on the grid, simplest first: (k, B, scaled activations, cost)."""
    q = grid.q
    K = _weight_vectors(dim, grid)
    top = q * bias_bound
    B = np.array([0] + [v for a in range(1, top + 1) for v in (a, -a)], dtype=np.int64)
    Z = (K @ X.T)[:, None, :] + scale * B[None, :, None]  # (weights, biases, points)
    act = np.maximum(Z, 0).reshape(-1, X.shape[0])
    kk = np.repeat(K, len(B), axis=0)
    bb = np.tile(B, len(K))
    params = np.concatenate([np.abs(kk), np.abs(bb)[:, None]], axis=1)
    biggest = params.max(axis=1)
    halves = (params % 2).sum(axis=1) if q == 2 else np.zeros(len(bb), dtype=np.int64)
    total = params.sum(axis=1)
    order = np.lexsort((total, halves, biggest))  # stable: ties keep generation order
    live = order[act[order].any(axis=1)]
    _, first = np.unique(act[live], axis=0, return_index=True)
    keep = live[np.sort(first)]
    cost = np.stack([biggest[keep], halves[keep], total[keep]], axis=1)
    return kk[keep], bb[keep], act[keep], cost


def _budget_pool(pool: int, hidden: int, n: int) -> int:
    """The largest P ≤ pool with C(P, H) · 2^H · N ≤ BUDGET."""
    used = pool
    while used > hidden and math.comb(used, hidden) * 2 ** hidden * n > BUDGET:
        used -= 1
    return used


def _combinations(pool: int, hidden: int) -> np.ndarray:
    """All H-subsets of range(pool) as rows of a (C(pool, H) × H) array, in lexicographic
    order (H ≤ 3; the budget keeps the array small)."""
    if hidden == 1:
        return np.arange(pool, dtype=np.int64)[:, None]
    first, second = np.triu_indices(pool, 1)
    pairs = np.stack([first, second], axis=1).astype(np.int64)
    if hidden == 2:
        return pairs
    # The pairs whose first element is > i are a suffix of the (row-major) pair list.
    starts = np.searchsorted(first, np.arange(pool + 1), side="left")
    blocks = [np.concatenate([np.full((len(pairs) - starts[i + 1], 1), i),
                              pairs[starts[i + 1]:]], axis=1) for i in range(pool - 2)]
    return np.concatenate(blocks) if blocks else np.zeros((0, 3), dtype=np.int64)


def _best_combination(act: np.ndarray, cost: np.ndarray, positive: np.ndarray, hidden: int,
                      q: int, scale: int) -> tuple[tuple, tuple[int, ...], tuple[int, ...], int, int] | None:
    """(cost key, unit indices, output signs, output weight numerator α, b2 numerator m) of
    the cheapest feasible net, or None. Output weights are σ_j·α/q, b2 = m/q."""
    if len(act) < hidden:
        return None
    # Sums of up to 3 activations fit in int32 for most data: half the memory traffic.
    small = hidden * int(act.max(initial=0)) < 2 ** 31
    act = act.astype(np.int32 if small else np.int64)
    # Points × units, so each reduction below runs over the few points with long rows.
    pos, neg = np.ascontiguousarray(act[:, positive].T), np.ascontiguousarray(act[:, ~positive].T)
    # Sign patterns in pairs (σ, −σ) with σ_1 = +1: g for −σ is −g, so its min is −max g.
    tails = list(itertools.product((1, -1), repeat=hidden - 1))
    signs = np.array([sign * np.array((1, *tail)) for tail in tails for sign in (1, -1)],
                     dtype=np.int64)
    unit = q * q * scale  # "1" in the scaled units of α·G (G = q·L·g)
    best = None
    combos = _combinations(len(act), hidden)
    rows = max(1, CHUNK // (len(signs) * act.shape[1]))
    for start in range(0, len(combos), rows):
        combo = combos[start:start + rows]
        # Σ_j σ_j h_j for every tail of signs, built up one unit at a time in product order.
        sums_pos, sums_neg = [pos[:, combo[:, 0]]], [neg[:, combo[:, 0]]]
        for j in range(1, hidden):
            next_pos, next_neg = pos[:, combo[:, j]], neg[:, combo[:, j]]
            sums_pos = [g for a in sums_pos for g in (a + next_pos, a - next_pos)]
            sums_neg = [g for a in sums_neg for g in (a + next_neg, a - next_neg)]
        min_pos = np.empty((len(signs), len(combo)), dtype=np.int64)
        max_neg = np.empty_like(min_pos)
        for k, (g_pos, g_neg) in enumerate(zip(sums_pos, sums_neg)):
            min_pos[2 * k], max_neg[2 * k] = g_pos.min(axis=0), g_neg.max(axis=0)
            min_pos[2 * k + 1], max_neg[2 * k + 1] = -g_pos.max(axis=0), -g_neg.min(axis=0)
        gap = min_pos - max_neg
        s_idx, t_idx = np.nonzero(gap > 0)  # a positive gap can be scaled to any margin
        if len(s_idx) == 0:
            continue
        lo, hi, gap = min_pos[s_idx, t_idx], max_neg[s_idx, t_idx], gap[s_idx, t_idx]
        alpha, m = _output_scale(lo, hi, gap, unit, q * scale)
        unit_cost = cost[combo[t_idx]]  # (F, H, 3)
        biggest = np.maximum(unit_cost[:, :, 0].max(axis=1), np.maximum(alpha, np.abs(m)))
        halves = unit_cost[:, :, 1].sum(axis=1)
        if q == 2:
            halves = halves + hidden * (alpha % 2) + (m % 2)
        total = unit_cost[:, :, 2].sum(axis=1) + hidden * alpha + np.abs(m)
        pick = np.lexsort((s_idx, t_idx, total, halves, biggest))[0]
        key = (Fraction(int(biggest[pick]), q), int(halves[pick]),
               Fraction(int(total[pick]), q), start + int(t_idx[pick]), int(s_idx[pick]))
        if best is None or key < best[0]:
            best = (key, tuple(int(i) for i in combo[t_idx[pick]]),
                    tuple(int(v) for v in signs[s_idx[pick]]), int(alpha[pick]), int(m[pick]))
    return best


def _output_scale(min_pos: np.ndarray, max_neg: np.ndarray, gap: np.ndarray, unit: int,
                  step: int) -> tuple[np.ndarray, np.ndarray]:
    """The smallest output weight numerator α ≥ 1 for which a bias numerator m exists with
        α·g⁺ + m·step ≥ unit  for every positive point, α·g⁻ + m·step ≤ −unit  for every negative,
    and that m nearest 0. α·gap ≥ 2·unit is needed; α·gap ≥ 2·unit + step guarantees an m."""
    alpha = np.maximum(1, -((-2 * unit) // gap))
    m_lo = np.zeros_like(alpha)
    m_hi = np.full_like(alpha, -1)
    todo = np.ones(len(alpha), dtype=bool)
    while todo.any():
        m_lo[todo] = -((alpha[todo] * min_pos[todo] - unit) // step)
        m_hi[todo] = (-unit - alpha[todo] * max_neg[todo]) // step
        todo = m_lo > m_hi
        alpha[todo] += 1
    return alpha, np.clip(0, m_lo, m_hi)

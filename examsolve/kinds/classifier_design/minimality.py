"""Proving that m hidden ReLU units cannot classify the points, for any weights.

The net is s(x) = c + Σ_j v_j ReLU(w_j·x + b_j); a point of class y (±1) needs y·s > 0.

1. Signs. ReLU(a z) = a ReLU(z) for a > 0, so |v_j| moves into (w_j, b_j): v_j = ±1. A unit
   with v_j = 0 does nothing: it is a net with fewer units, so every m' ≤ m is enumerated.
2. Cuts. On the points, unit j is active on S_j = {i : w_j·x_i + b_j > 0}, a cut of the
   points by a line (cuts.py enumerates them exactly). Two units of the same sign on the same
   cut add up to one unit on that cut (the sum of their pre-activations has that cut too),
   so units of one sign have distinct cuts, and a unit active nowhere is dropped.
3. One linear program per pattern (cuts and signs). With the pattern fixed, ReLU(z_ij) is
   z_ij on S_j and 0 off it, so every s_i is linear in (w, b, c):
       w_j·x_i + b_j ≥ 1 on S_j,   w_j·x_i + b_j ≤ 0 off S_j,   y_i s_i ≥ 1 for every i.
   Everything is positively homogeneous in (w, b, c), so margins of 1 lose nothing; and any
   solution is a net that classifies the points. The points have a net with m units exactly
   when one of these programs is feasible.
4. Ruled out without a program (necessary conditions, so nothing feasible is dropped):
   - the sign rule: where only units with v = +1 are active s ≥ c, where only v = −1 units
     are active s ≤ c; so if c > 0 the former are all positive, if c ≤ 0 the latter are all
     negative (this covers "no unit active: s = c, one class");
   - the pieces: points with the same active units have s affine in x, so each such group's
     classes must be separable by a line (checked against the cuts restricted to the group).
5. The programs are solved with scipy's linprog (HiGHS); an infeasible status is the proof.
   A feasible one is a net: its weights are rounded to fractions and checked exactly.

Limits (docs/kinds/classifier-design.md): the proof runs for distinct points in one or two
dimensions, at most MAX_POINTS of them, at most MAX_PATTERNS patterns and MAX_PROGRAMS
programs (1–2 ms each); beyond them the minimum is "not proved", with the reason.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from examsolve.kinds.classifier_design.cuts import Vector, linear_dichotomies
from examsolve.kinds.classifier_design.net import Model, forward

MAX_POINTS = 16  # the separability table has 2^N entries
MAX_PATTERNS = 2_000_000  # cut-and-sign patterns enumerated (numpy, about 1 s)
MAX_LEFT = 200_000  # patterns left after the rules, waiting for programs
MAX_PROGRAMS = 1_000  # linear programs solved (1–2 ms each; 5–10 on a loaded 2-core machine)
FEASIBLE = 1e-7  # a total shortfall below this: the pattern is feasible (then checked exactly)
INFEASIBLE = 1e-5  # above this: infeasible; between the two the proof gives up
CHUNK = 200_000  # patterns filtered per vectorised step
MAX_OUTPUT_WEIGHT = 8  # smaller_integer_net tries output weights ±1 … ±8 (one program each)
FRIENDLY = 2  # no |parameter| above this: already the search's integer grid, nothing to gain


@dataclass(frozen=True)
class ReluProof:
    """What the proof that `units` hidden units (or fewer) fail did and found."""

    units: int
    points: int  # distinct points
    cuts: int  # cuts of the points by a line, none and all included
    patterns: int = 0  # cut-and-sign patterns with 1 … units units
    sign_rule: int = 0  # ruled out by the sign rule
    pieces: int = 0  # ruled out by a group of points not separable by a line
    programs: int = 0  # linear programs solved, all infeasible when proved
    proved: bool = False
    reason: str | None = None  # why it is not proved
    witness: Model | None = None  # a net with `units` units found by a program, checked
    least: int = 1  # patterns with least … units units were enumerated


def distinct_points(xs: list[Vector], ys: list[int]) -> tuple[list[Vector], list[int]]:
    """The points without repeats (a repeated point has one class: the spec checks it)."""
    seen: dict[Vector, int] = {}
    for x, y in zip(xs, ys):
        seen.setdefault(x, y)
    return list(seen), list(seen.values())


def prove_relu(xs: list[Vector], ys: list[int], units: int, least: int = 1,
               allowed: int = MAX_PROGRAMS) -> ReluProof:
    """Decide exactly (module docstring) whether a net with `least` … `units` hidden ReLU
    units classifies the points (fewer than `least` being ruled out already, by a bound);
    `proved` when none does. At most `allowed` programs are solved."""
    xs, ys = distinct_points(xs, ys)
    n = len(xs)
    if len(xs[0]) > 2:
        return ReluProof(units, n, 0, reason="the cuts are enumerated only for points in one "
                                              "or two dimensions")
    if n > MAX_POINTS:
        return ReluProof(units, n, 0, reason=f"the proof enumerates cuts of at most "
                                              f"{MAX_POINTS} distinct points, here {n}")
    every = linear_dichotomies(xs)
    assert every is not None
    cuts = [c for c in every if c]
    least = max(1, least)
    patterns = sum(math.comb(len(cuts), k) * math.comb(len(cuts), m - k)
                   for m in range(least, units + 1) for k in range(m + 1))
    if patterns > MAX_PATTERNS:
        return ReluProof(units, n, len(every), patterns,
                         reason=f"{patterns:,} patterns of cuts and signs, more than the "
                                f"{MAX_PATTERNS:,} the proof enumerates")
    full = (1 << n) - 1
    positive = sum(1 << i for i, y in enumerate(ys) if y > 0)
    separable = _separable_table(every, positive, n)
    masks = np.array(cuts, dtype=np.int64)
    sign_rule = pieces = 0
    survivors: list[tuple[np.ndarray, int]] = []
    for m in range(least, units + 1):
        for plus in range(m + 1):
            for chunk in _pattern_chunks(len(cuts), plus, m - plus):
                sets = masks[chunk]
                by_sign, by_piece = _rule_out(sets, plus, full, positive, separable)
                sign_rule += int(by_sign.sum())
                pieces += int((by_piece & ~by_sign).sum())
                kept = chunk[~(by_sign | by_piece)]
                if len(kept):
                    survivors.append((kept, plus))
    left = sum(len(k) for k, _ in survivors)
    done = dict(units=units, points=n, cuts=len(every), patterns=patterns,
                sign_rule=sign_rule, pieces=pieces, least=least)
    if left > MAX_LEFT:
        return ReluProof(**done, reason=f"{left:,} patterns left for linear programs, more "
                                        f"than the {MAX_LEFT:,} the proof handles")
    if left == 0:
        return ReluProof(**done, proved=True)
    from scipy.optimize import linprog  # about 0.3 s to import: only when a program is due

    X = np.array([[float(v) for v in x] for x in xs])
    programs = 0
    for kept, plus in survivors:
        sets_all = masks[kept]
        alive = np.ones(len(kept), dtype=bool)
        for r in range(len(kept)):
            if not alive[r]:
                continue
            if programs >= allowed:
                return ReluProof(**done, programs=programs,
                                 reason=f"its budget of {MAX_PROGRAMS:,} linear programs ran out")
            programs += 1
            sets = [int(v) for v in sets_all[r]]
            signs = [1] * plus + [-1] * (len(sets) - plus)
            shortfall, support = _shortfall(linprog, X, ys, sets, signs)
            if shortfall is None or FEASIBLE < shortfall < INFEASIBLE:
                return ReluProof(**done, programs=programs,
                                 reason="a linear program ended without a clear answer")
            if shortfall <= FEASIBLE:
                witness = _friendly_net(linprog, X, xs, ys, sets, signs)
                reason = ("a linear program found a net with these units" if witness else
                          "a linear program found weights that exact arithmetic does not "
                          "confirm")
                return ReluProof(**done, programs=programs, reason=reason, witness=witness)
            # The certificate uses only the points in `support`: every pattern that agrees
            # with this one there (units of one sign in any order) is infeasible too.
            key = _canonical(np.array([sets]) & support, plus)
            alive &= ~(_canonical(sets_all & support, plus) == key).all(axis=1)
    return ReluProof(**done, programs=programs, proved=True)


def _canonical(sets: np.ndarray, plus: int) -> np.ndarray:
    """Rows of cut masks with each sign's units sorted (the order of units is arbitrary)."""
    return np.concatenate([np.sort(sets[:, :plus], axis=1), np.sort(sets[:, plus:], axis=1)],
                          axis=1)


def _separable_table(cuts: tuple[int, ...], positive: int, n: int) -> np.ndarray:
    """table[T]: the points of bitmask T are separable by a line (some cut restricted to T is
    T's positive points)."""
    subsets = np.arange(1 << n, dtype=np.int64)
    table = np.zeros(1 << n, dtype=bool)
    for cut in cuts:
        table |= (subsets & cut) == (subsets & positive)
    return table


def _pattern_chunks(count: int, plus: int, minus: int):
    """Rows of cut indices: `plus` distinct cuts for the +1 units, then `minus` for the −1
    units, in chunks of about CHUNK rows."""
    first, second = _subsets(count, plus), _subsets(count, minus)
    step = max(1, CHUNK // max(1, len(second)))
    for start in range(0, len(first), step):
        block = first[start:start + step]
        yield np.concatenate([np.repeat(block, len(second), axis=0),
                              np.tile(second, (len(block), 1))], axis=1)


def _subsets(count: int, size: int) -> np.ndarray:
    """All `size`-subsets of range(count) as rows (one empty row for size 0)."""
    if size == 0:
        return np.zeros((1, 0), dtype=np.int64)
    return np.array(list(itertools.combinations(range(count), size)), dtype=np.int64)


def _rule_out(sets: np.ndarray, plus: int, full: int, positive: int, separable: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """(by the sign rule, by a group not separable by a line) for each row of cut masks."""
    negative = full & ~positive
    zero = np.zeros(len(sets), dtype=np.int64)
    on_plus = np.bitwise_or.reduce(sets[:, :plus], axis=1) if plus else zero
    on_minus = np.bitwise_or.reduce(sets[:, plus:], axis=1) if plus < sets.shape[1] else zero
    only_plus, only_minus = full & ~on_minus, full & ~on_plus
    by_sign = ((only_plus & negative) != 0) & ((only_minus & positive) != 0)
    by_piece = np.zeros(len(sets), dtype=bool)
    m = sets.shape[1]
    for code in range(1, 1 << m):
        group = np.full(len(sets), full, dtype=np.int64)
        for j in range(m):
            group &= sets[:, j] if code >> j & 1 else full & ~sets[:, j]
        by_piece |= ~separable[group]
    return by_sign, by_piece


def _rows(X: np.ndarray, ys: list[int], sets: list[int], signs: list[int],
          unit_margin: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A x ≤ b for the pattern (module docstring, 3), x = (w_j, b_j per unit, c): first the
    unit rows, unit by unit (row j·N + i for point i), then one output row per point.
    `unit_margin` 0 allows z = 0 on the cut: still exact (ReLU(0) = 0 = z), for small weights."""
    n, dim = X.shape
    width = dim + 1
    lifted = np.hstack([X, np.ones((n, 1))])
    A = np.zeros((len(sets) * n + n, width * len(sets) + 1))
    b = np.zeros(len(A))
    for j, cut in enumerate(sets):
        on = np.array([cut >> i & 1 for i in range(n)], dtype=bool)
        block = A[j * n:(j + 1) * n, j * width:(j + 1) * width]
        block[:] = np.where(on[:, None], -lifted, lifted)
        b[j * n:(j + 1) * n] = np.where(on, -unit_margin, 0.0)
    out = A[len(sets) * n:]
    out[:, -1] = -np.array(ys, dtype=float)
    for j, (cut, v) in enumerate(zip(sets, signs)):
        on = np.array([cut >> i & 1 for i in range(n)], dtype=float)
        out[:, j * width:(j + 1) * width] = -(np.array(ys) * v * on)[:, None] * lifted
    b[len(sets) * n:] = -1.0
    return A, b


def _program(linprog, X: np.ndarray, ys: list[int], sets: list[int], signs: list[int],
             smallest: bool = False) -> tuple[int, np.ndarray | None]:
    """The pattern's linear program (module docstring, 3): (HiGHS status, solution).
    Variables: (w_j, b_j) per unit, then c; with `smallest`, one more per parameter,
    u ≥ |parameter|, and Σ u minimised (small weights, zeros where they can be: friendly)."""
    A, b = _rows(X, ys, sets, signs, 0.0 if smallest else 1.0)
    size = A.shape[1]
    cost = np.zeros(size)
    if smallest:
        eye = np.eye(size)
        A = np.vstack([np.hstack([A, np.zeros((len(A), size))]),
                       np.hstack([eye, -eye]), np.hstack([-eye, -eye])])
        b = np.concatenate([b, np.zeros(2 * size)])
        cost = np.concatenate([cost, np.ones(size)])
    result = linprog(cost, A_ub=A, b_ub=b, bounds=[(None, None)] * len(cost), method="highs")
    return result.status, result.x


def _shortfall(linprog, X: np.ndarray, ys: list[int], sets: list[int], signs: list[int]
               ) -> tuple[float | None, int]:
    """The smallest total shortfall Σ t_i with y_i s_i ≥ 1 − t_i, t ≥ 0 (0 exactly when the
    pattern is feasible), and the bitmask of the points whose constraints carry the dual
    certificate (their rows alone already force that shortfall)."""
    n = len(ys)
    A, b = _rows(X, ys, sets, signs)
    units = len(sets) * n
    slack = np.zeros((len(A), n))
    slack[units + np.arange(n), np.arange(n)] = -1.0
    A = np.hstack([A, slack])
    cost = np.concatenate([np.zeros(A.shape[1] - n), np.ones(n)])
    bounds = [(None, None)] * (A.shape[1] - n) + [(0, None)] * n
    result = linprog(cost, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    if result.status != 0:
        return None, 0
    duals = np.abs(result.ineqlin.marginals) > 1e-9
    support = 0
    for i in range(n):
        if duals[units + i] or duals[i:units:n].any():
            support |= 1 << i
    return float(result.fun), support


def _friendly_net(linprog, X: np.ndarray, xs: list[Vector], ys: list[int], sets: list[int],
                  signs: list[int]) -> Model | None:
    """A net for a feasible pattern with small weights: the program's solution with the
    smallest Σ |parameter|, rounded to integers, halves, … and checked exactly."""
    status, solution = _program(linprog, X, ys, sets, signs, smallest=True)
    if status != 0:
        return None
    solution = solution[:len(solution) // 2]
    for q in (1, 2, 3, 4, 10, 100):
        for scale in (1, 2, 3):
            model = _checked_net(xs, ys, sets, signs, [Fraction(round(v * scale * q), q)
                                                       for v in solution])
            if model is not None and all(forward(model, x).s * y >= 1
                                         for x, y in zip(xs, ys)):
                return model
    return _checked_net(xs, ys, sets, signs, [Fraction(float(v)).limit_denominator(10 ** 6)
                                              for v in solution])


def _checked_net(xs: list[Vector], ys: list[int], sets: list[int], signs: list[int],
                 exact: list[Fraction]) -> Model | None:
    """Parameters (w_j, b_j per unit, then c) as a net, if exact arithmetic confirms that
    it classifies every point."""
    width = len(xs[0]) + 1
    model = Model(W1=tuple(tuple(exact[j * width:j * width + width - 1])
                           for j in range(len(sets))),
                  b1=tuple(exact[j * width + width - 1] for j in range(len(sets))),
                  w2=tuple(Fraction(v) for v in signs), b2=exact[-1])
    # The design asks |s| ≥ 1 (derive.py); a solution just short of it after rounding is
    # still a correct net, so it is kept, and the derivation states its smallest |s|.
    if all(forward(model, x).s * y > 0 for x, y in zip(xs, ys)):
        return model
    return None


def largest_parameter(model: Model) -> Fraction:
    """max |parameter| over W1, b1, w2 and b2."""
    return max(abs(v) for v in (*(w for r in model.W1 for w in r), *model.b1, *model.w2,
                                model.b2))


def smaller_integer_net(xs: list[Vector], ys: list[int], model: Model) -> Model | None:
    """A net with the same activation pattern as `model` and smaller integer weights, or None.

    The pattern (step 3 of the module docstring) is read off `model`: unit j's cut S_j (the
    points where w_j·x + b_j > 0) and its output sign. With output weights ±α for a fixed
    α = 1, 2, … (below `model`'s largest |parameter|) the pattern's program is linear in the
    rest; the solutions minimising Σ|parameter| (`_friendly_net`) and max |parameter|
    (`_smallest_largest`) are rounded, and each is kept only if it is all integers, exact
    arithmetic gives every point y_i s_i ≥ 1 (the design's margin), and its largest
    |parameter| is below `model`'s. The smallest such net over α is returned.
    A net with no |parameter| above FRIENDLY is kept as it is (and scipy not imported)."""
    if any(v == 0 for v in model.w2) or largest_parameter(model) <= FRIENDLY:
        return None
    from scipy.optimize import linprog  # about 0.3 s to import, as in prove_relu

    sets = [sum(1 << i for i, x in enumerate(xs) if forward(unit, x).s > 0)
            for unit in (Model((w,), (b,), (Fraction(1),), Fraction(0))
                         for w, b in zip(model.W1, model.b1))]
    signs = [1 if v > 0 else -1 for v in model.w2]
    X = np.array([[float(v) for v in x] for x in xs])
    best, bound = None, largest_parameter(model)
    for alpha in range(1, min(int(bound), MAX_OUTPUT_WEIGHT + 1)):
        if alpha >= bound:
            break
        outputs = [alpha * v for v in signs]
        for found in (_friendly_net(linprog, X, xs, ys, sets, outputs),
                      _integer_net(xs, ys, sets, outputs,
                                   _smallest_largest(linprog, X, ys, sets, outputs))):
            if found is None:
                continue
            parameters = (*(w for r in found.W1 for w in r), *found.b1, *found.w2, found.b2)
            if all(v.denominator == 1 for v in parameters) and \
                    all(forward(found, x).s * y >= 1 for x, y in zip(xs, ys)) and \
                    largest_parameter(found) < bound:
                best, bound = found, largest_parameter(found)
    return best


def _smallest_largest(linprog, X: np.ndarray, ys: list[int], sets: list[int],
                      outputs: list[int]) -> np.ndarray | None:
    """The pattern's program with max |parameter| minimised (one more variable t ≥ |each|):
    Σ|parameter| (`_program`) can leave one large weight where a flatter solution exists."""
    A, b = _rows(X, ys, sets, outputs, 0.0)
    size = A.shape[1]
    eye, column = np.eye(size), -np.ones((size, 1))
    A = np.vstack([np.hstack([A, np.zeros((len(A), 1))]), np.hstack([eye, column]),
                   np.hstack([-eye, column])])
    b = np.concatenate([b, np.zeros(2 * size)])
    cost = np.zeros(size + 1)
    cost[-1] = 1.0
    result = linprog(cost, A_ub=A, b_ub=b, bounds=[(None, None)] * (size + 1), method="highs")
    return result.x[:size] if result.status == 0 else None


def _integer_net(xs: list[Vector], ys: list[int], sets: list[int], outputs: list[int],
                 solution: np.ndarray | None) -> Model | None:
    """The solution rounded to integers (scaled by 1, 2 or 3 first: s scales with it, and a
    larger margin survives rounding), if exact arithmetic confirms y_i s_i ≥ 1 everywhere."""
    if solution is None:
        return None
    for scale in (1, 2, 3):
        model = _checked_net(xs, ys, sets, outputs,
                             [Fraction(round(v * scale)) for v in solution])
        if model is not None and all(forward(model, x).s * y >= 1 for x, y in zip(xs, ys)):
            return model
    return None

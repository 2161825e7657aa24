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
4. Ruled out without a program (necessary conditions in pattern_rules.py, so nothing
   feasible is dropped):
   - the hulls: s = c + P − N with P, N convex; no point of one class is an average of
     points of the other class that share their active −1 units (or +1 units). It looks at
     one sign's units at a time, so each sign's sets of cuts are filtered before pairing;
   - the sign rule: where only units with v = +1 are active s ≥ c, where only v = −1 units
     are active s ≤ c; so if c > 0 the former are all positive, if c ≤ 0 the latter are all
     negative (this covers "no unit active: s = c, one class");
   - the pieces: points with the same active units have s affine in x, so each such group's
     classes must be separable by a line (checked against the cuts restricted to the group).
5. The programs are solved by HiGHS (programs.py). An infeasible one is confirmed exactly
   by its Farkas certificate (certificates.py), rebuilt in fractions from HiGHS's duals; one
   that does not confirm stops the proof. A feasible one is a net: its weights are rounded
   to fractions and checked exactly.

Limits (docs/kinds/classifier-design.md): the proof runs for distinct points in one or two
dimensions, at most MAX_POINTS of them, at most MAX_SUBSETS sets of one sign's cuts,
MAX_PATTERNS patterns after the hull rule and MAX_PROGRAMS programs (about 0.3 ms each);
beyond them the minimum is "not proved", with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from examsolve.kinds.classifier_design.certificates import farkas_weights
from examsolve.kinds.classifier_design.cuts import Vector, linear_dichotomies
from examsolve.kinds.classifier_design.net import Model, forward
from examsolve.kinds.classifier_design.pattern_rules import (hull_rule_holds, hull_table,
                                                             rule_out, separable_table)
from examsolve.kinds.classifier_design.programs import Programs

MAX_POINTS = 16  # the separability table has 2^N entries
MAX_SUBSETS = 1_500_000  # sets of cuts for one sign's units, each checked by the hull rule
MAX_PATTERNS = 2_000_000  # cut-and-sign patterns left by the hull rule (numpy, about 1 s)
MAX_LEFT = 200_000  # patterns left after the rules, waiting for programs
MAX_PROGRAMS = 3_000  # linear programs solved (0.3 ms each, about 1 ms on a loaded machine)
FEASIBLE = 1e-7  # a total shortfall below this: the pattern is feasible (then checked exactly)
INFEASIBLE = 1e-5  # above this: infeasible; between the two the proof gives up
CHUNK = 200_000  # patterns filtered per vectorised step
PENDING = 32  # certificates gathered before they are applied to every later pattern
# Once a pattern is feasible, up to MORE_PROGRAMS more programs look for MAX_FOUND feasible
# patterns with as many units; the FRIENDLIEST of their nets go through smaller_integer_net
# and the one with the smallest weights is the witness (a model answer's weights).
MORE_PROGRAMS = 300
MAX_FOUND = 24
FRIENDLIEST = 3
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
    hulls: int = 0  # ruled out by a point inside a group's hull of the other class
    programs: int = 0  # linear programs solved, all infeasible when proved
    proved: bool = False
    reason: str | None = None  # why it is not proved
    witness: Model | None = None  # a net with `units` units found by a program, checked
    feasible: int = 0  # feasible patterns whose nets were compared for the witness
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
    sizes = sorted({k for m in range(least, units + 1) for k in range(m + 1)})
    subsets = sum(math.comb(len(cuts), k) for k in sizes)
    if subsets > MAX_SUBSETS:
        return ReluProof(units, n, len(every), patterns,
                         reason=f"{subsets:,} sets of cuts for the units of one sign, more "
                                f"than the {MAX_SUBSETS:,} the proof enumerates")
    full = (1 << n) - 1
    positive = sum(1 << i for i, y in enumerate(ys) if y > 0)
    masks = np.array(cuts, dtype=np.int64)
    # The hull rule (pattern_rules.py) looks at one sign's units at a time: each sign's sets
    # of cuts are filtered first, and only the survivors are paired.
    side = {}
    tables = {1: (hull_table(xs, ys, 1), positive), -1: (hull_table(xs, ys, -1),
                                                        full & ~positive)}
    for k in sizes:
        rows = _subsets(len(cuts), k)
        for sign, (table, of) in tables.items():
            side[k, sign] = rows[hull_rule_holds(masks[rows], table, of, full)]
    paired = sum(len(side[k, 1]) * len(side[m - k, -1])
                 for m in range(least, units + 1) for k in range(m + 1))
    if paired > MAX_PATTERNS:
        return ReluProof(units, n, len(every), patterns, hulls=patterns - paired,
                         reason=f"{paired:,} patterns of cuts and signs left after the hull "
                                f"rule, more than the {MAX_PATTERNS:,} the proof checks")
    separable = separable_table(every, positive, n)
    sign_rule = pieces = 0
    survivors: list[tuple[np.ndarray, int]] = []
    for m in range(least, units + 1):
        for plus in range(m + 1):
            for chunk in _pattern_chunks(side[plus, 1], side[m - plus, -1]):
                by_sign, by_piece = rule_out(masks[chunk], plus, full, positive, separable)
                sign_rule += int(by_sign.sum())
                pieces += int((by_piece & ~by_sign).sum())
                kept = chunk[~(by_sign | by_piece)]
                if len(kept):
                    survivors.append((kept, plus))
    left = sum(len(k) for k, _ in survivors)
    done = dict(units=units, points=n, cuts=len(every), patterns=patterns,
                sign_rule=sign_rule, pieces=pieces, hulls=patterns - paired, least=least)
    if left > MAX_LEFT:
        return ReluProof(**done, reason=f"{left:,} patterns left for linear programs, more "
                                        f"than the {MAX_LEFT:,} the proof handles")
    if left == 0:
        return ReluProof(**done, proved=True)
    solver = Programs()
    X = np.array([[float(v) for v in x] for x in xs])
    programs = more = 0
    found: list[Model] = []  # nets of the feasible patterns with the fewest units
    certificates = []  # (sets, signs, float weights) of every infeasible program
    fewest = None  # their unit count, once one is feasible
    for kept, plus in survivors:  # in order of unit count
        if fewest is not None and kept.shape[1] != fewest:
            break
        sets_all = masks[kept]
        alive = np.ones(len(kept), dtype=bool)
        pending: list[tuple[int, np.ndarray]] = []  # certificates not yet applied to `alive`
        for r in range(len(kept)):
            if not alive[r] or pending and _agrees(sets_all[r], pending, plus):
                continue
            if fewest is not None and (more >= MORE_PROGRAMS or len(found) >= MAX_FOUND):
                break
            if fewest is None and programs >= allowed:
                return ReluProof(**done, programs=programs,
                                 reason=f"its budget of {MAX_PROGRAMS:,} linear programs ran out")
            programs += 1
            more += fewest is not None
            sets = [int(v) for v in sets_all[r]]
            signs = [1] * plus + [-1] * (len(sets) - plus)
            shortfall, support, weights = _shortfall(solver, X, ys, sets, signs)
            if shortfall is None or FEASIBLE < shortfall < INFEASIBLE:
                if fewest is not None:
                    continue  # not a candidate for friendlier weights, and nothing to prove
                return ReluProof(**done, programs=programs,
                                 reason="a linear program ended without a clear answer")
            if shortfall <= FEASIBLE:
                fewest = len(sets)
                net = _friendly_net(solver, X, xs, ys, sets, signs)
                if net is not None:
                    found.append(net)
                continue
            certificates.append((sets, signs, weights))
            # The certificate uses only the points in `support`: every pattern that agrees
            # with this one there (units of one sign in any order) is infeasible too. Each
            # row is checked against the pending certificates before its program, and they
            # are applied to all later rows PENDING at a time (a pass over every row per
            # program was most of the proof's time on large sets of patterns).
            pending.append((support, _canonical(np.array([sets]) & support, plus)))
            if len(pending) == PENDING:
                rest = r + 1 + np.flatnonzero(alive[r + 1:])
                alive[rest] = _disagrees(sets_all[rest], pending, plus)
                pending.clear()
    if fewest is not None:
        if not found:
            return ReluProof(**done, programs=programs,
                             reason="a linear program found weights that exact arithmetic "
                                    "does not confirm")
        return ReluProof(**done, programs=programs,
                         reason="a linear program found a net with these units",
                         witness=_friendliest(xs, ys, found), feasible=len(found))
    # Every infeasible program is confirmed exactly before "proved" is claimed (only then:
    # when a net is found, they only pruned the search).
    if not all(farkas_weights(xs, ys, *certificate) is not None
               for certificate in certificates):
        return ReluProof(**done, programs=programs,
                         reason="a linear program's certificate of infeasibility did not "
                                "check in exact arithmetic")
    return ReluProof(**done, programs=programs, proved=True)


def _friendliest(xs: list[Vector], ys: list[int], nets: list[Model]) -> Model:
    """Of the feasible patterns' nets, the one whose integer net (smaller_integer_net) has
    the smallest largest |parameter|: the FRIENDLIEST nets with the smallest largest
    |parameter| as they are go through that step (16 programs each), the rest do not."""
    def size(net: Model) -> tuple[Fraction, Fraction]:
        values = (*(w for r in net.W1 for w in r), *net.b1, *net.w2, net.b2)
        return largest_parameter(net), sum(abs(v) for v in values)

    best = None
    for net in sorted(nets, key=size)[:FRIENDLIEST]:
        final = smaller_integer_net(xs, ys, net) or net
        if best is None or size(final) < best[0]:
            best = (size(final), net)
    assert best is not None
    return best[1]


def _agrees(sets: np.ndarray, pending: list[tuple[int, np.ndarray]], plus: int) -> bool:
    """The pattern `sets` agrees with some pending certificate (support, key) on its
    support: one vectorised check against all of them."""
    supports = np.array([support for support, _ in pending], dtype=np.int64)
    keys = np.concatenate([key for _, key in pending])
    return bool((_canonical(sets[None, :] & supports[:, None], plus) == keys).all(axis=1).any())


def _disagrees(block: np.ndarray, pending: list[tuple[int, np.ndarray]], plus: int
               ) -> np.ndarray:
    """Per row of `block`: it agrees with none of the pending certificates on their
    supports (column by column: the rows are many, the columns 2–4)."""
    keep = np.ones(len(block), dtype=bool)
    columns = [block[:, j] for j in range(block.shape[1])]
    for support, key in pending:
        masked = [c & support for c in columns]
        same = keep.copy()
        for column, value in zip(_sorted_columns(masked[:plus]) + _sorted_columns(masked[plus:]),
                                 key[0]):
            same &= column == value
        keep &= ~same
    return keep


def _sorted_columns(columns: list[np.ndarray]) -> list[np.ndarray]:
    """The columns sorted row by row (compare-exchange up to 3 columns, else np.sort)."""
    if len(columns) <= 1:
        return columns
    if len(columns) > 3:
        return list(np.sort(np.stack(columns, axis=1), axis=1).T)
    a, b = np.minimum(columns[0], columns[1]), np.maximum(columns[0], columns[1])
    if len(columns) == 2:
        return [a, b]
    low, high = np.minimum(b, columns[2]), np.maximum(b, columns[2])
    return [np.minimum(a, low), np.maximum(a, low), high]


def _canonical(sets: np.ndarray, plus: int) -> np.ndarray:
    """Rows of cut masks with each sign's units sorted (the order of units is arbitrary)."""
    return np.concatenate([_sorted_rows(sets[:, :plus]), _sorted_rows(sets[:, plus:])], axis=1)


def _sorted_rows(block: np.ndarray) -> np.ndarray:
    """Each row sorted (np.sort's per-row cost was a third of the proof's time on large sets
    of patterns: _sorted_columns compares and exchanges instead)."""
    if block.shape[1] <= 1:
        return block
    return np.stack(_sorted_columns([block[:, j] for j in range(block.shape[1])]), axis=1)


def _pattern_chunks(first: np.ndarray, second: np.ndarray):
    """Rows of cut indices: a row of `first` (the +1 units' cuts), then one of `second` (the
    −1 units'), every pair, in chunks of about CHUNK rows."""
    step = max(1, CHUNK // max(1, len(second)))
    for start in range(0, len(first), step):
        block = first[start:start + step]
        yield np.concatenate([np.repeat(block, len(second), axis=0),
                              np.tile(second, (len(block), 1))], axis=1)


def _subsets(count: int, size: int) -> np.ndarray:
    """All `size`-subsets of range(count) as rows, in lexicographic order (one empty row for
    size 0); built in numpy, each row of size − 1 extended by every larger index."""
    if size == 0:
        return np.zeros((1, 0), dtype=np.int64)
    rows = np.arange(count, dtype=np.int64)[:, None]
    for _ in range(size - 1):
        last = rows[:, -1]
        extra = count - 1 - last  # how many larger indices each row can take
        starts = np.repeat(np.cumsum(extra) - extra, extra)
        rows = np.concatenate([np.repeat(rows, extra, axis=0),
                               (np.repeat(last + 1, extra) + np.arange(extra.sum())
                                - starts)[:, None]], axis=1)
    return rows


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


def _program(solver: Programs, X: np.ndarray, ys: list[int], sets: list[int], signs: list[int],
             smallest: bool = False) -> np.ndarray | None:
    """The pattern's linear program (module docstring, 3): a solution, or None.
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
    result = solver.solve(cost, A, b, np.full(len(cost), -np.inf))
    return result.x


def _shortfall(solver: Programs, X: np.ndarray, ys: list[int], sets: list[int], signs: list[int]
               ) -> tuple[float | None, int, dict[int, float]]:
    """The smallest total shortfall Σ t_i with y_i s_i ≥ 1 − t_i, t ≥ 0 (0 exactly when the
    pattern is feasible), the bitmask of the points whose constraints carry the dual
    certificate (their rows alone already force that shortfall), and that certificate:
    row → λ_r > 0 with λᵀA = 0, λᵀb = −1 for the pattern's rows A x ≤ b (in floating point;
    certificates.py confirms it exactly)."""
    n = len(ys)
    A, b = _rows(X, ys, sets, signs)
    units = len(sets) * n
    slack = np.zeros((len(A), n))
    slack[units + np.arange(n), np.arange(n)] = -1.0
    A = np.hstack([A, slack])
    cost = np.concatenate([np.zeros(A.shape[1] - n), np.ones(n)])
    lower = np.concatenate([np.full(A.shape[1] - n, -np.inf), np.zeros(n)])
    result = solver.solve(cost, A, b, lower)
    if result.status != "optimal":
        return None, 0, {}
    duals = np.abs(result.duals) > 1e-9
    support = 0
    for i in range(n):
        if duals[units + i] or duals[i:units:n].any():
            support |= 1 << i
    objective = float(result.objective)
    weights = {int(r): -float(result.duals[r]) / objective for r in np.flatnonzero(duals)} \
        if objective > 0 else {}
    return objective, support, weights


def _friendly_net(solver: Programs, X: np.ndarray, xs: list[Vector], ys: list[int], sets: list[int],
                  signs: list[int]) -> Model | None:
    """A net for a feasible pattern with small weights: the program's solution with the
    smallest Σ |parameter|, rounded to integers, halves, … and checked exactly."""
    solution = _program(solver, X, ys, sets, signs, smallest=True)
    if solution is None:
        return None
    solution = solution[:len(solution) // 2]
    for q in (1, 2, 3, 4, 10, 100):
        for scale in (1, 2, 3):
            rounded = np.round(solution * scale * q)
            if _float_margin(X, ys, signs, rounded / q) < 1 - 1e-9:
                continue  # fails in floats already: no exact pass (~1 ms each) needed
            model = _checked_net(xs, ys, sets, signs, [Fraction(int(v), q) for v in rounded])
            if model is not None and all(forward(model, x).s * y >= 1
                                         for x, y in zip(xs, ys)):
                return model
    return _checked_net(xs, ys, sets, signs, [Fraction(float(v)).limit_denominator(10 ** 6)
                                              for v in solution])


def _float_margin(X: np.ndarray, ys: list[int], outputs: list[int], parameters: np.ndarray
                  ) -> float:
    """min_i y_i s_i in floats for parameters (w_j, b_j per unit, then c) and output weights
    `outputs`: a cheap screen before the exact check (it only skips candidates)."""
    width = X.shape[1] + 1
    units = parameters[:-1].reshape(len(outputs), width)
    hidden = np.maximum(X @ units[:, :-1].T + units[:, -1], 0)
    return float(np.min(np.array(ys) * (hidden @ np.array(outputs, dtype=float)
                                        + parameters[-1])))


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
    A net with no |parameter| above FRIENDLY is kept as it is (and HiGHS not loaded)."""
    if any(v == 0 for v in model.w2) or largest_parameter(model) <= FRIENDLY:
        return None
    solver = Programs()
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
        for found in (_friendly_net(solver, X, xs, ys, sets, outputs),
                      _integer_net(xs, ys, sets, outputs,
                                   _smallest_largest(solver, X, ys, sets, outputs))):
            if found is None:
                continue
            found = _unused_inputs_zeroed(found, xs)
            parameters = (*(w for r in found.W1 for w in r), *found.b1, *found.w2, found.b2)
            if all(v.denominator == 1 for v in parameters) and \
                    all(forward(found, x).s * y >= 1 for x, y in zip(xs, ys)) and \
                    largest_parameter(found) < bound:
                best, bound = found, largest_parameter(found)
    return best


def _unused_inputs_zeroed(model: Model, xs: list[Vector]) -> Model:
    """Weights on an input that is 0 at every point change no s: set to 0 (x = 0 … 5 on the
    line x2 = 0 got W1 = [[−9, −9], [2, −9], …], a max-|parameter| optimum free in x2)."""
    unused = [d for d in range(len(xs[0])) if all(x[d] == 0 for x in xs)]
    if not unused:
        return model
    W1 = tuple(tuple(Fraction(0) if d in unused else w for d, w in enumerate(r))
               for r in model.W1)
    return Model(W1, model.b1, model.w2, model.b2)


def _smallest_largest(solver: Programs, X: np.ndarray, ys: list[int], sets: list[int],
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
    result = solver.solve(cost, A, b, np.full(size + 1, -np.inf))
    return result.x[:size] if result.status == "optimal" else None


def _integer_net(xs: list[Vector], ys: list[int], sets: list[int], outputs: list[int],
                 solution: np.ndarray | None) -> Model | None:
    """The solution rounded to integers (scaled by 1, 2 or 3 first: s scales with it, and a
    larger margin survives rounding), if exact arithmetic confirms y_i s_i ≥ 1 everywhere."""
    if solution is None:
        return None
    X = np.array([[float(v) for v in x] for x in xs])
    for scale in (1, 2, 3):
        rounded = np.round(solution * scale)
        if _float_margin(X, ys, outputs, rounded) < 1 - 1e-9:
            continue
        model = _checked_net(xs, ys, sets, outputs, [Fraction(int(v)) for v in rounded])
        if model is not None and all(forward(model, x).s * y >= 1 for x, y in zip(xs, ys)):
            return model
    return None

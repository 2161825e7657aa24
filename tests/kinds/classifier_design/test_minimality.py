"""The exact minimality proof (minimality.py, cuts.py) against oracles written here: brute
force over (w, b) for the cuts, brute force over small integer nets for "m units suffice",
and every pattern's linear program solved again with HiGHS directly (highspy), without the
proof's rules, certificates or formulation."""

from __future__ import annotations

import itertools
from fractions import Fraction

import highspy
import numpy as np

from examsolve.kinds.classifier_design.cuts import linear_dichotomies
from examsolve.kinds.classifier_design.minimality import prove_relu
from examsolve.problem import load_string, solve
from examsolve.render.textmath import para_text

CHECKERBOARD = [(0, 0, 1), (1, 0, -1), (2, 0, 1), (0, 1, -1), (1, 1, 1), (2, 1, -1)]


def _exact(points):
    return [(Fraction(a), Fraction(b)) for a, b, _ in points], [y for _, _, y in points]


def _brute_cuts(X: np.ndarray) -> set[int]:
    """Every {i : w·x_i + b > 0} for integer w in [−6, 6]² and b in steps of 1/4."""
    found = set()
    bits = 1 << np.arange(len(X))
    for w in itertools.product(range(-6, 7), repeat=2):
        z = X @ np.array(w, dtype=float)
        for b in np.arange(-40, 40.25, 0.25):
            found.add(int(bits[z + b > 0].sum()))
    return found


def _random_sets(seed: int, count: int, size: int, side: int):
    rng = np.random.default_rng(seed)
    cells = [(a, b) for a in range(side) for b in range(side)]
    for _ in range(count):
        chosen = rng.choice(len(cells), size=size, replace=False)
        labels = rng.choice([-1, 1], size=size)
        if len(set(labels)) == 2:
            yield [(*cells[k], int(y)) for k, y in zip(chosen, labels)]


def test_cuts_contain_every_cut_brute_force_finds():
    # Grid points have many collinear triples: the on-line prefix/suffix rule is exercised.
    for points in itertools.islice(_random_sets(1, 30, 7, 4), 6):
        xs, _ = _exact(points)
        X = np.array([[a, b] for a, b, _ in points], dtype=float)
        assert _brute_cuts(X) <= set(linear_dichotomies(xs))


def test_every_enumerated_cut_is_strictly_separable():
    # Maximise the margin δ ≤ 1 of w·x + b ≥ δ on the cut, ≤ −δ off it, in highspy.
    for points in itertools.islice(_random_sets(2, 10, 6, 4), 5):
        xs, _ = _exact(points)
        X = np.array([[a, b] for a, b, _ in points], dtype=float)
        for cut in linear_dichotomies(xs):
            side = np.array([1.0 if cut >> i & 1 else -1.0 for i in range(len(X))])
            rows = np.hstack([-side[:, None] * np.hstack([X, np.ones((len(X), 1))]),
                              np.ones((len(X), 1))])  # −side·(w·x + b) + δ ≤ 0
            assert _max_margin(rows, np.zeros(len(X)), 3) > 1e-6, (points, cut)


def _max_margin(rows: np.ndarray, upper: np.ndarray, free: int) -> float:
    """max δ (the last column) with rows·(vars, δ) ≤ upper, δ ≤ 1, other variables free."""
    inf = highspy.kHighsInf
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = free + 1, len(rows)
    lp.col_cost_ = np.concatenate([np.zeros(free), [-1.0]])
    lp.col_lower_ = np.full(free + 1, -inf)
    lp.col_upper_ = np.concatenate([np.full(free, inf), [1.0]])
    lp.row_lower_ = np.full(len(rows), -inf)
    lp.row_upper_ = upper.astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    nonzero = [np.nonzero(r)[0] for r in rows]
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum([len(k) for k in nonzero])])
    lp.a_matrix_.index_ = np.concatenate(nonzero).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate([r[k] for r, k in zip(rows, nonzero)])
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return -np.inf
    assert status == highspy.HighsModelStatus.kOptimal
    return -h.getInfo().objective_function_value


def _feasible_patterns_highspy(points, units: int, first: bool = False) -> int:
    """How many patterns (a cut, possibly none, and a sign ±1 per unit; units unordered)
    admit a net, each decided by its own margin LP: max δ with w_j·x_i + b_j ≥ δ on cut j,
    ≤ 0 off it, y_i s_i ≥ δ; feasible when δ > 0 (everything scales, so δ ≤ 1 is no loss).
    With `first`, stop at the first feasible one."""
    X = np.array([[a, b] for a, b, _ in points], dtype=float)
    y = np.array([t for _, _, t in points], dtype=float)
    n = len(X)
    lifted = np.hstack([X, np.ones((n, 1))])
    cuts = linear_dichotomies(_exact(points)[0])
    width = 3 * units + 2  # (w, b) per unit, c, δ
    feasible = 0
    for pattern in itertools.combinations_with_replacement(
            [(cut, v) for cut in cuts for v in (1, -1)], units):
        sets, signs = [c for c, _ in pattern], [v for _, v in pattern]
        rows, upper = [], []
        for j, cut in enumerate(sets):
            for i in range(n):
                r = np.zeros(width)
                if cut >> i & 1:
                    r[3 * j:3 * j + 3], r[-1] = -lifted[i], 1.0  # z ≥ δ
                else:
                    r[3 * j:3 * j + 3] = lifted[i]  # z ≤ 0
                rows.append(r)
                upper.append(0.0)
        for i in range(n):
            r = np.zeros(width)
            r[-2] = -y[i]
            for j, (cut, v) in enumerate(zip(sets, signs)):
                if cut >> i & 1:
                    r[3 * j:3 * j + 3] = -y[i] * v * lifted[i]
            r[-1] = 1.0  # −y s + δ ≤ 0
            rows.append(r)
            upper.append(0.0)
        if _max_margin(np.array(rows), np.array(upper), width - 1) > 1e-7:
            feasible += 1
            if first:
                return feasible
    return feasible


def _brute_force_net(points, units: int) -> bool:
    """A net with `units` units, w in {−2 … 2}², b in {−4 … 4}, v = ±1 and some c, that
    classifies every point (c exists when min over positives > max over negatives)."""
    X = np.array([[a, b] for a, b, _ in points], dtype=float)
    y = np.array([t for _, _, t in points])
    W = np.array(list(itertools.product(range(-2, 3), repeat=2)), dtype=float)
    B = np.arange(-4, 5, dtype=float)
    H = np.maximum((W @ X.T)[:, None, :] + B[None, :, None], 0).reshape(-1, len(X))
    H = np.unique(H, axis=0)
    for signs in itertools.product((1, -1), repeat=units):
        g = signs[0] * H
        for v in signs[1:]:  # every combination of units, one axis per unit
            g = g[..., None, :] + v * H.reshape((1,) * (g.ndim - 1) + H.shape)
        g = g.reshape(-1, len(X))
        if np.any(g[:, y > 0].min(axis=1) > g[:, y < 0].max(axis=1)):
            return True
    return False


def _forward_ok(model, points) -> bool:
    W1 = np.array(model.W1, dtype=float)
    b1 = np.array(model.b1, dtype=float)
    w2 = np.array(model.w2, dtype=float)
    X = np.array([[a, b] for a, b, _ in points], dtype=float)
    s = np.maximum(X @ W1.T + b1, 0) @ w2 + float(model.b2)
    return bool(np.all(s * np.array([t for _, _, t in points]) > 0))


def test_checkerboard_two_units_infeasible_by_every_oracle():
    proof = prove_relu(*_exact(CHECKERBOARD), 2)
    assert proof.proved and proof.witness is None
    assert proof.cuts == 28
    assert not _brute_force_net(CHECKERBOARD, 2)
    assert _feasible_patterns_highspy(CHECKERBOARD, 2) == 0


def _parity_sets(seed: int, count: int, size: int):
    """Random `size`-subsets of a 4×3 grid, labelled by the parity of x1 + x2 (a partial
    checkerboard: some need 3 units, some 2)."""
    rng = np.random.default_rng(seed)
    cells = [(a, b) for a in range(4) for b in range(3)]
    for _ in range(count):
        chosen = rng.choice(len(cells), size=size, replace=False)
        yield [(*cells[k], 1 if sum(cells[k]) % 2 else -1) for k in chosen]


def test_two_unit_proof_agrees_with_brute_force_and_highspy():
    outcomes = []
    for points in _parity_sets(5, 3, 7):
        proof = prove_relu(*_exact(points), 2)
        assert proof.reason is None or proof.witness is not None, proof.reason
        brute = _brute_force_net(points, 2) or _brute_force_net(points, 1)
        if proof.proved:
            assert not brute, points
            assert _feasible_patterns_highspy(points, 2) == 0, points
        else:
            assert _forward_ok(proof.witness, points)
            assert proof.witness.hidden <= 2
            assert _feasible_patterns_highspy(points, 2, first=True) > 0, points
        outcomes.append(proof.proved)
    assert True in outcomes and False in outcomes  # both answers are exercised


def test_beyond_the_cap_the_minimum_is_not_proved_and_says_why():
    points = "\n".join(f"  {i} {(i * 7) % 5} {'a' if (i * i) % 3 else 'b'}" for i in range(17))
    d = solve(load_string(f"kind: classifier-design\ntitle: t\npoints: |\n{points}\n"))
    answers = d.answer_map()
    assert answers["hidden"] > 2 and answers["hidden_proved"] is False
    text = " ".join(para_text(b) for s in d.steps for b in s.blocks if hasattr(b, "parts"))
    assert "at most 16 distinct points, here 17" in text
    assert "is not excluded" in text


def _step_features_brute_force(points, units: int) -> bool:
    """Step units step(w·x + b) with w in {−3 … 3}², b in halves of [−9, 9], and an output
    step unit with weights in {−1, 0, 1} and a bias in {±½, ±3/2, ±5/2}: does any net with
    `units` hidden units classify the points?"""
    X = np.array([[a, b] for a, b, _ in points], dtype=float)
    y = np.array([t for _, _, t in points]) > 0
    W = np.array(list(itertools.product(range(-3, 4), repeat=2)), dtype=float)
    B = np.arange(-9, 9.5, 0.5)
    F = ((W @ X.T)[:, None, :] + B[None, :, None] > 0).reshape(-1, len(X))
    F = np.unique(F, axis=0).astype(float)
    for combo in itertools.combinations(range(len(F)), units):
        h = F[list(combo)].T  # points × units
        for v in itertools.product((-1, 0, 1), repeat=units):
            z = h @ np.array(v, dtype=float)
            for c in (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5):
                if np.array_equal(z + c > 0, y):
                    return True
    return False


def test_step_units_on_the_checkerboard_three_proved_and_two_fail_by_brute_force():
    spec = ("kind: classifier-design\ntitle: t\nactivation: step\npoints: |\n"
            + "".join(f"  {a} {b} {'p' if y > 0 else 'n'}\n" for a, b, y in CHECKERBOARD))
    d = solve(load_string(spec))
    answers = d.answer_map()
    assert answers["hidden"] == 3 and answers["hidden_proved"] is True
    # The test's own forward pass of the net it gives: step(z) = 1 for z > 0.
    W1 = np.array(answers["W1"], dtype=float)
    b1 = np.array(answers["b1"], dtype=float).reshape(-1)
    w2 = np.array(answers["w2"], dtype=float).reshape(-1)
    X = np.array([[a, b] for a, b, _ in CHECKERBOARD], dtype=float)
    h = (X @ W1.T + b1 > 0).astype(float)
    out = h @ w2 + float(answers["b2"]) > 0
    assert list(out) == [y > 0 for _, _, y in CHECKERBOARD]
    assert not _step_features_brute_force(CHECKERBOARD, 2)
    assert _step_features_brute_force(CHECKERBOARD, 3)

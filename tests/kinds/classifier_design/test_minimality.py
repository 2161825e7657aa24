"""The exact minimality proof (minimality.py, cuts.py) against oracles written here: brute
force over (w, b) for the cuts, brute force over small integer nets for "m units suffice",
and every pattern's linear program solved again with HiGHS directly (highspy), without the
proof's rules, certificates or formulation."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import highspy
import numpy as np

from examsolve.kinds.classifier_design.cuts import linear_dichotomies
from examsolve.kinds.classifier_design.minimality import prove_relu
from examsolve.kinds.classifier_design.pattern_rules import hull_rule_holds, hull_table
from examsolve.problem import load_string, solve
from examsolve.render.textmath import para_text

ROOT = Path(__file__).resolve().parents[3]
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
    admit a net, each decided by its own margin LP (_pattern_margin).
    With `first`, stop at the first feasible one."""
    cuts = linear_dichotomies(_exact(points)[0])
    feasible = 0
    for pattern in itertools.combinations_with_replacement(
            [(cut, v) for cut in cuts for v in (1, -1)], units):
        if _pattern_margin(points, [c for c, _ in pattern], [v for _, v in pattern]) > 1e-7:
            feasible += 1
            if first:
                return feasible
    return feasible


def _pattern_margin(points, sets, signs) -> float:
    """max δ with w_j·x_i + b_j ≥ δ on cut j, ≤ 0 off it, y_i s_i ≥ δ (−inf if infeasible);
    the pattern admits a net when δ > 0 (everything scales, so δ ≤ 1 is no loss)."""
    X = np.array([[float(v) for v in p[:-1]] for p in points])
    y = np.array([t for *_, t in points], dtype=float)
    n, dim = X.shape
    lifted = np.hstack([X, np.ones((n, 1))])
    k = dim + 1
    width = k * len(sets) + 2  # (w, b) per unit, c, δ
    rows = []
    for j, cut in enumerate(sets):
        for i in range(n):
            r = np.zeros(width)
            if cut >> i & 1:
                r[k * j:k * j + k], r[-1] = -lifted[i], 1.0  # z ≥ δ
            else:
                r[k * j:k * j + k] = lifted[i]  # z ≤ 0
            rows.append(r)
    for i in range(n):
        r = np.zeros(width)
        r[-2] = -y[i]
        for j, (cut, v) in enumerate(zip(sets, signs)):
            if cut >> i & 1:
                r[k * j:k * j + k] = -y[i] * v * lifted[i]
        r[-1] = 1.0  # −y s + δ ≤ 0
        rows.append(r)
    return _max_margin(np.array(rows), np.zeros(len(rows)), width - 1)


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
    spec = ("kind: classifier-design\ntitle: t\nactivation: step\npositive: p\npoints: |\n"
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


def test_the_proof_writes_nothing_of_its_own_to_stdout():
    # highspy's Python `Highs` prints HiGHS's banner on stdout when it is made; the proof
    # uses the bare solver, so `--format json` stays parseable (programs.py).
    out = subprocess.run([sys.executable, "-m", "examsolve", "run",
                          "problems/1c-classifier-checkerboard.yaml", "--format", "json"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(out.stdout)["answers"]["hidden_proved"] is True
    assert "Running HiGHS" not in out.stdout + out.stderr and not out.stderr


def _in_hull_highspy(r, corners) -> bool:
    """r = Σ λ_k corner_k with λ ≥ 0, Σ λ = 1: an LP in highspy (max δ ≤ 1 with λ ≥ δ·0,
    i.e. feasibility: the equalities as two inequalities each, δ unused)."""
    C = np.array(corners, dtype=float).T  # dim × k
    k = C.shape[1]
    A = np.vstack([np.vstack([C, np.ones((1, k))]), -np.vstack([C, np.ones((1, k))]),
                   -np.eye(k)])
    b = np.concatenate([[*map(float, r), 1.0], [-float(v) for v in r] + [-1.0], np.zeros(k)])
    rows = np.hstack([A, np.zeros((len(A), 1))])  # δ is free of these rows, capped at 1
    return _max_margin(rows, b, k) > -np.inf


def test_hull_table_matches_an_lp_for_every_subset():
    for points in itertools.islice(_random_sets(3, 12, 8, 5), 4):
        xs, ys = _exact(points)
        n = len(xs)
        for of in (1, -1):
            table = hull_table(xs, ys, of)
            mine = [i for i in range(n) if ys[i] == of]
            others = [points[i][:2] for i in range(n) if ys[i] == -of]
            for size in range(1, len(mine) + 1):
                for chosen in itertools.combinations(mine, size):
                    mask = sum(1 << i for i in chosen)
                    corners = [points[i][:2] for i in chosen]
                    expected = any(_in_hull_highspy(r, corners) for r in others)
                    assert bool(table[mask]) == expected, (points, chosen)


def test_every_pattern_the_hull_rule_drops_is_infeasible_by_its_own_lp():
    # The rule (pattern_rules.py) is sound exactly when no pattern it drops admits a net.
    dropped = 0
    for points in itertools.islice(_random_sets(4, 40, 7, 5), 6):
        xs, ys = _exact(points)
        n, full = len(xs), (1 << len(xs)) - 1
        positive = sum(1 << i for i, y in enumerate(ys) if y > 0)
        tables = {1: (hull_table(xs, ys, 1), positive), -1: (hull_table(xs, ys, -1),
                                                            full & ~positive)}
        cuts = [c for c in linear_dichotomies(xs) if c]
        for signs in ((1, 1), (1, -1), (-1, -1)):
            for sets in itertools.product(cuts, repeat=2):
                ok = all(hull_rule_holds(np.array([[c for c, v in zip(sets, signs) if v == sign]],
                                                  dtype=np.int64), *tables[sign], full)[0]
                         for sign in (1, -1))
                if not ok:
                    dropped += 1
                    assert _pattern_margin(points, list(sets), list(signs)) <= 1e-7, \
                        (points, sets, signs)
    assert dropped > 1000


def test_subsets_are_itertools_combinations_in_order():
    from examsolve.kinds.classifier_design.minimality import _subsets

    for count in (0, 1, 2, 5, 9):
        for size in range(5):
            expected = list(itertools.combinations(range(count), size))
            assert [tuple(r) for r in _subsets(count, size).tolist()] == expected


def _exact_rows(points, sets, signs):
    """The pattern's program A x ≤ b in fractions, written here from the math: x is
    (w_j, b_j per unit, c); for unit j and point i, −(w_j·x_i + b_j) ≤ −1 where j is active
    and w_j·x_i + b_j ≤ 0 where not; for point i, −y_i (c + Σ_active v_j z_j) ≤ −1."""
    xs, ys = _exact(points)
    n, dim, m = len(xs), len(xs[0]), len(sets)
    width = dim + 1
    A, b = [], []
    for j, cut in enumerate(sets):
        for i in range(n):
            row = [Fraction(0)] * (width * m + 1)
            on = cut >> i & 1
            for k, v in enumerate((*xs[i], Fraction(1))):
                row[j * width + k] = -v if on else v
            A.append(row)
            b.append(Fraction(-1 if on else 0))
    for i in range(n):
        row = [Fraction(0)] * (width * m + 1)
        row[-1] = Fraction(-ys[i])
        for j, (cut, v) in enumerate(zip(sets, signs)):
            if cut >> i & 1:
                for k, c in enumerate((*xs[i], Fraction(1))):
                    row[j * width + k] = -ys[i] * v * c
        A.append(row)
        b.append(Fraction(-1))
    return A, b


def test_exact_farkas_weights_sum_the_rows_to_a_contradiction():
    # Every 2-unit pattern of the checkerboard that reaches a program: its certificate,
    # checked here against rows built independently: λ ≥ 0, λᵀA = 0 exactly, λᵀb < 0.
    from examsolve.kinds.classifier_design import minimality
    from examsolve.kinds.classifier_design.certificates import farkas_weights
    from examsolve.kinds.classifier_design.programs import Programs

    xs, ys = _exact(CHECKERBOARD)
    X = np.array([[a, b] for a, b, _ in CHECKERBOARD], dtype=float)
    cuts = [c for c in linear_dichotomies(xs) if c]
    solver, checked = Programs(), 0
    for sets in itertools.islice(itertools.combinations(cuts, 2), 0, None, 7):
        signs = [1, -1]
        shortfall, _, weights = minimality._shortfall(solver, X, ys, list(sets), signs)
        if shortfall < 1e-5:
            continue
        lam = farkas_weights(xs, ys, list(sets), signs, weights)
        assert lam is not None
        A, b = _exact_rows(CHECKERBOARD, sets, signs)
        assert all(v >= 0 for v in lam.values())
        assert all(sum(lam[r] * A[r][c] for r in lam) == 0 for c in range(len(A[0])))
        assert sum(lam[r] * b[r] for r in lam) < 0
        checked += 1
    assert checked > 20


def test_no_farkas_weights_for_a_feasible_pattern():
    # XOR with one unit of each sign is feasible: Farkas' alternative leaves no certificate,
    # whatever float weights are offered.
    from examsolve.kinds.classifier_design.certificates import farkas_weights

    points = [(0, 0, -1), (1, 1, -1), (0, 1, 1), (1, 0, 1)]
    xs, ys = _exact(points)
    cuts = [c for c in linear_dichotomies(xs) if c]
    feasible = [(s, g) for s in itertools.combinations(cuts, 2) for g in ([1, 1], [1, -1])
                if _pattern_margin(points, list(s), g) > 1e-7]
    assert feasible
    rng = np.random.default_rng(0)
    for sets, signs in feasible:
        for _ in range(5):
            weights = {r: float(rng.uniform(0.1, 2)) for r in range(4 * 2 + 4)}
            assert farkas_weights(xs, ys, list(sets), signs, weights) is None


def test_a_certificate_that_does_not_confirm_leaves_the_minimum_unproved(monkeypatch):
    # Most small sets need no program (the rules settle them); these 8 points need 133, and
    # the exact check is made to fail.
    from examsolve.kinds.classifier_design import minimality

    points = [(3, 4, -1), (0, 0, -1), (0, 4, 1), (1, 0, 1), (4, 4, 1), (3, 0, 1), (3, 2, -1),
              (1, 2, 1)]
    proof = prove_relu(*_exact(points), 2)
    assert proof.proved and proof.programs > 0
    # The proof itself, where programs do the work, against every pattern's own margin LP.
    assert _feasible_patterns_highspy(points, 2) == 0 and not _brute_force_net(points, 2)
    monkeypatch.setattr(minimality, "farkas_weights", lambda *args: None)
    failed = prove_relu(*_exact(points), 2)
    assert not failed.proved
    assert failed.reason == ("a linear program's certificate of infeasibility did not check "
                             "in exact arithmetic")

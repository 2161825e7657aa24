"""Error carried forward for conv-recovery: a student's wrong kernel weight or lost input,
and the later answers recomputed from it — every carried value here comes from numpy windows
written in the test (cross-correlation, no flip), never from examsolve's solver."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import yaml

from examsolve.problem import load, solve
from examsolve.verdict import mark, read_answers

ROOT = Path(__file__).resolve().parents[2]
PROBLEM_2 = ROOT / "problems" / "2-conv-recovery.yaml"
PROBLEM_2B = ROOT / "problems" / "2b-conv-recovery-1d-joint.yaml"

# Problem 2's input (nan: lost) and output, 0-based as numpy indexes them.
X = np.array([[np.nan] * 4, [1, 2, -1, -2], [3, -1, 1, 2], [np.nan, 0, 0, np.nan]])
Y = np.array([[7, 2, -5], [6, np.nan, 2], [3, -1, -2]])


def kernel(e, f):
    return np.array([[e, e], [f, f]], dtype=float)


def solve_lost_input(W, b, x, y, i, j, r, c):
    """The lost input x[r, c] from window (i, j): Y = Σ W·X + b solved for it."""
    window = x[i:i + 2, j:j + 2].copy()
    u, v = r - i, c - j
    weight = W[u, v]
    window[u, v] = 0.0
    return (y[i, j] - b - np.sum(W * window)) / weight


def window_output(W, b, x, i, j):
    return float(np.sum(W * x[i:i + 2, j:j + 2]) + b)


def verdict_of(path, answers):
    problem = load(path)
    text = yaml.safe_dump(answers, sort_keys=False)
    return mark(problem, solve(problem), read_answers(text=text, file="mine.yaml"))


def written(x):
    return str(Fraction(x).limit_denominator(1000))


def test_a_wrong_kernel_weight_carries_into_the_lost_inputs_and_outputs():
    e, f, b = 3, 2, -1  # the student's e; f and b right
    W = kernel(e, f)
    x41 = solve_lost_input(W, b, X, Y, 2, 0, 3, 0)
    x44 = solve_lost_input(W, b, X, Y, 2, 2, 3, 3)
    y22 = window_output(W, b, X, 1, 1)
    truth_x41 = solve_lost_input(kernel(1, 2), -1, X, Y, 2, 0, 3, 0)
    assert x41 != truth_x41  # the carried value differs from the true one
    verdict = verdict_of(PROBLEM_2, {"Y[2,2]": written(y22), "X[4,4]": written(x44),
                                     "e": e, "f": f, "b": b, "X[4,1]": written(x41)})
    rows = {r.key: r for r in verdict.rows}
    assert [r.key for r in verdict.rows] == ["e", "f", "b", "X[4,1]", "X[4,4]", "Y[2,2]"]
    assert rows["e"].status == "wrong"
    assert (rows["f"].status, rows["b"].status) == ("right", "right")
    for key in ("X[4,1]", "X[4,4]", "Y[2,2]"):
        assert rows[key].status == "carried" and rows[key].carried_from == "e", rows[key]
    first = verdict.first_wrong
    assert first.key == "e" and first.heading.startswith("The kernel and bias")


def test_a_value_that_follows_from_the_true_kernel_is_wrong_after_a_wrong_weight():
    """With e wrong, the true X[4,1] is not what the student's e implies: a true value
    still counts as right (it is right), but a third value that follows from neither is
    wrong."""
    verdict = verdict_of(PROBLEM_2, {"e": 3, "X[4,1]": 1, "X[4,4]": 7})
    assert [r.status for r in verdict.rows] == ["wrong", "right", "wrong"]


def test_a_wrong_lost_input_carries_into_the_output_it_feeds():
    """2b: X = [3, X2, X3, 1], W = [1, 2, 3], padding "same": Y[1] = 1·0 + 2·3 + 3·X2."""
    x2 = 2  # wrong: X[2] is 1
    padded = np.array([0, 3, x2, np.nan, 1, 0], dtype=float)
    y1 = float(np.dot([1, 2, 3], padded[0:3]))
    verdict = verdict_of(PROBLEM_2B, {"X[2]": x2, "Y[1]": written(y1), "Y[4]": 1})
    rows = {r.key: r for r in verdict.rows}
    assert rows["X[2]"].status == "wrong"
    assert rows["Y[1]"].status == "carried" and rows["Y[1]"].carried_from == "X[2]"
    assert rows["Y[4]"].status == "right"  # it does not use X[2]


def test_a_random_wrong_output_is_wrong_with_no_slip_and_points_at_its_window():
    verdict = verdict_of(PROBLEM_2, {"e": 1, "f": 2, "b": -1, "Y[2,2]": 5})
    row = verdict.first_wrong
    assert (row.key, row.slip, row.heading) == ("Y[2,2]", None, "The lost outputs")
    from examsolve.render.verdict import first_wrong_text

    assert first_wrong_text(row).startswith(
        "First wrong step: step 4 (The lost outputs), Y[2,2]: you have 5; it is Y[2,2] = "
        "1·2 + 1·(−1) + 2·(−1) + 2·1 − 1 = 0")


def test_the_kernel_flipped_is_named():
    """A true convolution flips the kernel: [[f, f], [e, e]] slides over X. Solve the three
    complete windows Y[2,1], Y[2,3], Y[3,2] for (e, f, b) with numpy."""
    rows, rhs = [], []
    for i, j in ((1, 0), (1, 2), (2, 1)):
        patch = X[i:i + 2, j:j + 2]
        rows.append([patch[1].sum(), patch[0].sum(), 1.0])  # e sits in the bottom row now
        rhs.append(Y[i, j])
    e, f, b = np.linalg.solve(np.array(rows), np.array(rhs))
    assert abs(e - 1) > 1e-9  # the slip changes e
    verdict = verdict_of(PROBLEM_2, {"e": written(e)})
    (row,) = verdict.rows
    assert row.status == "wrong" and row.slip is not None and row.slip.name == "kernel flipped"
    assert verdict_of(PROBLEM_2, {"f": written(f)}).rows[0].slip.name == "kernel flipped"


def test_random_wrong_parameters_are_no_slip():
    rng = np.random.default_rng(2)
    for _ in range(10):
        value = int(rng.integers(3, 40))
        (row,) = verdict_of(PROBLEM_2, {"e": value}).rows
        assert row.status == "wrong" and row.slip is None

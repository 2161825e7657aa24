"""Friendlier weights (issue 14): after the search (or the proof, or the construction) finds a
net, the same activation pattern is re-solved for small integer weights. Checked by a numpy
forward pass written here over every point, against the largest |weight| measured before."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from examsolve.problem import load_string, solve

# x = 0 … 5 with alternating labels. Before this change the net printed was
# W1 = [−4, 8, −6, 4], b1 = [8, −32, 18, −4], w2 = [1, 1, −1, −1], b2 = 9: largest |weight| 32.
ALTERNATING = "".join(f"  {x} {'ab'[x % 2]}\n" for x in range(6))
BEFORE = 32


def answers(points: str) -> dict:
    return solve(load_string("kind: classifier-design\ntitle: t\npoints: |\n" + points)
                 ).answer_map()


def numpy_s(a: dict, xs: np.ndarray) -> np.ndarray:
    W1 = np.array(a["W1"], dtype=float)
    b1 = np.array(a["b1"], dtype=float)
    w2 = np.array(a["w2"], dtype=float).reshape(-1)
    return np.maximum(xs @ W1.T + b1, 0) @ w2 + float(a["b2"])


def parameters(a: dict) -> list[Fraction]:
    return [*(v for r in a["W1"] for v in r), *a["b1"], *a["w2"][0], a["b2"]]


@pytest.mark.parametrize("points,before", [
    (ALTERNATING, BEFORE),
    # The same points on the diagonal x1 = x2 of the plane: the same 32 before.
    ("".join(f"  {x} {x} {'ab'[x % 2]}\n" for x in range(6)), BEFORE),
])
def test_alternating_points_get_smaller_integer_weights(points, before):
    a = answers(points)
    rows = [line.split() for line in points.strip().splitlines()]
    xs = np.array([[float(v) for v in r[:-1]] for r in rows])
    y = np.array([1 if r[-1] == "b" else -1 for r in rows])
    assert all(isinstance(v, Fraction) and v.denominator == 1 for v in parameters(a))
    assert (numpy_s(a, xs) * y >= 1).all()  # every point right, with the design's margin
    largest = max(abs(v) for v in parameters(a))
    assert largest < before
    assert largest <= 9  # measured: α = 2, b1 = [8, −6, 4, −6], b2 = −9
    assert a["correct"] == 6 and a["hidden"] == 4 and a["hidden_proved"] is True


def test_a_net_already_small_is_kept():
    # XOR: the search's net (largest |weight| 2) has nothing smaller with its pattern.
    a = answers("  0 0 a\n  1 0 b\n  0 1 b\n  1 1 a\n")
    assert max(abs(v) for v in parameters(a)) <= 2
    xs = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
    assert (numpy_s(a, xs) * np.array([-1, 1, 1, -1]) >= 1).all()


def test_the_derivation_says_why_the_weights_changed():
    from examsolve.render.textmath import para_text

    d = solve(load_string("kind: classifier-design\ntitle: t\npoints: |\n" + ALTERNATING))
    text = " ".join(para_text(b) for st in d.steps for b in st.blocks
                    if type(b).__name__ == "Para")
    # The proof compares its feasible patterns' nets (16 the smallest), then the integer
    # step takes that one to 9.
    assert "The proof's net has largest |parameter| 16" in text
    assert "has largest |parameter| 9 (α = 2)" in text
    assert "the linear programs of 24 such patterns are feasible" in text


def test_an_input_that_is_0_at_every_point_gets_no_weight():
    """The review: x = 0 … 5 on the line x2 = 0 got −9 on x2 in every unit (a max-|parameter|
    optimum is free there). Forward pass in numpy, and every x2 weight 0."""
    text = ("kind: classifier-design\ntitle: t\npositive: a\npoints: |\n"
            + "".join(f"  {x} 0 {'ab'[x % 2]}\n" for x in range(6)))
    a = solve(load_string(text)).answer_map()
    W1 = np.array(a["W1"], dtype=float)
    assert (W1[:, 1] == 0).all()
    X = np.array([[x, 0] for x in range(6)], dtype=float)
    s = np.maximum(X @ W1.T + np.array(a["b1"], dtype=float).reshape(-1), 0) \
        @ np.array(a["w2"], dtype=float).reshape(-1) + float(a["b2"])
    assert ((s > 0) == np.array([x % 2 == 0 for x in range(6)])).all()

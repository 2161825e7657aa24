"""Convergence on separable sets, the (R/γ)² mistake bound, and the separability proof.

- Random sets labelled by a random integer hyperplane with margin (hypothesis): `until:
  converged` must converge, the final weights must classify every point (checked here), and
  the number of mistakes (Σ errors@e) must be at most (R/γ)², with R = max ‖(x, 1)‖ and
  γ = min t(w*·x + b*)/‖(w*, b*)‖ computed here for the generating hyperplane (any unit
  separator gives a valid bound; the perceptron with a bias is the one on (x, 1)).
- Random labels: examsolve.geometry's verdict is checked both ways. A claimed common point
  must be an exact convex combination of each class (weights ≥ 0, summing to 1, same
  average); a claimed separable set must be separated by a numpy perceptron loop written
  here (which converges on every separable set).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from examsolve.geometry import convex_hulls_meet
from examsolve.problem import load_string, solve


@st.composite
def separable_sets(draw):
    dim = draw(st.integers(1, 3))
    w_star = [draw(st.integers(-3, 3)) for _ in range(dim)]
    assume(any(w_star))
    b_star = draw(st.integers(-3, 3))
    raw = draw(st.lists(st.tuples(*[st.integers(-4, 4)] * dim), min_size=1, max_size=8,
                        unique=True))
    points = [x for x in raw if abs(np.dot(w_star, x) + b_star) >= 1]
    assume(points)
    targets = [1 if np.dot(w_star, x) + b_star > 0 else -1 for x in points]
    lr = draw(st.sampled_from(["1", "1/2", "0.1", "3"]))
    at_zero = draw(st.sampled_from([-1, 0, 1]))
    return points, targets, w_star, b_star, lr, at_zero


def spec(points, targets, extra: str) -> str:
    rows = "\n".join("  " + " ".join(map(str, (*x, t))) for x, t in zip(points, targets))
    return f"kind: perceptron\ntitle: r\nencoding: bipolar\npoints: |\n{rows}\n{extra}"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.filter_too_much])
@given(separable_sets())
def test_separable_sets_converge_within_the_mistake_bound(case):
    points, targets, w_star, b_star, lr, at_zero = case
    answers = solve(load_string(spec(points, targets, f"lr: {lr}\nat_zero: {at_zero}\n"
                                     "until: converged\nmax_epochs: 2000\n"))).answer_map()
    assert answers["converged"] is True
    w, b = [Fraction(v) for v in answers["w"]], Fraction(answers["b"])
    for x, t in zip(points, targets):
        net = sum(a * q for a, q in zip(w, x)) + b
        y = 1 if net > 0 else -1 if net < 0 else at_zero
        assert y == t
    mistakes = sum(answers[f"errors@{e}"] for e in range(1, int(answers["epochs"]) + 1))
    norm = math.sqrt(sum(v * v for v in w_star) + b_star ** 2)
    gamma = min(t * (np.dot(w_star, x) + b_star) for x, t in zip(points, targets)) / norm
    radius = max(math.sqrt(sum(v * v for v in x) + 1) for x in points)
    assert mistakes <= (radius / gamma) ** 2 + 1e-9
    assert answers["errors@" + str(int(answers["epochs"]))] == 0  # it stops after the clean epoch


def numpy_perceptron(points, targets, epochs=20_000):
    """Separating (w, b) found by the plain perceptron on (x, 1), or None within `epochs`."""
    X = np.hstack([np.array(points, dtype=float), np.ones((len(points), 1))])
    T = np.array(targets, dtype=float)
    w = np.zeros(X.shape[1])
    for _ in range(epochs):
        wrong = 0
        for x, t in zip(X, T):
            if t * (w @ x) <= 0:
                w += t * x
                wrong += 1
        if not wrong:
            return w
    return None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.sampled_from([-1, 1])),
                min_size=2, max_size=9, unique_by=lambda p: p[:2]))
def test_the_hull_verdict_is_right_both_ways(rows):
    pos = [(Fraction(a), Fraction(b)) for a, b, t in rows if t == 1]
    neg = [(Fraction(a), Fraction(b)) for a, b, t in rows if t == -1]
    assume(pos and neg)
    meet = convex_hulls_meet(pos, neg)
    if meet is None:
        w = numpy_perceptron([r[:2] for r in rows], [r[2] for r in rows])
        assert w is not None, "said separable, but no separating line was found"
    else:
        for side, weights in ((pos, meet.first), (neg, meet.second)):
            assert all(v > 0 for _, v in weights) and sum(v for _, v in weights) == 1
            average = tuple(sum(v * side[i][k] for i, v in weights) for k in range(2))
            assert average == meet.point
        assert len(meet.first) + len(meet.second) <= 2 + 2  # a basic solution: D + 2


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(-2, 2), st.integers(-2, 2), st.sampled_from([-1, 1])),
                min_size=2, max_size=7, unique_by=lambda p: p[:2]))
def test_the_derivation_says_what_the_geometry_proves(rows):
    pos = [(Fraction(a), Fraction(b)) for a, b, t in rows if t == 1]
    neg = [(Fraction(a), Fraction(b)) for a, b, t in rows if t == -1]
    assume(pos and neg)
    # On a 5×5 grid a separable set is separated within a few hundred epochs.
    separable = numpy_perceptron([r[:2] for r in rows], [r[2] for r in rows], 2_000) is not None
    d = solve(load_string(spec([r[:2] for r in rows], [r[2] for r in rows],
                               "until: converged\nmax_epochs: 300\n")))
    text = " ".join(p for s in d.steps for b in s.blocks for p in getattr(b, "parts", ())
                    if isinstance(p, str))
    answers = d.answer_map()
    if not separable:
        assert answers["converged"] is False
        assert "The classes are not linearly separable" in text
        assert any("not linearly separable" in w for w in d.warnings)
    elif answers["converged"] is True:
        assert "not linearly separable" not in text


def test_xor_is_not_separable_and_says_why():
    d = solve(load_string("kind: perceptron\ntitle: x\ntruth_table: xor\nuntil: converged\n"
                          "max_epochs: 25\n"))
    answers = d.answer_map()
    assert answers["converged"] is False and answers["epochs"] == 25
    assert d.warnings == ("not converged after 25 epochs: the classes are not linearly "
                          "separable",)
    step = next(s for s in d.steps if s.heading == "Linear separability")
    assert any("not linearly separable" in p for b in step.blocks
               for p in getattr(b, "parts", ()) if isinstance(p, str))


def test_max_epochs_alone_bounds_the_run_until_converged():
    # XOR is not separable (no line: (1/2, 1/2) averages both classes), so the rule never
    # has an epoch without updates: it stops at max_epochs, not converged.
    text = "kind: perceptron\ntitle: x\ntruth_table: xor\nmax_epochs: 5\n"
    answers = solve(load_string(text)).answer_map()
    assert answers["epochs"] == 5 and answers["converged"] is False
    # AND is separable: it converges well within 50.
    answers = solve(load_string(text.replace("xor", "and").replace("5", "50"))).answer_map()
    assert answers["converged"] is True and answers["epochs"] < 50

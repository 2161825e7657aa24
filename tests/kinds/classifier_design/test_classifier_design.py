"""classifier-design: every designed network is checked by a forward pass written here in
numpy (never the solver's), on the exam's set, XOR, parity on a line, a ring and random sets."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examsolve.render.textmath import para_text
from examsolve.problem import load, load_string, solve

EXAM_POINTS = [((0, 0), "circle"), ((1, 1), "circle"), ((0.5, 0.5), "circle"),
               ((0, 1), "cross"), ((1, 0), "cross")]


def spec_text(points, extra: str = "") -> str:
    lines = "\n".join("  " + " ".join(str(v) for v in x) + " " + label for x, label in points)
    return f"kind: classifier-design\ntitle: t\npoints: |\n{lines}\n{extra}"


def run(points, extra: str = ""):
    return solve(load_string(spec_text(points, extra)))


def numpy_forward(answers, x):
    """s = w2 · ReLU(W1 x + b1) + b2 in float64, written independently of the solver."""
    W1 = np.array(answers["W1"], dtype=float)
    b1 = np.array(answers["b1"], dtype=float).reshape(-1)
    w2 = np.array(answers["w2"], dtype=float).reshape(-1)
    b2 = float(answers["b2"])
    h = np.maximum(W1 @ np.array(x, dtype=float) + b1, 0.0)
    return float(w2 @ h + b2)


def assert_designed_net_works(derivation, points, positive):
    """Every point on its side with |s| ≥ 1, p = σ(s), and the reported counts agree."""
    answers = derivation.answer_map()
    W1 = np.array(answers["W1"], dtype=float)
    assert W1.shape == (answers["hidden"], len(points[0][0]))
    assert answers["correct"] == len(points)
    for (x, label), p in zip(points, answers["p"]):
        s = numpy_forward(answers, x)
        target = 1 if label == positive else -1
        assert target * s >= 1 - 1e-9, (x, label, s)
        # σ written stably: a large |s| (weights like 113) overflowed math.exp(−s) here
        expected = 1 / (1 + math.exp(-s)) if s >= 0 else math.exp(s) / (1 + math.exp(s))
        assert p == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_exam_set_two_units_all_correct():
    derivation = solve(load("problems/1-classifier-design.yaml"))
    assert_designed_net_works(derivation, EXAM_POINTS, "cross")
    # The crosses' midpoint is a circle: not linearly separable, so one unit cannot work.
    assert derivation.answer_map()["hidden"] == 2


def test_exam_set_derivation_names_lines_table_and_picture():
    derivation = solve(load("problems/1-classifier-design.yaml"))
    headings = [s.heading for s in derivation.steps]
    assert "What each hidden unit responds to" in headings
    assert "Every point through the network" in headings
    figure = next(b for s in derivation.steps for b in s.blocks if type(b).__name__ == "Figure")
    assert figure.text.count("×") == 2 and figure.text.count("○") == 3
    prose = " ".join(para_text(b) for s in derivation.steps for b in s.blocks
                     if type(b).__name__ == "Para")
    assert "One hidden unit is impossible" in prose
    assert derivation.warnings == ()


def test_xor_corners_need_exactly_two_units():
    points = [((0, 0), "o"), ((1, 1), "o"), ((0, 1), "x"), ((1, 0), "x")]
    derivation = run(points)
    assert_designed_net_works(derivation, points, "x")
    assert derivation.answer_map()["hidden"] == 2


def test_default_positive_is_the_second_class_listed():
    points = [((0, 0), "o"), ((1, 1), "o"), ((0, 1), "x"), ((1, 0), "x")]
    flipped = run(points, "positive: o\n")
    assert_designed_net_works(flipped, points, "o")
    assert_designed_net_works(run(points), points, "x")


def test_alternating_points_on_a_line_need_three_units():
    # 0, 1, 2, 3 labelled by parity (the number of ones of three bits). Two ReLUs give at
    # most three linear pieces, and the slopes must go + − + (or − + −). Two right-facing
    # units leave the first piece flat, two left-facing ones the last; one of each
    # (ReLU(α(x − a)), ReLU(β(b − x)), output weights v1, v2) has outer slopes −v2β and v1α
    # and, for a < b, middle slope v1α − v2β: + − + would need v1 > 0, v2 < 0 and
    # v1α − v2β < 0, impossible (likewise − + −); for b < a the middle is flat. So three.
    points = [((i,), "even" if i % 2 == 0 else "odd") for i in range(4)]
    derivation = run(points)
    assert_designed_net_works(derivation, points, "odd")
    assert derivation.answer_map()["hidden"] == 3


def test_three_bit_parity_on_a_line_four_units_found_by_the_proof_and_proved():
    # The integers 0..7 labelled by the parity of their binary digits: five class changes.
    # m ReLUs make at most m + 1 linear pieces, each changing sign at most once, so at least
    # four units are needed: beyond the grid search (H ≤ 3), whose fallback construction
    # takes one unit per class change (5). The exact proof over cut patterns finds a 4-unit
    # net, checked here by numpy, so 4 is the minimum.
    points = [((i,), "odd" if bin(i).count("1") % 2 else "even") for i in range(8)]
    labels = [label for _, label in points]
    changes = sum(1 for a, b in zip(labels, labels[1:]) if a != b)
    derivation = run(points)
    assert_designed_net_works(derivation, points, "odd")
    answers = derivation.answer_map()
    assert changes == 5 and answers["hidden"] == changes - 1
    assert answers["hidden_proved"] is True


def test_ring_around_a_centre():
    ring = [(2, 0), (0, 2), (-2, 0), (0, -2), (1.5, 1.5), (-1.5, 1.5), (-1.5, -1.5),
            (1.5, -1.5)]
    points = [((0, 0), "inside")] + [(p, "ring") for p in ring]
    derivation = run(points)
    assert_designed_net_works(derivation, points, "ring")
    # The centre is in the ring's convex hull, so one unit cannot do it; two can: no ring
    # point is near the line x₁ + 2x₂ = 0 (|x₁ + 2x₂| ≥ 1.5 on the ring), so
    # s = 2·ReLU(x₁ + 2x₂) + 2·ReLU(−x₁ − 2x₂) − 1 = 2|x₁ + 2x₂| − 1 works (by hand).
    assert derivation.answer_map()["hidden"] == 2


def test_separable_set_needs_one_unit():
    points = [((0, 0), "a"), ((1, 0), "a"), ((0, 3), "b"), ((2, 2), "b")]
    derivation = run(points)
    assert_designed_net_works(derivation, points, "b")
    assert derivation.answer_map()["hidden"] == 1


def test_asked_hidden_count_is_used():
    derivation = solve(load_string(
        spec_text(EXAM_POINTS, "positive: cross\nhidden: 3\n")))
    assert_designed_net_works(derivation, EXAM_POINTS, "cross")
    assert derivation.answer_map()["hidden"] == 3


def test_design_is_deterministic():
    first = solve(load("problems/1-classifier-design.yaml")).answer_map()
    second = solve(load("problems/1-classifier-design.yaml")).answer_map()
    assert first == second


def test_three_dimensional_points():
    points = [((0, 0, 0), "a"), ((1, 1, 0), "a"), ((1, 0, 1), "a"), ((0, 1, 1), "a"),
              ((1, 0, 0), "b"), ((0, 1, 0), "b"), ((0, 0, 1), "b"), ((1, 1, 1), "b")]
    assert_designed_net_works(run(points), points, "b")


coordinate = st.integers(-6, 6).map(lambda k: Fraction(k, 2))


@st.composite
def labelled_sets(draw, dims=(1, 2, 3), max_points=12):
    dim = draw(st.sampled_from(dims))
    xs = draw(st.lists(st.tuples(*[coordinate] * dim), min_size=2, max_size=max_points,
                       unique=True))
    labels = draw(st.lists(st.sampled_from(["a", "b"]), min_size=len(xs), max_size=len(xs)))
    labels[0], labels[1] = "a", "b"  # two classes, always
    return [(tuple(str(v) for v in x), label) for x, label in zip(xs, labels)]


@settings(max_examples=25, deadline=None)
@given(labelled_sets())
def test_random_sets_always_get_a_correct_net(points):
    derivation = run(points)
    numeric = [(tuple(float(Fraction(v)) for v in x), label) for x, label in points]
    assert_designed_net_works(derivation, numeric, "b")


@settings(max_examples=25, deadline=None)
@given(labelled_sets(dims=(1, 2, 4), max_points=30))
def test_construction_alone_always_works(points):
    from examsolve.kinds.classifier_design.construct import construct

    xs = [tuple(Fraction(v) for v in x) for x, _ in points]
    ys = [1 if label == "b" else -1 for _, label in points]
    model = construct(xs, ys).model
    answers = {"W1": model.W1, "b1": model.b1, "w2": model.w2, "b2": model.b2}
    for x, y in zip(xs, ys):
        assert y * numpy_forward(answers, x) >= 1 - 1e-9


def test_hull_proof_matches_one_dimensional_separability():
    from examsolve.kinds.classifier_design.hull import hulls_meet

    rng = np.random.default_rng(7)
    for _ in range(200):
        xs = sorted({int(v) for v in rng.integers(-5, 6, size=rng.integers(2, 8))})
        ys = [int(v) for v in rng.choice([-1, 1], size=len(xs))]
        if len(set(ys)) < 2:
            continue
        # In 1-D the classes are separable iff the sorted labels change exactly once.
        separable = sum(a != b for a, b in zip(ys, ys[1:])) == 1
        meet = hulls_meet([(Fraction(x),) for x in xs], ys)
        assert (meet is None) == separable
        if meet is not None:  # the certificate itself: convex weights with equal averages
            for side in (meet.positive, meet.negative):
                assert sum(v for _, v in side) == 1 and all(v > 0 for _, v in side)
                assert sum(v * xs[i] for i, v in side) == meet.point[0]


# ---- check mode --------------------------------------------------------------------------

def test_check_mode_right_model():
    model = "model:\n  W1: [[1, -1], [-1, 1]]\n  b1: [0, 0]\n  w2: [2, 2]\n  b2: -1\n"
    derivation = solve(load_string(spec_text(EXAM_POINTS, "positive: cross\n" + model)))
    answers = derivation.answer_map()
    assert answers["correct"] == 5 and answers["hidden"] == 2
    assert answers["W1"] == ((1, -1), (-1, 1))


def test_check_mode_wrong_model_counts_and_marks():
    derivation = solve(load("problems/1b-classifier-check.yaml"))
    answers = derivation.answer_map()
    # Worked by hand in the spec: only the centre circle (s = 1/2) is wrong.
    assert answers["correct"] == 4
    s = [-0.5, -0.5, 0.5, 0.5, 0.5]
    assert answers["p"] == pytest.approx([1 / (1 + math.exp(-v)) for v in s], rel=1e-12)
    table = next(b for st_ in derivation.steps for b in st_.blocks
                 if type(b).__name__ == "Table" and "predicted" in b.headers)
    assert [r[-1] for r in table.rows] == ["✓", "✓", "✗", "✓", "✓"]


def test_check_mode_point_on_the_boundary_is_wrong():
    model = "model:\n  W1: [[1]]\n  b1: [0]\n  w2: [1]\n  b2: -1\n"
    points = [((0,), "a"), ((1,), "b"), ((3,), "b")]
    answers = solve(load_string(spec_text(points, model))).answer_map()
    # s = −1, 0, 2: the middle point sits at p = 0.5 and counts for neither class.
    assert answers["correct"] == 2
    assert answers["p"][1] == 0.5


# ---- the boxed verdict (r2 review): the direct answer, its key still `correct` ------------

def _verdict(derivation):
    from examsolve.render.textmath import linear

    (answer,) = [a for a in derivation.answers if a.key == "correct"]
    return linear(answer.display)


def test_verdicts_name_the_count_or_the_misclassified_point():
    assert _verdict(solve(load("problems/1-classifier-design.yaml"))) == \
        "points classified correctly: 5 of 5"
    # numpy, written here: point 3 (0.5, 0.5) of the check spec gets s = 0.5 > 0 → cross
    W1, b1 = np.array([[1, 1], [1, 1]]), np.array([0, -1])
    s = np.array([1, -2]) @ np.maximum(W1 @ np.array([0.5, 0.5]) + b1, 0) - 0.5
    assert s == 0.5
    assert _verdict(solve(load("problems/1b-classifier-check.yaml"))) == \
        "no: point 3 (0.5, 0.5) is predicted cross (s = 0.5)"
    right = "model:\n  W1: [[1, -1], [-1, 1]]\n  b1: [0, 0]\n  w2: [2, 2]\n  b2: -1\n"
    assert _verdict(solve(load_string(spec_text(EXAM_POINTS, "positive: cross\n" + right)))) \
        == "yes: all 5 points are classified correctly"
    boundary = "model:\n  W1: [[1]]\n  b1: [0]\n  w2: [1]\n  b2: -1\n"
    points = [((0,), "a"), ((1,), "b"), ((3,), "b")]  # s = −1, 0, 2
    assert _verdict(solve(load_string(spec_text(points, boundary)))) == \
        "no: point 2 (x = 1) is on the boundary (s = 0)"
    two_wrong = "model:\n  W1: [[1]]\n  b1: [0]\n  w2: [-1]\n  b2: 1/2\n"  # s = 0.5, −0.5, −2.5
    assert _verdict(solve(load_string(spec_text(points, two_wrong)))) == \
        "no: points 1, 2 and 3 are misclassified (0 of 3 correct)"


def test_check_mode_does_not_use_the_design_margin():
    text = " ".join(para_text(b) for st_ in solve(load("problems/1b-classifier-check.yaml")).steps
                    for b in st_.blocks if type(b).__name__ == "Para")
    assert "|s| < 1" not in text and "|s| ≥ 1" not in text and "close to the boundary" not in text

"""ReLU hidden units with a step or sign output (issue 14): every answer checked against a
numpy forward pass written here, with the threshold at s = 0 decided by `at_zero`."""

from __future__ import annotations

import numpy as np
import pytest

from examsolve.errors import SpecError
from examsolve.problem import load_string, solve

XOR = "points: |\n  0 0 a\n  1 0 b\n  0 1 b\n  1 1 a\n"
# Points 1 and 4 have s = 0 exactly: at_zero alone decides them.
MODEL = "model:\n  W1: [[1, 1], [1, 1]]\n  b1: [0, -1]\n  w2: [1, -2]\n  b2: 0\n"


def outputs(answers: dict, xs: np.ndarray, output: str, at_zero: int) -> np.ndarray:
    """y = step/sign(w2 · ReLU(W1 x + b1) + b2), at_zero where s = 0, in numpy."""
    W1 = np.array(answers["W1"], dtype=float)
    b1 = np.array(answers["b1"], dtype=float)
    w2 = np.array(answers["w2"], dtype=float).reshape(-1)
    s = np.maximum(xs @ W1.T + b1, 0) @ w2 + float(answers["b2"])
    low = 0 if output == "step" else -1
    return np.where(s > 0, 1, np.where(s < 0, low, at_zero))


def run(body: str) -> dict:
    return solve(load_string("kind: classifier-design\ntitle: t\n" + body)).answer_map()


XS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
TARGET = np.array([0, 1, 1, 0])  # 1 = b, the positive (second listed) class


@pytest.mark.parametrize("output,at_zero", [("step", 1), ("step", 0), ("sign", 1), ("sign", -1)])
def test_check_mode_counts_with_at_zero(output, at_zero):
    answers = run(f"output: {output}\nat_zero: {at_zero}\n" + XOR + MODEL)
    y = outputs(answers, XS, output, at_zero)
    s = np.maximum(XS @ np.array([[1, 1], [1, 1]]).T + [0, -1], 0) @ [1, -2]
    assert s[0] == 0 and s[3] == 0  # the test exercises s = 0
    assert answers["correct"] == int(np.sum((y == 1) == (TARGET == 1)))
    assert answers["correct"] == (4 if at_zero != 1 else 2)
    assert "p" not in answers


@pytest.mark.parametrize("output", ["step", "sign"])
def test_design_mode_classifies_every_point(output):
    answers = run(f"output: {output}\n" + XOR)
    assert answers["correct"] == 4 and answers["hidden"] == 2 and "p" not in answers
    y = outputs(answers, XS, output, 1)
    assert ((y == 1) == (TARGET == 1)).all()


def test_sigmoid_output_still_answers_p():
    answers = run(XOR)
    assert "p" in answers


def test_derivation_states_the_convention():
    d = solve(load_string("kind: classifier-design\ntitle: t\noutput: sign\nat_zero: -1\n"
                          + XOR + MODEL))
    from examsolve.render.textmath import para_text

    text = " ".join(para_text(b) for st in d.steps for b in st.blocks
                    if type(b).__name__ == "Para")
    assert "at exactly s = 0 it is −1" in text and "s = 0 counts as `a`" in text


@pytest.mark.parametrize("body,message", [
    ("at_zero: 1\n" + XOR, "at_zero goes with"),
    ("output: step\nat_zero: -1\n" + XOR, "value at s = 0 is 0 or 1"),
    ("output: sign\nat_zero: 0\n" + XOR, "value at s = 0 is -1 or 1"),
])
def test_bad_at_zero(body, message):
    with pytest.raises(SpecError, match=message):
        run(body)


def test_region_sentence_includes_s_zero_when_at_zero_is_positive():
    """With at_zero: 1 the net predicts the positive class where s ≥ 0: the sentence says ≥,
    and a numpy grid (boundary included) agrees with |x1 − x2| ≥ 0.5."""
    from examsolve.render.textmath import para_text

    points = ("points: |\n  0 0 circle\n  1 1 circle\n  0.5 0.5 circle\n  0 1 cross\n"
              "  1 0 cross\npositive: cross\noutput: step\n")
    d = solve(load_string("kind: classifier-design\ntitle: t\n" + points))
    text = " ".join(para_text(b) for st in d.steps for b in st.blocks
                    if type(b).__name__ == "Para")
    assert "So s ≥ 0, and the net predicts `cross`, exactly where" in text
    a = d.answer_map()
    grid = np.array([(u, v) for u in np.linspace(-1, 2, 25) for v in np.linspace(-1, 2, 25)])
    y = outputs(a, grid, "step", 1)
    assert ((y == 1) == (np.abs(grid[:, 0] - grid[:, 1]) >= 0.5)).all()

"""Rules of how the backprop derivation writes its math, checked over several networks.

- Gradients into a column v are written (∂t/∂v)ᵀ·∂L/∂t, the local derivative first, also when
  t is a number: never ∂L/∂t·∂t/∂v for a column v (the row-times-number form the derivation's
  own convention contradicts).
- A value used several times names each branch (∂L/∂h via s₁) before summing them.
- Prose uses Unicode subscripts (Σₖ, not Σ_k; p₁[c], not p_c).
- A pointer to another step ("step 4 shows", "(step 4)") names that step's real number.
- A small conv1D's sums come before the vector they make, which is then not restated as
  conv1D(…) with its numbers.
- Each prediction is an answer, checked against a numpy argmax / 0.5 threshold.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from examsolve.render.textmath import para_text
from examsolve.cli import app
from examsolve.derivation import Equation, Para
from examsolve.problem import load, load_string, solve
from examsolve.render.textmath import linear

ROOT = Path(__file__).resolve().parents[3]

NESTED_CONV = """\
kind: backprop
title: conv inside relu, used three times
given: {x: [1, -1, 2, 0, 1], y: 1}
parameters:
  w: [1, 2]
  v: [1, -1, 1, 2]
  c: 2
model:
  - h = relu(conv1d(x, w))
  - a = v.T @ h
  - s = a * c + sum(h) - v.T @ h
  - p = sigmoid(s)
  - L = bce(p, y)
"""

NO_LOSS_OP = """\
kind: backprop
title: a kink without a loss term
given: {x: [1, 2]}
parameters:
  W: [[1, -0.5], [2, 1]]
model:
  - k = W @ x
  - L = sum(relu(k))
"""

SCALED = """\
kind: backprop
title: scaled mse and cross-entropy from scores
given: {x: [1, 2], t: [0, 1]}
parameters:
  W: [[1, 0], [0.5, -1]]
classes: {s: [cat, dog]}
model:
  - s = W @ x
  - L = 0.5 * mse(s, t) + 2 * cross_entropy(s, "dog")
"""

SPECS = {
    "3": lambda: solve(load(ROOT / "problems" / "3-backprop-two-headed.yaml")),
    "5": lambda: solve(load(ROOT / "problems" / "5-backprop-conv1d.yaml")),
    "template": lambda: solve(load(ROOT / "examsolve" / "kinds" / "backprop" / "template.yaml")),
    "nested": lambda: solve(load_string(NESTED_CONV, "n.yaml")),
    "noloss": lambda: solve(load_string(NO_LOSS_OP, "k.yaml")),
    "scaled": lambda: solve(load_string(SCALED, "s.yaml")),
}


def equations(d) -> list[str]:
    return [linear(b.expr) for s in d.steps for b in s.blocks if isinstance(b, Equation)]


def prose(d) -> list[str]:
    return [para_text(b) for s in d.steps for b in s.blocks if isinstance(b, Para)]


def columns(d) -> set[str]:
    """Names of column vectors (n > 1), as the derivation writes them, from the answers."""
    out = set()
    for eq in equations(d):
        match = re.match(r"^(\S+) = .*= \[[^;\]]*\]ᵀ$", eq)  # a line's value, a column
        if match and "/" not in match.group(1) and "[" not in match.group(1):
            out.add(match.group(1))
    for key, val in d.answer_map().items():
        if key.startswith("dL/d") and isinstance(val, tuple) and len(val) > 1 and \
                not isinstance(val[0], tuple):
            out.add(re.sub(r"(\D)(\d)$", lambda mt: mt.group(1) + "₀₁₂₃₄₅₆₇₈₉"[int(mt.group(2))],
                           key[4:]))
    return out


@pytest.mark.parametrize("name", list(SPECS))
def test_gradients_into_a_column_use_the_transposed_jacobian(name):
    d = SPECS[name]()
    cols = columns(d)
    assert cols, "the rule needs a column to check"
    for eq in equations(d):
        for v in re.findall(r"∂L/∂\S+?·∂[^/\s·]+/∂([^\s·=)ᵀ]+)", eq):
            assert v not in cols, f"row form for column {v}: {eq}"
        # under the transposed head, the local derivative comes first: Aᵀ·∂L/∂s, h₁·∂L/∂s₂
        for t, rest in re.findall(r"\(∂(\S+?)/∂\S+?\)ᵀ·∂L/∂\S+ = ([^=]+) =", eq):
            assert not rest.startswith(f"∂L/∂{t}·"), eq


def test_each_branch_of_a_value_used_three_times_is_named():
    d = SPECS["nested"]()
    text = "\n".join(equations(d))
    said = "\n".join(prose(d))
    assert "h is used 3 times, by a, s and " in said  # a = vᵀ·h; s reads h via sum(h) and vᵀ·h
    branches = re.findall(r"^∂L/∂h via (.+?) = ", text, flags=re.M)
    assert len(branches) == 3 and branches[0] == "a"
    assert re.search(r"^∂L/∂h = .+ \+ .+ \+ .+ = ", text, flags=re.M)


@pytest.mark.parametrize("name", list(SPECS))
def test_prose_uses_unicode_subscripts(name):
    d = SPECS[name]()
    for text in prose(d) + list(d.warnings):
        assert not re.search(r"Σ_|\bp_c\b|\[[a-z]_[a-z]\]", text), text


@pytest.mark.parametrize("name", ["5", "noloss"])
@pytest.mark.parametrize("relu0", [0, 1])
def test_pointers_name_the_step_they_point_to(name, relu0):
    d = SPECS[name]()
    if relu0 == 1:  # the other convention: the pointer must still be right
        text = (ROOT / "problems" / "5-backprop-conv1d.yaml").read_text() if name == "5" \
            else NO_LOSS_OP
        text = re.sub(r"relu_grad_at_zero: 0", "relu_grad_at_zero: 1", text) \
            if "relu_grad_at_zero" in text else text + "relu_grad_at_zero: 1\n"
        d = solve(load_string(text, "p.yaml"))
    headings = [s.heading for s in d.steps]
    number = headings.index("ReLU inputs at exactly 0") + 1
    pointers = re.findall(r"\bstep (\d+)\b", "\n".join(prose(d) + list(d.warnings)))
    assert pointers and {int(p) for p in pointers} == {number}


def test_no_loss_term_kink_is_found_where_the_derivation_says():
    """k = W·x = [0, 4]ᵀ: k[1] is exactly 0 (1·1 − 0.5·2), by hand."""
    d = SPECS["noloss"]()
    assert "k[1] is exactly 0" in "\n".join(prose(d))


def test_conv1d_sums_come_before_the_vector_they_make():
    d = SPECS["5"]()
    text = "\n".join(equations(d))
    assert text.index("s₁[4] = ") < text.index("s₁ = conv1D")
    assert 's₁ = conv1D(x, w₁, b₁, padding="same") = [1  0  2  −1]ᵀ\n' in text
    nested = "\n".join(equations(SPECS["nested"]()))
    # conv1D(x, w) by hand: x = [1 −1 2 0 1], w = [1 2] → [−1 3 2 2]; the default bias
    # 0 is left out, as the model line leaves it out
    assert nested.index("s[4] = ") < nested.index("h = ReLU(conv1D(x, w))")
    assert "h = ReLU(conv1D(x, w)) = ReLU([−1  3  2  2]ᵀ) = [0  3  2  2]ᵀ" in nested


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=3, max_size=3), st.integers(-3, 3))
def test_predictions_are_answers_from_argmax_and_threshold(scores, s2):
    spec = f"""\
kind: backprop
title: two heads
given: {{x: [1]}}
parameters:
  A: {[[v] for v in scores]}
  B: [[{s2}]]
classes: {{p: [cat, dog, bird], q: [no, yes]}}
model:
  - p = softmax(A @ x)
  - q = sigmoid(B @ x)
  - L = nll(p, "cat") + bce(q, 1)
"""
    answers = solve(load_string(spec, "t.yaml")).answer_map()
    best = np.flatnonzero(np.array(scores) == max(scores))
    expect = "tie" if best.size > 1 else ["cat", "dog", "bird"][best[0]]
    assert answers["prediction(p)"] == expect
    q = 1 / (1 + np.exp(-s2))
    assert answers["prediction(q)"] == ("boundary" if s2 == 0 else "yes" if q > 0.5 else "no")


def test_label_names_for_a_single_probability_are_checked(tmp_path):
    base = (ROOT / "problems" / "3-backprop-two-headed.yaml").read_text()
    path = tmp_path / "bad.yaml"
    path.write_text(base.replace("p2: [no loss, loss]", "p2: [no loss, loss, maybe]"))
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert "p2 is a single number, so it takes 2 names (for labels 0 and 1), got 3" in \
        result.output
    path.write_text(base.replace('bce(p2, 0)', 'nll(p2, "loss")'))
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert "nll needs a vector of class probabilities, but p2 is a single number" in \
        result.output

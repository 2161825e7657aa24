"""Saturated heads: σ(s) or softmax(s) rounding to exactly 0 or 1 in float64.

The loss is finite there (bce of σ(40) with y = 0 is 40), and so is its gradient at the score
(p − y); only a genuinely undefined model — log of a given 0 or negative number — exits 1.
Oracles: torch's losses from logits in float64 (binary_cross_entropy_with_logits, log_softmax),
never the clamped BCELoss, and derivatives written out with numpy.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from typer.testing import CliRunner

from examsolve.cli import app

from conftest import all_text as text_of
from conftest import solve_text


def sigmoid_spec(x: list[str], y: str) -> str:
    return f"""\
kind: backprop
title: saturated sigmoid
given:
  x: [{", ".join(x)}]
  y: "{y}"
parameters:
  w: [[1, 1]]
model:
  - s = w @ x
  - p = sigmoid(s)
  - L = bce(p, y)
"""


@pytest.mark.parametrize("x, y", [
    (["20", "20"], "0"),        # σ(40) is exactly 1.0: −log(1 − p) would be log 0
    (["20", "20"], "1"),        # the same p with y = 1: L ≈ 4e-18, ∂L/∂s ≈ −4e-18
    (["-76", "-76"], "1"),      # σ(−152) ≈ 1e-66; BCELoss would clamp the log at −100
    (["1000", "1000"], "0"),    # σ(−2000) underflows to 0: ∂L/∂p overflows, p − y does not
    (["-1000", "-1000"], "1/4"),
    (["3", "4"], "1/4"),        # an ordinary score, for comparison
])
def test_bce_of_a_saturated_sigmoid_matches_bce_from_logits(x, y):
    d = solve_text(sigmoid_spec([f'"{v}"' for v in x], y))
    xv = torch.tensor([[float(eval(v))] for v in x], dtype=torch.float64)
    w = torch.tensor([[1.0, 1.0]], dtype=torch.float64, requires_grad=True)
    target = torch.tensor([[float(eval(y))]], dtype=torch.float64)
    loss = F.binary_cross_entropy_with_logits(w @ xv, target)
    loss.backward()
    answers = d.answer_map()
    assert float(answers["L"]) == pytest.approx(float(loss.detach()), rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(np.array(answers["dL/dw"], dtype=float).reshape(-1),
                               w.grad.numpy().reshape(-1), rtol=1e-9, atol=1e-12)
    assert not d.warnings


def test_a_saturated_sigmoid_says_how_the_loss_was_computed():
    d = solve_text(sigmoid_spec(['"20"', '"20"'], "0"))
    text = text_of(d)
    assert "p = σ(s) is within 4.2e-18 of 1 (in float64 it is exactly 1)" in text
    assert "softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|))" in text
    assert "L = bce(p, y) = −(0·log(p) + 1·log(1 − p)) = −log(1 − p) = softplus(s)" in text
    assert "L = softplus(40) = 40" in text
    assert "∂L/∂s = ∂L/∂p·∂p/∂s = p − y = 1 − 0 = 1" in text
    assert "log(1 − 1)" not in text


def test_an_ordinary_sigmoid_keeps_the_plain_loss():
    text = text_of(solve_text(sigmoid_spec(['"1"', '"1"'], "1")))
    assert "softplus" not in text
    assert "L = bce(p, y) = −(1·log(p) + 0·log(1 − p)) = −log(p)" in text


@pytest.mark.parametrize("scores, cls", [([0, 800], 1), ([-500, 500, 0], 3), ([1, 2, 3], 2)])
def test_nll_of_a_saturated_softmax_matches_log_softmax(scores, cls):
    rows = "\n".join(f"    {v}" for v in scores)
    d = solve_text(f"""\
kind: backprop
title: saturated softmax
given:
  x: [1]
parameters:
  W: |
{rows}
model:
  - s = W @ x
  - p = softmax(s)
  - L = nll(p, {cls})
""")
    W = torch.tensor([[float(v)] for v in scores], dtype=torch.float64, requires_grad=True)
    s = W @ torch.ones(1, 1, dtype=torch.float64)
    loss = -F.log_softmax(s, dim=0)[cls - 1, 0]
    loss.backward()
    answers = d.answer_map()
    assert float(answers["L"]) == pytest.approx(float(loss.detach()), rel=1e-12)
    np.testing.assert_allclose(np.array(answers["dL/dW"], dtype=float).reshape(-1),
                               W.grad.numpy().reshape(-1), atol=1e-12)
    assert not d.warnings
    text = text_of(d)
    if float(torch.softmax(s.detach(), 0)[cls - 1, 0]) == 0:
        assert "underflows to 0 in float64" in text and "logsumexp(s) − s[" in text
    else:
        assert "logsumexp" not in text


def given_p_spec(p: str, y: str) -> str:
    return f"""\
kind: backprop
title: bce of a given probability
given:
  y: {y}
parameters:
  q: {p}
model:
  - L = bce(q, y)
"""


def test_bce_at_p_exactly_1_with_y_1_is_defined():
    """−log 1 = 0, and ∂(−log q)/∂q = −1/q = −1 at q = 1 (the (p − y)/(p(1 − p)) form would be
    0/0: that was reported as undefined)."""
    d = solve_text(given_p_spec("1", "1"))
    answers = d.answer_map()
    assert answers["L"] == 0
    assert answers["dL/dq"] == -1
    assert not d.warnings


@pytest.mark.parametrize("p, y, message", [
    ("1", "0", "log of 0"),       # −log(1 − 1)
    ("0", "1", "log of 0"),       # −log 0
    ("-0.5", "1", "log of -1/2"),
])
def test_bce_of_a_given_p_outside_its_domain_exits_1(tmp_path, p, y, message):
    path = tmp_path / "bad.yaml"
    path.write_text(given_p_spec(p, y))
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 1, result.output
    assert "the model is undefined on these numbers" in result.output
    assert message in result.output


def test_a_saturated_sigmoid_exits_0_through_the_cli(tmp_path):
    path = tmp_path / "sat.yaml"
    path.write_text(sigmoid_spec(['"20"', '"20"'], "0"))
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 0, result.output
    assert "softplus" in result.output


def test_bce_of_a_saturated_sigmoid_vector_matches_bce_from_logits():
    d = solve_text("""\
kind: backprop
title: vector bce
given:
  x: [1]
  y: [0, 1]
parameters:
  W: [[40], [1]]
model:
  - p = sigmoid(W @ x)
  - L = bce(p, y)
""")
    W = torch.tensor([[40.0], [1.0]], dtype=torch.float64, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(W @ torch.ones(1, 1, dtype=torch.float64),
                                              torch.tensor([[0.0], [1.0]], dtype=torch.float64))
    loss.backward()
    answers = d.answer_map()
    assert float(answers["L"]) == pytest.approx(float(loss.detach()), rel=1e-12)
    np.testing.assert_allclose(np.array(answers["dL/dW"], dtype=float).reshape(-1),
                               W.grad.numpy().reshape(-1), atol=1e-12)
    assert "Some entries of p = σ(W·x) are within 1e-3 of 1" in text_of(d)

"""The exam's backprop problems (3 and 5) against PyTorch autograd in float64.

The oracle is written here from the exam's equations, never from the solver's output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from examsolve.problem import load, solve
from examsolve.render.json_render import to_json

ROOT = Path(__file__).resolve().parent.parent
P3 = ROOT / "problems" / "3-backprop-two-headed.yaml"
P5 = ROOT / "problems" / "5-backprop-conv1d.yaml"


def arr(value: object) -> np.ndarray:
    return np.array(value, dtype=float)


def t(values: list, grad: bool = False) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64, requires_grad=grad)


@pytest.fixture(scope="module")
def problem3():
    return solve(load(P3))


@pytest.fixture(scope="module")
def problem5():
    return solve(load(P5))


def torch_problem3():
    x = t([[1.0], [2.0], [3.0]])
    W = t([[1.0, 1, 0], [0, 0, 1]], grad=True)
    b = t([[0.0], [0.0]], grad=True)
    W1 = t([[1.0, 0], [1, 0], [0, 1], [1, 0]], grad=True)
    b1 = t([[0.0]] * 4, grad=True)
    W2 = t([[1.0, -1]], grad=True)
    b2 = t([[0.0]], grad=True)
    k = W @ x + b
    h = torch.relu(k)
    s1 = W1 @ h + b1
    p1 = torch.softmax(s1, dim=0)
    s2 = W2 @ h + b2
    p2 = torch.sigmoid(s2)
    L = -torch.log(p1[0, 0]) - torch.log(1 - p2[0, 0])  # sanguine is class 1 (index 0), y = 0
    L.backward()
    return {"k": k, "h": h, "s1": s1, "p1": p1, "s2": s2, "p2": p2, "L": L,
            "W": W.grad, "b": b.grad, "W1": W1.grad, "b1": b1.grad, "W2": W2.grad, "b2": b2.grad}


def test_problem3_values_and_gradient_match_torch(problem3):
    oracle = torch_problem3()
    answers = problem3.answer_map()
    for name in ("k", "h", "s1", "p1", "s2", "p2", "L"):
        np.testing.assert_allclose(arr(answers[name]).reshape(-1),
                                   oracle[name].detach().numpy().reshape(-1), atol=1e-9)
    np.testing.assert_allclose(arr(answers["dL/dW"]), oracle["W"].numpy(), atol=1e-12)
    assert answers["L"] == pytest.approx(2.0794415416798357)  # +2.0794: the key's −2.079 slipped
    assert not problem3.warnings


def test_problem3_every_parameter_gradient_matches_torch():
    """With `wrt` removed the solver answers for every parameter."""
    text = P3.read_text().replace("wrt: [W]\n", "")
    from examsolve.problem import load_string

    d = solve(load_string(text, "p3.yaml"))
    oracle = torch_problem3()
    answers = d.answer_map()
    for name in ("W", "b", "W1", "b1", "W2", "b2"):
        got = arr(answers[f"dL/d{name}"])
        np.testing.assert_allclose(got.reshape(oracle[name].shape), oracle[name].numpy(),
                                   atol=1e-12)


def test_key_torch_snippet_corrected_agrees(problem3):
    """The key's snippet with its two slips fixed: softmax over axis 0 and a float x.

    As printed, `torch.softmax(s1, 1)` normalises each 1-entry row of the (4, 1) column, so
    every p is 1 and L1 = 0; and an int x cannot be multiplied by the float W.
    """
    x = torch.tensor([1, 2, 3]).view(-1, 1)
    W = torch.tensor([[1.0, 1, 0], [0, 0, 1]], requires_grad=True)
    with pytest.raises(RuntimeError):
        W @ x  # the key's int x
    wrong = torch.softmax(torch.tensor([[3.0], [3.0], [3.0], [3.0]]), 1)
    assert torch.all(wrong == 1)  # the key's axis: L1 = −log 1 = 0

    x = torch.tensor([1.0, 2, 3], dtype=torch.float64).view(-1, 1)
    W = torch.tensor([[1.0, 1, 0], [0, 0, 1]], dtype=torch.float64, requires_grad=True)
    W1 = torch.tensor([[1.0, 0], [1, 0], [0, 1], [1, 0]], dtype=torch.float64)
    W2 = torch.tensor([[1.0, -1]], dtype=torch.float64)
    h = torch.relu(W @ x)
    s1 = W1 @ h
    s2 = W2 @ h
    p1 = torch.softmax(s1, 0)
    p2 = torch.sigmoid(s2)
    L = -torch.log(p1[0]) - torch.log(1 - p2)
    L.backward()
    answers = problem3.answer_map()
    assert float(L.detach()) == pytest.approx(float(answers["L"]), abs=1e-12)
    np.testing.assert_allclose(W.grad.numpy(), arr(answers["dL/dW"]), atol=1e-12)


def test_problem3_derivation_reads_like_the_key(problem3):
    doc = to_json(problem3, "p3")
    text = "\n".join(b.get("text", "") for s in doc["steps"] for b in s["blocks"])
    assert "k = W·x + b = [1  1  0; 0  0  1]·[1; 2; 3] + [0; 0] = [3; 3]" in text
    assert "p₁ = softmax(s₁) = softmax([3; 3; 3; 3]) = [0.25; 0.25; 0.25; 0.25]" in text
    assert "L = −log(0.25) − log(1 − 0.5) = 1.386 + 0.6931 = 2.079" in text
    assert "p₁ − onehot(sanguine) = [0.25; 0.25; 0.25; 0.25] − [1; 0; 0; 0]" in text
    assert "∂L/∂s₂ = ∂L/∂p₂·∂p₂/∂s₂ = p₂ − 0 = 0.5 − 0 = 0.5" in text
    assert "∂L/∂h = W₁ᵀ·∂L/∂s₁ + ∂L/∂s₂·W₂ᵀ = [−0.25; 0.25] + [0.5; −0.5] = [0.25; −0.25]" in text
    assert "∂L/∂h ⊙ ReLU'(k) = [0.25; −0.25] ⊙ [1; 1]" in text
    assert "∂L/∂W = ∂L/∂k·∂k/∂W = ∂L/∂k·xᵀ = [0.25; −0.25]·[1  2  3]" in text
    assert "outer product" in text
    headings = [s["heading"] for s in doc["steps"]]
    assert headings[:3] == ["Forward pass", "Loss", "Backward pass"]
    assert headings[-1] == "Self-check with finite differences"


def torch_problem5(relu_grad_at_zero: int):
    x = t([1.0, 1, -1, 1]).view(1, 1, -1)
    w1 = t([1.0, 0, 1], grad=True)
    b1 = t([0.0], grad=True)
    w2 = t([[2.0], [1], [-1], [1]], grad=True)
    s1 = torch.nn.functional.conv1d(x, w1.view(1, 1, -1), b1, padding="same").view(-1, 1)
    # ReLU'(0) = 1 is max(0, z) taking the z branch at 0.
    h1 = torch.relu(s1) if relu_grad_at_zero == 0 else torch.where(s1 >= 0, s1, 0 * s1)
    s2 = w2.T @ h1
    p = torch.sigmoid(s2)
    L = torch.nn.functional.binary_cross_entropy(p, torch.zeros_like(p))
    L.backward()
    return {"s1": s1, "h1": h1, "p": p, "L": L, "w1": w1.grad, "b1": b1.grad, "w2": w2.grad}


def test_problem5_matches_torch(problem5):
    oracle = torch_problem5(0)
    answers = problem5.answer_map()
    for name in ("s1", "h1", "p", "L"):
        np.testing.assert_allclose(arr(answers[name]).reshape(-1),
                                   oracle[name].detach().numpy().reshape(-1), atol=1e-12)
    for name in ("w1", "b1", "w2"):
        np.testing.assert_allclose(arr(answers[f"dL/d{name}"]).reshape(-1),
                                   oracle[name].numpy().reshape(-1), atol=1e-12)


def test_problem5_relu_at_zero_note_matches_torch_with_the_other_convention(problem5):
    oracle = torch_problem5(1)
    np.testing.assert_allclose(oracle["w1"].numpy(), [0.0, 2.0, 0.0])
    np.testing.assert_allclose(oracle["b1"].numpy(), [1.0])
    doc = to_json(problem5, "p5")
    step = next(s for s in doc["steps"] if s["heading"] == "ReLU inputs at exactly 0")
    text = "\n".join(b["text"] for b in step["blocks"])
    assert "s₁[2] is exactly 0" in text and "ReLU'(0) = 0 (PyTorch's choice)" in text
    assert "∂L/∂w₁ = [0; 2; 0]" in text and "∂L/∂b₁ = 1" in text
    assert "∂L/∂w₂ stays the same" in text


def test_problem5_convolution_gradient_is_the_correlation_with_the_padded_input(problem5):
    doc = to_json(problem5, "p5")
    text = "\n".join(b.get("text", "") for s in doc["steps"] for b in s["blocks"])
    assert "pad(x)ᵀ = [0  1  1  −1  1  0]" in text
    assert "∂L/∂w₁[1] = 1·0 + 0·1 + (−0.5)·1 + 0·(−1) = −0.5" in text
    assert "∂L/∂b₁ = ∂L/∂s₁·∂s₁/∂b₁ = sum(∂L/∂s₁) = 1 + 0 − 0.5 + 0 = 0.5" in text
    assert "s₁[2] = 1·1 + 1·0 + (−1)·1 + 0 = 0" in text


def test_exact_arithmetic_where_rational(problem3, problem5):
    from fractions import Fraction

    answers = problem3.answer_map()
    assert all(isinstance(v, Fraction) for row in answers["dL/dW"] for v in row)
    assert isinstance(answers["L"], float)  # log makes it a float
    assert all(isinstance(v, Fraction) for v in problem5.answer_map()["dL/dw1"])


@pytest.mark.parametrize("path", [P3, P5, ROOT / "examsolve" / "templates" / "backprop.yaml"])
def test_specs_and_template_check_against_their_expected(path):
    from examsolve.check import check

    problem = load(path)
    rows = check(problem, solve(problem))
    assert rows and all(r.ok for r in rows), [r for r in rows if not r.ok]

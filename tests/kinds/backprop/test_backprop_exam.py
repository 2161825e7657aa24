"""The exam's backprop problems (3 and 5) against PyTorch autograd in float64.

The oracle is written here from the exam's equations, never from the solver's output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from examsolve.problem import load, solve

from conftest import all_text
from oracles import as_array as arr
from oracles import tensor as t

ROOT = Path(__file__).resolve().parents[3]
P3 = ROOT / "problems" / "3-backprop-two-headed.yaml"
P5 = ROOT / "problems" / "5-backprop-conv1d.yaml"


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
    text = all_text(problem3)
    assert "Indices count from 1." in text
    assert "k = W·x + b = [1  1  0; 0  0  1]·[1  2  3]ᵀ + [0  0]ᵀ = [3  3]ᵀ" in text
    assert "p₁ = softmax(s₁) = softmax([3  3  3  3]ᵀ) = [0.25  0.25  0.25  0.25]ᵀ" in text
    # (a) asks for the predictions: a 4-way tie, and p₂ exactly on the boundary
    assert "p₁ is a 4-way tie (0.25 each): no class (sanguine, choleric, melancholic, " \
        "phlegmatic) is preferred" in text
    assert "p₂ = 0.5 is exactly on the decision boundary (p₂ > 0.5 predicts loss (label 1), " \
        "p₂ < 0.5 no loss (label 0))" in text
    assert "the negative log-likelihood of the label y = 0 (no loss)" in text
    # the loss: c named, natural log, the label substituted before simplifying, exact logs
    assert "nll(p₁, sanguine) = −log(p₁[c]) with c = 1 (sanguine)" in text
    assert "never negative" in text and "log is the natural logarithm" in text
    assert "= −log(p₁[1]) − (0·log(p₂) + 1·log(1 − p₂)) = −log(p₁[1]) − log(1 − p₂)" in text
    assert "L = −log(0.25) − log(1 − 0.5) = log(4) + log(2) = log(8) = 2.079" in text
    # the backward pass: shortcuts explained before they are used, column-form chain rule
    assert "∂L/∂L" not in text
    assert "∂L/∂s₂ = ∂L/∂p₂·∂p₂/∂s₂ = p₂ − y = 0.5 − 0 = 0.5" in text
    assert text.index("∂bce(p₂, y)/∂s₂ = p₂ − y") < text.index("∂L/∂s₂ = ")
    assert text.index("∂(−log(p₁[c]))/∂s₁ = p₁ − onehot(c)") < text.index("∂L/∂s₁ = ")
    assert "p_c" not in text and "(p(1 − p))" not in text  # short notes, no ASCII subscripts
    assert "p₁ − onehot(sanguine) = [0.25  0.25  0.25  0.25]ᵀ − [1  0  0  0]ᵀ" in text
    # each branch named, and in the stated convention (∂s/∂h)ᵀ·∂L/∂s, also for a number s₂
    assert "∂L/∂h via s₁ = (∂s₁/∂h)ᵀ·∂L/∂s₁ = W₁ᵀ·∂L/∂s₁ = [1  1  0  1; 0  0  1  0]" in text
    assert "∂L/∂h via s₂ = (∂s₂/∂h)ᵀ·∂L/∂s₂ = W₂ᵀ·∂L/∂s₂ = [1  −1]ᵀ·0.5 = [0.5  −0.5]ᵀ" in text
    assert "∂L/∂s₁·∂s₁/∂h" not in text and "∂L/∂s₂·∂s₂/∂h" not in text
    assert "h is used twice, by s₁ and s₂" in text
    assert "∂L/∂h = W₁ᵀ·∂L/∂s₁ + W₂ᵀ·∂L/∂s₂ = [−0.25  0.25]ᵀ + [0.5  −0.5]ᵀ = [0.25  −0.25]ᵀ" in text
    assert "∂L/∂h ⊙ ReLU'(k) = [0.25  −0.25]ᵀ ⊙ [1  1]ᵀ" in text
    assert "∂L/∂W = ∂L/∂k·xᵀ = [0.25  −0.25]ᵀ·[1  2  3]" in text
    assert "outer product" in text
    # the self-check's step is ε, not h (h is the hidden layer here)
    assert "(L(θ + ε) − L(θ − ε))/(2ε)" in text and "at ∂L/∂W[" in text
    headings = [s.heading for s in problem3.steps]
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
    text = all_text(problem5, "ReLU inputs at exactly 0")
    assert "s₁[2] is exactly 0" in text and "With ReLU'(0) = 1 instead" in text
    # the changed upstream gradient that produces the other answers
    assert "∂L/∂s₁ = ∂L/∂h₁ ⊙ ReLU'(s₁) = [1  0.5  −0.5  0.5]ᵀ ⊙ [1  1  1  0]ᵀ = " \
        "[1  0.5  −0.5  0]ᵀ" in text
    assert "∂L/∂w₁ = [0  2  0]ᵀ" in text and "∂L/∂b₁ = 1" in text
    assert "∂L/∂w₂ stays the same" in text
    # the convention is stated once, where the backward pass uses it
    everything = all_text(problem5)
    assert everything.count("ReLU'(0) = 0 (PyTorch's choice)") == 1
    # pointers name the step that shows the other convention, by its number
    number = 1 + [s.heading for s in problem5.steps].index("ReLU inputs at exactly 0")
    assert f"step {number} shows what ReLU'(0) = 1 would change" in everything
    # and it travels with the answers, as a pointer: where the 0 is was said in the steps
    assert problem5.warnings == ("∂L/∂w₁ and ∂L/∂b₁ assume ReLU'(0) = 0; with ReLU'(0) = 1 "
                                 f"they are [0, 2, 0] and 1 (step {number}).",)
    assert everything.count("s₁[2] is exactly 0") == 2  # the backward note and its own step


def problem5_loss(w1: np.ndarray, b1: float) -> float:
    """Problem 5's loss written with numpy (−log(1 − σ(s₂)) for y = 0), for finite
    differences that know nothing about conventions."""
    x = np.array([0.0, 1, 1, -1, 1, 0])  # padded
    s1 = np.array([x[i: i + 3] @ w1 for i in range(4)]) + b1
    s2 = np.array([2.0, 1, -1, 1]) @ np.maximum(s1, 0)
    return float(np.log1p(np.exp(s2)))


def test_problem5_self_check_explains_the_kink_with_the_plain_central_difference(problem5):
    w1, b1, eps = np.array([1.0, 0, 1]), 0.0, 1e-6
    plain_w = [(problem5_loss(w1 + eps * e, b1) - problem5_loss(w1 - eps * e, b1)) / (2 * eps)
               for e in np.eye(3)]
    plain_b = (problem5_loss(w1, b1 + eps) - problem5_loss(w1, b1 - eps)) / (2 * eps)
    np.testing.assert_allclose(plain_w, [-0.25, 1.75, 0.25], atol=1e-6)
    assert plain_b == pytest.approx(0.75, abs=1e-6)
    # the average of torch's two conventions, as the derivation says
    np.testing.assert_allclose((torch_problem5(0)["w1"] + torch_problem5(1)["w1"]).numpy() / 2,
                               plain_w, atol=1e-6)
    text = all_text(problem5, "Self-check with finite differences")
    assert "(L(θ + ε) − L(θ − ε))/(2ε) in float64, ε = 1e−6·max(1, |θ|)" in text
    assert "average of the two one-sided slopes" in text
    assert "∂L/∂w₁ ≈ [−0.2500  1.750  0.2500]ᵀ" in text and "∂L/∂b₁ ≈ 0.7500" in text
    assert "keeps ReLU'(0) = 0, like the derivation: it checks the algebra, not the choice " \
        "at the kink" in text
    assert "s₁[2]" not in text  # said in steps 3 and 4 already
    assert "dL/dw1" not in text and "at ∂L/∂w₁[" in text


def test_problem5_convolution_gradient_is_the_correlation_with_the_padded_input(problem5):
    text = all_text(problem5)
    assert "s₁[i] = Σₖ(pad(x)[i + k − 1]·w₁[k]) + b₁" in text
    assert "The last term of each sum below is the bias b₁ = 0." in text
    assert "conv2D" not in text
    assert "pad(x)ᵀ = [0  1  1  −1  1  0]" in text
    assert "∂L/∂w₁[k] = Σᵢ(pad(x)[i + k − 1]·∂L/∂s₁[i])" in text
    assert "corr(pad(x), ∂L/∂s₁) is the cross-correlation" in text
    assert "∂L/∂w₁[1] = 0·1 + 1·0 + 1·(−0.5) + (−1)·0 = −0.5" in text
    assert "∂L/∂b₁ = (∂s₁/∂b₁)ᵀ·∂L/∂s₁ = sum(∂L/∂s₁) = 1 + 0 − 0.5 + 0 = 0.5" in text
    assert "s₁[2] = 1·1 + 1·0 + (−1)·1 + 0 = 0" in text
    assert "L = bce(p, y) = −(0·log(p) + 1·log(1 − p)) = −log(1 − p)" in text
    assert "L = −log(1 − 0.5) = log(2) = 0.6931" in text
    assert "∂L/∂s₂ = ∂L/∂p·∂p/∂s₂ = p − y = 0.5 − 0 = 0.5" in text


def test_problem5_printed_sums_follow_the_printed_formula(problem5):
    """Every printed s₁[i] and ∂L/∂w₁[k] sum uses the padded entries its own formula names
    (1-based: pad(x)[i + k − 1]), read back from the text."""
    import re

    text = all_text(problem5)
    pad = [0, 1, 1, -1, 1, 0]  # pad(x)[1..6] at list index 0..5
    w1 = [1, 0, 1]
    for i in range(1, 5):
        line = re.search(rf"s₁\[{i}\] = (.*) = ", text).group(1)
        factors = re.findall(r"\(?(−?\d+)\)?·(\d+)", line)
        assert [int(a.replace("−", "-")) for a, _ in factors] == \
            [pad[i + k - 1 - 1] for k in range(1, 4)]
        assert [int(b) for _, b in factors] == w1
    grad_s1 = [1, 0, -0.5, 0]  # ∂L/∂s₁ from torch with ReLU'(0) = 0, by hand
    for k in range(1, 4):  # the same order as forward: padded input first
        line = re.search(rf"∂L/∂w₁\[{k}\] = (.*) = ", text).group(1)
        pairs = re.findall(r"\(?(−?[\d.]+)\)?·\(?(−?[\d.]+)\)?", line)
        assert [int(a.replace("−", "-")) for a, _ in pairs] == \
            [pad[i + k - 1 - 1] for i in range(1, 5)]
        assert [float(b.replace("−", "-")) for _, b in pairs] == grad_s1


def test_exact_arithmetic_where_rational(problem3, problem5):
    from fractions import Fraction

    answers = problem3.answer_map()
    assert all(isinstance(v, Fraction) for row in answers["dL/dW"] for v in row)
    assert isinstance(answers["L"], float)  # log makes it a float
    assert all(isinstance(v, Fraction) for v in problem5.answer_map()["dL/dw1"])


@pytest.mark.parametrize("path", [P3, P5, ROOT / "examsolve" / "kinds" / "backprop" / "template.yaml"])
def test_specs_and_template_check_against_their_expected(path):
    from examsolve.check import check

    problem = load(path)
    rows = check(problem, solve(problem))
    assert rows and all(r.ok for r in rows), [r for r in rows if not r.ok]

"""pad_value for conv/maxpool against F.pad(value=…) + torch's conv and pool, and `derived:`
answers (argmax with ties, max, count_nonzero, grad, one manual update) against numpy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from examsolve.problem import load_string, solve
from oracles import helper_test_op, tensor

CNN = """\
kind: backprop
title: padded
parameters:
  X: [[1, 0, 2], [0, 1, -1], [2, 1, 0]]
  K: [[1, 0.5], [0, -1]]
  w: [1, -2, 0.5]
given: {x: [3, -1, 2, 0]}
model:
  - S = conv2d(X, K, padding=1, pad_value=-1)
  - P = maxpool2d(tanh(S), 2, padding=1, pad_value=-0.5)
  - s = conv1d(x, w, padding=2, pad_value=2)
  - q = maxpool1d(s, 2, padding=1)
  - L = sum(P * P) + sum(q * q)
"""


def test_pad_value_matches_f_pad_with_a_value():
    tensors = {"X": tensor([[1, 0, 2], [0, 1, -1], [2, 1, 0]], True),
               "K": tensor([[1, 0.5], [0, -1]], True), "w": tensor([[1], [-2], [0.5]], True),
               "x": tensor([[3], [-1], [2], [0]])}

    def forward(env):
        Xp = F.pad(env["X"][None, None], (1, 1, 1, 1), value=-1.0)
        S = F.conv2d(Xp, env["K"][None, None])
        Tp = F.pad(torch.tanh(S), (1, 1, 1, 1), value=-0.5)
        P = F.max_pool2d(Tp, 2)
        xp = F.pad(env["x"].reshape(1, 1, -1), (2, 2), value=2.0)
        s = F.conv1d(xp, env["w"].reshape(1, 1, -1))
        q = F.max_pool1d(s, 2, padding=1)  # torch's pool padding is −∞
        L = (P * P).sum() + (q * q).sum()
        return {"S": S[0, 0], "P": P[0, 0], "s": s.reshape(-1), "q": q.reshape(-1), "L": L}

    helper_test_op(CNN, forward, tensors, wrt=["X", "K", "w"])


def test_derived_answers():
    text = """\
kind: backprop
title: derived
given: {x: [1, 2], y: [0, 1]}
parameters: {W1: [[1, 0], [2, 1]], b: [0, -4]}
model:
  - e = relu(W1 @ x + b) - y
  - L = 0.5 * sum(e * e)
derived:
  - pos = argmax(W1 @ x + b)
  - top = max(W1 @ x + b)
  - changed = count_nonzero(grad(W1))
  - W1_next = W1 - 0.1 * grad(W1)
  - tied = argmax(W1)
"""
    d = solve(load_string(text, "derived.yaml"))
    a = d.answer_map()
    W1, x, b, y = np.array([[1.0, 0], [2, 1]]), np.array([1.0, 2]), np.array([0.0, -4]), \
        np.array([0.0, 1])
    s = W1 @ x + b  # [1, 0]: the second ReLU sits at 0, so its row gets no gradient
    e = np.maximum(s, 0) - y
    grad = np.outer(e * (s > 0), x)
    assert a["pos"] == 1 + int(np.argmax(s)) and float(a["top"]) == s.max()
    assert a["changed"] == np.count_nonzero(grad)
    np.testing.assert_allclose(np.array(a["W1_next"], dtype=float), W1 - 0.1 * grad)
    assert [int(v) for v in a["tied"]] == [2, 1]  # one maximum of a matrix: [row, col]
    W1t = torch.tensor(W1, requires_grad=True)
    st = W1t @ torch.tensor(x) + torch.tensor(b)
    (0.5 * ((torch.relu(st) - torch.tensor(y)) ** 2).sum()).backward()
    np.testing.assert_allclose(grad, W1t.grad.numpy())


def test_argmax_ties_give_every_position_and_a_warning():
    text = ("kind: backprop\ntitle: t\ngiven: {Y: [[1, 3], [3, 0]]}\nmodel:\n  - Z = 2 * Y\n"
            "derived:\n  - at = argmax(Z)\n")
    d = solve(load_string(text, "t.yaml"))
    assert [[int(v) for v in p] for p in d.answer_map()["at"]] == [[1, 2], [2, 1]]
    assert any("tied" in w for w in d.warnings)


@pytest.mark.parametrize("line, message", [
    ("g = grad(Z)", "grad needs a loss, and this problem is forward-only"),
    ("g = argmax(Q)", "`Q` is not a given value, a parameter, a model line"),
    ("Z = max(Y)", "`Z` is already defined"),
    ("g = sorted(Y)", "is not supported"),
])
def test_bad_derived_lines(line, message):
    text = (f"kind: backprop\ntitle: t\ngiven: {{Y: [[1, 3], [3, 0]]}}\nmodel:\n  - Z = 2 * Y\n"
            f"derived:\n  - {line}\n")
    with pytest.raises(Exception, match=message.replace("(", r"\(")):
        load_string(text, "bad.yaml")

"""Slip diagnosis: each test makes one slip itself, in torch float64 or plain math written
here, hands the slipped value to the marker as a student's answer, and expects the slip
named; a random wrong value must be named as no slip."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from examsolve.problem import load, load_string, solve
from examsolve.verdict import mark, read_answers

ROOT = Path(__file__).resolve().parents[2]
PROBLEM_3 = ROOT / "problems" / "3-backprop-two-headed.yaml"

# A ReLU layer with a negative, a zero and a positive input (k = [−1, 0, 3]), under the
# convention ReLU'(0) = 1 (torch takes 0).
RELU_SPEC = """
kind: backprop
title: ReLU slips
given:
  x: [1, 2]
  y: 1
parameters:
  W: [[1, -1], [-2, 1], [1, 1]]
  b: [0, 0, 0]
  v: [[1, -1, 1]]
model:
  - k = W @ x + b
  - h = relu(k)
  - s = v @ h
  - p = sigmoid(s)
  - L = bce(p, y)
loss: L
wrt: [W]
relu_grad_at_zero: 1
"""

MEAN_SPEC = """
kind: backprop
title: A mean
given:
  x: [1, 2, 3]
parameters:
  W: [[1, 0, 0], [0, -1, 0], [0, 0, 1]]
model:
  - e = exp(W @ x)
  - L = mean(e)
loss: L
wrt: [W]
"""

ROUNDING_SPEC = """
kind: backprop
title: A sigmoid
given:
  x: [1]
parameters:
  w: [[1]]
model:
  - s = w @ x
  - p = sigmoid(s)
  - L = bce(p, 1)
loss: L
wrt: [w]
"""


def t(values, grad=False):
    return torch.tensor(np.array(values, dtype=float), dtype=torch.float64, requires_grad=grad)


def written(x):
    if isinstance(x, (list, tuple)):
        return [written(v) for v in x]
    return f"{float(x):.6g}"


def flat(x):
    return [float(v) for v in x.detach().numpy().reshape(-1)]


def diagnosis(problem, key, value):
    text = yaml.safe_dump({key: written(value) if not isinstance(value, str) else value})
    verdict = mark(problem, solve(problem), read_answers(text=text, file="mine.yaml"))
    (row,) = verdict.rows
    assert row.status == "wrong", row
    return row.slip.name if row.slip is not None else None


def problem3_torch(log=torch.log, softmax_dim=0, cls=0):
    W = t([[1, 1, 0], [0, 0, 1]], True)
    W1, W2 = t([[1, 0], [1, 0], [0, 1], [1, 0]]), t([[1, -1]])
    x = t([[1], [2], [3]])
    k = W @ x
    h = torch.relu(k)
    h.retain_grad()
    s1 = W1 @ h
    s1.retain_grad()
    p1 = torch.softmax(s1, dim=softmax_dim)
    p2 = torch.sigmoid(W2 @ h)
    L1 = -log(p1[cls, 0])
    L = L1 - log(1 - p2[0, 0])
    return dict(W=W, h=h, s1=s1, p1=p1, L=L, L1=L1)


@pytest.fixture(scope="module")
def p3():
    return load(PROBLEM_3)


def test_sign_error(p3):
    L = problem3_torch()["L"]
    assert diagnosis(p3, "L", -float(L.detach())) == "sign error"


def test_transposed_matrix(p3):
    o = problem3_torch()
    o["L"].backward()
    assert diagnosis(p3, "dL/dW", o["W"].grad.T.tolist()) == "transposed matrix"


def test_missing_branch(p3):
    o = problem3_torch()
    (dh,) = torch.autograd.grad(o["L1"], o["h"])  # only the branch via s1 (the softmax head)
    assert diagnosis(p3, "dL/dh", flat(dh)) == "missing branch"


@pytest.mark.parametrize("base, name", [(10, "log base 10"), (2, "log base 2")])
def test_log_base(p3, base, name):
    L = problem3_torch(log=lambda z: torch.log(z) / math.log(base))["L"]
    assert diagnosis(p3, "L", float(L.detach())) == name


def test_softmax_over_the_wrong_axis(p3):
    p1 = problem3_torch(softmax_dim=1)["p1"]  # the key's torch snippet with dim=1
    assert diagnosis(p3, "p1", flat(p1)) == "softmax over the wrong axis"


def test_class_index_off_by_one(p3):
    o = problem3_torch(cls=1)  # sanguine is class 1, counted from 1; index 1 is choleric
    (ds1,) = torch.autograd.grad(o["L"], o["s1"])
    assert diagnosis(p3, "dL/ds1", flat(ds1)) == "0- vs 1-based index"


def relu_torch(mask_rule):
    """∂L/∂k and ∂L/∂W with the ReLU's backward mask given by `mask_rule(k)`."""
    W, x, v = t([[1, -1], [-2, 1], [1, 1]], True), t([[1], [2]]), t([[1, -1, 1]])
    k = W @ x
    h = torch.where(k > 0, k, torch.zeros_like(k))
    hd = h.detach().requires_grad_()
    L = -torch.log(torch.sigmoid(v @ hd))[0, 0]
    (dh,) = torch.autograd.grad(L, hd)  # ∂L/∂h
    dk = dh * mask_rule(k.detach())
    (dW,) = torch.autograd.grad(k, W, dk)
    return flat(dk), dW.tolist(), flat(h), flat(k)


@pytest.fixture(scope="module")
def relu_problem():
    return load_string(RELU_SPEC, "relu.yaml")


def test_relu_mask_not_applied(relu_problem):
    dk, _, _, _ = relu_torch(lambda k: torch.ones_like(k))
    assert diagnosis(relu_problem, "dL/dk", dk) == "ReLU mask not applied"


def test_relu_mask_on_the_wrong_side(relu_problem):
    dk, _, _, _ = relu_torch(lambda k: (k <= 0).double())
    assert diagnosis(relu_problem, "dL/dk", dk) == "ReLU mask applied to the wrong side"


def test_relu_grad_at_zero_taken_the_other_way(relu_problem):
    _, dW, _, _ = relu_torch(lambda k: (k > 0).double())  # torch's ReLU'(0) = 0
    assert dW != relu_torch(lambda k: (k >= 0).double())[1]
    assert diagnosis(relu_problem, "dL/dW", dW) == "ReLU'(0) taken the other way"


def test_relu_not_applied_forward(relu_problem):
    _, _, _, k = relu_torch(lambda k: k)
    assert diagnosis(relu_problem, "h", k) == "ReLU not applied"


def test_sum_instead_of_mean():
    problem = load_string(MEAN_SPEC, "mean.yaml")
    e = np.exp(np.array([[1, 0, 0], [0, -1, 0], [0, 0, 1]]) @ np.array([1, 2, 3]))
    assert diagnosis(problem, "L", float(e.sum())) == "sum instead of mean"


def test_mean_instead_of_sum():
    problem = load_string(MEAN_SPEC.replace("L = mean(e)", "L = sum(e)"), "sum.yaml")
    e = np.exp(np.array([[1, 0, 0], [0, -1, 0], [0, 0, 1]]) @ np.array([1, 2, 3]))
    assert diagnosis(problem, "L", float(e.mean())) == "mean instead of sum"


def test_rounding_too_early():
    problem = load_string(ROUNDING_SPEC, "round.yaml")
    p = 1 / (1 + math.exp(-1))
    slipped = -math.log(float(f"{p:.2g}"))  # p rounded to 0.73 before the loss uses it
    assert diagnosis(problem, "L", slipped) == "rounding too early"


@pytest.mark.parametrize("key, value", [("L", 1.2345), ("dL/dh", [0.3, -0.7]),
                                        ("p1", [0.1, 0.2, 0.3, 0.4])])
def test_a_random_wrong_value_is_no_slip(p3, key, value):
    assert diagnosis(p3, key, value) is None


def test_random_values_over_many_draws_are_no_slip(p3):
    rng = np.random.default_rng(16)
    for _ in range(20):
        assert diagnosis(p3, "L", float(rng.uniform(-5, 5))) is None

"""Recurrences (`for t in 1..T:`) and back-propagation through time, against an unrolled
torch float64 RNN (torch.nn.RNN with tanh) on random sizes and values."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examsolve.problem import load_string, solve
from oracles import assert_close


def grid(a: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in a) + "]"


def rnn_spec(W, U, b, V, x, target, base: int = 1) -> str:
    T = x.shape[1]
    return f"""\
kind: backprop
title: rnn
indexing: {base}
given: {{x: {grid(x)}, h0: {grid(np.zeros((W.shape[0], 1)))}, target: {target}}}
parameters: {{W: {grid(W)}, U: {grid(U)}, b: {grid(b)}, V: {grid(V)}}}
model:
  - h[0] = h0
  - for t in 1..{T}:
      - h[t] = tanh(W @ h[t-1] + U @ x[:, t{'' if base == 1 else ' - 1'}] + b)
  - y = V @ h[{T}]
  - L = mse(y, target)
"""


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(0, 1),
       st.integers(0, 2 ** 31 - 1))
def test_bptt_matches_an_unrolled_torch_rnn(T, hidden, features, base, seed):
    rng = np.random.default_rng(seed)
    W = np.round(rng.uniform(-1, 1, (hidden, hidden)), 2)
    U = np.round(rng.uniform(-1, 1, (hidden, features)), 2)
    b = np.round(rng.uniform(-1, 1, (hidden, 1)), 2)
    V = np.round(rng.uniform(-1, 1, (1, hidden)), 2)
    x = np.round(rng.uniform(-2, 2, (features, T)), 2)
    d = solve(load_string(rnn_spec(W, U, b, V, x, 0.5, base), "rnn.yaml"))
    answers = d.answer_map()
    rnn = torch.nn.RNN(features, hidden, nonlinearity="tanh", bias=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.tensor(W))
        rnn.weight_ih_l0.copy_(torch.tensor(U))
        rnn.bias_ih_l0.copy_(torch.tensor(b.reshape(-1)))
        rnn.bias_hh_l0.zero_()
    Vt = torch.tensor(V, requires_grad=True)
    out, h_last = rnn(torch.tensor(x.T).unsqueeze(1))  # (T, batch 1, features)
    y = Vt @ h_last.reshape(hidden, 1)
    L = ((y - 0.5) ** 2).mean()
    L.backward()
    for t in range(1, T + 1):
        assert_close(answers[f"h[{t}]"], out[t - 1, 0], f"h[{t}]")
    assert_close(answers["L"], L, "L")
    assert_close(answers["dL/dW"], rnn.weight_hh_l0.grad, "dL/dW")
    assert_close(answers["dL/dU"], rnn.weight_ih_l0.grad, "dL/dU")
    assert_close(answers["dL/db"], rnn.bias_ih_l0.grad, "dL/db")
    assert_close(answers["dL/dV"], Vt.grad, "dL/dV")
    assert not d.warnings


def test_a_model_ending_in_a_loop_is_forward_only_and_loops_are_checked():
    text = rnn_spec(np.eye(2), np.ones((2, 1)), np.zeros((2, 1)), np.ones((1, 2)),
                    np.ones((1, 2)), 0)
    text = text.split("  - y =")[0]
    d = solve(load_string(text, "fwd.yaml"))
    assert [s.heading for s in d.steps] == ["Forward pass"]
    assert np.allclose(np.array(d.answer_map()["h[2]"], dtype=float),
                       np.tanh(np.tanh([1.0, 1.0]) + 1))
    with pytest.raises(Exception, match="expected `for t in 1..T:`"):
        load_string(text.replace("for t in 1..2", "for t in range(2)"), "bad.yaml")
    with pytest.raises(Exception, match=r"`h\[5\]` is not defined yet"):
        load_string(text.replace("h[t-1]", "h[5]"), "bad.yaml")

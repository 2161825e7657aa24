"""Row-wise softmax, attention, batch/layer norm and dropout against torch float64:
F.scaled_dot_product_attention, F.batch_norm(training=True), F.layer_norm, torch.softmax."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examsolve.problem import load_string, solve
from oracles import helper_test_op, tensor


def grid(a: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in a) + "]"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
       st.booleans(), st.integers(0, 2 ** 31 - 1))
def test_attention_matches_scaled_dot_product_attention(n, m, d, dv, use_mask, seed):
    rng = np.random.default_rng(seed)
    Q, K, V = (np.round(rng.uniform(-2, 2, s), 2) for s in ((n, d), (m, d), (m, dv)))
    mask = (rng.uniform(0, 1, (n, m)) > 0.3).astype(float)
    mask[:, 0] = 1  # every query sees a key
    extra = ", mask" if use_mask else ""
    text = (f"kind: backprop\ntitle: attention\ngiven: {{M: {grid(mask)}}}\n"
            f"parameters: {{Q: {grid(Q)}, K: {grid(K)}, V: {grid(V)}}}\n"
            f"model:\n  - Z = attention(Q, K, V{extra.replace('mask', 'M')})\n"
            "  - L = sum(Z * Z) / 2\n")
    tensors = {"Q": tensor(Q, True), "K": tensor(K, True), "V": tensor(V, True)}

    def forward(env):
        Z = F.scaled_dot_product_attention(
            env["Q"][None], env["K"][None], env["V"][None],
            attn_mask=torch.tensor(mask, dtype=torch.bool)[None] if use_mask else None)[0]
        scores = env["Q"] @ env["K"].T / np.sqrt(d)
        if use_mask:
            scores = scores.masked_fill(torch.tensor(mask == 0), float("-inf"))
        weights = torch.softmax(scores, dim=1)
        return {"Z": Z, "weights(Z)": weights, "L": (Z * Z).sum() / 2}

    helper_test_op(text, forward, tensors, wrt=["Q", "K", "V"])


def test_the_scores_are_answers_too():
    text = ("kind: backprop\ntitle: a\nparameters: {Q: [[1, 0]], K: [[1, 0], [0, 1]], "
            "V: [[1], [2]]}\nmodel:\n  - Z = attention(Q, K, V)\nloss: none\n")
    answers = solve(load_string(text, "a.yaml")).answer_map()
    np.testing.assert_allclose(np.array(answers["scores(Z)"], dtype=float).reshape(-1),
                               [1 / np.sqrt(2), 0])


@pytest.mark.parametrize("each, dim", [("row", 1), ("column", 0)])
def test_softmax_of_each_row_or_column(each, dim):
    S = np.array([[1.0, 2, 0.5], [0, -1, 3]])
    text = (f"kind: backprop\ntitle: s\nparameters: {{S: {grid(S)}}}\ngiven: "
            f"{{Tg: [[1, 0, 2], [0, 3, 1]]}}\nmodel:\n  - P = softmax(S, each=\"{each}\")\n"
            "  - L = sum(P * Tg)\n")
    tensors = {"S": tensor(S, True), "Tg": tensor([[1.0, 0, 2], [0, 3, 1]])}

    def forward(env):
        P = torch.softmax(env["S"], dim=dim)
        return {"P": P, "L": (P * env["Tg"]).sum()}

    helper_test_op(text, forward, tensors, wrt=["S"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4), st.integers(2, 4), st.integers(0, 2 ** 31 - 1))
def test_batchnorm_matches_batch_norm_in_training_mode(features, batch, seed):
    rng = np.random.default_rng(seed)
    X = np.round(rng.uniform(-2, 2, (features, batch)), 2)
    gamma = np.round(rng.uniform(0.5, 2, (features, 1)), 2)
    beta = np.round(rng.uniform(-1, 1, (features, 1)), 2)
    T = np.round(rng.uniform(-1, 1, (features, batch)), 2)
    text = (f"kind: backprop\ntitle: bn\ngiven: {{Tg: {grid(T)}}}\n"
            f"parameters: {{X: {grid(X)}, gamma: {grid(gamma)}, beta: {grid(beta)}}}\n"
            "model:\n  - Y = batchnorm(X, gamma, beta)\n  - L = sum(Y * Tg) + sum(Y * Y) / 4\n")
    tensors = {"X": tensor(X, True), "gamma": tensor(gamma, True), "beta": tensor(beta, True),
               "Tg": tensor(T)}

    def forward(env):
        # torch wants (batch, features): one example per row
        Y = F.batch_norm(env["X"].T, None, None, env["gamma"].reshape(-1),
                         env["beta"].reshape(-1), training=True, eps=1e-5).T
        return {"Y": Y, "L": (Y * env["Tg"]).sum() + (Y * Y).sum() / 4}

    helper_test_op(text, forward, tensors, wrt=["X", "gamma", "beta"], tol=1e-5)


def test_layernorm_and_dropout_match_torch():
    x = np.array([[1.0], [-2], [0.5], [3]])
    text = ("kind: backprop\ntitle: ln\ngiven: {m: [1, 0, 1, 1]}\n"
            f"parameters: {{x: {grid(x)}, g: [1, 2, 0.5, 1], c: [0, 1, 0, -1]}}\n"
            "model:\n  - y = layernorm(x, g, c)\n  - d = dropout(y, m, 0.25)\n"
            "  - L = sum(d * d)\n")
    tensors = {"x": tensor(x, True), "g": tensor([[1.0], [2], [0.5], [1]], True),
               "c": tensor([[0.0], [1], [0], [-1]], True), "m": tensor([[1.0], [0], [1], [1]])}

    def forward(env):
        y = F.layer_norm(env["x"].reshape(-1), (4,), env["g"].reshape(-1),
                         env["c"].reshape(-1), eps=1e-5).reshape(4, 1)
        d = env["m"] * y / 0.75
        return {"y": y, "d": d, "L": (d * d).sum()}

    helper_test_op(text, forward, tensors, wrt=["x", "g", "c"], tol=1e-5)

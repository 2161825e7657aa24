"""Single ops and 2-D layers against PyTorch (float64), and the self-check catching a bug."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from examsolve.render.textmath import para_text
from examsolve.autodiff import engine as backprop_engine

from conftest import solve_text
from oracles import tensor as t

HALVES = st.integers(-4, 4).map(lambda k: Fraction(k, 2))


def grid_yaml(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(f'"{v}"' for v in r) + "]" for r in rows) + "]"


@st.composite
def conv2d_networks(draw):
    h, w = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    kh, kw = draw(st.integers(1, h)), draw(st.integers(1, w))
    X = [[draw(HALVES) for _ in range(w)] for _ in range(h)]
    K = [[draw(HALVES) for _ in range(kw)] for _ in range(kh)]
    b = draw(HALVES)
    padding = draw(st.sampled_from(["valid", "same", 1]))
    stride = 1 if padding == "same" else draw(st.integers(1, 2))
    pool = draw(st.booleans())
    return X, K, b, padding, stride, pool


@settings(max_examples=30, deadline=None)
@given(conv2d_networks())
def test_conv2d_and_maxpool2d_match_torch(network):
    X, K, b, padding, stride, pool = network
    pad = f'"{padding}"' if isinstance(padding, str) else padding
    lines = [f"S = conv2d(X, K, c, padding={pad}, stride={stride})", "A = tanh(S)"]
    Xt, Kt, bt = t(X, True), t(K, True), t([b], True)
    S = F.conv2d(Xt.view(1, 1, *Xt.shape), Kt.view(1, 1, *Kt.shape), bt, padding=padding,
                 stride=stride)
    A = torch.tanh(S)
    if pool and min(A.shape[2:]) >= 2:
        lines.append("P = maxpool2d(A, size=2, stride=1)")
        A = F.max_pool2d(A, 2, 1)
    last = lines[-1].split(" = ")[0]
    lines.append(f"L = mean({last} * {last})")
    L = torch.mean(A * A)
    L.backward()
    text = (f"kind: backprop\ntitle: conv2d\ngiven:\n  X: {grid_yaml(X)}\nparameters:\n"
            f"  K: {grid_yaml(K)}\n  c: \"{b}\"\nwrt: [X, K, c]\nmodel:\n" +
            "".join(f"  - {ln}\n" for ln in lines))
    d = solve_text(text)
    answers = d.answer_map()
    assert float(answers["L"]) == pytest.approx(float(L.detach()), abs=1e-9)
    for name, tensor in (("X", Xt), ("K", Kt), ("c", bt)):
        got = np.array(answers[f"dL/d{name}"], dtype=float).reshape(-1)
        np.testing.assert_allclose(got, tensor.grad.numpy().reshape(-1), atol=1e-6, rtol=1e-6)
    assert not d.warnings


def test_elementwise_ops_and_transpose_match_torch():
    text = """\
kind: backprop
title: ops
given:
  x: [1, 2, 3]
parameters:
  A: [[1, -1, 2], [0, 3, 1]]
  u: [2, 1]
model:
  - z = A @ x
  - q = log(exp(z // 1) + 1)
"""
    with pytest.raises(Exception, match="floor division"):  # not in the whitelist
        solve_text(text)
    text = text.replace("z // 1", "-z * 2").replace("  - q", "  - r = u.T @ z - sum(u) - mean(u)\n  - q")
    text += "  - L = sum(q) + r - mean(-q)\n"
    d = solve_text(text)
    x, A, u = t([[1.0], [2], [3]]), t([[1.0, -1, 2], [0, 3, 1]], True), t([[2.0], [1]], True)
    z = A @ x
    r = u.T @ z - torch.sum(u) - torch.mean(u)
    q = torch.log(torch.exp(-z * 2) + 1)
    L = torch.sum(q) + r - torch.mean(-q)
    L.sum().backward()
    answers = d.answer_map()
    assert float(answers["L"]) == pytest.approx(float(L.detach()), abs=1e-9)
    np.testing.assert_allclose(np.array(answers["dL/dA"], dtype=float), A.grad.numpy(), atol=1e-9)
    np.testing.assert_allclose(np.array(answers["dL/du"], dtype=float), u.grad.numpy().reshape(-1),
                               atol=1e-9)


def test_wrt_a_model_line_and_a_given_value():
    text = """\
kind: backprop
title: wrt lines
given:
  x: [1, -2]
parameters:
  W: [[1, 2], [3, 4]]
model:
  - k = W @ x
  - h = relu(k)
  - L = cross_entropy(h, 1)
wrt: [h, k, x]
"""
    d = solve_text(text)
    x, W = t([[1.0], [-2]], True), t([[1.0, 2], [3, 4]])
    k = W @ x
    k.retain_grad()
    h = torch.relu(k)
    h.retain_grad()
    F.cross_entropy(h.view(1, -1), torch.tensor([0])).backward()
    answers = d.answer_map()
    for name, tensor in (("h", h), ("k", k), ("x", x)):
        np.testing.assert_allclose(np.array(answers[f"dL/d{name}"], dtype=float),
                                   tensor.grad.numpy().reshape(-1), atol=1e-9)
    assert not d.warnings


def test_a_wrong_backward_fails_the_self_check(monkeypatch):
    """The finite-difference check is live: a sigmoid with the wrong local derivative is
    caught (so the suite fails on a disagreement)."""
    real = backprop_engine.sigmoid

    def broken(ctx, z):
        out = real(ctx, z)
        out.backward_fn = lambda g: (g * out.value,)  # σ instead of σ(1 − σ)
        return out

    monkeypatch.setattr(backprop_engine, "sigmoid", broken)
    d = solve_text("""\
kind: backprop
title: broken
given: {x: [1, 2]}
parameters: {w: [[1, -1]]}
model:
  - p = sigmoid(w @ x)
  - L = mse(p, 1)
""")
    assert any(w.startswith("self-check failed") for w in d.warnings)
    steps = {s.heading: s for s in d.steps}
    assert "DISAGREE" in para_text(steps["Self-check with finite differences"].blocks[-1])


def test_big_network_samples_at_most_about_200_coordinates():
    rng = np.random.default_rng(1)
    W = rng.integers(-3, 4, size=(30, 40))
    text = ("kind: backprop\ntitle: sampled\ngiven:\n  x: " + str(list(range(40))) +
            "\nparameters:\n  W: " + str(W.tolist()) + "\nmodel:\n  - s = W @ x\n"
            "  - L = cross_entropy(s, 3)\n")
    d = solve_text(text)
    check = next(s for s in d.steps if s.heading.startswith("Self-check"))
    assert "a seeded sample of 200 of the 1,200 coordinates" in para_text(check.blocks[0])
    assert not d.warnings


CONV = """\
kind: backprop
title: indices
indexing: {base}
given:
  x: [1, 0, 2, -1, 1]
  X: [[1, 2, 0], [0, 1, -1], [2, 0, 1]]
parameters:
  w: [1, -1]
  K: [[1, 0], [0, -1]]
model:
  - z = conv1d(x, w, stride=2)
  - S = conv2d(X, K, padding=1)
  - L = sum(z) + sum(S)
"""


@pytest.mark.parametrize("base, conv1d, grad1d, conv2d", [
    (1, "z[i] = Σₖ(pad(x)[2(i − 1) + k]·w[k])", "∂L/∂w[k] = Σᵢ(pad(x)[2(i − 1) + k]·∂L/∂z[i])",
     "S[i,j] = Σᵤ,ᵥ(pad(X)[i + u − 1, j + v − 1]·K[u,v])"),
    (0, "z[i] = Σₖ(pad(x)[2i + k]·w[k])", "∂L/∂w[k] = Σᵢ(pad(x)[2i + k]·∂L/∂z[i])",
     "S[i,j] = Σᵤ,ᵥ(pad(X)[i + u, j + v]·K[u,v])"),
])
def test_index_formulas_follow_indexing(base, conv1d, grad1d, conv2d):
    """The printed formulas use the spec's index base (stated once), and each printed sum
    z[i] = a·b + c·d takes its padded entries where the formula says."""
    import re

    from examsolve.render.json_render import to_json

    d = solve_text(CONV.format(base=base))
    doc = to_json(d, "c")
    text = "\n".join(b.get("text", "") for s in doc["steps"] for b in s["blocks"])
    assert text.count(f"Indices count from {base}.") == 1
    assert conv1d + "," in text  # no bias term: the default 0 was left out
    assert grad1d in text and conv2d in text
    x = [1, 0, 2, -1, 1]
    for i in range(2):  # outputs z[base], z[base + 1]
        line = re.search(rf"z\[{i + base}\] = (.*) = ", text).group(1)
        firsts = [int(a.replace("−", "-")) for a in re.findall(r"\(?(−?\d+)\)?·", line)]
        assert firsts == [x[2 * i + k] for k in range(2)]  # x[2i + k], 0-based, in numpy terms


def test_prediction_names_the_argmax_class():
    d = solve_text("""\
kind: backprop
title: argmax
given: {x: [1]}
parameters: {W: [[0], [2], [1]]}
classes: {p: [cat, dog, bird]}
model:
  - p = softmax(W @ x)
  - L = nll(p, "cat")
""")
    forward = next(s for s in d.steps if s.heading == "Forward pass")
    text = " ".join((para_text(b) if hasattr(b, "parts") or hasattr(b, "text") else "") for b in forward.blocks)
    assert "the largest probability is p[2] = 0.6652, so the predicted class is dog" in text

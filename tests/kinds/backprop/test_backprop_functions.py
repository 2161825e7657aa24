"""Issue 12's operators and functions against torch float64 autograd (tests/oracles.py), on
fixed exam-like numbers and on random shapes and values (hypothesis); forward-only specs; the
text fixes (x ⊙ x once with the factor 2, a sum's gradient as 𝟏 of its size)."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from examsolve.problem import load_string, solve
from examsolve.render.rich_render import render
from oracles import helper_test_op, tensor

# (model line for y, the same in torch) on a vector x with entries away from every kink
FUNCTIONS = [
    ("y = x / 4 + 2 / (x * x + 1)", lambda x: x / 4 + 2 / (x * x + 1)),
    ("y = x ** 3 - 2 * x ** 2", lambda x: x ** 3 - 2 * x ** 2),
    ("y = square(x) + x ** -1", lambda x: torch.square(x) + x ** -1),
    ("y = sqrt(x * x + 1)", lambda x: torch.sqrt(x * x + 1)),
    ("y = (x * x + 2) ** 0.5", lambda x: (x * x + 2) ** 0.5),
    ("y = abs(x)", torch.abs),
    ("y = maximum(x, 0.5) + minimum(x, -0.25)",
     lambda x: torch.maximum(x, torch.tensor(0.5, dtype=torch.float64))
     + torch.minimum(x, torch.tensor(-0.25, dtype=torch.float64))),
    ("y = log(x * x + 1, 2) + log(x * x + 3, 10)",
     lambda x: torch.log2(x * x + 1) + torch.log10(x * x + 3)),
    ("y = leaky_relu(x) + leaky_relu(x, 0.2)",
     lambda x: F.leaky_relu(x) + F.leaky_relu(x, 0.2)),
    ("y = elu(x) + elu(x, 0.5)", lambda x: F.elu(x) + F.elu(x, 0.5)),
    ("y = softplus(x) + softplus(x, 2)", lambda x: F.softplus(x) + F.softplus(x, 2)),
    ("y = step(x) * x + sign(x) * x", lambda x: (x > 0).double() * x + torch.sign(x) * x),
]


def spec(line: str, xs: list[float]) -> str:
    return (f"kind: backprop\ntitle: op\nparameters:\n  x: {xs}\nmodel:\n  - {line}\n"
            "  - L = sum(y * y) / 2\n")


@pytest.mark.parametrize("line, torch_fn", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_each_function_and_its_derivative_match_torch(line, torch_fn):
    xs = [1.5, -0.75, 2.25, -2.0]
    tensors = {"x": tensor([[v] for v in xs], grad=True)}

    def forward(env):
        y = torch_fn(env["x"])
        return {"y": y, "L": (y * y).sum() / 2}

    d = helper_test_op(spec(line, xs), forward, tensors, wrt=["x"])
    assert not d.warnings


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(FUNCTIONS) - 1), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 2 ** 31 - 1))
def test_functions_on_random_shapes_and_values(which, rows, cols, seed):
    line, torch_fn = FUNCTIONS[which]
    rng = np.random.default_rng(seed)
    values = np.round(rng.uniform(-3, 3, (rows, cols)), 2)
    values[np.abs(values) < 0.05] = 0.3  # away from the kinks at 0
    values[np.abs(values - 0.5) < 0.05] = 0.7
    values[np.abs(values + 0.25) < 0.05] = -0.7
    grid = "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]"
                           for row in values) + "]"
    text = spec(line, []).replace("x: []", f"x: {grid}")
    tensors = {"x": tensor(values, grad=True)}

    def forward(env):
        y = torch_fn(env["x"])
        return {"y": y, "L": (y * y).sum() / 2}

    helper_test_op(text, forward, tensors, wrt=["x"])


def test_exact_where_the_math_is_rational():
    d = solve(load_string(spec("y = x / 3 + x ** 2 + sqrt(x * x) + log(x * x, 2)",
                               [2, 4]), "exact.yaml"))
    from fractions import Fraction
    y = d.answer_map()["y"]
    assert list(y) == [Fraction(2, 3) + 4 + 2 + 2, Fraction(4, 3) + 16 + 4 + 4]
    assert all(isinstance(v, Fraction) for v in y)


def test_a_power_needs_a_number_and_step_states_its_value_at_zero():
    with pytest.raises(Exception, match="the exponent must be a number"):
        load_string(spec("y = x ** x", [1, 2]), "bad.yaml")
    d = solve(load_string(spec("y = step(x, at_zero=0) + sign(x)", [0, 2, -1]), "z.yaml"))
    assert [float(v) for v in d.answer_map()["y"]] == [0 + 1, 2, -1]


FORWARD_ONLY = """\
kind: backprop
title: forward only
given: {x: [1, -2, 3]}
parameters: {W: [[1, 0, 1], [0, 1, 1]]}
model:
  - h = relu(W @ x)
  - y = h / 2
"""


@pytest.mark.parametrize("text", [FORWARD_ONLY, FORWARD_ONLY + "loss: none\n",
                                  FORWARD_ONLY.replace("h / 2", "sum(h) / 2") + "loss: none\n"])
def test_forward_only_specs_have_no_backward_and_no_finite_differences(text):
    d = solve(load_string(text, "fwd.yaml"))
    titles = [s.heading for s in d.steps]
    assert titles == ["Forward pass"], titles
    answers = d.answer_map()
    assert not any(k.startswith("dL/") for k in answers)
    W, x = np.array([[1, 0, 1], [0, 1, 1]]), np.array([1, -2, 3])
    want = np.maximum(W @ x, 0) / 2
    np.testing.assert_allclose(np.array(answers["y"], dtype=float).reshape(-1),
                               want if "sum" not in text else [want.sum()])


def rich_text(text: str) -> str:
    out = io.StringIO()
    render(solve(load_string(text, "g.yaml")), Console(file=out, width=100,
                                                            color_system=None))
    return out.getvalue()


SQUARE = """\
kind: backprop
title: square
given: {x: [1, 2], y: [0, 1]}
parameters: {W: [[1, 0], [0, 1]]}
model:
  - e = W @ x - y
  - L = 0.5 * sum(e * e)
"""


def test_a_repeated_operand_is_one_branch_with_the_factor_2_and_sum_gives_ones():
    out = rich_text(SQUARE)
    assert "e ⊙ e uses e twice: ∂(x ⊙ x)/∂x = 2x." in out
    assert "∂L/∂e = (∂(e ⊙ e)/∂e)ᵀ·∂L/∂(e ⊙ e) = ∂L/∂(e ⊙ e) ⊙ (2e)" in out
    assert "used twice" not in out and "ones()" not in out
    assert "Every entry moves the sum by 1: 𝟏_{2×1} is 2 ones in e ⊙ e's shape." in out
    # the oracle: L = ½‖Wx − y‖², ∂L/∂W = (Wx − y)xᵀ
    W, x, y = np.eye(2), np.array([1.0, 2.0]), np.array([0.0, 1.0])
    e = W @ x - y
    got = solve(load_string(SQUARE, "g.yaml")).answer_map()["dL/dW"]
    np.testing.assert_allclose(np.array(got, dtype=float), np.outer(e, x))


def test_maxpool_backward_has_no_empty_ones():
    text = """\
kind: backprop
title: pool
parameters: {x: [1, 3, 2, 5]}
model:
  - P = maxpool1d(x, 2)
  - L = 2 * sum(P)
"""
    out = rich_text(text)
    assert "ones()" not in out and "𝟏_{2×1}" in out


SHAPES = """\
kind: backprop
title: indexing and shapes
given: {x: [1, -2, 3]}
parameters: {W: [[1, 0.5, 1], [0, 1, -1]]}
indexing: BASE
model:
  - a = W[I1, :] @ x + W[I2, I3]
  - c = W[:, I2]
  - f = flatten(W)
  - g = concat(f, x)
  - h = hstack(W, c)
  - r = reshape(x, 1, 3)
  - L = a * sum(g * g) + sum(h * h * h) + r @ x + x[I2] * a
"""


@pytest.mark.parametrize("base", [0, 1])
def test_indexing_flatten_reshape_concat_hstack_match_torch(base):
    text = SHAPES.replace("BASE", str(base))
    for key, i in (("I1", 0), ("I2", 1), ("I3", 2)):
        text = text.replace(key, str(i + base))
    tensors = {"x": tensor([[1.0], [-2], [3]]), "W": tensor([[1, 0.5, 1], [0, 1, -1]], True)}

    def forward(env):
        W, x = env["W"], env["x"]
        a = W[0:1, :] @ x + W[1, 2]
        c = W[:, 1:2]
        f = W.reshape(-1, 1)
        g = torch.cat([f, x], dim=0)
        h = torch.cat([W, c], dim=1)
        r = x.reshape(1, 3)
        L = a * (g * g).sum() + (h ** 3).sum() + r @ x + x[1, 0] * a
        return {"a": a, "c": c, "f": f, "g": g, "h": h, "r": r, "L": L}

    helper_test_op(text, forward, tensors, wrt=["W"])


@pytest.mark.parametrize("line, message", [
    ("a = W[3, 1]", "index 3 is out of range: W has 2 rows, counted 1..2 (indexing: 1)"),
    ("a = W[1]", "W is 2×3; write W[i, j], W[i, :] (a row) or W[:, j] (a column)"),
    ("a = W[1:2, 1]", "ranges like 1:3 are not supported"),
    ("a = reshape(W, 4, 2)", "W has 6 entries (2×3), 4×2 needs 8"),
    ("a = concat(W, x)", "concat needs the same number of columns: W is 2×3, x is 3×1"),
    ("ŷ = W @ x", None),
    ("2y = W @ x", "names must be letters"),
])
def test_bad_indexing_and_names(line, message):
    text = SHAPES.replace("BASE", "1").replace("  - a = W[I1, :] @ x + W[I2, I3]\n",
                                               f"  - {line}\n  - a = W[1, :] @ x\n")
    text = text.replace("I1", "1").replace("I2", "2").replace("I3", "3")
    if message is None:
        solve(load_string(text, "ok.yaml"))
        return
    with pytest.raises(Exception, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[")):
        load_string(text, "bad.yaml")


def test_soft_targets_and_vector_losses_are_written_term_by_term():
    text = """\
kind: backprop
title: soft
given: {x: [1, 2], t: [1, 0]}
parameters: {w: [[0.5, -1]], W: [[1, 0.5], [0.2, 1]]}
model:
  - p = sigmoid(w @ x)
  - y = W @ x
  - L = bce(p, 0.5) + mse(y, t)
"""
    out = " ".join(rich_text(text).split())  # sentences, whatever the line breaks
    assert "the cross-entropy against the soft target y = 0.5 (a probability, not a label)" \
        in out
    assert "the label y = 0.5" not in out and "prediction" not in out.lower()
    assert "((2 − 1)² + (2.2 − 0)²)/2" in out
    # the oracle: torch's binary_cross_entropy with a soft target plus mse_loss
    w, W = torch.tensor([[0.5, -1]], dtype=torch.float64), torch.tensor([[1, 0.5], [0.2, 1]],
                                                                         dtype=torch.float64)
    x = torch.tensor([[1.0], [2]], dtype=torch.float64)
    p = torch.sigmoid(w @ x)
    L = F.binary_cross_entropy(p, torch.full_like(p, 0.5)) + \
        F.mse_loss(W @ x, torch.tensor([[1.0], [0]], dtype=torch.float64))
    got = solve(load_string(text, "soft.yaml")).answer_map()["L"]
    assert float(got) == pytest.approx(float(L), abs=1e-9)

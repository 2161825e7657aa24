"""Random networks from the op set, solved and compared with PyTorch autograd (float64).

Hypothesis draws an input, a stack of layers (which ops, their sizes, paddings, strides,
values) and a loss; the test writes the same network twice — as a spec for examsolve and as
torch code — and asserts every line's value and every parameter's gradient agree to 1e-6,
and that the solver's own finite-difference self-check passed.
"""

from __future__ import annotations

from fractions import Fraction

import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracles import helper_test_op, tensor

HALVES = st.integers(-4, 4).map(lambda k: Fraction(k, 2))


def vec(draw, n: int) -> list[Fraction]:
    return [draw(HALVES) for _ in range(n)]


def yaml_matrix(rows: list[list[Fraction]]) -> str:
    return "[" + ", ".join("[" + ", ".join(f'"{v}"' for v in r) + "]" for r in rows) + "]"


def yaml_vector(values: list[Fraction]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


@st.composite
def networks(draw):
    """(spec text, torch function returning (values by name, loss), parameter tensors)."""
    n = draw(st.integers(2, 6))
    given = {"x": yaml_vector(x := vec(draw, n))}
    params: dict[str, str] = {}
    tensors: dict[str, torch.Tensor] = {"x": tensor(x).view(-1, 1)}
    lines: list[str] = []
    steps: list = []  # (name, torch function of env)
    cur, size = "x", n
    for i in range(draw(st.integers(1, 4))):
        layer = draw(st.sampled_from(["linear", "relu", "sigmoid", "tanh", "conv1d", "maxpool",
                                      "scale", "exp_tanh", "residual"]))
        name = f"h{i}"
        if layer == "linear":
            m = draw(st.integers(1, 4))
            W, b = [vec(draw, size) for _ in range(m)], vec(draw, m)
            params[f"W{i}"], params[f"b{i}"] = yaml_matrix(W), yaml_vector(b)
            tensors[f"W{i}"], tensors[f"b{i}"] = tensor(W, True), tensor([[v] for v in b], True)
            lines.append(f"{name} = W{i} @ {cur} + b{i}")
            steps.append((name, lambda e, c=cur, i=i: e[f"W{i}"] @ e[c] + e[f"b{i}"]))
            size = m
        elif layer in ("relu", "sigmoid", "tanh"):
            lines.append(f"{name} = {layer}({cur})")
            steps.append((name, lambda e, c=cur, f=getattr(torch, layer): f(e[c])))
        elif layer == "exp_tanh":
            lines.append(f"{name} = exp(tanh({cur}))")
            steps.append((name, lambda e, c=cur: torch.exp(torch.tanh(e[c]))))
        elif layer == "scale":
            k = draw(HALVES)
            lines.append(f"{name} = {k if k.denominator == 1 else float(k)} * {cur} - {cur}")
            steps.append((name, lambda e, c=cur, k=k: float(k) * e[c] - e[c]))
        elif layer == "residual":
            lines.append(f"{name} = {cur} * {cur} + sum({cur})")
            steps.append((name, lambda e, c=cur: e[c] * e[c] + torch.sum(e[c])))
        elif layer == "conv1d":
            k = draw(st.integers(1, size))
            padding = draw(st.sampled_from(["valid", "same", 0, 1]))
            stride = 1 if padding == "same" else draw(st.integers(1, 2))
            w, b = vec(draw, k), draw(HALVES)
            params[f"w{i}"], params[f"c{i}"] = yaml_vector(w), f'"{b}"'
            tensors[f"w{i}"], tensors[f"c{i}"] = tensor(w, True), tensor([b], True)
            pad = f'"{padding}"' if isinstance(padding, str) else padding
            lines.append(f"{name} = conv1d({cur}, w{i}, c{i}, padding={pad}, stride={stride})")
            steps.append((name, lambda e, c=cur, i=i, p=padding, s=stride: F.conv1d(
                e[c].view(1, 1, -1), e[f"w{i}"].view(1, 1, -1), e[f"c{i}"], padding=p,
                stride=s).view(-1, 1)))
            size = e_size = (size + (k - 1 if padding == "same" else 2 * (padding if
                                                                          isinstance(padding, int)
                                                                          else 0)) - k) \
                // stride + 1
            assert e_size >= 1
        elif layer == "maxpool":
            if size < 2:
                continue
            k = draw(st.integers(2, size))
            lines.append(f"{name} = maxpool1d({cur}, size={k}, stride=1)")
            steps.append((name, lambda e, c=cur, k=k: F.max_pool1d(
                e[c].view(1, 1, -1), k, 1).view(-1, 1)))
            size = size - k + 1
        cur = name
    loss = draw(st.sampled_from(["cross_entropy", "nll_softmax", "bce", "mse", "mean"]))
    if loss == "cross_entropy":
        c = draw(st.integers(0, size - 1))
        lines.append(f"L = cross_entropy({cur}, {c + 1})")
        steps.append(("L", lambda e, c=c, cur=cur: F.cross_entropy(e[cur].view(1, -1),
                                                                  torch.tensor([c]))))
    elif loss == "nll_softmax":
        c = draw(st.integers(0, size - 1))
        lines += [f"p = softmax({cur})", f"L = nll(p, {c + 1})"]
        # −log p_c from the scores (log_softmax): −log(softmax) is −log 0 = inf once p_c
        # underflows, while the loss is finite.
        steps += [("p", lambda e, cur=cur: torch.softmax(e[cur], dim=0)),
                  ("L", lambda e, c=c, cur=cur: -F.log_softmax(e[cur], dim=0)[c, 0])]
    elif loss == "bce":
        y = draw(st.sampled_from([0, 1, Fraction(1, 4)]))
        given["y"] = f'"{y}"'
        tensors["y"] = tensor([[y]])
        lines += [f"q = sigmoid(sum({cur}))", "L = bce(q, y)"]
        # From the score, in float64: F.binary_cross_entropy clamps log at −100 (a score of
        # −152 with y = 1 would give 100, not 152) and its gradient at a saturated σ is 0.
        steps += [("q", lambda e, cur=cur: torch.sigmoid(torch.sum(e[cur])).view(1, 1)),
                  ("L", lambda e, cur=cur: F.binary_cross_entropy_with_logits(
                      torch.sum(e[cur]).view(1, 1), e["y"]))]
    elif loss == "mse":
        target = vec(draw, size)
        given["t"] = yaml_vector(target)
        tensors["t"] = tensor(target).view(-1, 1)
        lines.append(f"L = mse({cur}, t)")
        steps.append(("L", lambda e, cur=cur: F.mse_loss(e[cur], e["t"])))
    else:
        lines.append(f"L = mean({cur}) * 2")
        steps.append(("L", lambda e, cur=cur: torch.mean(e[cur]) * 2))
    if not params:  # something to differentiate
        params["a"] = '"3/2"'
        tensors["a"] = tensor([[1.5]], True)
        lines[-1] = lines[-1].replace("L = ", "L0 = ")
        steps[-1] = ("L0", steps[-1][1])
        lines.append("L = a * L0")
        steps.append(("L", lambda e: e["a"] * e["L0"]))
    text = "\n".join([
        "kind: backprop", "title: random network", "given:",
        *(f"  {k}: {v}" for k, v in given.items()), "parameters:",
        *(f"  {k}: {v}" for k, v in params.items()), "model:",
        *(f"  - {line}" for line in lines)]) + "\n"
    return text, steps, tensors, list(params)


def run_torch(steps):
    """The network's lines as torch code: forward(env) for oracles.helper_test_op."""
    def forward(env):
        for name, fn in steps:
            env[name] = fn(env)
        return {name: env[name] for name, _ in steps}
    return forward


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_random_network_matches_torch(network):
    text, steps, tensors, params = network
    derivation = helper_test_op(text, run_torch(steps), tensors, wrt=params, file="random.yaml")
    # The only warning allowed is the ReLU'(0) note (an input exactly 0): never a failed
    # self-check.
    assert all("assume" in w and "ReLU'(0)" in w for w in derivation.warnings), \
        (derivation.warnings, text)

"""Architecture specs against PyTorch: the same network is built from torch.nn modules in the
test (never from the solver's numbers), run forward on zeros for every shape, counted with
sum(p.numel()) for every parameter count, and measured with forward hooks for MACs
(output elements × in/groups × kernel taps; in × out per position) and with autograd for
receptive fields (the extent of the input gradient of one output position)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn

from examsolve.errors import SpecError
from examsolve.problem import load, load_string, solve

ROOT = Path(__file__).resolve().parents[3]


# ---- the oracle: torch modules from the spec's layer list ----------------------------------
class Residual(nn.Module):
    def __init__(self, body: nn.Module, shortcut: nn.Module | None) -> None:
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x):  # type: ignore[no-untyped-def]
        return self.body(x) + (x if self.shortcut is None else self.shortcut(x))


class Recurrent(nn.Module):
    def __init__(self, cell: nn.Module, last: bool) -> None:
        super().__init__()
        self.cell, self.last = cell, last

    def forward(self, x):  # type: ignore[no-untyped-def]
        out = self.cell(x)[0]
        return out[:, -1] if self.last else out


class SelfAttention(nn.Module):
    def __init__(self, mha: nn.MultiheadAttention) -> None:
        super().__init__()
        self.mha = mha

    def forward(self, x):  # type: ignore[no-untyped-def]
        return self.mha(x, x, x, need_weights=False)[0]


def pair(v, n):  # type: ignore[no-untyped-def]
    return tuple(v) if isinstance(v, list) else (v,) * n


def module(item, shape: tuple[int, ...]) -> nn.Module:  # type: ignore[no-untyped-def]
    """One torch module for a spec item, given the shape before it (no batch axis)."""
    if isinstance(item, str):
        name, o = item, {}
    else:
        (name, o), = item.items()
    if name == "residual":
        body = o if isinstance(o, list) else o["layers"]
        short = None if isinstance(o, list) or "shortcut" not in o else o["shortcut"]
        return Residual(stack(body, shape), None if short is None else stack(short, shape))
    if name == "repeat":
        mods, cur = [], shape
        for _ in range(o["times"]):
            m = stack(o["layers"], cur)
            cur = out_shape(m, cur)
            mods.append(m)
        return nn.Sequential(*mods)
    o = {k: v for k, v in (o or {}).items() if k != "name"}
    if name in ("conv1d", "conv2d"):
        n = 1 if name == "conv1d" else 2
        cls = nn.Conv1d if n == 1 else nn.Conv2d
        pad = o.get("padding", 0)
        return cls(shape[0], o["out"], pair(o["kernel"], n), pair(o.get("stride", 1), n),
                   pad if isinstance(pad, str) else pair(pad, n), pair(o.get("dilation", 1), n),
                   o.get("groups", 1), o.get("bias", True))
    if name == "conv_transpose2d":
        return nn.ConvTranspose2d(shape[0], o["out"], o["kernel"], o.get("stride", 1),
                                  o.get("padding", 0), o.get("output_padding", 0),
                                  o.get("groups", 1), o.get("bias", True), o.get("dilation", 1))
    if name in ("maxpool1d", "maxpool2d"):
        cls = nn.MaxPool1d if name.endswith("1d") else nn.MaxPool2d
        return cls(o["kernel"], o.get("stride"), o.get("padding", 0), o.get("dilation", 1),
                   ceil_mode=o.get("ceil_mode", False))
    if name in ("avgpool1d", "avgpool2d"):
        cls = nn.AvgPool1d if name.endswith("1d") else nn.AvgPool2d
        return cls(o["kernel"], o.get("stride"), o.get("padding", 0),
                   ceil_mode=o.get("ceil_mode", False))
    if name == "adaptive_avgpool2d":
        return nn.AdaptiveAvgPool2d(o["output"])
    if name == "global_avgpool":
        return nn.Sequential(nn.AdaptiveAvgPool2d(1) if len(shape) == 3 else
                             nn.AdaptiveAvgPool1d(1), nn.Flatten())
    if name == "flatten":
        return nn.Flatten()
    if name == "linear":
        return nn.Linear(shape[-1], o["out"], o.get("bias", True))
    if name == "batchnorm":
        return nn.BatchNorm2d(shape[0]) if len(shape) == 3 else nn.BatchNorm1d(shape[0])
    if name == "layernorm":
        return nn.LayerNorm(shape[-1])
    if name == "embedding":
        return nn.Embedding(o["vocab"], o["dim"])
    if name in ("rnn", "lstm", "gru"):
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[name]
        return Recurrent(cls(shape[-1], o["hidden"], o.get("layers", 1), bias=o.get("bias", True),
                             batch_first=True, bidirectional=o.get("bidirectional", False)),
                         o.get("output", "sequence") == "last")
    if name == "multihead_attention":
        return SelfAttention(nn.MultiheadAttention(shape[-1], o["heads"], batch_first=True,
                                                   bias=o.get("bias", True)))
    if name == "dropout":
        return nn.Dropout(o.get("p", 0.5))
    return {"relu": nn.ReLU(), "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(),
            "softmax": nn.Softmax(-1), "gelu": nn.GELU(), "elu": nn.ELU(),
            "leaky_relu": nn.LeakyReLU()}[name]


def out_shape(m: nn.Module, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A forward pass on zeros (on the meta device when the module lives there: shapes only)."""
    m.eval()
    device = next((p.device for p in m.parameters()), torch.device("cpu"))
    long = isinstance(m, nn.Embedding) or (
        isinstance(m, nn.Sequential) and len(m) and isinstance(m[0], nn.Embedding))
    x = torch.zeros((1, *shape), dtype=torch.long if long else None, device=device)
    with torch.no_grad():
        return tuple(m(x).shape[1:])


def stack(items, shape):  # type: ignore[no-untyped-def]
    mods = []
    for item in items:
        m = module(item, shape)
        shape = out_shape(m, shape)
        mods.append(m)
    return nn.Sequential(*mods)


def numel(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def hook_macs(m: nn.Module, shape: tuple[int, ...]) -> int:
    """MACs measured on a forward pass: every conv and linear module, by its own attributes."""
    total = 0

    def conv(mod, inp, out):  # type: ignore[no-untyped-def]
        nonlocal total
        total += out.numel() * (mod.in_channels // mod.groups) * math.prod(mod.kernel_size)

    def convt(mod, inp, out):  # type: ignore[no-untyped-def]
        nonlocal total
        total += inp[0].numel() * (mod.out_channels // mod.groups) * math.prod(mod.kernel_size)

    def linear(mod, inp, out):  # type: ignore[no-untyped-def]
        nonlocal total
        total += inp[0].numel() * mod.out_features

    def recurrent(mod, inp, out):  # type: ignore[no-untyped-def]
        nonlocal total  # each step multiplies the input and the state by every weight matrix
        steps = inp[0].shape[1]
        total += steps * sum(p.numel() for n, p in mod.named_parameters() if "weight" in n)

    def attention(mod, inp, out):  # type: ignore[no-untyped-def]
        nonlocal total  # the projections per token, then Q·Kᵀ and the weighted sum of V
        t = inp[0].shape[1]
        total += t * (mod.in_proj_weight.numel() + mod.out_proj.weight.numel()) + \
            2 * t * t * mod.embed_dim

    handles = []
    for sub in m.modules():
        if isinstance(sub, nn.RNNBase):
            handles.append(sub.register_forward_hook(recurrent))
        if isinstance(sub, nn.MultiheadAttention):
            handles.append(sub.register_forward_hook(attention))
            continue
        if isinstance(sub, (nn.Conv1d, nn.Conv2d)):
            handles.append(sub.register_forward_hook(conv))
        elif isinstance(sub, nn.ConvTranspose2d):
            handles.append(sub.register_forward_hook(convt))
        elif isinstance(sub, nn.Linear) and not isinstance(sub, nn.modules.linear.NonDynamicallyQuantizableLinear):
            handles.append(sub.register_forward_hook(linear))
    out_shape(m, shape)
    for h in handles:
        h.remove()
    return total


def spec_text(input_shape, layers, framework="pytorch"):  # type: ignore[no-untyped-def]
    return yaml.safe_dump({"kind": "architecture", "title": "t", "framework": framework,
                           "input": list(input_shape), "layers": layers}, sort_keys=False)


def answers(text: str) -> dict:
    return solve(load_string(text)).answer_map()


def check_against_torch(input_shape, layers, per_layer_macs: bool = True) -> dict:  # type: ignore[no-untyped-def]
    got = answers(spec_text(input_shape, layers))
    full = stack(layers, tuple(input_shape))
    shape = tuple(input_shape)
    for i, m in enumerate(full, 1):
        new = out_shape(m, shape)
        assert got[f"shape[{i}]"] == new, (i, layers[i - 1])
        assert got[f"params[{i}]"] == numel(m), (i, layers[i - 1])
        if per_layer_macs:
            assert got[f"macs[{i}]"] == hook_macs(m, shape), (i, layers[i - 1])
        bias = sum(p.numel() for n, p in m.named_parameters() if "bias" in n.split(".")[-1]
                   or n.endswith("in_proj_bias"))
        assert got[f"biases[{i}]"] == bias, (i, layers[i - 1])
        shape = new
    assert got["output"] == shape
    assert got["params"] == numel(full)
    assert got["weights"] + got["biases"] == numel(full)
    assert got["macs"] == hook_macs(full, tuple(input_shape))
    return got


# ---- the specs in problems/ ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["7-architecture-cnn.yaml", "7d-architecture-unknown-hidden.yaml",
                                  "7e-architecture-vgg16.yaml", "7f-architecture-resnet50.yaml"])
def test_problem_specs_match_torch(name):
    data = yaml.safe_load((ROOT / "problems" / name).read_text())
    layers = data["layers"]
    if name.startswith(("7e", "7f")):  # big: shapes and counts on the meta device, no compute
        with torch.device("meta"):
            got = check_against_torch(data["input"], layers, per_layer_macs=False)
        assert got["params"] == (138_357_544 if name.startswith("7e") else 25_557_032)
        return
    if name.startswith("7d"):  # the unknown, at the value the oracle finds by brute force
        hidden = [h for h in range(1, 300)  # brute force over torch's own modules
                  if numel(nn.LSTM(10, h, device="meta")) + numel(nn.Linear(h, 5, device="meta"))
                  == 2665]
        assert hidden == [20]
        layers = [{"lstm": {"hidden": 20, "output": "last"}}, {"linear": {"out": 5}}]
    check_against_torch(data["input"], layers)


# ---- receptive fields by autograd -----------------------------------------------------------
def rf_oracle(layers, channels: int, n_axes: int, size: int) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    """The extent of the input gradient of the centre output position, on an input of
    `size` per axis (large, so the field is not clipped). Pools become depthwise convolutions
    with the same windows (kernel, stride, padding, dilation), whose gradients are dense;
    every weight is 1."""
    swapped, c = [], channels
    for item in layers:
        (name, o), = item.items()
        if "pool" in name:
            o = {"out": c, "kernel": o["kernel"], "stride": o.get("stride") or o["kernel"],
                 "padding": o.get("padding", 0), "dilation": o.get("dilation", 1), "groups": c}
            name = "conv1d" if n_axes == 1 else "conv2d"
        c = o["out"]
        swapped.append({name: o})
    shape = (channels, *([size] * n_axes))
    net = stack(swapped, shape)
    for p in net.parameters():
        torch.nn.init.ones_(p)
    x = torch.zeros((1, *shape), requires_grad=True)
    y = net(x + 1)
    centre = tuple(s // 2 for s in y.shape[2:])
    y[(0, 0, *centre)].backward()
    nz = x.grad[0].abs().sum(0).nonzero()
    return tuple(int(nz[:, a].max() - nz[:, a].min() + 1) for a in range(nz.shape[1]))


# ---- random stacks ---------------------------------------------------------------------------
@st.composite
def conv_stacks(draw, n_axes: int):  # type: ignore[no-untyped-def]
    suffix = "1d" if n_axes == 1 else "2d"
    channels = draw(st.integers(1, 4))
    size = draw(st.integers(8, 24))
    layers = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "conv", "max", "avg"]))
        k = draw(st.integers(1, 4))
        s = draw(st.integers(1, 3))
        if kind == "conv":
            groups = draw(st.sampled_from([1, channels]))
            out = groups * draw(st.integers(1, 3))
            o = {"out": out, "kernel": k, "stride": s, "padding": draw(st.integers(0, 2)),
                 "dilation": draw(st.integers(1, 2)), "groups": groups,
                 "bias": draw(st.booleans())}
            layers.append({f"conv{suffix}": o})
            channels = out
        else:
            o = {"kernel": k, "stride": s, "padding": draw(st.integers(0, k // 2)),
                 "ceil_mode": draw(st.booleans())}
            if kind == "max":
                o["dilation"] = draw(st.integers(1, 2))
            layers.append({f"{kind}pool{suffix}": o})
    shape = [draw(st.integers(1, 4)), *([size] * n_axes)]
    shape[0] = layers and next(iter(layers[0].values())).get("groups", 1) * \
        draw(st.integers(1, 2)) if "conv" in next(iter(layers[0])) else shape[0]
    return shape, layers


def _torch_accepts(shape, layers) -> bool:  # type: ignore[no-untyped-def]
    try:
        cur = tuple(shape)
        for item in layers:
            m = module(item, cur)
            cur = out_shape(m, cur)
            if min(cur) < 1:
                return False
        return True
    except (RuntimeError, ValueError):
        return False


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([1, 2]).flatmap(conv_stacks))
def test_random_conv_pool_stacks_match_torch(case):
    shape, layers = case
    # the first conv's groups must divide the input channels; the strategy makes it so
    text = spec_text(shape, layers)
    if not _torch_accepts(shape, layers):
        with pytest.raises(SpecError):
            solve(load_string(text))
        return
    got = check_against_torch(shape, layers)
    field = got[f"receptive_field[{len(layers)}]"]
    big = 160 if len(shape) == 2 else 64
    assume(max(field) * 3 <= big)
    assert rf_oracle(layers, shape[0], len(shape) - 1, big) == tuple(field)


@settings(max_examples=12, deadline=None)
@given(cell=st.sampled_from(["rnn", "lstm", "gru"]), t=st.integers(1, 6),
       features=st.integers(1, 9), hidden=st.integers(1, 12), n_layers=st.integers(1, 3),
       bidirectional=st.booleans(), output=st.sampled_from(["sequence", "last"]),
       bias=st.booleans())
def test_random_recurrent_layers_match_torch(cell, t, features, hidden, n_layers,
                                             bidirectional, output, bias):
    layer = {cell: {"hidden": hidden, "layers": n_layers, "bidirectional": bidirectional,
                    "output": output, "bias": bias}}
    check_against_torch([t, features], [layer, {"linear": {"out": 3}}])


@settings(max_examples=15, deadline=None)
@given(t=st.integers(1, 7), heads=st.integers(1, 4), per_head=st.integers(1, 5),
       bias=st.booleans())
def test_attention_matches_torch(t, heads, per_head, bias):
    e = heads * per_head
    layers = [{"multihead_attention": {"heads": heads, "bias": bias}}, "layernorm",
              {"linear": {"out": 2}}]
    got = check_against_torch([t, e], layers)
    mha = nn.MultiheadAttention(e, heads, batch_first=True, bias=bias)
    x = torch.zeros(1, t, e)
    weights = mha(x, x, x, average_attn_weights=False)[1]  # (batch, heads, T, T)
    assert got["scores[1]"] == tuple(weights.shape[2:])
    assert got["d_k[1]"] == mha.head_dim


def test_embedding_transposed_conv_and_norms_match_torch():
    check_against_torch([12], [{"embedding": {"vocab": 50, "dim": 8}}, {"lstm": {"hidden": 6}},
                               "layernorm", {"linear": {"out": 4}}])
    check_against_torch([4, 7, 7], [{"conv_transpose2d": {"out": 3, "kernel": 3, "stride": 2,
                                                          "padding": 1, "output_padding": 1}},
                                    "batchnorm", {"adaptive_avgpool2d": {"output": 2}},
                                    "flatten", {"linear": {"out": 5}}])
    check_against_torch([4, 9, 9], [{"conv2d": {"out": 4, "kernel": 3, "groups": 4}},
                                    {"residual": {"layers": [{"conv2d": {"out": 8, "kernel": 3,
                                                                         "padding": 1}}],
                                                  "shortcut": [{"conv2d": {"out": 8,
                                                                           "kernel": 1}}]}},
                                    "global_avgpool"])


def test_padding_same_with_an_even_kernel_pads_after_as_torch_does():
    got = check_against_torch([2, 9, 10], [{"conv2d": {"out": 3, "kernel": [2, 4],
                                                       "padding": "same"}}])
    assert got["shape[1]"] == (3, 9, 10)


def test_ceil_mode_drops_a_window_that_starts_in_the_padding():
    got = check_against_torch([1, 5, 5], [{"maxpool2d": {"kernel": 2, "stride": 2, "padding": 1,
                                                         "ceil_mode": True}}])
    assert got["shape[1]"] == (1, 3, 3)  # not 4: the example


def test_every_spec_in_problems_still_loads():
    for path in sorted((ROOT / "problems").glob("7*-architecture-*.yaml")):
        solve(load(path))

"""Unknown sizes pinned by constraints, against brute force over torch's own modules."""

from __future__ import annotations

import torch
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from examsolve.problem import load_string, solve


def derive(input_shape, layers, constraints):  # type: ignore[no-untyped-def]
    text = yaml.safe_dump({"kind": "architecture", "title": "unknown", "input": input_shape,
                           "layers": layers, "constraints": constraints}, sort_keys=False)
    return solve(load_string(text))


def numel(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


@settings(max_examples=12, deadline=None)
@given(cell=st.sampled_from(["rnn", "lstm", "gru"]), features=st.integers(1, 40),
       hidden=st.integers(1, 120), bidirectional=st.booleans())
def test_hidden_size_from_a_parameter_count(cell, features, hidden, bidirectional):
    cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
    count = numel(cls(features, hidden, bidirectional=bidirectional, device="meta"))
    d = derive([5, features], [{cell: {"hidden": "h", "bidirectional": bidirectional}}],
               {"params": count})
    # the oracle's own search: every hidden size whose torch module has that many parameters
    # (a module's count grows with h, so the search stops once it passes the count)
    found, h = [], 1
    while (n := numel(cls(features, h, bidirectional=bidirectional, device="meta"))) <= count:
        if n == count:
            found.append(h)
        h += 1
    assert found == [hidden]
    got = d.answer_map()
    assert got["h"] == hidden
    assert got["shape[1]"] == (5, (2 if bidirectional else 1) * hidden)
    assert not d.warnings


def conv_out(size: int, **kw) -> int | None:  # type: ignore[no-untyped-def]
    """torch's output size, or None where torch refuses the layer."""
    with torch.device("meta"):
        try:
            return nn.Conv2d(1, 1, **kw)(torch.zeros(1, 1, size, size)).shape[-1]
        except RuntimeError:
            return None


def test_several_strides_fit_a_shape_each_is_listed_and_the_answer_is_null():
    solutions = [s for s in range(1, 200) if conv_out(32, kernel_size=3, stride=s) == 2]
    assert len(solutions) == 15  # s = 15 … 29
    d = derive([1, 32, 32], [{"conv2d": {"out": 1, "kernel": 3, "stride": "s"}}],
               {"shape[1]": [1, 2, 2]})
    assert d.answer_map()["s"] is None
    listed = ", ".join(f"s = {s}" for s in solutions[:6])
    assert d.warnings == (f"s not determined: the constraints hold for {len(solutions)} "
                          f"solutions ({listed.replace(', ', '; ')} and 9 more)",)


def test_one_stride_fits():
    solutions = [s for s in range(1, 200) if conv_out(32, kernel_size=3, stride=s) == 8]
    d = derive([1, 32, 32], [{"conv2d": {"out": 1, "kernel": 3, "stride": "s"}}],
               {"shape[1]": [1, 8, 8]})
    assert [d.answer_map()["s"]] == solutions == [4]


def test_padding_may_be_zero_and_kernel_and_padding_together():
    solutions = [(k, p) for k in range(1, 40) for p in range(0, 40)
                 if 2 * p < 64 and conv_out(32, kernel_size=k, padding=p) == 30
                 and numel(nn.Conv2d(3, 8, k, device="meta")) == 8 * 3 * 25 + 8]
    assert solutions == [(5, 1)]
    d = derive([3, 32, 32], [{"conv2d": {"out": 8, "kernel": "k", "padding": "p"}}],
               {"shape[1]": [8, 30, 30], "params": 8 * 3 * 25 + 8})
    got = d.answer_map()
    assert (got["k"], got["p"]) == solutions[0]
    assert got["macs"] == 8 * 30 * 30 * 3 * 5 * 5


def test_no_solution_is_null_with_a_warning():
    found = [h for h in range(1, 2000) if numel(nn.Linear(10, h, device="meta")) == 1000]
    assert found == []
    d = derive([10], [{"linear": {"out": "h"}}], {"params": 1000})
    assert d.answer_map()["h"] is None and d.answer_map()["params"] is None
    assert d.warnings == ("no whole h satisfies the constraints (searched h = 1 … 1000); the "
                          "unknowns are left undetermined",)

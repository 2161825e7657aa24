"""The shared torch oracle can fail: a wrong value or a wrong gradient is caught."""

from __future__ import annotations

import pytest
import torch

from oracles import helper_test_op, tensor

SPEC = """\
kind: backprop
title: one unit
given:
  x: [1, -2]
parameters:
  w: [[1/2, 1]]
  b: 1/4
model:
  - s = w @ x + b
  - p = sigmoid(s)
  - L = bce(p, 1)
"""


def leaves():
    return {"x": tensor([[1.0], [-2.0]]), "w": tensor([[0.5, 1.0]], grad=True),
            "b": tensor(0.25, grad=True)}


def forward(env, scale=1.0):
    s = env["w"] @ env["x"] + env["b"]
    p = torch.sigmoid(s)
    return {"s": s, "p": p, "L": -scale * torch.log(p).sum()}


def test_helper_accepts_the_same_computation():
    derivation = helper_test_op(SPEC, forward, leaves(), wrt=["w", "b"])
    assert not derivation.warnings


def test_helper_catches_a_wrong_value():
    with pytest.raises(AssertionError, match="L"):
        helper_test_op(SPEC, lambda env: forward(env, scale=1.001), leaves(), wrt=["w", "b"])


def test_helper_catches_a_wrong_gradient():
    def detached_bias(env):  # the same values, but b no longer reaches the loss's graph
        return forward({**env, "b": env["b"].detach() * 0 + 0.25})
    with pytest.raises(AssertionError, match="gradient for b"):
        helper_test_op(SPEC, detached_bias, leaves(), wrt=["w", "b"])


def test_helper_catches_a_gradient_that_differs():
    def halved_weight_gradient(env):
        w = env["w"]
        w_half = w * 0.5 + (w * 0.5).detach()  # value w, gradient halved
        return forward({**env, "w": w_half})
    with pytest.raises(AssertionError, match="dL/dw"):
        helper_test_op(SPEC, halved_weight_gradient, leaves(), wrt=["w", "b"])

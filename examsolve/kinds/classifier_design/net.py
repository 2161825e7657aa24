"""The two-layer network of the classifier-design kind and its exact forward pass.

    z = W1 x + b1          (H hidden pre-activations)
    h = ReLU(z)            (ReLU(0) = 0)
    s = w2 · h + b2        (the output pre-activation)
    p = σ(s) = 1 / (1 + e^(−s))

A point is predicted to be of the positive class when p > 0.5, i.e. when s > 0; p = 0.5
(s = 0) is on the boundary and counts as classified by neither class.
Everything up to s is rational, so it is computed in Fractions; only p is a float.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

Vector = tuple[Fraction, ...]


@dataclass(frozen=True)
class Point:
    """A labelled point of the spec; `line` is its line in the spec file."""

    x: Vector
    label: str
    line: int


@dataclass(frozen=True)
class Model:
    """W1 (H×D), b1 (H), w2 (H), b2: the parameters of the network above."""

    W1: tuple[Vector, ...]
    b1: Vector
    w2: Vector
    b2: Fraction

    @property
    def hidden(self) -> int:
        return len(self.W1)


@dataclass(frozen=True)
class Forward:
    """One point through the network."""

    z: Vector
    h: Vector
    s: Fraction
    p: float


def relu(v: Fraction) -> Fraction:
    return v if v > 0 else Fraction(0)


def sigmoid(s: Fraction) -> float:
    """σ(s), written so that neither branch overflows for large |s|."""
    x = float(s)
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def forward(model: Model, x: Vector) -> Forward:
    """The exact forward pass of one point (module docstring)."""
    z = tuple(sum((w * xi for w, xi in zip(row, x)), Fraction(0)) + b
              for row, b in zip(model.W1, model.b1))
    h = tuple(relu(v) for v in z)
    s = sum((w * hj for w, hj in zip(model.w2, h)), Fraction(0)) + model.b2
    return Forward(z, h, s, sigmoid(s))


def sign_of(target_positive: bool) -> int:
    """The sign s must have for a point: +1 for the positive class, −1 otherwise."""
    return 1 if target_positive else -1

"""The three learning rules, run exactly, presentation by presentation.

With net = w·x + b (or w·x − θ) and y = f(net) the thresholded output before the update:

    perceptron   w ← w + η(t − y)x,     b ← b + η(t − y)      (θ ← θ − η(t − y))
    Hebb         w ← w + η·t·x,         b ← b + η·t           (θ ← θ − η·t)
    delta        w ← w + η(t − net)x,   b ← b + η(t − net)    (θ ← θ − η(t − net))

The perceptron and Hebb rules only ever add integer multiples of ηx to w, so w and b keep
one fixed denominator S: the loop runs on Python integers (W = S·w, X = D·x), exact and
about as fast as a numpy loop, and converts to fractions only what is shown. The delta rule's
t − net has no fixed denominator, so it runs on Fractions (its size limit is lower).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from operator import mul

from examsolve.kinds.perceptron.spec import PerceptronSpec


@dataclass(frozen=True)
class Trace:
    """Every presentation k = 1…K, column by column, in scaled integers (or Fractions).

    w(k) and offset(k) are after the k-th presentation (k = 0: the start), net(k), y(k) and
    coefficient(k) at it: the update adds η·coefficient(k)·x (coefficient t − y, t or t − net).
    """

    point: tuple[int, ...]  # the point presented at k (index into spec.points)
    nets: tuple[int | Fraction, ...]  # net · net_scale
    outputs: tuple[int, ...]
    coefficients: tuple[int | Fraction, ...]
    weights: tuple[tuple[int | Fraction, ...], ...]  # w · weight_scale, k = 0…K
    offsets: tuple[int | Fraction, ...]  # b (or θ) · weight_scale, k = 0…K
    weight_scale: int
    net_scale: int
    errors: tuple[int, ...]  # presentations with y ≠ t, per epoch
    converged: bool  # an epoch ended with no error (the perceptron rule stops there)

    @property
    def presentations(self) -> int:
        return len(self.point)

    @property
    def epochs(self) -> int:
        return len(self.errors)

    def net(self, k: int) -> Fraction:
        return Fraction(self.nets[k - 1], self.net_scale)

    def y(self, k: int) -> int:
        return self.outputs[k - 1]

    def coefficient(self, k: int) -> Fraction:
        return Fraction(self.coefficients[k - 1])

    def w(self, k: int) -> tuple[Fraction, ...]:
        return tuple(Fraction(v, self.weight_scale) for v in self.weights[k])

    def offset(self, k: int) -> Fraction:
        return Fraction(self.offsets[k], self.weight_scale)


def output(net: object, low: int, at_zero: int) -> int:
    """step (low = 0) or sign (low = −1): 1 above 0, `low` below, `at_zero` at 0."""
    return 1 if net > 0 else low if net < 0 else at_zero  # type: ignore[operator]


def train(spec: PerceptronSpec) -> Trace:
    """Run spec.rule over the points in order for spec.epochs epochs (or until an epoch with
    no error, for `until: converged`)."""
    if spec.rule == "delta":
        return _train_delta(spec)
    return _train_integer(spec)


def _train_integer(spec: PerceptronSpec) -> Trace:
    lr = spec.lr
    x_scale = math.lcm(*(q.denominator for p in spec.points for q in p.x))
    w_scale = math.lcm(lr.denominator * x_scale, spec.offset.denominator,
                       *(q.denominator for q in spec.weights))
    xs = [[int(q * x_scale) for q in p.x] for p in spec.points]
    steps = [[int(w_scale * lr * q) for q in p.x] for p in spec.points]  # S·η·x, exact ints
    step_offset = int(w_scale * lr) if spec.learn_offset else 0
    sign = -1 if spec.threshold else 1  # net = w·x − θ
    weights = [int(q * w_scale) for q in spec.weights]
    offset = int(spec.offset * w_scale)
    low, at_zero = spec.targets[0], spec.at_zero
    hebb = spec.rule == "hebb"
    points, nets, outs, coefs = [], [], [], []
    history_w, history_b = [tuple(weights)], [offset]
    errors: list[int] = []
    converged = False
    targets = [p.t for p in spec.points]
    for _epoch in range(spec.epochs):
        wrong = 0
        for i, (x, step, t) in enumerate(zip(xs, steps, targets)):
            net = sum(map(mul, weights, x)) + sign * offset * x_scale
            y = 1 if net > 0 else low if net < 0 else at_zero
            c = t if hebb else t - y
            if y != t:
                wrong += 1
            if c:
                weights = [a + c * s for a, s in zip(weights, step)]
                offset += sign * c * step_offset
            points.append(i)
            nets.append(net)
            outs.append(y)
            coefs.append(c)
            history_w.append(weights)  # type: ignore[arg-type]
            history_b.append(offset)
        errors.append(wrong)
        if wrong == 0 and not hebb:
            converged = True
            if spec.until_converged:
                break
    return Trace(tuple(points), tuple(nets), tuple(outs), tuple(coefs),
                 tuple(map(tuple, history_w)), tuple(history_b), w_scale, w_scale * x_scale,
                 tuple(errors), converged)


def _train_delta(spec: PerceptronSpec) -> Trace:
    lr, sign = spec.lr, -1 if spec.threshold else 1
    weights, offset = list(spec.weights), spec.offset
    low, at_zero = spec.targets[0], spec.at_zero
    points, nets, outs, coefs = [], [], [], []
    history_w, history_b = [tuple(weights)], [offset]
    errors: list[int] = []
    for _epoch in range(spec.epochs):
        wrong = 0
        for i, p in enumerate(spec.points):
            net = sum(map(mul, weights, p.x), Fraction(0)) + sign * offset
            y = output(net, low, at_zero)
            c = p.t - net
            wrong += y != p.t
            if c:
                weights = [a + lr * c * q for a, q in zip(weights, p.x)]
                if spec.learn_offset:
                    offset += sign * lr * c
            points.append(i)
            nets.append(net)
            outs.append(y)
            coefs.append(c)
            history_w.append(tuple(weights))
            history_b.append(offset)
        errors.append(wrong)
    return Trace(tuple(points), tuple(nets), tuple(outs), tuple(coefs), tuple(history_w),
                 tuple(history_b), 1, 1, tuple(errors), errors[-1] == 0)

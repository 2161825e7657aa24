"""The three learning rules, run exactly, presentation by presentation.

With net = w·x + b (or w·x − θ) and y = f(net) the thresholded output before the update:

    perceptron   w ← w + η(t − y)x,     b ← b + η(t − y)      (θ ← θ − η(t − y))
    Hebb         w ← w + η·t·x,         b ← b + η·t           (θ ← θ − η·t)
    delta        w ← w + η(t − net)x,   b ← b + η(t − net)    (θ ← θ − η(t − net))

The perceptron and Hebb rules only ever add integer multiples of ηx to w, so w and b keep
one fixed denominator S: the loop runs on Python integers (W = S·w, X = D·x), exact and
about as fast as a numpy loop, and converts to fractions only what is shown. The delta rule's
t − net has no fixed denominator, so it runs on Fractions (its size limits are lower).

The trace keeps the weights only where they change; net, y and the update's coefficient
at any presentation are recomputed from the weights before it, exactly as in the loop.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from fractions import Fraction
from operator import mul

from examsolve.errors import SpecError
from examsolve.kinds.perceptron.spec import PerceptronSpec, max_delta_digits


@dataclass(frozen=True)
class Trace:
    """The run: the weights after every change, the errors per epoch, and what is needed to
    recompute any presentation k = 1…K (the point presented at k is (k − 1) mod n)."""

    spec: PerceptronSpec
    changed_at: tuple[int, ...]  # k of every change (0: the start), increasing
    weights: tuple[tuple[int | Fraction, ...], ...]  # w · weight_scale after each change
    offsets: tuple[int | Fraction, ...]  # b (or θ) · weight_scale after each change
    weight_scale: int
    presentations: int
    errors: tuple[int, ...]  # presentations with y ≠ t, per epoch
    converged: bool  # the perceptron rule had an epoch with no error

    @property
    def epochs(self) -> int:
        return len(self.errors)

    def point(self, k: int) -> int:
        """The index of the point presented at k."""
        return (k - 1) % len(self.spec.points)

    def _change(self, k: int) -> int:
        return bisect_right(self.changed_at, k) - 1

    def w(self, k: int) -> tuple[Fraction, ...]:
        """The weights after presentation k (k = 0: the start)."""
        return tuple(Fraction(v, self.weight_scale) for v in self.weights[self._change(k)])

    def offset(self, k: int) -> Fraction:
        return Fraction(self.offsets[self._change(k)], self.weight_scale)

    def net(self, k: int) -> Fraction:
        """The net input at presentation k, from the weights before it."""
        x = self.spec.points[self.point(k)].x
        sign = -1 if self.spec.threshold else 1
        return sum(map(mul, self.w(k - 1), x), Fraction(0)) + sign * self.offset(k - 1)

    def y(self, k: int) -> int:
        return output(self.net(k), self.spec.targets[0], self.spec.at_zero)

    def coefficient(self, k: int) -> Fraction:
        """What the rule multiplies ηx by at k: t − y, t, or t − net."""
        t = self.spec.points[self.point(k)].t
        rule = self.spec.rule
        return Fraction(t) if rule == "hebb" else t - self.net(k) if rule == "delta" \
            else Fraction(t - self.y(k))

    def changed(self, k: int) -> bool:
        """Whether presentation k was an update (its coefficient is not 0)."""
        return k > 0 and self.changed_at[self._change(k)] == k

    def updates(self, first: int, last: int) -> int:
        """How many of the presentations first…last were updates."""
        return bisect_right(self.changed_at, last) - bisect_left(self.changed_at, first)


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
    sign = -1 if spec.threshold else 1  # net = w·x − θ
    step_offset = sign * int(w_scale * lr) if spec.learn_offset else 0
    # Per point: X = D·x, S·η·x (exact integers), the target.
    data = [([int(q * x_scale) for q in p.x], [int(w_scale * lr * q) for q in p.x], p.t)
            for p in spec.points]
    weights = [int(q * w_scale) for q in spec.weights]
    offset = int(spec.offset * w_scale)
    low, at_zero = spec.targets[0], spec.at_zero
    hebb = spec.rule == "hebb"
    changed_at, history_w, history_b = [0], [weights], [offset]
    errors: list[int] = []
    converged = False
    k = 0
    for _epoch in range(spec.epochs):
        wrong = 0
        for x, step, t in data:
            k += 1
            net = sum(map(mul, weights, x)) + sign * offset * x_scale
            y = 1 if net > 0 else low if net < 0 else at_zero
            if y != t:
                wrong += 1
            c = t if hebb else t - y
            if c:
                weights = [a + c * s for a, s in zip(weights, step)]
                offset += c * step_offset
                changed_at.append(k)
                history_w.append(weights)
                history_b.append(offset)
        errors.append(wrong)
        if wrong == 0 and not hebb:
            converged = True
            if spec.until_converged:
                break
    return Trace(spec, tuple(changed_at), tuple(map(tuple, history_w)), tuple(history_b),
                 w_scale, k, tuple(errors), converged)


def _train_delta(spec: PerceptronSpec) -> Trace:
    lr, sign = spec.lr, -1 if spec.threshold else 1
    max_bits = int(max_delta_digits(spec.inputs) * math.log2(10))
    weights, offset = list(spec.weights), spec.offset
    low, at_zero = spec.targets[0], spec.at_zero
    changed_at, history_w, history_b = [0], [tuple(weights)], [offset]
    errors: list[int] = []
    k = 0
    for _epoch in range(spec.epochs):
        wrong = 0
        for p in spec.points:
            k += 1
            net = sum(map(mul, weights, p.x), Fraction(0)) + sign * offset
            if net.numerator.bit_length() + net.denominator.bit_length() > max_bits:
                file, line, path = spec.length_at
                raise SpecError(
                    f"the delta rule's exact net input passed {max_delta_digits(spec.inputs)} "
                    f"digits at presentation {k} (exact fractions grow with every step, and "
                    "fast when the rule diverges): run fewer epochs or use a smaller lr",
                    file, line, path)
            wrong += output(net, low, at_zero) != p.t
            step = lr * (p.t - net)
            if step:
                weights = [a + step * q for a, q in zip(weights, p.x)]
                if spec.learn_offset:
                    offset += sign * step
                changed_at.append(k)
                history_w.append(tuple(weights))
                history_b.append(offset)
        errors.append(wrong)
    return Trace(spec, tuple(changed_at), tuple(history_w), tuple(history_b), 1, k,
                 tuple(errors), False)

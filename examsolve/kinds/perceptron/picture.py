"""The trained unit's decision regions on the plane of its two inputs, as a `RegionMap`
(examsolve/chart.py) for documents written to a file: where the final weights output 1,
the points marked by their targets (× for 1, ○ for the other). No text form: the check
table already says where each point falls.

The box is the points' bounding box widened by a quarter of its size (at least 1 when all
points share a coordinate); net = w·x + b (or w·x − θ) is evaluated in floats on the
samples, which is fine for a picture (the derivation's table is exact).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from examsolve.chart import Marked, RegionMap
from examsolve.kinds.perceptron.spec import PerceptronSpec

SAMPLES = 161


def _axis(values: list[Fraction]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) / 4
    return float(lo - pad), float(hi + pad)


def region_chart(spec: PerceptronSpec, w: tuple[Fraction, ...], offset: Fraction) -> RegionMap:
    """Where net > 0 (or net = 0 when the convention outputs 1 there), with every point."""
    low = spec.targets[0]
    (x0, x1) = _axis([p.x[0] for p in spec.points])
    (y0, y1) = _axis([p.x[1] for p in spec.points])
    xs, ys = np.meshgrid(np.linspace(x0, x1, SAMPLES), np.linspace(y0, y1, SAMPLES))
    sign = -1 if spec.threshold else 1
    # Scaled exactly by the largest |parameter| first: a diverging rule's weights can pass
    # the largest float, and the sign of net is all the picture needs.
    scale = max(abs(w[0]), abs(w[1]), abs(offset)) or Fraction(1)
    a, b, c = (float(Fraction(v) / scale) for v in (w[0], w[1], sign * offset))
    net = a * xs + b * ys + c
    inside = (net > 0) | ((net == 0) & (spec.at_zero == 1))
    groups = tuple(Marked(f"target {t}", glyph, tuple((float(p.x[0]), float(p.x[1]))
                                                      for p in spec.points if p.t == t))
                   for t, glyph in ((1, "×"), (low, "○")))
    return RegionMap("Decision regions of the trained unit", "x₁", "x₂", (x0, x1), (y0, y1),
                     ("unit outputs 1", f"unit outputs {low}"), groups,
                     tuple(tuple(bool(v) for v in row) for row in inside))

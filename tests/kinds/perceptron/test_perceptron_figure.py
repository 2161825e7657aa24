"""The trained unit's decision-region figure: the colour drawn at a pixel is the output the
final weights give there, computed here with numpy from the derivation's answers w and θ
(the unit fires when w·x ≥ θ, as the spec states); the point marks are the spec's points
by target. Pixels are read from matplotlib's Agg canvas through the axes' own transform."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from conftest import colour_reader, rgb
from examsolve.chart import RegionMap
from examsolve.derivation import Figure
from examsolve.problem import load, solve
from examsolve.render.drawings import REGION_COLOURS

PROBLEMS = Path(__file__).resolve().parents[3] / "problems"


def test_or_unit_regions_are_where_w_dot_x_reaches_theta():
    problem = load(PROBLEMS / "7b-perceptron-or-threshold.yaml")
    derivation = solve(problem)
    (chart,) = [b.chart for s in derivation.steps for b in s.blocks
                if isinstance(b, Figure) and isinstance(b.chart, RegionMap)]
    answers = derivation.answer_map()
    w = np.array(answers["w"], dtype=float)
    theta = float(answers["theta"])
    assert [len(g.points) for g in chart.points] == [3, 1]  # OR: three 1s, one 0

    colour_at = colour_reader(chart)
    rng = np.random.default_rng(1)
    (x0, x1), (y0, y1) = chart.x_range, chart.y_range
    checked = 0
    for x, y in zip(rng.uniform(x0 + 0.05, x1 - 0.05, 300), rng.uniform(y0 + 0.05, y1 - 0.05, 300)):
        net = w @ [x, y] - theta
        if abs(net) < 0.03 or any(np.hypot(x - a, y - b) < 0.1 for g in chart.points
                                  for a, b in g.points):
            continue
        want = REGION_COLOURS[0] if net >= 0 else REGION_COLOURS[1]
        assert np.abs(colour_at(x, y) - rgb(want)).max() <= 2, (x, y)
        checked += 1
    assert checked > 150

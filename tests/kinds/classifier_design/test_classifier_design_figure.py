"""The decision-region figure: the colour drawn at a pixel is the class an independent
computation gives there.

The drawing is rendered on matplotlib's Agg canvas and read back as RGBA pixels; a data
point maps to its pixel by the axes' own transform (matplotlib's, not examsolve's). Oracles:
a numpy forward pass of the net whose weights the derivation answers (ReLU, then the sign
of s), and for the rectangle the rectangle itself, as the spec states it. Sample points near
a boundary or a marker are skipped (a pixel there mixes colours).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from conftest import colour_reader, rgb
from examsolve.chart import RegionMap
from examsolve.derivation import Figure
from examsolve.problem import load, solve
from examsolve.questions import sheet
from examsolve.render.drawings import REGION_COLOURS

PROBLEMS = Path(__file__).resolve().parents[3] / "problems"


def region_chart(derivation) -> RegionMap:
    (chart,) = [b.chart for s in derivation.steps for b in s.blocks
                if isinstance(b, Figure) and isinstance(b.chart, RegionMap)]
    return chart


def assert_classes(chart: RegionMap, truth, margin) -> int:
    """Every sample point away from boundaries and markers has the colour of its class."""
    colour_at = colour_reader(chart)
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = chart.x_range, chart.y_range
    marks = [p for group in chart.points for p in group.points]
    checked = 0
    inset_x, inset_y = 0.03 * (x1 - x0), 0.03 * (y1 - y0)  # off the axes' frame
    for x, y in zip(rng.uniform(x0 + inset_x, x1 - inset_x, 400),
                    rng.uniform(y0 + inset_y, y1 - inset_y, 400)):
        if margin(x, y) or any(np.hypot(x - a, y - b) < 0.06 * (x1 - x0) for a, b in marks):
            continue
        want = rgb(REGION_COLOURS[0] if truth(x, y) else REGION_COLOURS[1])
        assert np.abs(colour_at(x, y) - want).max() <= 2, (x, y)
        checked += 1
    return checked


def test_network_regions_match_a_numpy_forward_pass():
    derivation = solve(load(PROBLEMS / "1-classifier-design.yaml"))
    answers = derivation.answer_map()
    W1 = np.array(answers["W1"], dtype=float)
    b1 = np.array(answers["b1"], dtype=float)
    w2 = np.array(answers["w2"], dtype=float).reshape(-1)
    b2 = float(answers["b2"])

    def s(x, y):
        return w2 @ np.maximum(W1 @ np.array([x, y]) + b1, 0) + b2
    chart = region_chart(derivation)
    span = chart.x_range[1] - chart.x_range[0]
    # near s = 0 a pixel straddles the boundary: |s| small relative to the slopes (≤ 4)
    assert assert_classes(chart, lambda x, y: s(x, y) > 0,
                          lambda x, y: abs(s(x, y)) < 0.05 * span * 4) > 150


def test_threshold_rectangle_regions_match_the_rectangle():
    chart = region_chart(solve(load(PROBLEMS / "1e-threshold-rectangle.yaml")))
    # region: [[4, 6], [7, 6], [7, 2], [4, 2]]
    def inside(x, y):
        return 4 < x < 7 and 2 < y < 6

    def near_edge(x, y):
        return min(abs(x - 4), abs(x - 7), abs(y - 2), abs(y - 6)) < 0.2
    assert assert_classes(chart, inside, near_edge) > 150


def test_question_sheet_shows_the_points_and_no_regions():
    problem = load(PROBLEMS / "1-classifier-design.yaml")
    chart = region_chart(sheet(problem))
    assert chart.inside is None
    drawn = sorted((p, group.label) for group in chart.points for p in group.points)
    assert drawn == sorted(((float(pt.x[0]), float(pt.x[1])), pt.label)
                           for pt in problem.spec.points)
    colour_at = colour_reader(chart)
    for colour in REGION_COLOURS:  # no pixel of a region fill anywhere on the axes
        (x0, x1), (y0, y1) = chart.x_range, chart.y_range
        for x in np.linspace(x0, x1, 15)[1:-1]:
            for y in np.linspace(y0, y1, 15)[1:-1]:
                assert np.abs(colour_at(x, y) - rgb(colour)).max() > 10

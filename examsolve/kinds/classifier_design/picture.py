"""Pictures of a 2-D classifier: its decision regions on a character grid for the terminal,
and the same regions as a `RegionMap` (examsolve/chart.py) for document figures; the points
on top (× for the positive class, ○ for the other).

The grid is laid out so the data's bounding box, widened by a quarter of its size on every
side, maps onto 49 × 25 cells: the smallest and largest coordinates then fall exactly on
cells (columns 8 and 40, rows 4 and 20), and two columns per row keep the aspect near 1:1.
The RegionMap samples the same box on a finer grid. Cells are shaded where the model
predicts the positive class: for the ReLU/sigmoid net where p > 0.5 (s > 0), for a
threshold net where its output is 1. Both are computed in floats, which is fine for a
picture (the derivation's table is exact).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Sequence

import numpy as np

from examsolve.chart import Marked, RegionMap
from examsolve.numbers import format_number
from examsolve.kinds.classifier_design.net import Model
from examsolve.kinds.classifier_design.threshold import ThresholdNet

COLS, ROWS = 49, 25
SAMPLES = 161  # per axis of a RegionMap: fine enough for a page, 26 000 booleans
SHADE, BLANK = "░", " "
POSITIVE_MARK, NEGATIVE_MARK = "×", "○"

Box = tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]
# The model on a grid: x and y arrays of one shape → where it predicts the positive class.
Inside = Callable[[np.ndarray, np.ndarray], np.ndarray]
# A point to draw: its coordinates and the glyph of its class.
Mark = tuple[Sequence[Fraction], str]


def _axis(values: list[Fraction]) -> tuple[Fraction, Fraction]:
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) / 4
    return lo - pad, hi + pad


def box_of(marks: list[Mark]) -> Box:
    """The points' bounding box widened by a quarter of its size on every side."""
    return _axis([Fraction(x[0]) for x, _ in marks]), _axis([Fraction(x[1]) for x, _ in marks])


def net_inside(model: Model) -> Inside:
    """Where the ReLU/sigmoid net has s > 0 (p > 0.5)."""
    W1 = np.array([[float(v) for v in row] for row in model.W1])
    b1 = np.array([float(b) for b in model.b1])
    w2 = np.array([float(v) for v in model.w2])

    def inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        z = W1[:, 0, None, None] * x + W1[:, 1, None, None] * y + b1[:, None, None]
        return np.tensordot(w2, np.maximum(z, 0), axes=1) + float(model.b2) > 1e-12
    return inside


def threshold_inside(net: ThresholdNet) -> Inside:
    """Where the threshold net outputs 1 (its units run in order, on floats)."""
    def inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        values = {"x1": x, "x2": y}
        for unit in net.units:
            z = sum(float(w) * values[i] for w, i in zip(unit.weights, unit.inputs)) + \
                float(unit.bias)
            if unit is net.units[-1]:  # the output unit, maybe of its own family
                high_at_zero = net.at_zero == 1 and net.out_activation != "sigmoid"
                return (z > 0) | ((z == 0) & high_at_zero)
            low = 0.0 if net.activation == "step" else -1.0
            values[unit.name] = np.where(z > 0, 1.0, np.where(z < 0, low, float(net.at_zero)))
        raise ValueError("a net has an output unit")
    return inside


def decision_picture(inside: Inside | None, marks: list[Mark], axis_names: tuple[str, str],
                     box: Box) -> str:
    """The picture described in the module docstring, with ticks at the data's extremes;
    `inside` None: the points alone (a question sheet)."""
    (x_lo, x_hi), (y_lo, y_hi) = box
    xs = np.linspace(float(x_lo), float(x_hi), COLS)
    ys = np.linspace(float(y_hi), float(y_lo), ROWS)
    if inside is None:
        cells = [[BLANK] * COLS for _ in range(ROWS)]
    else:
        shaded = inside(*np.meshgrid(xs, ys))
        cells = [[SHADE if v else BLANK for v in row] for row in shaded]

    def column(v: Fraction) -> int:
        return round((Fraction(v) - x_lo) / (x_hi - x_lo) * (COLS - 1))

    def row(v: Fraction) -> int:
        return round((y_hi - Fraction(v)) / (y_hi - y_lo) * (ROWS - 1))

    for x, glyph in marks:
        cells[row(x[1])][column(x[0])] = glyph
    y_ticks = {row(v): _tick(v) for v in (min(x[1] for x, _ in marks),
                                                  max(x[1] for x, _ in marks))}
    width = max(len(t) for t in y_ticks.values())
    lines = [" " * (width + 1) + axis_names[1]]
    for r, cells_row in enumerate(cells):
        tick = y_ticks.get(r)
        lines.append((tick.rjust(width) + " ┤" if tick else " " * width + " │")
                     + "".join(cells_row))
    lines.append(" " * width + " └" + "─" * COLS)
    labels = [" "] * (COLS + 4)
    for v in (min(x[0] for x, _ in marks), max(x[0] for x, _ in marks)):
        text = _tick(v)
        start = max(0, column(v) - len(text) // 2)
        labels[start:start + len(text)] = list(text)
    lines.append(" " * (width + 2) + "".join(labels).rstrip() + "  " + axis_names[0])
    return "\n".join(lines)


def _tick(v: Fraction) -> str:
    """An axis label, with the typographic minus the derivation's numbers use."""
    return format_number(v).replace("-", "−")


def region_map(title: str, inside: Inside | None, groups: list[tuple[str, str, list]],
               axis_names: tuple[str, str], box: Box,
               regions: tuple[str, str]) -> RegionMap:
    """The regions sampled on SAMPLES × SAMPLES points of `box` (row 0 at the bottom), and
    the points as `groups` of (legend label, glyph, coordinates)."""
    (x_lo, x_hi), (y_lo, y_hi) = box
    cells = None
    if inside is not None:
        xs = np.linspace(float(x_lo), float(x_hi), SAMPLES)
        ys = np.linspace(float(y_lo), float(y_hi), SAMPLES)
        cells = tuple(tuple(bool(v) for v in row) for row in inside(*np.meshgrid(xs, ys)))
    points = tuple(Marked(label, glyph, tuple((float(x[0]), float(x[1])) for x in xs))
                   for label, glyph, xs in groups)
    return RegionMap(title, axis_names[0], axis_names[1], (float(x_lo), float(x_hi)),
                     (float(y_lo), float(y_hi)), regions, points, cells)

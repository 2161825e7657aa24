"""A terminal picture of a 2-D classifier: its decision regions on a character grid, the points
on top (× for the positive class, ○ for the other).

The grid is laid out so the data's bounding box, widened by a quarter of its size on every
side, maps onto 49 × 25 cells: the smallest and largest coordinates then fall exactly on
cells (columns 8 and 40, rows 4 and 20), and two columns per row keep the aspect near 1:1.
Cells are shaded where p > 0.5 (s > 0); s is computed in floats, which is fine for a picture.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from examsolve.numbers import format_number
from examsolve.kinds.classifier_design.net import Model, Point

COLS, ROWS = 49, 25
SHADE, BLANK = "░", " "
POSITIVE_MARK, NEGATIVE_MARK = "×", "○"


def _axis(values: list[Fraction]) -> tuple[Fraction, Fraction]:
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) / 4
    return lo - pad, hi + pad


def decision_picture(model: Model, points: tuple[Point, ...], positive: str,
                     axis_names: tuple[str, str]) -> str:
    """The picture described in the module docstring, with ticks at the data's extremes."""
    x_lo, x_hi = _axis([p.x[0] for p in points])
    y_lo, y_hi = _axis([p.x[1] for p in points])
    xs = np.linspace(float(x_lo), float(x_hi), COLS)
    ys = np.linspace(float(y_hi), float(y_lo), ROWS)
    grid_x, grid_y = np.meshgrid(xs, ys)
    W1 = np.array([[float(v) for v in row] for row in model.W1])
    z = W1[:, 0, None, None] * grid_x + W1[:, 1, None, None] * grid_y + \
        np.array([float(b) for b in model.b1])[:, None, None]
    s = np.tensordot(np.array([float(v) for v in model.w2]), np.maximum(z, 0), axes=1) + \
        float(model.b2)
    cells = [[SHADE if v > 1e-12 else BLANK for v in row] for row in s]

    def column(v: Fraction) -> int:
        return round((v - x_lo) / (x_hi - x_lo) * (COLS - 1))

    def row(v: Fraction) -> int:
        return round((y_hi - v) / (y_hi - y_lo) * (ROWS - 1))

    for point in points:
        cells[row(point.x[1])][column(point.x[0])] = \
            POSITIVE_MARK if point.label == positive else NEGATIVE_MARK
    y_ticks = {row(v): format_number(v) for v in (min(p.x[1] for p in points),
                                                  max(p.x[1] for p in points))}
    width = max(len(t) for t in y_ticks.values())
    lines = [" " * (width + 1) + axis_names[1]]
    for r, cells_row in enumerate(cells):
        tick = y_ticks.get(r)
        lines.append((tick.rjust(width) + " ┤" if tick else " " * width + " │")
                     + "".join(cells_row))
    lines.append(" " * width + " └" + "─" * COLS)
    labels = [" "] * (COLS + 4)
    for v in (min(p.x[0] for p in points), max(p.x[0] for p in points)):
        text = format_number(v)
        start = max(0, column(v) - len(text) // 2)
        labels[start:start + len(text)] = list(text)
    lines.append(" " * (width + 2) + "".join(labels).rstrip() + "  " + axis_names[0])
    return "\n".join(lines)

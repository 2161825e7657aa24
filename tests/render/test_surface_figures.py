"""Surface figures: error-surface curves and contours with their stationary points, and the
optimizer's path over the loss.

Oracles written here: sympy's own solve of ∇f = 0 and numpy's eigenvalues of the Hessian
for the marked points and their types, the function evaluated directly with numpy for the
plotted values, and torch.optim (SGD, SGD with momentum) for the path. The drawn figure is
checked through the Line2D data matplotlib holds (the path) — not the code under test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sympy
import torch

from examsolve.chart import Surface
from examsolve.derivation import Figure
from examsolve.problem import load, solve
from examsolve.render.figure import draw

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"


def surfaces(derivation) -> list[Surface]:
    return [b.chart for s in derivation.steps for b in s.blocks
            if isinstance(b, Figure) and isinstance(b.chart, Surface)]


def test_quartic_contours_mark_every_stationary_point_by_type():
    (chart,) = surfaces(solve(load(PROBLEMS / "7-error-surface-quartic.yaml")))
    x, y = sympy.symbols("x y")
    f = x**4 - 32 * x**2 + y**4 - 18 * y**2
    crit = sympy.solve([f.diff(x), f.diff(y)], [x, y], dict=True)
    expected: dict[str, set] = {}
    for p in crit:
        h = np.array(sympy.hessian(f, (x, y)).subs(p).tolist(), dtype=float)
        ev = np.linalg.eigvalsh(h)
        kind = "minimum" if ev.min() > 0 else "maximum" if ev.max() < 0 else "saddle point"
        expected.setdefault(kind, set()).add((float(p[x]), float(p[y])))
    marked = {m.label: set(m.points) for m in chart.marks if m.label != "the given point"}
    assert marked == expected
    given = next(m for m in chart.marks if m.label == "the given point")
    assert given.points == ((2.0, 2.0),)
    X, Y = np.meshgrid(chart.xs, chart.ys)
    np.testing.assert_allclose(np.array(chart.values), X**4 - 32 * X**2 + Y**4 - 18 * Y**2,
                               rtol=1e-12, atol=1e-9)
    for m in chart.marks:  # every point inside the plotted box
        for px, py in m.points:
            assert chart.xs[0] < px < chart.xs[-1] and chart.ys[0] < py < chart.ys[-1]


def test_one_dimensional_curve_is_f_and_marks_sit_on_it():
    (chart,) = surfaces(solve(load(PROBLEMS / "7c-error-surface-1d.yaml")))
    xs = np.array(chart.xs)
    np.testing.assert_allclose(chart.values, xs**4 / 4 - xs**3 - 2 * xs**2 + 7, rtol=1e-12)
    marks = {m.label: m.points for m in chart.marks}
    assert sorted(p[0] for p in marks["minimum"]) == [-1.0, 4.0]
    assert [p[0] for p in marks["maximum"]] == [0.0]
    for px, py in marks["minimum"] + marks["maximum"]:
        assert py == pytest.approx(px**4 / 4 - px**3 - 2 * px**2 + 7)


def path_lines(chart: Surface) -> list[tuple[list, list]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure()
    FigureCanvasAgg(fig)
    axes = fig.subplots()
    draw(axes, chart)
    return [(list(ln.get_xdata()), list(ln.get_ydata())) for ln in axes.get_lines()]


def test_one_parameter_path_follows_torch_sgd_on_the_loss_curve():
    (chart,) = surfaces(solve(load(PROBLEMS / "7-optimizer-sgd-polynomial.yaml")))
    p = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    want = []
    for _ in range(3):
        opt.zero_grad()
        loss = (2 * p + 3) ** 2
        want.append((p.item(), loss.item()))
        loss.backward()
        opt.step()
    want.append((p.item(), ((2 * p + 3) ** 2).item()))
    np.testing.assert_allclose(chart.path, want, rtol=1e-9, atol=1e-12)
    xs = np.array(chart.xs)
    np.testing.assert_allclose(chart.values, (2 * xs + 3) ** 2, rtol=1e-12)
    drawn = path_lines(chart)
    assert any(len(x) == len(want) and np.allclose(x, [w[0] for w in want])
               and np.allclose(y, [w[1] for w in want]) for x, y in drawn)


TWO = """\
kind: optimizer
title: Two parameters
parameters: {w: 1, b: -1}
model:
  - L = (w - 2)**2 + 3*(b + w)**2
optimizer: momentum
lr: 0.05
momentum: 0.5
steps: 6
"""


def test_two_parameter_path_over_contours_follows_torch_momentum(tmp_path):
    spec = tmp_path / "two.yaml"
    spec.write_text(TWO)
    (chart,) = surfaces(solve(load(spec)))
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-1.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.05, momentum=0.5)
    want = [(1.0, -1.0)]
    for _ in range(6):
        opt.zero_grad()
        ((w - 2) ** 2 + 3 * (b + w) ** 2).backward()
        opt.step()
        want.append((w.item(), b.item()))
    np.testing.assert_allclose(chart.path, want, rtol=1e-9, atol=1e-12)
    W, B = np.meshgrid(chart.xs, chart.ys)
    np.testing.assert_allclose(np.array(chart.values), (W - 2) ** 2 + 3 * (B + W) ** 2,
                               rtol=1e-12)
    assert chart.x_label == "w" and chart.y_label == "b"


def test_error_surface_path_is_two_gradient_descent_steps_by_hand():
    """7b: f's two steps with its lr from the origin, computed here with sympy's gradient."""
    problem = load(PROBLEMS / "7b-error-surface-quadratic-lr.yaml")
    (chart,) = surfaces(solve(problem))
    spec = problem.spec
    gens = sympy.symbols(" ".join(spec.names))
    f = sympy.sympify(spec.text.replace("^", "**"), locals={n: g for n, g in
                                                             zip(spec.names, gens)})
    grad = [f.diff(g) for g in gens]
    start = [float(c) for c in (spec.start or spec.at or (0,) * len(gens))]
    if all(float(g.subs(dict(zip(gens, start)))) == 0 for g in grad):
        start = [1.0] * len(gens)
    want, p = [tuple(start)], start
    for _ in range(2):
        g = [float(d.subs(dict(zip(gens, p)))) for d in grad]
        p = [pi - float(spec.lr) * gi for pi, gi in zip(p, g)]
        want.append(tuple(p))
    np.testing.assert_allclose(chart.path, want, rtol=1e-12, atol=1e-12)
    assert chart.path_label == "gradient descent, η = 0.2"

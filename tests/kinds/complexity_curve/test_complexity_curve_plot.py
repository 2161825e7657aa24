"""complexity-curve pictures: plotext text (never printed, no colour), the text fallback,
the charts as data on the figures, and a solver that works with neither library (the
matplotlib files are tested in tests/render/test_figure.py)."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pytest

from examsolve.chart import Chart, Region, Series, decade_label, log_ticks
from examsolve.derivation import Figure
from examsolve.problem import load_string, solve
from examsolve.kinds.complexity_curve.plot import (X_LABEL, charts_from_answers, legend_line,
                                                     terminal_chart, text_chart)

SPEC = """kind: complexity-curve
title: small
task: {function: sin(2*pi*x), noise: 0.3, train: 12, test: 200, seed: 3}
models: {degrees: 0..9}
repeats: 20
regularisation: [0.01]
"""

CHART = Chart("t", (0, 1, 2, 3, 4), (Series("training MSE", "o", (0.5, 0.2, 0.05, 0.03, 0.01)),
                                     Series("test MSE", "x", (0.6, 0.3, 0.1, 2.0, 500.0))),
              X_LABEL, regions=(Region("underfitting", end=1.5),
                                Region("overfitting", start=2.5)))


@pytest.fixture(scope="module")
def derivation():
    return solve(load_string(SPEC, "t.yaml"))


def figures(derivation):
    return [b for s in derivation.steps for b in s.blocks if isinstance(b, Figure)]


def test_plotext_chart_is_plain_text_and_never_printed(capsys):
    text = terminal_chart(CHART)
    assert capsys.readouterr().out == ""
    assert "\x1b[" not in text
    assert "underfitting" in text and "overfitting" in text
    assert "training MSE" in text and "test MSE" in text
    assert terminal_chart(CHART) == text  # plotext's global figure is cleared each time


def test_text_fallback_without_plotext(monkeypatch):
    monkeypatch.setitem(sys.modules, "plotext", None)  # import plotext → ImportError
    text = terminal_chart(CHART)
    assert text == text_chart(CHART)
    lines = text.splitlines()
    assert lines[0] == "t"
    assert "o training MSE   x test MSE" in lines[-1]
    assert any("┊" in ln for ln in lines)
    # the highest test MSE (500, degree 4) sits above every training MSE
    grid = lines[1:-4]
    first_x = min(i for i, ln in enumerate(grid) if "x" in ln.split("┤")[1])
    first_o = min(i for i, ln in enumerate(grid) if "o" in ln.split("┤")[1])
    assert first_x < first_o


def test_log_ticks_and_labels():
    ticks, labels = log_ticks(-2, 9)
    assert labels[0] == "0.01" and ticks == list(range(-2, 10, 2))
    assert [decade_label(k) for k in (-3, 0, 2, 4)] == ["0.001", "1", "100", "1e4"]
    ticks, labels = log_ticks(math.log10(0.098), math.log10(1.2))  # narrow: 1-2-5 steps
    assert labels == ["0.1", "0.2", "0.5", "1"]
    np.testing.assert_allclose(ticks, np.log10([0.1, 0.2, 0.5, 1]))


def test_axis_is_clipped_a_few_decades_above_the_lowest_test_error():
    """Finding 5: 500 is shown off scale as ↑, not by stretching the axis over 5 decades."""
    wide = Chart("t", (0, 1, 2, 3, 4),
                 (Series("training MSE", "o", (0.5, 0.2, 0.05, 0.03, 0.01), training=True),
                  Series("test MSE", "x", (0.6, 0.3, 0.1, 2.0, 5e8))), X_LABEL)
    low, high = wide.limits()
    assert (low, high) == (-2, 2)  # from 0.01 to 10^(ceil(log10 0.1) + ... ) = 100
    assert wide.off_scale()
    for text in (terminal_chart(wide), text_chart(wide)):
        lines = text.splitlines()
        assert "↑" in text and "↑ off scale (> 100)" in lines[-1]
        assert not any(label in text for label in ("1e4", "1e8"))
        # the legend is under the plot (after the x-axis labels), never inside the frame
        axis = max(i for i, ln in enumerate(lines) if "polynomial degree d" in ln)
        assert all("test MSE" not in ln for ln in lines[:axis])


def test_strategy_curves_stay_apart_on_a_narrow_axis():
    """Finding 5: curves between 0.1 and 0.3 land on different rows of the strategies chart."""
    narrow = Chart("t", (0, 1, 2), (Series("a", "x", (0.1, 0.11, 5.0)),
                                     Series("b", "+", (0.2, 0.2, 0.2)),
                                     Series("c", "*", (0.3, 0.3, 0.3))), decades=1.0)
    rows = {m: {i for i, ln in enumerate(text_chart(narrow).splitlines()[1:-4])
                if m in ln.split("┤")[-1]} for m in "x+*"}
    assert rows["x"].isdisjoint(rows["+"]) and rows["+"].isdisjoint(rows["*"])


def test_derivation_figures(derivation, capsys):
    figs = figures(derivation)
    assert capsys.readouterr().out == ""
    assert len(figs) == 2  # the complexity curve and the strategies
    assert "underfitting" in figs[0].text or "overfitting" in figs[0].text
    assert "ridge λ = 0.01" in figs[1].text
    assert all("\x1b[" not in f.text for f in figs)


def test_solver_without_plot_libraries(monkeypatch):
    monkeypatch.setitem(sys.modules, "plotext", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    figs = figures(solve(load_string(SPEC, "t.yaml")))
    assert figs[0].text.startswith("Training and test MSE vs polynomial degree")
    assert "o training MSE" in figs[0].text


def test_solver_does_not_import_matplotlib():
    code = ("import sys; from examsolve.problem import load_string, solve; "
            f"solve(load_string({SPEC!r}, 't.yaml')); print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_charts_from_answers(derivation):
    curve, strategies = charts_from_answers(derivation.answer_map())
    answers = derivation.answer_map()
    assert curve.series[1].values == tuple(float(v) for v in answers["test_mse"])
    assert [s.label for s in strategies.series] == ["least squares", "ridge λ = 0.01", "n₂ = 48"]
    assert len({s.marker for s in strategies.series}) == 3
    assert curve.series[2].values == tuple(float(v) for v in answers["test_mse_median"])
    regions = {r.label: r for r in curve.regions}
    if answers["underfitting"] != "none":
        end = regions["underfitting"].end
        assert max(answers["underfitting"]) < end < answers["best_degree"]
    if answers["overfitting"] != "none":
        start = regions["overfitting"].start
        assert answers["best_degree"] < start < min(answers["overfitting"])
    # the figures carry these charts, for render/figure.py to draw
    assert [f.chart for f in figures(derivation)] == [curve, strategies]


def test_the_curve_that_decides_the_answer_is_drawn_on_top(monkeypatch):
    """Review 2, finding 3: where markers share a cell the mean test MSE (x, which decides d*)
    shows, then training (o), then the median (•); on the strategies chart least squares (x)
    shows; the legend says so. Curves that coincide everywhere leave only the top marker."""
    same = (0.5, 0.2, 0.1, 0.3, 0.9)
    answers = {"degrees": (0, 1, 2, 3, 4), "train_mse": same, "test_mse": same,
               "test_mse_median": same, "underfitting": "none", "overfitting": "none",
               "ridge_strengths": (0.1,), "ridge_test_mse": (same,),
               "more_data_train": 40, "more_data_test_mse": same}
    curve, strategies = charts_from_answers(answers)
    renderers = [terminal_chart, text_chart]
    for render in renderers:
        for chart, hidden in ((curve, "o•"), (strategies, "+@")):
            text = render(chart)
            lines = text.splitlines()
            axis = max(i for i, ln in enumerate(lines) if "polynomial degree d" in ln)
            # inside the frame: after the y-axis (┤ or │), before plotext's right border
            plot = "\n".join(re.split("[┤│]", ln, maxsplit=1)[-1].rstrip("│")
                              for ln in lines[1:axis - 1] if re.search("[┤│]", ln))
            assert "x" in plot, render
            assert not any(m in plot for m in hidden), (render, plot)
    assert legend_line(curve).endswith("overlaps show x over o over •")
    assert legend_line(strategies).endswith("overlaps show x over @ over +")

"""render/figure.py: any derivation's charts drawn with matplotlib, one panel per chart.

The oracle is matplotlib's own SVG structure, read back here: one `axes_N` group per chart,
each chart's title and region labels as text, and the data of every in-range point as a
line vertex (read from the Line2D objects matplotlib draws, not from the code under test).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from examsolve.chart import Chart, Region, Series
from examsolve.derivation import DerivationBuilder
from examsolve.errors import UsageError
from examsolve.render.figure import charts, write_figure

TOY = Chart("toy error", (1, 2, 3), (Series("test", "x", (0.5, 0.25, 0.125)),), "width",
            "error", (Region("too narrow", end=1.5),))
OTHER = Chart("second", (0, 1), (Series("train", "o", (1.0, 2.0), training=True),
                                 Series("test", "x", (1.0, 1e9))), "d", "MSE")


def toy_derivation(*chart_list: Chart, kind: str = "toy-kind"):
    """A derivation of no real kind: the figure needs no kind's code."""
    b = DerivationBuilder(kind, "Toy")
    s = b.step("Pictures")
    for c in chart_list:
        s.figure(f"[text picture of {c.title}]", chart=c)
    s.figure("a text-only figure")  # no chart: not a panel
    return b.build()


def axes_groups(svg: str) -> list[str]:
    return re.findall(r'<g id="(axes_\d+)">', svg)


def test_one_panel_per_chart_in_step_order(tmp_path):
    derivation = toy_derivation(TOY, OTHER)
    assert charts(derivation) == [TOY, OTHER]
    svg = write_figure(derivation, tmp_path / "f.svg").read_text()
    assert svg.lstrip().startswith("<?xml")
    assert axes_groups(svg) == ["axes_1", "axes_2"]
    for text in ("toy error", "second", "too narrow", "width"):
        assert text in svg
    assert "▲ off scale" in svg  # 1e9 is far above OTHER's clipped axis
    # same data, same file
    assert write_figure(derivation, tmp_path / "g.svg").read_text() == svg


def test_panels_plot_the_chart_values(tmp_path, monkeypatch):
    """Every in-range value is a vertex of its line; the off-scale one is not."""
    from matplotlib.axes import Axes

    drawn: list[tuple[list, list]] = []
    original = Axes.plot

    def spy(self, *args, **kwargs):
        lines = original(self, *args, **kwargs)
        drawn.extend((list(ln.get_xdata()), list(ln.get_ydata())) for ln in lines)
        return lines

    monkeypatch.setattr(Axes, "plot", spy)
    write_figure(toy_derivation(TOY, OTHER), tmp_path / "f.png")
    assert ([1, 2, 3], [0.5, 0.25, 0.125]) in drawn
    xs, ys = next(d for d in drawn if d[0] == [0, 1] and d[1][0] == 1.0 and len(d[1]) == 2
                  and d[1][1] != 2.0)
    assert ys[1] != ys[1]  # NaN: 1e9 is off the axis, drawn as a ▲ on its top edge instead
    top = max(y for x, y in zip(*next(d for d in drawn if d[0] == [1]), strict=True))
    assert 1.0 < top < 1e9


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"),
                                           (".pdf", b"%PDF")])
def test_formats(tmp_path, suffix, magic):
    path = write_figure(toy_derivation(TOY), tmp_path / f"f{suffix}")
    assert Path(path).read_bytes().startswith(magic)


def test_refusals_are_usage_errors(tmp_path, monkeypatch):
    with pytest.raises(UsageError, match=r"cannot write a '\.txt' figure"):
        write_figure(toy_derivation(TOY), tmp_path / "f.txt")
    with pytest.raises(UsageError, match="a toy-kind problem has no chart to draw"):
        write_figure(toy_derivation(), tmp_path / "f.svg")
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(UsageError, match=r"pip install 'examsolve\[plot\]'"):
        write_figure(toy_derivation(TOY), tmp_path / "f.svg")


def test_complexity_curve_spec_draws_its_two_charts(tmp_path):
    from examsolve.problem import load, solve

    derivation = solve(load("problems/6-complexity-curve.yaml"))
    svg = write_figure(derivation, tmp_path / "curve.svg").read_text()
    assert axes_groups(svg) == ["axes_1", "axes_2"]
    assert "underfitting" in svg and "overfitting" in svg
    assert "Preventing overfitting" in svg

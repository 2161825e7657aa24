"""The complexity curve as a picture: the two charts as data, and their terminal text.

`charts_from_answers` builds the kind's two `Chart`s (examsolve/chart.py) from the answer
values of a derivation, so a figure shows exactly the numbers the derivation printed; the
solver puts each on its `Figure` block, where `render/figure.py` draws it for `-o FILE.svg`.
The text picture for the terminal is made here: plotext when it is installed (the `plot`
extra), else a small character grid. The legend stands under the plot, never over the data,
and says which marker shows where markers meet (the curve that decides the answer is drawn
last). A point above the clipped log axis is an ↑ on its top edge.
"""

from __future__ import annotations

from typing import Mapping

from examsolve.chart import Chart, Region, Series, drawing_order, log10, log_ticks
from examsolve.numbers import format_number

WIDTH, HEIGHT = 76, 18
OFF_SCALE = "↑"
X_LABEL = "polynomial degree d"
Y_LABEL = "mean squared error"


def charts_from_answers(answers: Mapping[str, object]) -> tuple[Chart, Chart]:
    """The two charts of the kind from its answer values: the complexity curve (training and
    test MSE, regions marked) and the strategies (test MSE with ridge and with more data)."""
    degrees = tuple(int(d) for d in answers["degrees"])  # type: ignore[union-attr]
    # The mean test MSE decides d*: drawn over training (o), drawn over the median (•).
    series = [Series("training MSE", "o", _floats(answers["train_mse"]), training=True,
                     on_top=1),
              Series("test MSE (mean)", "x", _floats(answers["test_mse"]), on_top=2)]
    if answers.get("test_mse_median") is not None:
        series.append(Series("test MSE (median)", "•", _floats(answers["test_mse_median"])))
    regions = []
    underfit_end = _boundary(degrees, answers.get("underfitting"), last=True)
    if underfit_end is not None:
        regions.append(Region("underfitting", end=underfit_end))
    overfit_start = _boundary(degrees, answers.get("overfitting"), last=False)
    if overfit_start is not None:
        regions.append(Region("overfitting", start=overfit_start))
    curve = Chart("Training and test MSE vs polynomial degree (log scale)", degrees,
                  tuple(series), X_LABEL, Y_LABEL, tuple(regions))
    # Least squares is the reference the strategies are read against: drawn last, so where a
    # strategy's curve coincides with it (small d, where ridge changes little) x shows.
    strategies = [Series("least squares", "x", _floats(answers["test_mse"]), on_top=1)]
    ridge_markers = "+*#%&"
    strengths = answers.get("ridge_strengths") or ()
    for i, (lam, row) in enumerate(zip(strengths, answers.get("ridge_test_mse") or ())):  # type: ignore[arg-type]
        strategies.append(Series(f"ridge λ = {float(lam):g}",
                                 ridge_markers[i % len(ridge_markers)], _floats(row), whole=True))
    if answers.get("more_data_test_mse") is not None:
        strategies.append(Series(f"n₂ = {answers['more_data_train']}", "@",
                                 _floats(answers["more_data_test_mse"]), whole=True))
    return curve, Chart("Preventing overfitting: mean test MSE vs degree (log scale)", degrees,
                        tuple(strategies), X_LABEL, Y_LABEL, decades=1.0)


def _floats(values: object) -> tuple[float, ...]:
    return tuple(float(v) for v in values)  # type: ignore[union-attr]


def _boundary(degrees: tuple[int, ...], marked: object, last: bool) -> float | None:
    """Halfway between the region's edge degree and its neighbour inside the range."""
    if not isinstance(marked, tuple) or not marked:
        return None
    edge = degrees.index(int(max(marked) if last else min(marked)))  # type: ignore[arg-type]
    neighbour = edge + 1 if last else edge - 1
    if not 0 <= neighbour < len(degrees):
        return None
    return (degrees[edge] + degrees[neighbour]) / 2


def terminal_chart(chart: Chart, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The chart as plain text: plotext when it is installed, else `text_chart`."""
    try:
        import plotext
    except ImportError:
        return text_chart(chart, width, height)
    return plotext_chart(plotext, chart, width, height)


def plotext_chart(plotext, chart: Chart, width: int, height: int) -> str:  # type: ignore[no-untyped-def]
    """plotext's figure, built (never shown) and returned without colour codes.

    plotext keeps one global figure: it is cleared before and after, so the result depends
    on the chart alone. The y axis plots log10(MSE) with its own labels (plotext's log scale
    mislays explicit ticks). Each series is drawn as its in-range runs; a point above the
    axis is an ↑ on the top edge. The legend is a line under the plot.
    """
    fig = plotext.figure
    fig.clear()
    low, high = chart.limits()
    try:
        fig.plot_size(width, height - 1)
        xs = list(chart.x)
        for s in drawing_order(chart.series):
            for run in _in_range_runs(s.values, high):
                fig.draw(fig.signal([xs[i] for i in run], [log10(s.values[i]) for i in run],
                                    marker=s.marker).lines())
            above = [xs[i] for i, v in enumerate(s.values) if log10(v) > high + 1e-12]
            if above:
                fig.draw(fig.signal(above, [high] * len(above), marker=OFF_SCALE))
        ticks, labels = log_ticks(low, high)
        fig.ruler("y").lim(low, high)
        fig.ruler("y").ticks(ticks, labels)
        fig.ruler("x").ticks(xs)
        bottom = low + 0.03 * (high - low)
        for region in chart.regions:
            fig.line(region.boundary, orientation="v", style="dotted")
            where = xs[0] if region.start is None else region.start + 0.2
            fig.draw(fig.text(where, bottom, region.label))
        fig.title(chart.title)
        fig.label(chart.x_label, axis="x")
        text = fig.build().string(colorless=True)
    finally:
        fig.clear()
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines + [legend_line(chart, width)])


def legend_line(chart: Chart, width: int = WIDTH) -> str:
    """`o training MSE   x test MSE …   ↑ off scale (> 1000)` under the plot, wrapped to
    the plot's width."""
    items = [f"{s.marker} {s.label}" for s in chart.series]
    if chart.off_scale():
        top = format_number(float(f"{10 ** chart.limits()[1]:.2g}"))
        items.append(f"{OFF_SCALE} off scale (> {top})")
    order = [s.marker for s in reversed(drawing_order(chart.series))]
    if len(order) > 1:
        items.append("overlaps show " + " over ".join(order))
    lines = [items[0]]
    for item in items[1:]:
        if len(lines[-1]) + 3 + len(item) > width:
            lines.append(item)
        else:
            lines[-1] += "   " + item
    return "\n".join(lines)


def _in_range_runs(values: tuple[float, ...], high: float) -> list[list[int]]:
    """Maximal runs of consecutive indices whose value lies on the axis."""
    runs: list[list[int]] = []
    for i, v in enumerate(values):
        if log10(v) <= high + 1e-12:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    return runs


def text_chart(chart: Chart, width: int = WIDTH, height: int = HEIGHT) -> str:
    """A character grid: one column group per degree, rows are log10(MSE) bands.

    Markers that land in the same cell show as the series drawn last (`drawing_order`); `┊`
    marks the region boundaries; a point above the axis is an ↑ in the top row. The
    fallback when plotext is not installed.
    """
    low, high = chart.limits()
    ticks, labels = log_ticks(low, high)
    rows = max(8, height - 6)
    label_width = max(len(t) for t in labels) + 1
    step = max(2, (width - label_width - 2) // max(1, len(chart.x)))
    grid = [[" "] * (step * len(chart.x)) for _ in range(rows)]

    def row_of(log_value: float) -> int:
        frac = (min(max(log_value, low), high) - low) / (high - low)
        return rows - 1 - round(frac * (rows - 1))

    for i, degree in enumerate(chart.x):
        for bound in (region.boundary for region in chart.regions):
            if degree < bound < degree + 1 and i + 1 < len(chart.x):
                for r in range(rows):
                    grid[r][i * step + step - 1] = "┊"
    for s in drawing_order(chart.series):
        for i, v in enumerate(s.values):
            off = log10(v) > high + 1e-12
            grid[row_of(log10(v))][i * step + step // 2] = OFF_SCALE if off else s.marker
    tick_rows = {row_of(k): t for k, t in zip(ticks, labels)}
    lines = [chart.title]
    for r in range(rows):
        lines.append(tick_rows.get(r, "").rjust(label_width) + "┤" + "".join(grid[r]).rstrip())
    lines.append(" " * label_width + "└" + "─" * len(grid[0]))
    lines.append(" " * (label_width + 1) + "".join(
        str(d).center(step) for d in chart.x).rstrip())
    lines.append(" " * (label_width + 1) + chart.x_label)
    lines.append(legend_line(chart, width))
    return "\n".join(lines)

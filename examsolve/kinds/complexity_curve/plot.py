"""The complexity curve as a picture: plotext in the terminal, matplotlib for files.

Both plotting libraries are optional (the `plot` extra). Without plotext the terminal figure
is a small character grid drawn here; without matplotlib `write_figure` says how to install
it. The error axis is logarithmic and clipped: once high degrees overfit, test MSE spans many
decades and an axis showing all of them flattens the U into the bottom rows, so each chart
shows a few decades above its lowest test error and marks points above with ↑ (off scale).
The legend stands under the plot, never over the data, and says which marker shows where
markers meet (the curve that decides the answer is drawn last). Charts are built from the
answer values of a derivation, so a figure written later from a Derivation shows exactly the
numbers the derivation printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from examsolve.derivation import Derivation
from examsolve.errors import SpecError
from examsolve.numbers import format_number

WIDTH, HEIGHT = 76, 18
FIGURE_FORMATS = (".svg", ".png", ".pdf")
OFF_SCALE = "↑"


@dataclass(frozen=True)
class Series:
    label: str
    marker: str  # one character, also used by the text fallback
    values: tuple[float, ...]
    training: bool = False  # training error: not what the axis range is chosen for
    whole: bool = False  # extend the axis (a little) to show every value of this curve
    on_top: int = 0  # drawing order: where markers share a cell, the highest shows


def drawing_order(series: tuple[Series, ...]) -> list[Series]:
    """The series in the order they are drawn: the answer-bearing curve last, so that its
    marker is never hidden (the legend keeps its own, reading, order)."""
    return sorted(series, key=lambda s: s.on_top)


@dataclass(frozen=True)
class Chart:
    """Curves over the degrees; `regions` marks where under- and overfitting start/end."""

    title: str
    degrees: tuple[int, ...]
    series: tuple[Series, ...]
    underfit_end: float | None = None  # x of the boundary after the last underfitting degree
    overfit_start: float | None = None  # x of the boundary before the first overfitting degree
    decades: float = 3.0  # how far above the lowest test error the axis reaches (log10 units)

    def limits(self) -> tuple[float, float]:
        """(low, high) of the log10 axis: from the lowest value up to `decades` above the
        lowest test error (or the highest value, if lower); whole decades on a wide axis."""
        values = [v for s in self.series for v in s.values if v > 0 and math.isfinite(v)]
        tests = [v for s in self.series if not s.training for v in s.values
                 if v > 0 and math.isfinite(v)] or values
        if not values:
            return -2.0, 0.0
        low = math.log10(min(values))
        reach = math.log10(min(tests)) + self.decades
        shown = [v for s in self.series if s.whole for v in s.values if v > 0 and math.isfinite(v)]
        if shown:  # curves to show whole, as far as one decade more
            reach = max(reach, min(math.log10(max(shown)), reach + 1))
        high = min(math.log10(max(values)), reach)
        if self.decades >= 2:
            low, high = math.floor(low), math.ceil(high)
        else:
            low, high = low - 0.05, high + 0.05
        return low, max(high, low + 0.3)

    def off_scale(self) -> bool:
        high = self.limits()[1]
        return any(_log(v) > high + 1e-12 for s in self.series for v in s.values)


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
    curve = Chart(
        "Training and test MSE vs polynomial degree (log scale)", degrees, tuple(series),
        _boundary(degrees, answers.get("underfitting"), last=True),
        _boundary(degrees, answers.get("overfitting"), last=False),
    )
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
                        tuple(strategies), decades=1.0)


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


def log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Tick positions (log10 units) and labels between low and high: whole decades on a wide
    axis, 1-2-5 steps on an axis narrower than two decades."""
    if high - low < 2:
        ticks = [k + math.log10(f) for k in range(math.floor(low), math.ceil(high) + 1)
                 for f in (1, 2, 5)]
        ticks = [t for t in ticks if low - 1e-9 <= t <= high + 1e-9]
        return ticks, [tick_label(10 ** t) for t in ticks]
    step = max(1, math.ceil((high - low) / 6))
    exponents = list(range(math.ceil(low), math.floor(high) + 1, step))
    return [float(k) for k in exponents], [decade_label(k) for k in exponents]


def tick_label(value: float) -> str:
    """0.2, 5, 20: a 1-2-5 tick as a model answer writes it."""
    return f"{value:.{max(0, -math.floor(math.log10(value) + 1e-9))}f}"


def decade_label(k: int) -> str:
    """10^k as a model answer writes it: 0.01, 1, 100, 1e4."""
    return f"{10.0 ** k:.{max(0, -k)}f}" if -3 <= k <= 3 else f"1e{k}"


def _log(value: float) -> float:
    return math.log10(value) if value > 0 else -300.0


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
        xs = list(chart.degrees)
        for s in drawing_order(chart.series):
            for run in _in_range_runs(s.values, high):
                fig.draw(fig.signal([xs[i] for i in run], [_log(s.values[i]) for i in run],
                                    marker=s.marker).lines())
            above = [xs[i] for i, v in enumerate(s.values) if _log(v) > high + 1e-12]
            if above:
                fig.draw(fig.signal(above, [high] * len(above), marker=OFF_SCALE))
        ticks, labels = log_ticks(low, high)
        fig.ruler("y").lim(low, high)
        fig.ruler("y").ticks(ticks, labels)
        fig.ruler("x").ticks(xs)
        bottom = low + 0.03 * (high - low)
        if chart.underfit_end is not None:
            fig.line(chart.underfit_end, orientation="v", style="dotted")
            fig.draw(fig.text(xs[0], bottom, "underfitting"))
        if chart.overfit_start is not None:
            fig.line(chart.overfit_start, orientation="v", style="dotted")
            fig.draw(fig.text(chart.overfit_start + 0.2, bottom, "overfitting"))
        fig.title(chart.title)
        fig.label("polynomial degree d", axis="x")
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
        if _log(v) <= high + 1e-12:
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
    step = max(2, (width - label_width - 2) // max(1, len(chart.degrees)))
    grid = [[" "] * (step * len(chart.degrees)) for _ in range(rows)]

    def row_of(log_value: float) -> int:
        frac = (min(max(log_value, low), high) - low) / (high - low)
        return rows - 1 - round(frac * (rows - 1))

    for i, degree in enumerate(chart.degrees):
        for bound in (chart.underfit_end, chart.overfit_start):
            if bound is not None and degree < bound < degree + 1 and i + 1 < len(chart.degrees):
                for r in range(rows):
                    grid[r][i * step + step - 1] = "┊"
    for s in drawing_order(chart.series):
        for i, v in enumerate(s.values):
            off = _log(v) > high + 1e-12
            grid[row_of(_log(v))][i * step + step // 2] = OFF_SCALE if off else s.marker
    tick_rows = {row_of(k): t for k, t in zip(ticks, labels)}
    lines = [chart.title]
    for r in range(rows):
        lines.append(tick_rows.get(r, "").rjust(label_width) + "┤" + "".join(grid[r]).rstrip())
    lines.append(" " * label_width + "└" + "─" * len(grid[0]))
    lines.append(" " * (label_width + 1) + "".join(
        str(d).center(step) for d in chart.degrees).rstrip())
    lines.append(" " * (label_width + 1) + "polynomial degree d")
    lines.append(legend_line(chart, width))
    return "\n".join(lines)


def write_figure(source: Derivation | Mapping[str, object], path: str | Path) -> Path:
    """Write the two charts of a complexity-curve derivation to an SVG, PNG or PDF file.

    `source` is the Derivation `solve` returned (or its `answer_map()`). Uses matplotlib's
    object API with the Agg canvas, so no global backend is switched and nothing is shown.
    Raises SpecError (exit 2) for an unknown suffix or when matplotlib is not installed.
    """
    target = Path(path)
    if target.suffix.lower() not in FIGURE_FORMATS:
        raise SpecError(f"cannot write a '{target.suffix}' figure; use one of "
                        f"{', '.join(FIGURE_FORMATS)}", str(target))
    answers = source.answer_map() if isinstance(source, Derivation) else source
    if isinstance(source, Derivation) and source.kind != "complexity-curve":
        raise SpecError(f"a {source.kind} problem has no complexity curve to draw", str(target))
    try:
        from matplotlib import rc_context
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise SpecError("writing a figure needs matplotlib: pip install 'examsolve[plot]'",
                        str(target)) from None
    figure = Figure(figsize=(11, 5), layout="constrained")
    FigureCanvasAgg(figure)
    for axes, chart in zip(figure.subplots(1, 2), charts_from_answers(answers)):
        _draw(axes, chart)
    metadata = {"Date": None} if target.suffix.lower() == ".svg" else None
    with rc_context({"svg.hashsalt": "examsolve"}):  # same data, same file (clip-path ids)
        figure.savefig(target, metadata=metadata)
    return target


def _draw(axes, chart: Chart) -> None:  # type: ignore[no-untyped-def]
    """One chart on matplotlib axes, with the terminal chart's clipped log axis."""
    styles = {"o": "o-", "x": "x-", "•": ".-", "@": "s--", "+": "P:", "*": "*:"}
    low, high = chart.limits()
    top = 10 ** high
    for s in chart.series:
        shown = [v if _log(v) <= high + 1e-12 else float("nan") for v in s.values]
        (line,) = axes.plot(chart.degrees, shown, styles.get(s.marker, "^:"), label=s.label,
                            zorder=2 + s.on_top)
        above = [d for d, v in zip(chart.degrees, s.values) if _log(v) > high + 1e-12]
        if above:
            axes.plot(above, [top] * len(above), "^", color=line.get_color(), clip_on=False)
    axes.set_yscale("log")
    axes.set_ylim(10 ** low, top)
    lo, hi = chart.degrees[0] - 0.5, chart.degrees[-1] + 0.5
    if chart.underfit_end is not None:
        axes.axvspan(lo, chart.underfit_end, color="tab:blue", alpha=0.08)
        axes.text(lo + 0.1, 0.03, "underfitting", transform=axes.get_xaxis_transform())
    if chart.overfit_start is not None:
        axes.axvspan(chart.overfit_start, hi, color="tab:red", alpha=0.08)
        axes.text(chart.overfit_start + 0.1, 0.03, "overfitting",
                  transform=axes.get_xaxis_transform())
    axes.set_xlim(lo, hi)
    axes.set_xticks(chart.degrees)
    axes.set_xlabel("polynomial degree d")
    axes.set_ylabel("mean squared error" + ("  (▲ off scale)" if chart.off_scale() else ""))
    axes.set_title(chart.title, fontsize="medium")
    # Under the axes, never over the data.
    axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2,
                frameon=False)

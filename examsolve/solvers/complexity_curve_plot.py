"""The complexity curve as a picture: plotext in the terminal, matplotlib for files.

Both plotting libraries are optional (the `plot` extra). Without plotext the terminal figure
is a small character grid drawn here; without matplotlib `write_figure` says how to install
it. The error axis is logarithmic: test MSE spans many decades once high degrees overfit.
Charts are built from the answer values of a derivation, so a figure written later from a
Derivation shows exactly the numbers the derivation printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from examsolve.derivation import Derivation
from examsolve.errors import SpecError

WIDTH, HEIGHT = 76, 22
FIGURE_FORMATS = (".svg", ".png", ".pdf")


@dataclass(frozen=True)
class Series:
    label: str
    marker: str  # one character, also used by the text fallback
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """Curves over the degrees; `regions` marks where under- and overfitting start/end."""

    title: str
    degrees: tuple[int, ...]
    series: tuple[Series, ...]
    underfit_end: float | None = None  # x of the boundary after the last underfitting degree
    overfit_start: float | None = None  # x of the boundary before the first overfitting degree


def charts_from_answers(answers: Mapping[str, object]) -> tuple[Chart, Chart]:
    """The two charts of the kind from its answer values: the complexity curve (training and
    test MSE, regions marked) and the strategies (test MSE with ridge and with more data)."""
    degrees = tuple(int(d) for d in answers["degrees"])  # type: ignore[union-attr]
    curve = Chart(
        "Training and test MSE vs polynomial degree (log scale)", degrees,
        (Series("training MSE", "o", _floats(answers["train_mse"])),
         Series("test MSE", "x", _floats(answers["test_mse"]))),
        _boundary(degrees, answers.get("underfitting"), last=True),
        _boundary(degrees, answers.get("overfitting"), last=False),
    )
    strategies = [Series("test MSE, least squares", "x", _floats(answers["test_mse"]))]
    ridge_markers = "+*#%&"
    strengths = answers.get("ridge_strengths") or ()
    for i, (lam, row) in enumerate(zip(strengths, answers.get("ridge_test_mse") or ())):  # type: ignore[arg-type]
        strategies.append(Series(f"test MSE, ridge λ = {float(lam):g}",
                                 ridge_markers[i % len(ridge_markers)], _floats(row)))
    if answers.get("more_data_test_mse") is not None:
        strategies.append(Series(f"test MSE, n = {answers['more_data_train']} training points",
                                 "@", _floats(answers["more_data_test_mse"])))
    return curve, Chart("Preventing overfitting: test MSE vs degree (log scale)", degrees,
                        tuple(strategies))


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


def log_ticks(values: list[float]) -> tuple[int, int, list[int], list[str]]:
    """Decades spanning the values: (low, high, tick exponents, tick labels)."""
    logs = [math.log10(v) for v in values if v > 0 and math.isfinite(v)]
    low, high = (math.floor(min(logs)), math.ceil(max(logs))) if logs else (-2, 0)
    high = max(high, low + 1)
    step = max(1, math.ceil((high - low) / 6))
    exponents = list(range(low, high + 1, step))
    return low, high, exponents, [decade_label(k) for k in exponents]


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
    on the chart alone. The y axis plots log10(MSE) with decade labels (plotext's own log
    scale mislays explicit ticks).
    """
    fig = plotext.figure
    fig.clear()
    try:
        fig.plot_size(width, height)
        xs = list(chart.degrees)
        for s in chart.series:
            fig.draw(fig.signal(xs, [_log(v) for v in s.values], marker=s.marker)
                     .lines().label(s.label))
        low, high, exponents, labels = log_ticks([v for s in chart.series for v in s.values])
        fig.ruler("y").lim(low, high)
        fig.ruler("y").ticks(exponents, labels)
        fig.ruler("x").ticks(xs)
        top = high - 0.02 * (high - low)
        if chart.underfit_end is not None:
            fig.line(chart.underfit_end, orientation="v", style="dotted")
            fig.draw(fig.text(xs[0], top, "underfitting"))
        if chart.overfit_start is not None:
            fig.line(chart.overfit_start, orientation="v", style="dotted")
            fig.draw(fig.text(chart.overfit_start + 0.2, top, "overfitting"))
        fig.legend(x=xs[-1], y=high - 0.15 * (high - low), ha="right", relative=True)
        fig.title(chart.title)
        fig.label("polynomial degree d", axis="x")
        text = fig.build().string(colorless=True)
    finally:
        fig.clear()
    return "\n".join(line.rstrip() for line in text.splitlines())


def text_chart(chart: Chart, width: int = WIDTH, height: int = HEIGHT) -> str:
    """A character grid: one column group per degree, rows are log10(MSE) bands.

    Markers that land in the same cell show as the later series'; `┊` marks the region
    boundaries. The fallback when plotext is not installed.
    """
    low, high, exponents, labels = log_ticks([v for s in chart.series for v in s.values])
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
    for s in chart.series:
        for i, v in enumerate(s.values):
            grid[row_of(_log(v))][i * step + step // 2] = s.marker
    tick_rows = {row_of(k): t for k, t in zip(exponents, labels)}
    lines = [chart.title]
    for r in range(rows):
        lines.append(tick_rows.get(r, "").rjust(label_width) + "┤" + "".join(grid[r]).rstrip())
    lines.append(" " * label_width + "└" + "─" * len(grid[0]))
    lines.append(" " * (label_width + 1) + "".join(
        str(d).center(step) for d in chart.degrees).rstrip())
    lines.append(" " * (label_width + 1) + "polynomial degree d")
    lines.append("   ".join(f"{s.marker} {s.label}" for s in chart.series))
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
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    FigureCanvasAgg(figure)
    for axes, chart in zip(figure.subplots(1, 2), charts_from_answers(answers)):
        _draw(axes, chart)
    metadata = {"Date": None} if target.suffix.lower() == ".svg" else None
    with rc_context({"svg.hashsalt": "examsolve"}):  # same data, same file (clip-path ids)
        figure.savefig(target, metadata=metadata)
    return target


def _draw(axes, chart: Chart) -> None:  # type: ignore[no-untyped-def]
    styles = {"o": "o-", "x": "x-", "@": "s--"}
    for s in chart.series:
        axes.plot(chart.degrees, s.values, styles.get(s.marker, "^:"), label=s.label)
    axes.set_yscale("log")
    lo, hi = chart.degrees[0] - 0.5, chart.degrees[-1] + 0.5
    if chart.underfit_end is not None:
        axes.axvspan(lo, chart.underfit_end, color="tab:blue", alpha=0.08)
        axes.text(lo + 0.1, 0.97, "underfitting", transform=axes.get_xaxis_transform(),
                  va="top")
    if chart.overfit_start is not None:
        axes.axvspan(chart.overfit_start, hi, color="tab:red", alpha=0.08)
        axes.text(chart.overfit_start + 0.1, 0.97, "overfitting",
                  transform=axes.get_xaxis_transform(), va="top")
    axes.set_xlim(lo, hi)
    axes.set_xticks(chart.degrees)
    axes.set_xlabel("polynomial degree d")
    axes.set_ylabel("mean squared error")
    axes.set_title(chart.title, fontsize="medium")
    axes.legend(fontsize="small", loc="center left")  # the curves leave that corner free

"""A derivation's charts drawn with matplotlib: `examsolve run SPEC -o curve.svg|png|pdf`,
and one file per chart for the figures of `-o sheet.md|tex` (render/figure_files.py).

Every `Figure` block that carries a chart (any drawing of examsolve/chart.py) becomes one
panel, side by side in step order, so any kind whose derivation has charts gets a figure
file with no code of its own. matplotlib is optional (the `plot` extra) and imported only
here, when a file is written. Panels follow the chart's clipped log axis: a value above it
is a ▲ on the top edge.
"""

from __future__ import annotations

from pathlib import Path

from examsolve.chart import Chart, Drawing, Graph, RegionMap, Surface, log10
from examsolve.derivation import Derivation, Figure
from examsolve.errors import UsageError
from examsolve.render.suffixes import FIGURE_FORMATS
_STYLES = {"o": "o-", "x": "x-", "•": ".-", "@": "s--", "+": "P:", "*": "*:"}


def charts(derivation: Derivation) -> list[Drawing]:
    """The charts of a derivation's figures, in step order."""
    return [block.chart for step in derivation.steps for block in step.blocks
            if isinstance(block, Figure) and block.chart is not None]


def _matplotlib(target: Path):  # type: ignore[no-untyped-def]
    """matplotlib's figure class on the Agg canvas, or UsageError (exit 2) without it."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure as MatplotlibFigure
    except ImportError:
        raise UsageError(f"{target}: writing a figure needs matplotlib: "
                         "pip install 'examsolve[plot]'") from None

    def new(size: tuple[float, float], constrained: bool = True):  # type: ignore[no-untyped-def]
        figure = MatplotlibFigure(figsize=size, layout="constrained" if constrained else None)
        FigureCanvasAgg(figure)
        return figure
    return new


def size_of(chart: Drawing) -> tuple[float, float]:
    """A panel's size in inches: a graph as wide as its columns, the rest about square."""
    if isinstance(chart, Graph):
        from examsolve.render.drawings import graph_size

        return graph_size(chart)
    return (5.5, 5.0) if isinstance(chart, Chart) else (5.5, 5.5)


def save(figure, target: Path) -> None:  # type: ignore[no-untyped-def]
    """Write a matplotlib figure with no date in it: same data, same bytes (SVG clip-path
    ids are salted, the PDF has no creation date)."""
    from matplotlib import rc_context

    suffix = target.suffix.lower()
    metadata = {"Date": None} if suffix == ".svg" else \
        {"CreationDate": None} if suffix == ".pdf" else None
    with rc_context({"svg.hashsalt": "examsolve"}):
        figure.savefig(target, metadata=metadata)


def write_figure(derivation: Derivation, path: str | Path) -> Path:
    """Draw the derivation's charts, one panel each, into an SVG, PNG or PDF file.

    Uses matplotlib's object API with the Agg canvas, so no global backend is switched and
    nothing is shown. UsageError (exit 2) for an unknown suffix, a derivation without
    charts, or no matplotlib.
    """
    target = Path(path)
    if target.suffix.lower() not in FIGURE_FORMATS:
        raise UsageError(f"{target}: cannot write a '{target.suffix}' figure; use one of "
                         f"{', '.join(FIGURE_FORMATS)}")
    panels = charts(derivation)
    if not panels:
        raise UsageError(f"{target}: a {derivation.kind} problem has no chart to draw")
    new = _matplotlib(target)
    sizes = [size_of(c) for c in panels]
    figure = new((sum(w for w, _ in sizes), max(h for _, h in sizes)))
    axes_list = figure.subplots(1, len(panels), squeeze=False,
                                width_ratios=[w for w, _ in sizes])[0]
    for axes, chart in zip(axes_list, panels):
        draw(axes, chart)
    save(figure, target)
    return target


def write_one(chart: Drawing, target: Path) -> Path:
    """One chart alone, without its title (a document captions it), into `target`."""
    if isinstance(chart, Graph):
        from examsolve.render.drawings import graph_rect

        figure = _matplotlib(target)(size_of(chart), constrained=False)
        axes = figure.add_axes(graph_rect(chart))
    else:
        figure = _matplotlib(target)(size_of(chart))
        axes = figure.subplots()
    draw(axes, chart, titled=False)
    save(figure, target)
    return target


def draw(axes, chart: Drawing, titled: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Any chart on matplotlib axes, by its type; an unknown type is an error."""
    from examsolve.render import drawings

    if isinstance(chart, Chart):
        _draw(axes, chart)
    elif isinstance(chart, RegionMap):
        drawings.draw_regions(axes, chart)
    elif isinstance(chart, Surface):
        drawings.draw_surface(axes, chart)
    elif isinstance(chart, Graph):
        drawings.draw_graph(axes, chart)
    else:
        raise TypeError(f"no drawing for a {type(chart).__name__}")
    axes.set_title(chart.title if titled else "", fontsize="medium")


def _draw(axes, chart: Chart) -> None:  # type: ignore[no-untyped-def]
    """One chart on matplotlib axes, with the terminal chart's clipped log axis."""
    low, high = chart.limits()
    top = 10 ** high
    for s in chart.series:
        shown = [v if log10(v) <= high + 1e-12 else float("nan") for v in s.values]
        (line,) = axes.plot(chart.x, shown, _STYLES.get(s.marker, "^:"), label=s.label,
                            zorder=2 + s.on_top)
        above = [x for x, v in zip(chart.x, s.values) if log10(v) > high + 1e-12]
        if above:
            axes.plot(above, [top] * len(above), "^", color=line.get_color(), clip_on=False)
    axes.set_yscale("log")
    axes.set_ylim(10 ** low, top)
    lo, hi = chart.x[0] - 0.5, chart.x[-1] + 0.5
    for region in chart.regions:
        # a region from the left edge (underfitting) cool, one to the right edge warm
        tone = "tab:blue" if region.start is None else "tab:red"
        start = lo if region.start is None else region.start
        axes.axvspan(start, hi if region.end is None else region.end, color=tone, alpha=0.08)
        axes.text(start + 0.1, 0.03, region.label, transform=axes.get_xaxis_transform())
    axes.set_xlim(lo, hi)
    axes.set_xticks(chart.x)
    axes.set_xlabel(chart.x_label)
    axes.set_ylabel(chart.y_label + ("  (▲ off scale)" if chart.off_scale() else ""))
    axes.set_title(chart.title, fontsize="medium")
    # Under the axes, never over the data.
    axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2,
                frameon=False)

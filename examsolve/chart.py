"""Charts as data: what a figure shows, for any printer to draw.

A solver that has a figure builds a `Chart` (curves over x, shaded regions, a clipped log10
error axis) and puts it on a `Figure` block beside the figure's text picture. The
terminal shows the text; `render/figure.py` draws the same Chart with matplotlib for
`examsolve run SPEC -o curve.svg`. The axis rules live here, once, so every drawing of a
chart clips at the same place.

The error axis is logarithmic and clipped: once high degrees overfit, an error spans many
decades, and an axis showing all of them flattens the curve into the bottom rows. So a
chart shows `decades` above its lowest test value, and a point above the axis is drawn on
its top edge (off scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    """One curve: a value per x of its chart."""

    label: str
    marker: str  # one character, also used by the text picture
    values: tuple[float, ...]
    training: bool = False  # training error: not what the axis range is chosen for
    whole: bool = False  # extend the axis (a little) to show every value of this curve
    on_top: int = 0  # drawing order: where markers share a cell, the highest shows


@dataclass(frozen=True)
class Region:
    """A shaded stretch of the x axis with its name; None is the axis's own end."""

    label: str
    start: float | None = None
    end: float | None = None

    @property
    def boundary(self) -> float | None:
        """The x where the region meets the rest of the axis (the dotted line)."""
        return self.end if self.start is None else self.start


@dataclass(frozen=True)
class Chart:
    """Curves over x on a clipped log10 axis, with named regions."""

    title: str
    x: tuple[int, ...]
    series: tuple[Series, ...]
    x_label: str = ""
    y_label: str = ""
    regions: tuple[Region, ...] = ()
    decades: float = 3.0  # how far above the lowest test value the axis reaches (log10 units)

    def limits(self) -> tuple[float, float]:
        """(low, high) of the log10 axis: from the lowest value up to `decades` above the
        lowest test value (or the highest value, if lower); whole decades on a wide axis."""
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
        """Whether any value lies above the axis."""
        high = self.limits()[1]
        return any(log10(v) > high + 1e-12 for s in self.series for v in s.values)


def drawing_order(series: tuple[Series, ...]) -> list[Series]:
    """The series in the order they are drawn: the answer-bearing curve last, so that its
    marker is never hidden (the legend keeps its own, reading, order)."""
    return sorted(series, key=lambda s: s.on_top)


def log10(value: float) -> float:
    """log10 of a value on the axis; zero and negatives sink far below any axis."""
    return math.log10(value) if value > 0 else -300.0


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


# ---- pictures that are not curves over x ---------------------------------------------------
# Each is data only, drawn by render/drawings.py; a kind builds them from the numbers its
# derivation printed, so a picture never shows a number the text does not.

@dataclass(frozen=True)
class Marked:
    """Labelled points of one kind (a class, the minima, the start): `glyph` is the mark the
    text picture uses for them, so a drawing's legend and the terminal's say the same."""

    label: str
    glyph: str
    points: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class RegionMap:
    """A 2-D classifier's decision regions over a box, with its points on top.

    `inside[r][c]` is whether the model predicts the class of `regions[0]` at the sample
    x = x_range[0] + c·(x_range[1] − x_range[0])/(columns − 1), y likewise from y_range[0]
    upwards (row 0 is the bottom row). `inside` None: the points alone, as a question sheet
    shows them.
    """

    title: str
    x_label: str
    y_label: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    regions: tuple[str, str]  # the legend of the region inside, and of the rest
    points: tuple[Marked, ...]
    inside: tuple[tuple[bool, ...], ...] | None = None

    def sample(self, row: int, column: int) -> tuple[float, float]:
        """The (x, y) where `inside[row][column]` was computed."""
        assert self.inside is not None
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return (x0 + column * (x1 - x0) / (len(self.inside[0]) - 1),
                y0 + row * (y1 - y0) / (len(self.inside) - 1))


@dataclass(frozen=True)
class Surface:
    """A function of one parameter (a curve, `ys` empty) or two (contours; `values[r][c]` at
    x = xs[c], y = ys[r]), with marked points and optionally a path across it (an
    optimizer's iterates, each a tuple of one or two coordinates)."""

    title: str
    x_label: str
    value_label: str
    xs: tuple[float, ...]
    values: tuple
    ys: tuple[float, ...] = ()
    y_label: str = ""
    marks: tuple[Marked, ...] = ()
    path: tuple[tuple[float, ...], ...] = ()
    path_label: str = ""


@dataclass(frozen=True)
class GraphNode:
    """A value of a computational graph: its name, its role (`given`, `parameter`,
    `computed` or `loss`), the lines of its forward value (a matrix a line per row, or its
    shape) and of its gradient (empty: none shown)."""

    name: str
    role: str
    value: tuple[str, ...]
    gradient: tuple[str, ...] = ()


@dataclass(frozen=True)
class Graph:
    """A computational graph: nodes in evaluation order, edges (from, to) as node indices;
    gradients are of `loss`."""

    title: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[int, int], ...]
    loss: str = "L"

    def label(self, node: GraphNode) -> str:
        """The text in a node's box: its name, value, and `∂L/∂name = …`."""
        lines = [node.name, *node.value]
        if node.gradient:
            lines.append(f"∂{self.loss}/∂{node.name} = {node.gradient[0]}")
            lines += node.gradient[1:]
        return "\n".join(lines)

    def depths(self) -> list[int]:
        """Each node's layer in a drawing: a computed node one past its deepest computed
        input (1 when it reads inputs only), an input one before its first reader, so
        that every input stands beside the line that uses it (nodes come in evaluation
        order, so one pass each way suffices)."""
        reads = {end for _, end in self.edges}
        depth = [1] * len(self.nodes)
        for start, end in sorted(self.edges, key=lambda e: e[1]):
            if start in reads:
                depth[end] = max(depth[end], depth[start] + 1)
        for i in range(len(self.nodes)):
            if i not in reads:
                readers = [depth[end] for start, end in self.edges if start == i]
                depth[i] = min(readers) - 1 if readers else 0
        return depth


Drawing = Chart | RegionMap | Surface | Graph

"""The pictures of examsolve/chart.py that are not curves over x, drawn on matplotlib axes:
decision regions, a function's curve or contours with marked points and a path, and a
computational graph. Only render/figure.py calls these, with matplotlib already imported.

Colours are fixed, so the same data gives the same file and a test can read a class back
from a pixel: `REGION_COLOURS` are the two classes' region fills.
"""

from __future__ import annotations

import math

from examsolve.chart import Graph, Marked, RegionMap, Surface

# The text picture's glyph → matplotlib's marker, so a legend shows the mark the terminal does.
MARKERS = {"×": "x", "○": "o", "•": "o", "▲": "^", "■": "s", "◆": "D", "★": "*", "+": "P",
           "x": "x", "o": "o", "*": "*", "@": "s"}
# (hollow?, colour) per glyph: ○ is drawn open, like the terminal's.
_HOLLOW = {"○"}
REGION_COLOURS = ("#f6c89f", "#cfe2f3")  # the region inside (orange), the rest (blue)
_MARK_COLOURS = ("#9a3d00", "#1f4e79", "#2e7d32", "#6a1b9a", "#c62828")
_ROLE_COLOURS = {"given": "#eeeeee", "parameter": "#fff2cc", "computed": "#dae8fc",
                 "loss": "#f8cecc"}


def draw_marks(axes, marks: tuple[Marked, ...], two_d: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Each group of marked points in its colour and the marker of its text glyph."""
    for k, group in enumerate(marks):
        if not group.points:
            continue
        colour = _MARK_COLOURS[k % len(_MARK_COLOURS)]
        xs = [p[0] for p in group.points]
        ys = [p[1] for p in group.points]
        hollow = group.glyph in _HOLLOW
        axes.plot(xs, ys, MARKERS.get(group.glyph, "o"), linestyle="none", markersize=9,
                  markeredgewidth=2, color=colour, markerfacecolor="none" if hollow else colour,
                  label=group.label, zorder=5)


def draw_regions(axes, chart: RegionMap) -> None:  # type: ignore[no-untyped-def]
    """The regions as an image of their samples (each a cell centred on its sample), the
    points on top, equal scales on both axes."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    (x0, x1), (y0, y1) = chart.x_range, chart.y_range
    handles = []
    if chart.inside is not None:
        rows, columns = len(chart.inside), len(chart.inside[0])
        dx, dy = (x1 - x0) / (columns - 1) / 2, (y1 - y0) / (rows - 1) / 2
        image = [[1 if v else 0 for v in row] for row in chart.inside]
        axes.imshow(image, origin="lower", extent=(x0 - dx, x1 + dx, y0 - dy, y1 + dy),
                    cmap=ListedColormap([REGION_COLOURS[1], REGION_COLOURS[0]]), vmin=0,
                    vmax=1, interpolation="nearest", aspect="equal", zorder=0)
        handles = [Patch(color=REGION_COLOURS[0], label=chart.regions[0]),
                   Patch(color=REGION_COLOURS[1], label=chart.regions[1])]
        axes.set_xlim(x0 - dx, x1 + dx)
        axes.set_ylim(y0 - dy, y1 + dy)
    else:
        axes.set_xlim(x0, x1)
        axes.set_ylim(y0, y1)
        axes.set_aspect("equal")
        axes.grid(True, color="#dddddd", zorder=0)
    draw_marks(axes, chart.points)
    axes.set_xlabel(chart.x_label)
    axes.set_ylabel(chart.y_label)
    points, labels = axes.get_legend_handles_labels()
    axes.legend(handles + points, [h.get_label() for h in handles] + labels, fontsize="small",
                loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)


def _levels(values: list[float]) -> list[float]:
    """Contour levels at quantiles of the values: a quartic's corners would otherwise put
    every line far from the minimum."""
    finite = sorted(v for v in values if math.isfinite(v))
    if not finite or finite[0] == finite[-1]:
        return []
    picks = [finite[min(len(finite) - 1, round(q * (len(finite) - 1) / 16))] for q in range(17)]
    return sorted(set(picks))


def draw_surface(axes, chart: Surface) -> None:  # type: ignore[no-untyped-def]
    """A curve f(x), or contours of f(x, y) with their values, the marks and the path."""
    if chart.ys:
        contour = axes.contour(chart.xs, chart.ys, chart.values,
                               levels=_levels([v for row in chart.values for v in row]),
                               cmap="viridis", linewidths=0.8, zorder=1)
        axes.clabel(contour, fontsize="x-small", fmt="%.3g")
        axes.set_ylabel(chart.y_label)
    else:
        axes.plot(chart.xs, chart.values, "-", color="#555555", label=chart.value_label,
                  zorder=1)
        axes.set_ylabel(chart.value_label)
    if chart.path:
        axes.plot([p[0] for p in chart.path], [p[1] for p in chart.path], ".-",
                  color="#c62828", markersize=7, label=chart.path_label, zorder=4)
        axes.annotate("start", chart.path[0], textcoords="offset points", xytext=(6, 6),
                      fontsize="small", color="#c62828")
    draw_marks(axes, chart.marks)
    axes.set_xlabel(chart.x_label)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2,
                    frameon=False)


_CHAR, _LINE, _GAP_X, _GAP_Y = 0.075, 0.18, 0.35, 0.45  # inches at fontsize "small"


def _layout(chart: Graph) -> tuple[dict[int, tuple[float, float]], float, float]:
    """Node centres in inches, and the drawing's width and height: a row per depth (the
    inputs on top, the loss at the bottom, as a page reads), each row centred, every node
    as wide as its longest line."""
    depth = chart.depths()
    rows: dict[int, list[int]] = {}
    for i, d in enumerate(depth):
        rows.setdefault(d, []).append(i)
    lines = [chart.label(n).split("\n") for n in chart.nodes]
    widths = _widths(chart)
    row_widths = {d: sum(widths[i] for i in members) + _GAP_X * (len(members) - 1)
                  for d, members in rows.items()}
    where: dict[int, tuple[float, float]] = {}
    y = 0.0
    for d in sorted(rows):
        height = max(len(lines[i]) for i in rows[d]) * _LINE + 0.2
        x = -row_widths[d] / 2
        for i in rows[d]:
            where[i] = (x + widths[i] / 2, -(y + height / 2))
            x += widths[i] + _GAP_X
        y += height + _GAP_Y
    return where, max(row_widths.values()), y - _GAP_Y


def _widths(chart: Graph) -> list[float]:
    """Each node's box width in inches: its longest line, and the box's padding."""
    return [max(len(ln) for ln in chart.label(n).split("\n")) * _CHAR + 0.25
            for n in chart.nodes]


def _toward(offset: float, width: float) -> float:
    """Where along a box's edge (0 left, 1 right) an arrow meets it, for the other end
    `offset` inches to the side: shifted that way, within the middle 70% of the edge."""
    return min(0.85, max(0.15, 0.5 + offset / (2 * width)))


def graph_size(chart: Graph) -> tuple[float, float]:
    """Inches for a graph: its layout with a margin, and room for the legend below."""
    _, width, height = _layout(chart)
    return max(4.8, width + 0.5), height + 0.9  # the legend needs 4.8 inches


def graph_rect(chart: Graph) -> tuple[float, float, float, float]:
    """The axes of a graph drawn alone, as a fraction of graph_size (left, bottom, width,
    height): one data unit an inch, centred, 0.05 inch from the top, the legend below. Set
    by hand, since a constrained layout draws the figure twice (40% of its time)."""
    _, width, height = _layout(chart)
    W, H = graph_size(chart)
    w, h = width + 0.2, height + 0.2  # the limits draw_graph sets
    return (W - w) / 2 / W, (H - 0.05 - h) / H, w / W, h / H


def draw_graph(axes, chart: Graph) -> None:  # type: ignore[no-untyped-def]
    """Nodes as labelled boxes in rows by depth (inputs on top, the loss at the bottom),
    each edge an arrow from an input to the value computed from it."""
    from matplotlib.patches import Patch

    where, width, height = _layout(chart)
    boxes = {}
    for i, node in enumerate(chart.nodes):
        boxes[i] = axes.text(*where[i], chart.label(node), ha="center", va="center",
                             fontsize="small", zorder=3,
                             bbox={"boxstyle": "round,pad=0.3",
                                   "facecolor": _ROLE_COLOURS.get(node.role, "white"),
                                   "edgecolor": "#555555"})
    # Every edge goes down a row or more (Graph.depths), so an arrow leaves its input's
    # bottom edge and enters its reader's top edge, at points given in each text's own
    # coordinates (fractions of its extent, shifted toward the other end): matplotlib then
    # places them at draw time. Clipping arrows to the boxes (patchA/patchB) took 70% of a
    # document's drawing time.
    widths = _widths(chart)
    for start, end in chart.edges:
        dx = where[end][0] - where[start][0]
        axes.annotate("", xy=(_toward(-dx, widths[end]), 1.0), xycoords=boxes[end],
                      xytext=(_toward(dx, widths[start]), 0.0), textcoords=boxes[start],
                      zorder=2,
                      arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1,
                                  "shrinkA": 4.5, "shrinkB": 4.5})
    axes.set_xlim(-width / 2 - 0.1, width / 2 + 0.1)
    axes.set_ylim(-height - 0.1, 0.1)
    axes.set_axis_off()
    roles = [r for r in ("given", "parameter", "computed", "loss")
             if any(n.role == r for n in chart.nodes)]
    axes.legend([Patch(facecolor=_ROLE_COLOURS[r], edgecolor="#555555") for r in roles], roles,
                fontsize="small", loc="upper center", bbox_to_anchor=(0.5, 0.0),
                ncol=len(roles), frameon=False)

"""The computational graph of a backprop spec as a `Graph` (examsolve/chart.py): one node per
given value, parameter and model line, an edge from every name a line reads to the line.

Under each node stand its numbers as the derivation printed them: in a solution its forward
value and (where the loss depends on it) its gradient ∂L/∂name — for a given value only when
`wrt` asks for it; on a question sheet the given
values and parameters only, each computed line just its shape. A value of more than
MAX_SHOWN entries is written as its shape (the derivation has it in full); a graph of more
than MAX_NODES nodes is not drawn (an unrolled recurrence that long is a list, not a picture).
"""

from __future__ import annotations

import numpy as np

from examsolve.autodiff.parse import Apply, Node_, Ref
from examsolve.chart import Graph, GraphNode
from examsolve.kinds.backprop.model import BackpropSpec
from examsolve.numbers import format_number

MAX_NODES = 40
MAX_SHOWN = 6  # entries written out under a node; more are its shape


def names_read(expr: Node_) -> list[str]:
    """The names an expression reads, in order of first use."""
    if isinstance(expr, Ref):
        return [expr.name]
    if isinstance(expr, Apply):
        seen: list[str] = []
        for arg in expr.args:
            seen += [n for n in names_read(arg) if n not in seen]
        return seen
    return []


def _number(value: object) -> str:
    return format_number(value).replace("-", "−")


def value_text(arr: np.ndarray) -> str:
    """`3`, `[3, 3]ᵀ` (a column), `[1, −1]` (a row), rows on lines of their own, or `2×3`."""
    rows, columns = arr.shape
    if arr.size > MAX_SHOWN:
        return f"{rows}×{columns}"
    if arr.size == 1:
        return _number(arr[0, 0])
    if columns == 1:
        return "[" + ", ".join(_number(v) for v in arr[:, 0]) + "]ᵀ"
    return "\n".join("[" + ", ".join(_number(v) for v in row) + "]" for row in arr)


def graph_chart(spec: BackpropSpec, values: dict[str, np.ndarray] | None = None,
                grads: dict[str, np.ndarray] | None = None) -> Graph | None:
    """The graph with `values` (name → forward value) and `grads` (name → ∂L/∂name, only
    the names the loss depends on) written under the nodes; both None: a question sheet.
    None when there are more than MAX_NODES nodes."""
    lines = spec.lines
    leaves = [(name, "given") for name, _ in spec.given] + \
        [(name, "parameter") for name, _ in spec.parameters]
    if len(leaves) + len(lines) > MAX_NODES:
        return None
    given = dict(spec.leaves)
    order = [name for name, _ in leaves] + [line.name for line in lines]
    index = {name: i for i, name in enumerate(order)}
    nodes = []
    for name, role in leaves:
        # A given value's gradient only when asked for (∂L/∂target is true but noise).
        asked = role == "parameter" or name in spec.wrt
        grad = value_text(grads[name]) if grads is not None and name in grads and asked \
            else ""
        nodes.append(GraphNode(name, role, _lines(value_text(np.array(given[name],
                                                                       dtype=object))),
                               _lines(grad)))
    for line in lines:
        role = "loss" if line.name == spec.loss else "computed"
        if values is None:
            nodes.append(GraphNode(line.name, role, ("{}×{}".format(*line.shape),)))
            continue
        grad = value_text(grads[line.name]) if grads is not None and line.name in grads \
            and line.name != spec.loss else ""
        nodes.append(GraphNode(line.name, role, _lines(value_text(values[line.name])),
                               _lines(grad)))
    edges = tuple((index[read], index[line.name]) for line in lines
                  for read in names_read(line.expr) if read in index)
    # Leaves no line reads (an unused given) are still inputs; nothing to connect.
    return Graph(f"Computational graph of {spec.loss or 'the model'}", tuple(nodes), edges,
                 spec.loss or "")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()

"""Ops that move numbers without changing them: indexing, flatten/reshape, concat/hstack.

Each forward picks or rearranges entries; each backward puts the upstream gradient back
where the entries came from (zeros elsewhere). Reshapes are row-major, as numpy and PyTorch
read a matrix: flatten([[1, 2], [3, 4]]) is the column [1 2 3 4]ᵀ.
"""

from __future__ import annotations

import numpy as np

from examsolve.autodiff.engine import Context, Node

LOCAL = {
    "index": "the entries read receive the upstream gradient, every other entry 0",
    "reshape": "the gradient is reshaped back (row-major)",
    "concat": "each operand receives its own rows of the gradient",
    "hstack": "each operand receives its own columns of the gradient",
}


def _slice(k: int | None) -> slice:
    return slice(None) if k is None else slice(k, k + 1)


def index(ctx: Context, x: Node, row: int | None, col: int | None) -> Node:
    """x[row, col] with 0-based row/col, None for a whole axis (`:`); the result stays 2-D
    (a row 1×n, a column m×1, an entry 1×1)."""
    rows, cols = _slice(row), _slice(col)
    out = Node(ctx, x.value[rows, cols].copy(), (x,), "index", {"at": (row, col)})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray]:
        dx = ctx.full(x.shape, 0)
        dx[rows, cols] = g
        return (dx,)

    out.backward_fn = backward_fn
    return out


def reshape(ctx: Context, x: Node, rows: int, cols: int) -> Node:
    """Row-major reshape (flatten is reshape to one column)."""
    out = Node(ctx, x.value.reshape(rows, cols).copy(), (x,), "reshape", {"to": (rows, cols)})
    out.backward_fn = lambda g: (g.reshape(x.shape).copy(),)
    return out


def concat(ctx: Context, a: Node, b: Node, side_by_side: bool) -> Node:
    """a above b (concat: rows appended), or a left of b (hstack)."""
    axis = 1 if side_by_side else 0
    value = np.concatenate([a.value, b.value], axis=axis)
    split = a.shape[axis]
    out = Node(ctx, value, (a, b), "hstack" if side_by_side else "concat", {"split": split})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if side_by_side:
            return g[:, :split].copy(), g[:, split:].copy()
        return g[:split].copy(), g[split:].copy()

    out.backward_fn = backward_fn
    return out

"""Shape rules of the model language: the shape of each operation's result, or an error
naming the operands and their shapes (`W @ x: cannot multiply W (2×3) by x (4×1)`).

Every value is a 2-D matrix: a flat list is an n×1 column, a number is 1×1. The rules read
an operation's `op`, `args` (their `.text`), `text` and `option(key)`; parse.py calls
`op_shape` while it reads a line, so a mismatch is reported against the line.
"""

from __future__ import annotations

from typing import Protocol

Shape = tuple[int, int]
# Ops applied entry by entry: the result has the first operand's shape.
ELEMENTWISE = ("neg", "relu", "sigmoid", "tanh", "exp", "log", "logb", "sqrt", "abs", "pow",
               "leaky_relu", "elu", "softplus", "step", "sign")


class Op(Protocol):
    """What a shape rule reads of an operation (parse.Apply)."""

    op: str
    args: tuple
    text: str

    def option(self, key: str) -> object: ...


class ShapeError(Exception):
    """A problem in one line (a shape, an argument); turned into a SpecError naming it."""


def shape_text(shape: Shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def _is_vector(shape: Shape) -> bool:
    return shape[0] == 1 or shape[1] == 1


def op_shape(node: Op, shapes: list[Shape]) -> Shape:
    """The shape of node's result, or ShapeError naming the operands and their shapes."""
    op = node.op
    texts = [a.text for a in node.args]
    if op in ("add", "sub", "mul", "div", "maximum", "minimum"):
        a, b = shapes
        if a == b or b == (1, 1):
            return a
        if a == (1, 1):
            return b
        sign = {"add": "+", "sub": "−", "mul": "*", "div": "/"}.get(op, ",")
        raise ShapeError(f"`{node.text}`: cannot combine {texts[0]} ({shape_text(a)}) {sign} "
                         f"{texts[1]} ({shape_text(b)}): elementwise operands need the same "
                         "shape (or one is a single number)")
    if op == "matmul":
        a, b = shapes
        if a[1] != b[0]:
            raise ShapeError(f"`{node.text}`: cannot multiply {texts[0]} ({shape_text(a)}) by "
                             f"{texts[1]} ({shape_text(b)}): inner sizes {a[1]} and {b[0]} "
                             "differ")
        return (a[0], b[1])
    if op == "transpose":
        return (shapes[0][1], shapes[0][0])
    if op in ELEMENTWISE:
        return shapes[0]
    if op == "softmax" and node.option("each") is not None:
        return shapes[0]
    if op == "attention":
        return _attention_shape(node, shapes, texts)
    if op in ("batchnorm", "layernorm"):
        x, gamma, beta = shapes
        for s_, t in ((gamma, texts[1]), (beta, texts[2])):
            if s_ != (1, 1) and s_ not in ((x[0], 1), (1, x[0])):
                raise ShapeError(f"`{node.text}`: {t} ({shape_text(s_)}) needs one entry per "
                                 f"row of {texts[0]} ({x[0]}), or a single number")
        if op == "layernorm" and x[0] == 1 and x[1] > 1:
            raise ShapeError(f"`{node.text}`: write {texts[0]} as a column (one feature per "
                             "row); layernorm normalises each column")
        if op == "batchnorm" and x[1] < 2:
            raise ShapeError(f"`{node.text}`: batchnorm needs a batch of at least 2 columns "
                             f"(one per example), {texts[0]} is {shape_text(x)}")
        return x
    if op == "dropout":
        if shapes[1] != shapes[0]:
            raise ShapeError(f"`{node.text}`: the mask {texts[1]} ({shape_text(shapes[1])}) "
                             f"must have {texts[0]}'s shape ({shape_text(shapes[0])})")
        return shapes[0]
    if op == "softmax":
        if not _is_vector(shapes[0]):
            raise ShapeError(f"`{node.text}`: softmax takes a vector, {texts[0]} is "
                             f"{shape_text(shapes[0])}")
        return shapes[0]
    if op in ("sum", "mean"):
        return (1, 1)
    if op in ("nll", "cross_entropy"):
        if not _is_vector(shapes[0]):
            raise ShapeError(f"`{node.text}`: {op} takes a vector of "
                             f"{'probabilities' if op == 'nll' else 'scores'}, {texts[0]} is "
                             f"{shape_text(shapes[0])}")
        return (1, 1)
    if op in ("bce", "mse"):
        a, b = shapes
        if a != b and b != (1, 1):
            raise ShapeError(f"`{node.text}`: {texts[0]} ({shape_text(a)}) and {texts[1]} "
                             f"({shape_text(b)}) must have the same shape")
        return (1, 1)
    if op == "index":
        row, col = node.option("at")  # type: ignore[misc]
        return (shapes[0][0] if row is None else 1, shapes[0][1] if col is None else 1)
    if op == "flatten":
        return (shapes[0][0] * shapes[0][1], 1)
    if op == "reshape":
        rows, cols = int(node.option("rows")), int(node.option("cols"))  # type: ignore[call-overload]
        if rows * cols != shapes[0][0] * shapes[0][1]:
            raise ShapeError(f"`{node.text}`: {texts[0]} has {shapes[0][0] * shapes[0][1]} "
                             f"entries ({shape_text(shapes[0])}), {rows}×{cols} needs "
                             f"{rows * cols}")
        return (rows, cols)
    if op in ("concat", "hstack"):
        a, b = shapes
        axis = 1 if op == "concat" else 0  # the axis that must agree
        if a[axis] != b[axis]:
            what = "columns" if op == "concat" else "rows"
            raise ShapeError(f"`{node.text}`: {op} needs the same number of {what}: "
                             f"{texts[0]} is {shape_text(a)}, {texts[1]} is {shape_text(b)}")
        return (a[0] + b[0], a[1]) if op == "concat" else (a[0], a[1] + b[1])
    if op == "conv1d":
        return _conv1d_shape(node, shapes, texts)
    if op == "conv2d":
        return _conv2d_shape(node, shapes, texts)
    if op in ("maxpool1d", "maxpool2d"):
        return _pool_shape(node, shapes[0], texts[0])
    raise ShapeError(f"no shape rule for {op}")  # unreachable: SIGNATURES and this agree


def _attention_shape(node: Op, shapes: list[Shape], texts: list[str]) -> Shape:
    """One token per row: Q n×d, K m×d, V m×d_v (and a mask n×m) give n×d_v."""
    q, k, v = shapes[:3]
    if q[1] != k[1]:
        raise ShapeError(f"`{node.text}`: Q and K need the same number of columns (one token "
                         f"per row): {texts[0]} is {shape_text(q)}, {texts[1]} is "
                         f"{shape_text(k)}")
    if v[0] != k[0]:
        raise ShapeError(f"`{node.text}`: V needs one row per row of K: {texts[2]} is "
                         f"{shape_text(v)}, {texts[1]} is {shape_text(k)}")
    if len(shapes) == 4 and shapes[3] != (q[0], k[0]):
        raise ShapeError(f"`{node.text}`: the mask must be {q[0]}×{k[0]} (a query row by a "
                         f"key row), {texts[3]} is {shape_text(shapes[3])}")
    return (q[0], v[1])


def conv_padding(padding: object, k: int) -> tuple[int, int]:
    """Zeros added before and after: "valid" none, "same" k−1 split as PyTorch does (the
    extra one after), an integer p on both sides."""
    if padding == "valid":
        return (0, 0)
    if padding == "same":
        return ((k - 1) // 2, k - 1 - (k - 1) // 2)
    return (int(padding), int(padding))  # type: ignore[call-overload]


def _conv_out(n: int, k: int, pad: tuple[int, int], stride: int) -> int:
    return (n + pad[0] + pad[1] - k) // stride + 1


def _conv1d_shape(node: Op, shapes: list[Shape], texts: list[str]) -> Shape:
    x, w, b = shapes
    for s, t, what in ((x, texts[0], "input"), (w, texts[1], "kernel")):
        if not _is_vector(s):
            raise ShapeError(f"`{node.text}`: conv1d's {what} must be a vector, {t} is "
                             f"{shape_text(s)}")
    if b != (1, 1):
        raise ShapeError(f"`{node.text}`: conv1d's bias must be a single number, {texts[2]} is "
                         f"{shape_text(b)}")
    n, k, stride = max(x), max(w), int(node.option("stride"))  # type: ignore[call-overload]
    if node.option("padding") == "same" and stride != 1:
        raise ShapeError(f"`{node.text}`: padding=\"same\" needs stride 1")
    out = _conv_out(n, k, conv_padding(node.option("padding"), k), stride)
    if out < 1:
        raise ShapeError(f"`{node.text}`: the kernel {texts[1]} ({k} entries) is longer than "
                         f"the padded input {texts[0]} ({shape_text(x)})")
    return (out, 1) if x[1] == 1 else (1, out)


def _conv2d_shape(node: Op, shapes: list[Shape], texts: list[str]) -> Shape:
    x, k, b = shapes
    if b != (1, 1):
        raise ShapeError(f"`{node.text}`: conv2d's bias must be a single number, {texts[2]} is "
                         f"{shape_text(b)}")
    stride = int(node.option("stride"))  # type: ignore[call-overload]
    if node.option("padding") == "same" and stride != 1:
        raise ShapeError(f"`{node.text}`: padding=\"same\" needs stride 1")
    rows = _conv_out(x[0], k[0], conv_padding(node.option("padding"), k[0]), stride)
    cols = _conv_out(x[1], k[1], conv_padding(node.option("padding"), k[1]), stride)
    if rows < 1 or cols < 1:
        raise ShapeError(f"`{node.text}`: the kernel {texts[1]} ({shape_text(k)}) does not fit "
                         f"in the padded input {texts[0]} ({shape_text(x)})")
    return (rows, cols)


def _pool_shape(node: Op, x: Shape, text: str) -> Shape:
    size = int(node.option("size"))  # type: ignore[call-overload]
    stride = int(node.option("stride") or size)  # type: ignore[call-overload]
    padding = node.option("padding")
    if isinstance(padding, str):
        raise ShapeError(f"`{node.text}`: a pool's padding is a whole number")
    pad = 2 * int(padding)  # type: ignore[call-overload]
    x = (x[0] + pad, x[1] + pad) if node.op == "maxpool2d" else \
        ((x[0] + pad, 1) if x[1] == 1 else (1, x[1] + pad))
    if node.op == "maxpool1d":
        if not _is_vector(x):
            raise ShapeError(f"`{node.text}`: maxpool1d takes a vector, {text} is "
                             f"{shape_text(x)}")
        if size > max(x):
            raise ShapeError(f"`{node.text}`: window {size} is longer than {text} "
                             f"({shape_text(x)})")
        out = (max(x) - size) // stride + 1
        return (out, 1) if x[1] == 1 else (1, out)
    if size > min(x):
        raise ShapeError(f"`{node.text}`: window {size}×{size} does not fit in {text} "
                         f"({shape_text(x)})")
    return ((x[0] - size) // stride + 1, (x[1] - size) // stride + 1)

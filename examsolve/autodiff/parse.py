"""Reading a backprop model: one assignment per line, parsed with `ast` and a whitelist.

A line `k = W @ x + b` becomes `Line("k", Apply("add", (Apply("matmul", (Ref W, Ref x)),
Ref b)))`. Only names, numbers, strings (as class names or padding), `+ - *` (elementwise,
a 1×1 operand broadcasts), unary minus, `@`, `.T` and calls of the ops in SIGNATURES are
accepted; anything else is a bad-input error naming the line and the construct. Nothing is
ever `eval`ed.

Shapes are inferred here, at load time, so a mismatch is reported against its model line
with both shapes (`W @ x: cannot multiply W (2×3) by x (4×1)`). Every value is a 2-D matrix:
a flat list is an n×1 column, a number is 1×1.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Union

from examsolve.errors import SpecError
from examsolve.numbers import NumberRangeError, parse_number

Shape = tuple[int, int]


@dataclass(frozen=True)
class Ref:
    """A name: a given value, a parameter or an earlier line."""

    name: str
    text: str


@dataclass(frozen=True)
class Const:
    """A number written in the model (exact)."""

    value: Fraction
    text: str


@dataclass(frozen=True)
class Apply:
    """An operation on tensor arguments, with its non-tensor options (class, padding, ...)."""

    op: str
    args: tuple["Node_", ...]
    options: tuple[tuple[str, object], ...]
    text: str

    def option(self, key: str) -> object:
        return dict(self.options)[key]


Node_ = Union[Ref, Const, Apply]


@dataclass(frozen=True)
class Line:
    name: str
    expr: Node_
    text: str  # the line as written
    line: int  # its line in the spec file
    path: str  # its spec path, model[3]
    shape: Shape


# ---- op signatures: (tensor parameters, option parameters with defaults) --------------------

REQUIRED = object()
UNARY = ("relu", "sigmoid", "tanh", "exp", "log", "softmax", "sum", "mean")
LOSSES = ("nll", "bce", "cross_entropy", "mse")
# The largest padding, stride or pool size accepted (a size that big is a typo).
MAX_OPTION = 1000
# One model line is one layer's equation: longer ones are refused before `ast` reads them
# (its parser, and every printer after it, recurse once per operation).
MAX_LINE_CHARS = 500
MAX_OPERATIONS = 64
# The most entries one value (a given matrix, a line, a part of a line) may hold: a 784×256
# weight matrix fits; conv2d(X, K, padding=1000) on a 2×2 input (4 million) does not.
MAX_ENTRIES = 250_000
_OPERATION = re.compile(r"[-+*@/(]|\.T\b")

SIGNATURES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, object], ...]]] = {
    **{name: (("x",), ()) for name in UNARY},
    "conv1d": (("x", "w", "b"), (("padding", "valid"), ("stride", 1))),
    "conv2d": (("X", "K", "b"), (("padding", "valid"), ("stride", 1))),
    "maxpool1d": (("x",), (("size", REQUIRED), ("stride", None))),
    "maxpool2d": (("X",), (("size", REQUIRED), ("stride", None))),
    "nll": (("p",), (("cls", REQUIRED),)),
    "cross_entropy": (("s",), (("cls", REQUIRED),)),
    "bce": (("p", "y"), ()),
    "mse": (("yhat", "y"), ()),
}
# Tensor parameters that may be left out (a conv's bias defaults to 0).
OPTIONAL_TENSORS = {("conv1d", "b"), ("conv2d", "b")}
BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.MatMult: "matmul"}
_LINE_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$", re.S)


def shape_text(shape: Shape) -> str:
    return f"{shape[0]}×{shape[1]}"


@dataclass
class ModelContext:
    """What a line may refer to while the model is read."""

    shapes: dict[str, Shape]  # given, parameters and earlier lines
    kinds: dict[str, str]  # name → "given" | "parameter" | "line"
    values: dict[str, object]  # given/parameter values (for class arguments)
    classes: dict[str, tuple[str, ...]]
    indexing: int


_FLOAT_MAX = Fraction(1.7976931348623157e308)


class _LineError(Exception):
    """A problem in one line; turned into a SpecError naming the line."""


def parse_line(text: str, ctx: ModelContext, fail: Callable[[str], SpecError]) -> Line:
    """Parse `name = expression`, check it against ctx, and return it with its shape."""
    match = _LINE_RE.match(text)
    if not match:
        raise fail(f"expected `name = expression`, got `{text.strip()}`")
    name, rhs = match.group(1), match.group(2).strip()
    if len(rhs) > MAX_LINE_CHARS:
        raise fail(f"a model line of {len(rhs):,} characters; at most {MAX_LINE_CHARS} "
                   "(split it over several lines)")
    operations = len(_OPERATION.findall(rhs))
    if operations > MAX_OPERATIONS:
        raise fail(f"a model line with {operations} operations; at most {MAX_OPERATIONS} "
                   "(split it over several lines)")
    if name in SIGNATURES:
        raise fail(f"`{name}` is an operation; choose another name for this line")
    if name in ctx.kinds:
        raise fail(f"`{name}` is already defined (as a {ctx.kinds[name]}); every line "
                   "assigns a new name")
    try:
        tree = ast.parse(rhs, mode="eval")
    except SyntaxError as exc:
        raise fail(f"cannot read `{rhs}`: {exc.msg}") from None
    reader = _Reader(rhs, ctx)
    try:
        expr = reader.expr(tree.body)
        shape = reader.shape(expr)
    except _LineError as exc:
        raise fail(f"{name} = {rhs}: {exc}") from None
    return Line(name, expr, f"{name} = {rhs}", 0, "", shape)


class _Reader:
    """Walks one right-hand side; only whitelisted nodes pass."""

    def __init__(self, source: str, ctx: ModelContext) -> None:
        self.source = source
        self.ctx = ctx

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ast.unparse(node)

    def expr(self, node: ast.AST) -> Node_:
        if isinstance(node, ast.Name):
            if node.id in SIGNATURES:
                raise _LineError(f"`{node.id}` is an operation; call it, e.g. {node.id}(x)")
            if node.id not in self.ctx.shapes:
                raise _LineError(f"`{node.id}` is used before it is defined: it is not in "
                                 "`given`, `parameters` or an earlier line")
            return Ref(node.id, node.id)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and \
                not isinstance(node.value, bool):
            try:
                value = parse_number(self.text(node))
            except NumberRangeError as exc:
                raise _LineError(f"`{self.text(node)}`: {exc}") from None
            if isinstance(value, float) or abs(value) > _FLOAT_MAX:
                raise _LineError(f"`{self.text(node)}` is beyond float64's range "
                                 "(|x| ≤ 1.8e308)")
            return Const(value, self.text(node))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.expr(node.operand)
            if isinstance(node.op, ast.UAdd):
                return inner
            if isinstance(inner, Const):
                return Const(-inner.value, self.text(node))
            return Apply("neg", (inner,), (), self.text(node))
        if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
            return Apply(BINOPS[type(node.op)], (self.expr(node.left), self.expr(node.right)),
                         (), self.text(node))
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return Apply("transpose", (self.expr(node.value),), (), self.text(node))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node)
        raise _LineError(f"`{self.text(node)}` is not supported ({_construct(node)}); a model "
                         "line uses names, numbers, + - * @, unary −, .T and calls of: "
                         + ", ".join(SIGNATURES))

    def call(self, node: ast.Call) -> Apply:
        op = node.func.id  # type: ignore[attr-defined]
        if op not in SIGNATURES:
            raise _LineError(f"unknown operation `{op}`; known: {', '.join(SIGNATURES)}")
        tensors, options = SIGNATURES[op]
        params = [*tensors, *(k for k, _ in options)]
        bound: dict[str, ast.AST] = {}
        if len(node.args) > len(params):
            raise _LineError(f"{op} takes at most {len(params)} arguments "
                             f"({', '.join(params)}), got {len(node.args)}")
        for key, arg in zip(params, node.args):
            bound[key] = arg
        for kw in node.keywords:
            key = "cls" if kw.arg in ("cls", "target", "label") and "cls" in params else kw.arg
            if key is None or key not in params:
                raise _LineError(f"{op} has no argument `{kw.arg}`; it takes "
                                 f"{', '.join(params)}")
            if key in bound:
                raise _LineError(f"{op}: argument `{kw.arg}` given twice")
            bound[key] = kw.value
        args = []
        for key in tensors:
            if key not in bound:
                if (op, key) in OPTIONAL_TENSORS:
                    args.append(Const(Fraction(0), "0"))
                    continue
                raise _LineError(f"{op} needs its argument `{key}`")
            args.append(self.expr(bound[key]))
        opts = []
        for key, default in options:
            if key not in bound:
                if default is REQUIRED:
                    raise _LineError(f"{op} needs its argument `{key if key != 'cls' else 'class'}`")
                opts.append((key, default))
                continue
            opts.append((key, self.option(op, key, bound[key], args)))
        if op == "bce":
            self.check_target(args[1], bound["y"])
        return Apply(op, tuple(args), tuple(opts), self.text(node))

    def check_target(self, target: Node_, node: ast.AST) -> None:
        """bce's y is a label: a number or a given value, every entry in [0, 1]."""
        if isinstance(target, Ref) and self.ctx.kinds.get(target.name) != "given":
            raise _LineError(f"bce's target `{target.text}` must be a number or a `given` "
                             f"value (a label), not a {self.ctx.kinds.get(target.name)}")
        if isinstance(target, Apply):
            raise _LineError(f"bce's target `{target.text}` must be a number or a `given` "
                             "value (a label)")
        values = [target.value] if isinstance(target, Const) else \
            list(self.ctx.values[target.name].reshape(-1))  # type: ignore[union-attr]
        for v in values:
            if not 0 <= v <= 1:
                raise _LineError(f"bce's target must lie in [0, 1], `{self.text(node)}` has "
                                 f"{v}")

    def option(self, op: str, key: str, node: ast.AST, args: list[Node_]) -> object:
        """A non-tensor argument: a class, a padding or a whole number."""
        if key == "cls":
            return self.class_index(op, node, args[0])
        if key == "padding" and isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value not in ("valid", "same"):
                raise _LineError(f"padding must be \"valid\", \"same\" or a whole number, got "
                                 f"\"{node.value}\"")
            return node.value
        value = self.whole_number(node)
        if value is None or value < (0 if key == "padding" else 1):
            want = "a whole number ≥ 0" if key == "padding" else "a whole number ≥ 1"
            raise _LineError(f"{op}: {key} must be {want}, got `{self.text(node)}`")
        if value > MAX_OPTION:  # an exam network never needs more; a typo would hang the run
            raise _LineError(f"{op}: {key} must be at most {MAX_OPTION}, got {value}")
        return value

    def whole_number(self, node: ast.AST) -> int | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and \
                not isinstance(node.value, bool):
            return node.value
        return None

    def class_index(self, op: str, node: ast.AST, target: Node_) -> int:
        """A class as written (an index per `indexing`, a quoted name from `classes`, or a
        given whole number), returned 0-based."""
        target_shape = self.shape(target)
        n = max(target_shape)
        names = self.ctx.classes.get(target.name) if isinstance(target, Ref) else None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if names is None:
                owner = f"`{target.name}`" if isinstance(target, Ref) else "this argument"
                raise _LineError(f"class \"{node.value}\" is a name, but `classes` names no "
                                 f"classes for {owner}")
            if node.value not in names:
                raise _LineError(f"unknown class \"{node.value}\"; the classes of "
                                 f"{target.name} are {', '.join(names)}")
            if names.index(node.value) >= n:  # `classes` names the labels of a single p
                raise _LineError(f"{op} needs a vector of class probabilities, but "
                                 f"{target.name} is a single number (its names are labels "
                                 "0 and 1)")
            return names.index(node.value)
        written = self.whole_number(node)
        if written is None and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.whole_number(node.operand)
            written = -inner if inner is not None else None
        if written is None and isinstance(node, ast.Name) and node.id in self.ctx.values:
            value = self.ctx.values[node.id]
            entry = value.reshape(-1)[0] if value.size == 1 else None  # type: ignore[union-attr]
            if isinstance(entry, Fraction) and entry.denominator == 1:
                written = int(entry)
        if written is None:
            raise _LineError(f"{op}: the class must be a whole number, a quoted class name or "
                             f"a given whole number, got `{self.text(node)}`")
        first = self.ctx.indexing
        if not first <= written < first + n:
            raise _LineError(f"class {written} is out of range: {self.text_of(target)} has "
                             f"{n} entries ({shape_text(target_shape)}), so classes run "
                             f"{first}..{first + n - 1} (indexing: {first})")
        return written - first

    def text_of(self, node: Node_) -> str:
        return node.text

    # ---- shapes ------------------------------------------------------------------------------
    def shape(self, node: Node_) -> Shape:
        if isinstance(node, Ref):
            return self.ctx.shapes[node.name]
        if isinstance(node, Const):
            return (1, 1)
        shapes = [self.shape(a) for a in node.args]
        rows, cols = shape = op_shape(node, shapes)
        if rows * cols > MAX_ENTRIES:
            raise _LineError(f"`{node.text}` is {rows}×{cols} = {rows * cols:,} entries; at "
                             f"most {MAX_ENTRIES:,} in one value")
        return shape


def _construct(node: ast.AST) -> str:
    names = {ast.Subscript: "indexing", ast.Compare: "a comparison", ast.Lambda: "a lambda",
             ast.Attribute: "an attribute other than .T", ast.Div: "division",
             ast.Pow: "a power", ast.List: "a list literal", ast.Tuple: "a tuple",
             ast.BoolOp: "and/or", ast.IfExp: "an if-expression", ast.Call: "a call of "
             "something other than an operation name"}
    if isinstance(node, ast.BinOp):
        return {ast.Div: "division", ast.Pow: "a power (**)", ast.FloorDiv: "floor division",
                ast.Mod: "%"}.get(type(node.op), type(node.op).__name__)
    if isinstance(node, ast.Constant):
        return "a string outside a class or padding argument" if isinstance(node.value, str) \
            else f"a {type(node.value).__name__} constant"
    return names.get(type(node), type(node).__name__)


def _is_vector(shape: Shape) -> bool:
    return shape[0] == 1 or shape[1] == 1


def op_shape(node: Apply, shapes: list[Shape]) -> Shape:
    """The shape of node's result, or _LineError naming the operands and their shapes."""
    op = node.op
    texts = [a.text for a in node.args]
    if op in ("add", "sub", "mul"):
        a, b = shapes
        if a == b or b == (1, 1):
            return a
        if a == (1, 1):
            return b
        sign = {"add": "+", "sub": "−", "mul": "*"}[op]
        raise _LineError(f"`{node.text}`: cannot combine {texts[0]} ({shape_text(a)}) {sign} "
                         f"{texts[1]} ({shape_text(b)}): elementwise operands need the same "
                         "shape (or one is a single number)")
    if op == "matmul":
        a, b = shapes
        if a[1] != b[0]:
            raise _LineError(f"`{node.text}`: cannot multiply {texts[0]} ({shape_text(a)}) by "
                             f"{texts[1]} ({shape_text(b)}): inner sizes {a[1]} and {b[0]} "
                             "differ")
        return (a[0], b[1])
    if op == "transpose":
        return (shapes[0][1], shapes[0][0])
    if op in ("neg", "relu", "sigmoid", "tanh", "exp", "log"):
        return shapes[0]
    if op == "softmax":
        if not _is_vector(shapes[0]):
            raise _LineError(f"`{node.text}`: softmax takes a vector, {texts[0]} is "
                             f"{shape_text(shapes[0])}")
        return shapes[0]
    if op in ("sum", "mean"):
        return (1, 1)
    if op in ("nll", "cross_entropy"):
        if not _is_vector(shapes[0]):
            raise _LineError(f"`{node.text}`: {op} takes a vector of "
                             f"{'probabilities' if op == 'nll' else 'scores'}, {texts[0]} is "
                             f"{shape_text(shapes[0])}")
        return (1, 1)
    if op in ("bce", "mse"):
        a, b = shapes
        if a != b and b != (1, 1):
            raise _LineError(f"`{node.text}`: {texts[0]} ({shape_text(a)}) and {texts[1]} "
                             f"({shape_text(b)}) must have the same shape")
        return (1, 1)
    if op == "conv1d":
        return _conv1d_shape(node, shapes, texts)
    if op == "conv2d":
        return _conv2d_shape(node, shapes, texts)
    if op in ("maxpool1d", "maxpool2d"):
        return _pool_shape(node, shapes[0], texts[0])
    raise _LineError(f"no shape rule for {op}")  # unreachable: SIGNATURES and this agree


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


def _conv1d_shape(node: Apply, shapes: list[Shape], texts: list[str]) -> Shape:
    x, w, b = shapes
    for s, t, what in ((x, texts[0], "input"), (w, texts[1], "kernel")):
        if not _is_vector(s):
            raise _LineError(f"`{node.text}`: conv1d's {what} must be a vector, {t} is "
                             f"{shape_text(s)}")
    if b != (1, 1):
        raise _LineError(f"`{node.text}`: conv1d's bias must be a single number, {texts[2]} is "
                         f"{shape_text(b)}")
    n, k, stride = max(x), max(w), int(node.option("stride"))  # type: ignore[call-overload]
    if node.option("padding") == "same" and stride != 1:
        raise _LineError(f"`{node.text}`: padding=\"same\" needs stride 1")
    out = _conv_out(n, k, conv_padding(node.option("padding"), k), stride)
    if out < 1:
        raise _LineError(f"`{node.text}`: the kernel {texts[1]} ({k} entries) is longer than "
                         f"the padded input {texts[0]} ({shape_text(x)})")
    return (out, 1) if x[1] == 1 else (1, out)


def _conv2d_shape(node: Apply, shapes: list[Shape], texts: list[str]) -> Shape:
    x, k, b = shapes
    if b != (1, 1):
        raise _LineError(f"`{node.text}`: conv2d's bias must be a single number, {texts[2]} is "
                         f"{shape_text(b)}")
    stride = int(node.option("stride"))  # type: ignore[call-overload]
    if node.option("padding") == "same" and stride != 1:
        raise _LineError(f"`{node.text}`: padding=\"same\" needs stride 1")
    rows = _conv_out(x[0], k[0], conv_padding(node.option("padding"), k[0]), stride)
    cols = _conv_out(x[1], k[1], conv_padding(node.option("padding"), k[1]), stride)
    if rows < 1 or cols < 1:
        raise _LineError(f"`{node.text}`: the kernel {texts[1]} ({shape_text(k)}) does not fit "
                         f"in the padded input {texts[0]} ({shape_text(x)})")
    return (rows, cols)


def _pool_shape(node: Apply, x: Shape, text: str) -> Shape:
    size = int(node.option("size"))  # type: ignore[call-overload]
    stride = int(node.option("stride") or size)  # type: ignore[call-overload]
    if node.op == "maxpool1d":
        if not _is_vector(x):
            raise _LineError(f"`{node.text}`: maxpool1d takes a vector, {text} is "
                             f"{shape_text(x)}")
        if size > max(x):
            raise _LineError(f"`{node.text}`: window {size} is longer than {text} "
                             f"({shape_text(x)})")
        out = (max(x) - size) // stride + 1
        return (out, 1) if x[1] == 1 else (1, out)
    if size > min(x):
        raise _LineError(f"`{node.text}`: window {size}×{size} does not fit in {text} "
                         f"({shape_text(x)})")
    return ((x[0] - size) // stride + 1, (x[1] - size) // stride + 1)

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
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Union

from examsolve.errors import SpecError
from examsolve.numbers import NumberRangeError, parse_number

from examsolve.autodiff.shapes import (ELEMENTWISE, Shape, ShapeError, _is_vector,  # noqa: F401
                                       conv_padding, op_shape, shape_text)


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
UNARY = ("relu", "sigmoid", "tanh", "exp", "log", "sum", "mean")
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
    "conv1d": (("x", "w", "b"), (("padding", "valid"), ("stride", 1), ("pad_value", 0))),
    "conv2d": (("X", "K", "b"), (("padding", "valid"), ("stride", 1), ("pad_value", 0))),
    "maxpool1d": (("x",), (("size", REQUIRED), ("stride", None), ("padding", 0),
                           ("pad_value", None))),
    "maxpool2d": (("X",), (("size", REQUIRED), ("stride", None), ("padding", 0),
                           ("pad_value", None))),
    "nll": (("p",), (("cls", REQUIRED),)),
    "cross_entropy": (("s",), (("cls", REQUIRED),)),
    "bce": (("p", "y"), ()),
    "mse": (("yhat", "y"), ()),
    **{name: (("x",), ()) for name in ("sqrt", "abs", "square")},
    "log": (("x",), (("base", None),)),
    "maximum": (("a", "b"), ()),
    "minimum": (("a", "b"), ()),
    "leaky_relu": (("x",), (("slope", Fraction(1, 100)),)),
    "elu": (("x",), (("alpha", Fraction(1)),)),
    "softplus": (("x",), (("beta", Fraction(1)),)),
    "step": (("x",), (("at_zero", Fraction(1)),)),
    "sign": (("x",), (("at_zero", Fraction(1)),)),
    "softmax": (("x",), (("each", None),)),
    "attention": (("Q", "K", "V", "mask"), ()),
    "batchnorm": (("X", "gamma", "beta"), (("eps", Fraction(1, 100000)),)),
    "layernorm": (("x", "gamma", "beta"), (("eps", Fraction(1, 100000)),)),
    "dropout": (("h", "mask"), (("p", REQUIRED),)),
    "flatten": (("x",), ()),
    "reshape": (("x",), (("rows", REQUIRED), ("cols", REQUIRED))),
    "concat": (("a", "b"), ()),
    "hstack": (("a", "b"), ()),
}
# Options that are numbers (not whole-number sizes): log's base, the activations' constants.
NUMBER_OPTIONS = ("base", "slope", "alpha", "beta", "at_zero", "eps", "p", "pad_value")
# Tensor parameters that may be left out (a conv's bias defaults to 0).
OPTIONAL_TENSORS = {("conv1d", "b"), ("conv2d", "b")}
# Tensor parameters that may be left out altogether (attention without a mask).
ABSENT_TENSORS = {("attention", "mask")}
BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.MatMult: "matmul",
          ast.Div: "div"}
# name = expression, the name an identifier (Unicode letters too: ŷ, α) or a sequence's
# entry h[t].
_LINE_RE = re.compile(r"^\s*([^\W\d]\w*(?:\[[^\]]+\])?)\s*=(?!=)(.*)$", re.S)
NAME_RULE = ("names must be letters (Unicode too: ŷ, α), digits and _, starting with a letter, "
             "and neither T nor an operation's name")


@dataclass
class ModelContext:
    """What a line may refer to while the model is read."""

    shapes: dict[str, Shape]  # given, parameters and earlier lines
    kinds: dict[str, str]  # name → "given" | "parameter" | "line"
    values: dict[str, object]  # given/parameter values (for class arguments)
    classes: dict[str, tuple[str, ...]]
    indexing: int
    loop: dict[str, int] = field(default_factory=dict)  # a `for` loop's variable → its value


_FLOAT_MAX = Fraction(1.7976931348623157e308)
_LineError = ShapeError  # a problem in one line; turned into a SpecError naming the line


def parse_line(text: str, ctx: ModelContext, fail: Callable[[str], SpecError]) -> Line:
    """Parse `name = expression`, check it against ctx, and return it with its shape."""
    match = _LINE_RE.match(text)
    if not match:
        lhs = text.split("=", 1)[0].strip() if "=" in text else ""
        if lhs and not re.match(r"^[^\W\d]\w*(\[[^\]]+\])?$", lhs):
            raise fail(f"`{lhs}` cannot name a line: {NAME_RULE}")
        raise fail(f"expected `name = expression`, got `{text.strip()}`")
    name, rhs = match.group(1), match.group(2).strip()
    if len(rhs) > MAX_LINE_CHARS:
        raise fail(f"a model line of {len(rhs):,} characters; at most {MAX_LINE_CHARS} "
                   "(split it over several lines)")
    operations = len(_OPERATION.findall(rhs))
    if operations > MAX_OPERATIONS:
        raise fail(f"a model line with {operations} operations; at most {MAX_OPERATIONS} "
                   "(split it over several lines)")
    if "[" in name:
        try:
            name = sequence_name(name, ctx)
        except _LineError as exc:
            raise fail(f"{name}: {exc}") from None
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
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(node)
        if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
            return Apply(BINOPS[type(node.op)], (self.expr(node.left), self.expr(node.right)),
                         (), self.text(node))
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return Apply("transpose", (self.expr(node.value),), (), self.text(node))
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node)
        raise _LineError(f"`{self.text(node)}` is not supported ({_construct(node)}); a model "
                         "line uses names, numbers, + - * / ** @, unary −, .T and calls of: "
                         + ", ".join(SIGNATURES))

    def subscript(self, node: ast.Subscript) -> Node_:
        """h[t] (an entry of a sequence made by a `for` loop), or x[i], W[i, j], W[i, :],
        W[:, j] with indices counted from `indexing`."""
        if isinstance(node.value, ast.Name) and node.value.id not in self.ctx.shapes and \
                any(k.startswith(node.value.id + "[") for k in self.ctx.shapes):
            key = f"{node.value.id}[{self.integer(node.slice)}]"
            if key not in self.ctx.shapes:
                known = [k for k in self.ctx.shapes if k.startswith(node.value.id + "[")]
                raise _LineError(f"`{key}` is not defined yet; so far {', '.join(known)}")
            return Ref(key, key)
        target = self.expr(node.value)
        shape = self.shape(target)
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if len(parts) > 2:
            raise _LineError(f"`{self.text(node)}`: at most two indices (row, column)")
        picks = [None if isinstance(p, ast.Slice) and p.lower is None and p.upper is None
                 and p.step is None else p for p in parts]
        if any(isinstance(p, ast.Slice) for p in picks):
            raise _LineError(f"`{self.text(node)}`: a slice is `:` (a whole row or column); "
                             "ranges like 1:3 are not supported")
        if len(picks) == 1:
            if not _is_vector(shape):
                raise _LineError(f"`{self.text(node)}`: {target.text} is {shape_text(shape)}; "
                                 "write W[i, j], W[i, :] (a row) or W[:, j] (a column)")
            picks = [picks[0], 0] if shape[1] == 1 else [0, picks[0]]
            fixed = [False, True] if shape[1] == 1 else [True, False]
        else:
            fixed = [False, False]
        at: list[int | None] = []
        shown: list[str] = []
        for axis, (p, is_fixed) in enumerate(zip(picks, fixed)):
            if p is None or is_fixed:
                at.append(p)  # type: ignore[arg-type]
                if not is_fixed:
                    shown.append(":")
                continue
            written = self.integer(p)
            shown.append(str(written))
            first = self.ctx.indexing
            if not first <= written < first + shape[axis]:
                what = "rows" if axis == 0 else "columns"
                raise _LineError(f"`{self.text(node)}`: index {written} is out of range: "
                                 f"{target.text} has {shape[axis]} {what}, counted "
                                 f"{first}..{first + shape[axis] - 1} (indexing: {first})")
            at.append(written - first)
        return Apply("index", (target,), (("at", tuple(at)), ("written", ", ".join(shown))),
                     self.text(node))

    def integer(self, node: ast.AST) -> int:
        """A whole number written as an index: a number, a loop variable, or t ± a number."""
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and \
                not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name) and node.id in self.ctx.loop:
            return self.ctx.loop[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.integer(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            a, b = self.integer(node.left), self.integer(node.right)
            return a + b if isinstance(node.op, ast.Add) else a - b
        raise _LineError(f"an index must be a whole number or a loop variable (t, t - 1), "
                         f"got `{self.text(node)}`")

    def power(self, node: ast.BinOp) -> Apply:
        """x ** n with a number n (a power of a tensor by a tensor has no exam use)."""
        exponent = self.expr(node.right)
        if not isinstance(exponent, Const):
            raise _LineError(f"`{self.text(node)}`: the exponent must be a number, got "
                             f"`{self.text(node.right)}`")
        return Apply("pow", (self.expr(node.left),), (("exponent", exponent.value),),
                     self.text(node))

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
            if (op, key) in ABSENT_TENSORS and (key not in bound or (
                    isinstance(bound[key], ast.Constant) and bound[key].value is None)):
                continue
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
        if op == "square":  # square(x) is x ** 2, written x²
            return Apply("pow", tuple(args), (("exponent", Fraction(2)),), self.text(node))
        if op == "log" and dict(opts)["base"] is not None:
            return Apply("logb", tuple(args), tuple(opts), self.text(node))
        return Apply(op, tuple(args), tuple(opts) if op != "log" else (), self.text(node))

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
        if key in NUMBER_OPTIONS:
            return self.number_option(op, key, node)
        if key == "each":
            if not (isinstance(node, ast.Constant) and node.value in ("row", "column")):
                raise _LineError(f"softmax: each must be \"row\" or \"column\", got "
                                 f"`{self.text(node)}`")
            return node.value
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

    def number_option(self, op: str, key: str, node: ast.AST) -> Fraction:
        """A constant of the function: a number written in the line (log's base > 0 and ≠ 1,
        elu's α and softplus's β > 0)."""
        value = self.expr(node)
        if not isinstance(value, Const):
            raise _LineError(f"{op}: {key} must be a number, got `{self.text(node)}`")
        v = value.value
        if key == "base" and (v <= 0 or v == 1):
            raise _LineError(f"log: the base must be a positive number other than 1, got {v}")
        if key in ("alpha", "beta", "eps") and v <= 0:
            raise _LineError(f"{op}: {key} must be positive, got {v}")
        if key == "p" and not 0 <= v < 1:
            raise _LineError(f"dropout: p (the probability of dropping) must lie in [0, 1), "
                             f"got {v}")
        return v

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


def sequence_name(written: str, ctx: ModelContext) -> str:
    """`h[t]` on the left of a line inside a loop (t = 2) → `h[2]`; `h[0]` → `h[0]`."""
    base, index = written.split("[", 1)
    tree = ast.parse(index.rstrip("]"), mode="eval")
    return f"{base}[{_Reader(index, ctx).integer(tree.body)}]"


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



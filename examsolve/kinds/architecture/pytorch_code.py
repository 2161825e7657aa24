"""Reading pasted PyTorch code with `ast` (never executed): `nn.Sequential(...)`, or an
`nn.Module` whose `__init__` assigns layers to attributes and whose `forward` is a straight
line of calls on the input — nested calls, `F.*`, `torch.flatten`, `x.view(-1, n)`,
`x.reshape`, `x.flatten(1)`, `x[:, -1]` (the last step of a sequence), `out, _ = self.lstm(x)`.

Positions: a Sequential counts its elements; a Module counts the calls of its `forward` in
order (`F.relu`, `torch.flatten`, `x.view` each count; a module called twice counts at each
call; a Sequential attribute counts each of its elements).
"""

from __future__ import annotations

import ast

from examsolve.kinds.architecture.layers import ACTIVATIONS, Layer, Stack, Value, Where
from examsolve.kinds.architecture.literals import CodeText, bind, dotted, literal

_CONV = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
         "groups", "bias", "padding_mode", "device", "dtype")
_RNN = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
        "bidirectional", "proj_size", "device", "dtype")
# nn class → (canonical layer, constructor signature)
MODULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Linear": ("linear", ("in_features", "out_features", "bias", "device", "dtype")),
    "Conv1d": ("conv1d", _CONV), "Conv2d": ("conv2d", _CONV),
    "ConvTranspose2d": ("conv_transpose2d", ("in_channels", "out_channels", "kernel_size",
                                             "stride", "padding", "output_padding", "groups",
                                             "bias", "dilation", "padding_mode")),
    "MaxPool1d": ("maxpool1d", ("kernel_size", "stride", "padding", "dilation",
                                "return_indices", "ceil_mode")),
    "MaxPool2d": ("maxpool2d", ("kernel_size", "stride", "padding", "dilation",
                                "return_indices", "ceil_mode")),
    "AvgPool1d": ("avgpool1d", ("kernel_size", "stride", "padding", "ceil_mode",
                                "count_include_pad")),
    "AvgPool2d": ("avgpool2d", ("kernel_size", "stride", "padding", "ceil_mode",
                                "count_include_pad", "divisor_override")),
    "AdaptiveAvgPool1d": ("adaptive_avgpool1d", ("output_size",)),
    "AdaptiveAvgPool2d": ("adaptive_avgpool2d", ("output_size",)),
    "Flatten": ("flatten", ("start_dim", "end_dim")),
    "Dropout": ("dropout", ("p", "inplace")), "Dropout2d": ("dropout", ("p", "inplace")),
    "BatchNorm1d": ("batchnorm", ("num_features", "eps", "momentum", "affine",
                                  "track_running_stats")),
    "BatchNorm2d": ("batchnorm", ("num_features", "eps", "momentum", "affine",
                                  "track_running_stats")),
    "LayerNorm": ("layernorm", ("normalized_shape", "eps", "elementwise_affine", "bias")),
    "Embedding": ("embedding", ("num_embeddings", "embedding_dim", "padding_idx", "max_norm")),
    # nn.RNN alone takes `nonlinearity` fourth (torch.nn.RNN's signature)
    "RNN": ("rnn", (*_RNN[:3], "nonlinearity", *_RNN[3:])), "LSTM": ("lstm", _RNN),
    "GRU": ("gru", _RNN),
    "MultiheadAttention": ("multihead_attention", ("embed_dim", "num_heads", "dropout", "bias",
                                                   "add_bias_kv", "add_zero_attn", "kdim",
                                                   "vdim", "batch_first")),
    "ReLU": ("relu", ("inplace",)), "Sigmoid": ("sigmoid", ()), "Tanh": ("tanh", ()),
    "Softmax": ("softmax", ("dim",)), "LogSoftmax": ("softmax", ("dim",)),
    "LeakyReLU": ("leaky_relu", ("negative_slope", "inplace")),
    "GELU": ("gelu", ("approximate",)), "ELU": ("elu", ("alpha", "inplace")),
    "Identity": ("identity", ()),
}
# constructor argument → the layer option it sets (others are read and not needed)
_OPTION = {"in_features": "in", "out_features": "out", "in_channels": "in",
           "out_channels": "out", "kernel_size": "kernel", "stride": "stride",
           "padding": "padding", "dilation": "dilation", "groups": "groups", "bias": "bias",
           "output_padding": "output_padding", "ceil_mode": "ceil_mode",
           "output_size": "output", "p": "p", "num_features": "in", "affine": "affine",
           "normalized_shape": "in", "elementwise_affine": "affine",
           "num_embeddings": "vocab", "embedding_dim": "dim", "input_size": "in",
           "hidden_size": "hidden", "num_layers": "layers", "bidirectional": "bidirectional",
           "embed_dim": "in", "num_heads": "heads"}
_FUNCTIONAL = {"max_pool1d": ("maxpool1d", MODULES["MaxPool1d"][1]),
               "max_pool2d": ("maxpool2d", MODULES["MaxPool2d"][1]),
               "avg_pool1d": ("avgpool1d", MODULES["AvgPool1d"][1]),
               "avg_pool2d": ("avgpool2d", MODULES["AvgPool2d"][1]),
               "adaptive_avg_pool2d": ("adaptive_avgpool2d", ("output_size",)),
               "dropout": ("dropout", ("p", "training", "inplace")),
               "log_softmax": ("softmax", ("dim",)), "softmax": ("softmax", ("dim",)),
               **{a: (a, ("negative_slope", "inplace", "alpha", "dim", "approximate"))
                  for a in ACTIVATIONS if a not in ("softmax", "identity")}}
_FUNCTION_PREFIXES = ("F", "torch", "nn.functional", "torch.nn.functional")


def read(source: str, file: str, first_line: int, path: str) -> Stack:
    """The layers of a PyTorch code block (SpecError naming the spec line otherwise)."""
    code = CodeText(source, file, first_line, path)
    return _Reader(code).read()


class _Reader:
    def __init__(self, code: CodeText) -> None:
        self.code = code
        self.attrs: dict[str, tuple[Layer, ...]] = {}

    def read(self) -> Stack:
        tree = self.code.parse()
        found: tuple[Layer, ...] | None = None
        for stmt in tree.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(stmt, ast.ClassDef) and found is None:
                found = self.module(stmt)
            elif isinstance(stmt, (ast.Assign, ast.Expr)) and found is None and \
                    isinstance(stmt.value, ast.Call) and _is_sequential(stmt.value):
                found = self.sequential(stmt.value)
            else:
                raise self.code.error(stmt, _refusal(stmt, "the code may hold imports and one "
                                                           "nn.Sequential(...) or nn.Module "
                                                           "class", self.code))
        if not found:
            raise self.code.error(tree, "no layers found: write nn.Sequential(...) or an "
                                        "nn.Module with __init__ and forward")
        return Stack(None, found)

    # ---- constructors -------------------------------------------------------------------
    def sequential(self, call: ast.Call) -> tuple[Layer, ...]:
        if call.keywords:
            raise self.code.error(call, "nn.Sequential takes its layers as positional arguments")
        layers = []
        for arg in call.args:
            if isinstance(arg, ast.Call) and _is_sequential(arg):
                layers.extend(self.sequential(arg))
            elif isinstance(arg, ast.Call):
                layers.append(self.construct(arg, None))
            else:
                raise self.code.error(arg, f"expected a layer such as nn.ReLU(), got "
                                           f"`{self.code.segment(arg)}`")
        return tuple(layers)

    def construct(self, call: ast.Call, attr: str | None) -> Layer:
        name = dotted(call.func) or ""
        cls = name.rsplit(".", 1)[-1]
        if not name.startswith(("nn.", "torch.nn.")) and name != cls or cls not in MODULES:
            import difflib

            close = difflib.get_close_matches(cls, list(MODULES), n=1)
            more = f"; did you mean nn.{close[0]}?" if close else ""
            raise self.code.error(call, f"unknown layer `{name or self.code.segment(call)}`"
                                        f"{more}")
        op, params = MODULES[cls]
        bound = bind(self.code, call, params, f"nn.{cls}")
        opts = self.options(op, bound, call)
        segment = self.code.segment(call)
        fix = None
        if op in ("linear", "conv1d", "conv2d") and "in" in dict(opts):
            first = call.args[0] if call.args else next(
                k.value for k in call.keywords if k.arg in ("in_features", "in_channels"))
            fix = segment.replace(self.code.segment(first), "{}", 1)
        written = f"{attr} = {segment}" if attr else segment
        return Layer(op, opts, Where(self.code.line_of(call), self.code.path), written, attr,
                     code=segment, fix=fix)

    def options(self, op: str, bound: dict[str, tuple[Value, ast.expr]],
                call: ast.Call) -> tuple[tuple[str, Value], ...]:
        opts: list[tuple[str, Value]] = []
        for param, (value, node) in bound.items():
            if param == "start_dim" and value != 1:
                raise self.code.error(node, "Flatten must start at dim 1 (dim 0 is the batch)")
            if param == "proj_size" and value not in (0, None):
                raise self.code.error(node, "LSTM projections (proj_size) are not supported")
            if param in ("add_bias_kv", "add_zero_attn") and value:
                raise self.code.error(node, f"{param} is not supported")
            if param in ("kdim", "vdim") and value is not None:
                raise self.code.error(node, "attention with kdim/vdim is not supported "
                                            "(self-attention only)")
            if param == "padding_mode" and value != "zeros":
                raise self.code.error(node, "only padding_mode='zeros' is read")
            key = _OPTION.get(param)
            if key is None:
                continue
            if key == "padding" and isinstance(value, str) and value not in ("same", "valid"):
                raise self.code.error(node, f"padding must be a number, a pair, 'same' or "
                                            f"'valid', got {value!r}")
            opts.append((key, value))
        return tuple(opts)

    # ---- nn.Module ----------------------------------------------------------------------
    def module(self, cls: ast.ClassDef) -> tuple[Layer, ...]:
        methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
        for stmt in cls.body:
            if not isinstance(stmt, ast.FunctionDef) and not (
                    isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
                raise self.code.error(stmt, _refusal(stmt, "a class body holds __init__ and "
                                                           "forward", self.code))
        if "__init__" not in methods or "forward" not in methods:
            raise self.code.error(cls, f"class {cls.name} needs __init__ and forward")
        for stmt in methods["__init__"].body:
            self.init_statement(stmt)
        return self.forward(methods["forward"])

    def init_statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                "super" in ast.dump(stmt.value.func):
            return
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            return
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], ast.Attribute) and \
                dotted(stmt.targets[0].value) == "self" and isinstance(stmt.value, ast.Call):
            attr = stmt.targets[0].attr
            if _is_sequential(stmt.value):
                inner = self.sequential(stmt.value)
                self.attrs[attr] = tuple(_named(l, f"{attr}.{i}") for i, l in enumerate(inner))
            else:
                self.attrs[attr] = (self.construct(stmt.value, attr),)
            return
        raise self.code.error(stmt, _refusal(stmt, "__init__ may only assign layers "
                                                   "(self.name = nn.Layer(...))", self.code))

    def forward(self, fn: ast.FunctionDef) -> tuple[Layer, ...]:
        args = [a.arg for a in fn.args.args]
        if len(args) != 2:
            raise self.code.error(fn, "forward must take (self, x): one input")
        current = args[1]
        layers: list[Layer] = []
        for stmt in fn.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue
            if isinstance(stmt, ast.Return) and stmt.value is not None:
                layers += self.expression(stmt.value, current)
                return tuple(layers)
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name):
                    new = target.id
                elif isinstance(target, ast.Tuple) and target.elts and \
                        isinstance(target.elts[0], ast.Name):
                    new = target.elts[0].id  # out, _ = self.lstm(x): the first is the output
                else:
                    raise self.code.error(stmt, "assign the result to one name (x = ...)")
                layers += self.expression(stmt.value, current)
                current = new
                continue
            raise self.code.error(stmt, _refusal(stmt, "forward must be a straight line of "
                                                       "assignments and a return", self.code))
        raise self.code.error(fn, "forward never returns its result")

    def expression(self, node: ast.expr, current: str) -> list[Layer]:
        """The layers an expression applies to `current`, innermost first."""
        if isinstance(node, ast.Name):
            if node.id != current:
                raise self.code.error(node, f"`{node.id}` is not the running tensor "
                                            f"`{current}`: forward must be a straight line")
            return []
        if isinstance(node, ast.Subscript):
            inner = self.expression(node.value, current)
            index = self.code.segment(node.slice).replace(" ", "")
            if index == "0":
                return inner  # the output of a recurrent layer's (output, state) pair
            if index in (":,-1", ":,-1,:"):
                return inner + [Layer("last_step", (), self.where(node),
                                      self.code.segment(node).replace(current, "x", 1))]
            raise self.code.error(node, f"the index [{index}] is not read (x[:, -1] takes the "
                                        "last step)")
        if not isinstance(node, ast.Call):
            raise self.code.error(node, f"`{self.code.segment(node)}` is not a layer call: "
                                        "forward must be a straight line of calls")
        func = node.func
        name = dotted(func)
        if isinstance(func, ast.Attribute) and dotted(func.value) == "self":
            if func.attr not in self.attrs:
                raise self.code.error(node, f"self.{func.attr} is not a layer set in __init__")
            if len(node.args) != 1 or node.keywords:
                raise self.code.error(node, f"self.{func.attr} must be called on one tensor")
            return self.expression(node.args[0], current) + list(self.attrs[func.attr])
        if name is not None and "." in name and name.rsplit(".", 1)[0] in _FUNCTION_PREFIXES:
            return self.function(node, name, current)
        if isinstance(func, ast.Attribute) and func.attr in ("view", "reshape", "flatten"):
            return self.expression(func.value, current) + [self.tensor_method(node, current)]
        raise self.code.error(node, f"`{self.code.segment(node)}` is not read: call layers "
                                    "set in __init__, F.* or torch.flatten")

    def where(self, node: ast.AST) -> Where:
        return Where(self.code.line_of(node), self.code.path)

    def function(self, node: ast.Call, name: str, current: str) -> list[Layer]:
        fn = name.rsplit(".", 1)[1]
        if not node.args:
            raise self.code.error(node, f"{name} needs the tensor as its first argument")
        inner = self.expression(node.args[0], current)
        rest = ", ".join(self.code.segment(a) for a in node.args[1:])
        kws = ", ".join(f"{k.arg}={self.code.segment(k.value)}" for k in node.keywords)
        written = f"{name}({', '.join(p for p in ('x', rest, kws) if p)})"
        where = self.where(node)
        if fn == "flatten":
            bound = bind(self.code, node, ("start_dim", "end_dim"), name, skip=1)
            start = bound.get("start_dim", (0, None))[0]
            if start != 1:
                raise self.code.error(node, f"{name} must start at dim 1 (dim 0 is the batch): "
                                            "write torch.flatten(x, 1)")
            return inner + [Layer("flatten", (), where, written)]
        if fn in _FUNCTIONAL:
            op, params = _FUNCTIONAL[fn]
            bound = bind(self.code, node, params, name, skip=1)
            return inner + [Layer(op, self.options(op, bound, node), where, written)]
        raise self.code.error(node, f"`{name}` is not read (F.relu, F.max_pool2d, "
                                    "torch.flatten, … are)")

    def tensor_method(self, node: ast.Call, current: str) -> Layer:
        method = node.func.attr  # type: ignore[attr-defined]
        written = "x." + method + "(" + ", ".join(self.code.segment(a) for a in node.args) + ")"
        where = self.where(node)
        if method == "flatten":
            if [literal(self.code, a) for a in node.args] not in ([1],):
                raise self.code.error(node, "x.flatten must start at dim 1: write x.flatten(1)")
            return Layer("flatten", (), where, written)
        sizes = []
        for a in node.args:
            if isinstance(a, ast.Call) and isinstance(a.func, ast.Attribute) and \
                    a.func.attr == "size":
                sizes.append("batch")  # x.size(0)
            else:
                sizes.append(literal(self.code, a))
        if len(sizes) == 2 and sizes[1] == -1 and sizes[0] != -1:
            return Layer("flatten", (), where, written)
        if len(sizes) == 2 and sizes[0] == -1 and isinstance(sizes[1], int) and sizes[1] > 0:
            return Layer("view", (("features", sizes[1]),), where, written)
        raise self.code.error(node, f"x.{method} is read as (-1, n) or (x.size(0), -1) only")


def _is_sequential(call: ast.Call) -> bool:
    return (dotted(call.func) or "").rsplit(".", 1)[-1] == "Sequential"


def _named(layer: Layer, name: str) -> Layer:
    return Layer(layer.op, layer.opts, layer.where, f"{name} = {layer.written}", name,
                 code=layer.code, fix=layer.fix)


def _refusal(stmt: ast.stmt, rule: str, code: CodeText | None = None) -> str:
    kind = {ast.For: "a `for` loop", ast.While: "a `while` loop", ast.If: "an `if`",
            ast.With: "a `with` block", ast.FunctionDef: "a function definition",
            ast.Try: "a `try` block"}.get(type(stmt))
    if kind is None and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        name = dotted(stmt.value.func)
        kind = f"a call to `{name}`" if name else "a call"
    if kind is None and code is not None:
        first = code.segment(stmt).split("\n")[0]
        kind = f"`{first[:40]}{'…' if len(first) > 40 else ''}`"
    what = kind or f"this {type(stmt).__name__.lower()} statement"
    return f"{what} is not read ({rule}; the code is read, never run)"

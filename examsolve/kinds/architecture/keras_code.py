"""Reading pasted Keras code with `ast` (never executed): `Sequential([...])` or
`model = Sequential()` then `model.add(...)` lines; the shape from `Input(shape=…)` or a
layer's `input_shape=`. Layers may be spelt `Dense`, `layers.Dense`, `keras.layers.Dense`,
`tf.keras.layers.Dense`; `Bidirectional(LSTM(…))` wraps a recurrent layer. Positions count
the list's elements (`Input` is not a layer); an `activation=` argument is part of its layer.
"""

from __future__ import annotations

import ast
import difflib

from examsolve.kinds.architecture.layers import Layer, Stack, Value, Where
from examsolve.kinds.architecture.literals import CodeText, bind, dotted

_CONV = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
         "groups", "activation", "use_bias")
_POOL = ("pool_size", "strides", "padding", "data_format")
_RNN = ("units", "activation", "recurrent_activation", "use_bias")
_EXTRA = ("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
          "activity_regularizer", "kernel_constraint", "bias_constraint", "name", "dtype",
          "trainable", "input_shape", "dropout", "recurrent_dropout", "return_state",
          "go_backwards", "stateful", "unroll", "recurrent_initializer", "seed",
          "noise_shape", "momentum", "epsilon", "axis", "keepdims", "merge_mode",
          "negative_slope", "alpha", "recurrent_regularizer", "recurrent_constraint",
          "mask_zero", "embeddings_initializer", "input_length")
# Keras class → (canonical layer, positional signature, keywords read besides)
CLASSES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "Dense": ("linear", ("units", "activation", "use_bias"), ()),
    "Conv1D": ("conv1d", _CONV, ()), "Conv2D": ("conv2d", _CONV, ()),
    "Conv2DTranspose": ("conv_transpose2d", ("filters", "kernel_size", "strides", "padding",
                                             "output_padding", "data_format", "dilation_rate",
                                             "activation", "use_bias"), ()),
    "MaxPooling1D": ("maxpool1d", _POOL, ()), "MaxPooling2D": ("maxpool2d", _POOL, ()),
    "AveragePooling1D": ("avgpool1d", _POOL, ()), "AveragePooling2D": ("avgpool2d", _POOL, ()),
    "GlobalAveragePooling1D": ("global_avgpool", ("data_format",), ()),
    "GlobalAveragePooling2D": ("global_avgpool", ("data_format",), ()),
    "GlobalMaxPooling1D": ("global_maxpool", ("data_format",), ()),
    "GlobalMaxPooling2D": ("global_maxpool", ("data_format",), ()),
    "Flatten": ("flatten", ("data_format",), ()),
    "Dropout": ("dropout", ("rate",), ()),
    "BatchNormalization": ("batchnorm", ("axis", "momentum", "epsilon", "center", "scale"), ()),
    "LayerNormalization": ("layernorm", ("axis", "epsilon", "center", "scale"), ()),
    "Embedding": ("embedding", ("input_dim", "output_dim"), ()),
    "SimpleRNN": ("rnn", _RNN, ("return_sequences",)),
    "LSTM": ("lstm", _RNN, ("return_sequences", "unit_forget_bias")),
    "GRU": ("gru", _RNN, ("return_sequences", "reset_after")),
    "Activation": ("activation", ("activation",), ()),
    "ReLU": ("relu", (), ("max_value", "threshold")), "Softmax": ("softmax", (), ()),
    "LeakyReLU": ("leaky_relu", (), ()), "ELU": ("elu", (), ()),
}
_OPTION = {"units": "out", "filters": "out", "kernel_size": "kernel", "strides": "stride",
           "padding": "padding", "dilation_rate": "dilation", "groups": "groups",
           "use_bias": "bias", "pool_size": "kernel", "rate": "p", "input_dim": "vocab",
           "output_dim": "dim", "output_padding": "output_padding",
           "reset_after": "reset_after"}
_ACTIVATION_WORDS = ("relu", "sigmoid", "tanh", "softmax", "gelu", "elu", "linear", None)


def read(source: str, file: str, first_line: int, path: str) -> Stack:
    """The layers of a Keras code block (SpecError naming the spec line otherwise)."""
    return _Reader(CodeText(source, file, first_line, path)).read()


class _Reader:
    def __init__(self, code: CodeText) -> None:
        self.code = code
        self.input: tuple[Value, ...] | None = None
        self.layers: list[Layer] = []
        self.model: str | None = None

    def read(self) -> Stack:
        tree = self.code.parse()
        for stmt in tree.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr)) else None
            if isinstance(value, ast.Call) and _last(value.func) == "Sequential":
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                    self.model = stmt.targets[0].id
                self.sequential(value)
            elif isinstance(stmt, ast.Expr) and isinstance(value, ast.Call) and \
                    isinstance(value.func, ast.Attribute) and value.func.attr == "add" and \
                    dotted(value.func.value) == self.model and self.model is not None:
                if len(value.args) != 1:
                    raise self.code.error(stmt, "model.add takes one layer")
                self.element(value.args[0])
            elif isinstance(stmt, ast.Expr) and isinstance(value, ast.Call) and \
                    isinstance(value.func, ast.Attribute) and \
                    value.func.attr in ("summary", "compile", "build", "fit"):
                continue
            else:
                raise self.code.error(stmt, f"`{self.code.segment(stmt)[:40]}` is not read (the "
                                            "code may hold imports, Sequential([...]) and "
                                            "model.add(...) lines; it is read, never run)")
        if not self.layers:
            raise self.code.error(tree, "no layers found: write Sequential([...]) or "
                                        "model.add(...) lines")
        return Stack(self.input, tuple(self.layers))

    def sequential(self, call: ast.Call) -> None:
        if call.args:
            items = call.args[0]
            if not isinstance(items, (ast.List, ast.Tuple)):
                raise self.code.error(items, "Sequential takes a list of layers")
            for item in items.elts:
                self.element(item)

    def element(self, node: ast.expr) -> None:
        if not isinstance(node, ast.Call):
            raise self.code.error(node, f"expected a layer such as Dense(10), got "
                                        f"`{self.code.segment(node)}`")
        cls = _last(node.func)
        if cls in ("Input", "InputLayer"):
            bound = bind(self.code, node, ("shape", "batch_size", "dtype", "name"), cls)
            if "shape" not in bound:
                raise self.code.error(node, "Input needs shape=(…)")
            self.set_input(bound["shape"][0], node)
            return
        self.layers.append(self.construct(node))

    def set_input(self, shape: Value, node: ast.AST) -> None:
        if not isinstance(shape, tuple) or not shape or any(v is None for v in shape):
            raise self.code.error(node, "the input shape must be a tuple of sizes, e.g. "
                                        "(28, 28, 1) (no batch axis, no None)")
        self.input = shape

    def construct(self, call: ast.Call) -> Layer:
        cls = _last(call.func) or ""
        if cls == "Bidirectional":
            if len(call.args) != 1 or not isinstance(call.args[0], ast.Call):
                raise self.code.error(call, "Bidirectional wraps one recurrent layer")
            inner = self.construct(call.args[0])
            if inner.op not in ("rnn", "lstm", "gru"):
                raise self.code.error(call, "Bidirectional wraps a SimpleRNN, LSTM or GRU")
            return Layer(inner.op, (*inner.opts, ("bidirectional", True)), inner.where,
                         self.code.segment(call), inner.name, code=self.code.segment(call))
        if cls not in CLASSES:
            close = difflib.get_close_matches(cls, list(CLASSES), n=1)
            more = f"; did you mean {close[0]}?" if close else ""
            raise self.code.error(call, f"unknown layer `{self.code.segment(call.func)}`{more}")
        op, params, extra = CLASSES[cls]
        keywords = params + tuple(k for k in (*extra, "center", "scale", *_EXTRA)
                                  if k not in params)
        positional = len(params)
        sub = ast.Call(call.func, call.args[:positional], call.keywords)
        bound = bind(self.code, sub, keywords, cls)
        if len(call.args) > positional:
            raise self.code.error(call, f"{cls} takes at most {positional} positional arguments")
        if "input_shape" in bound:
            if self.layers or self.input is not None:
                raise self.code.error(call, "input_shape belongs on the first layer only")
            self.set_input(bound["input_shape"][0], call)
        opts: list[tuple[str, Value]] = []
        name = None
        for param, (value, node) in bound.items():
            if param == "name":
                name = value if isinstance(value, str) else None
            elif param == "activation":
                if op == "activation":
                    if value not in _ACTIVATION_WORDS or value is None:
                        raise self.code.error(node, f"unknown activation {value!r}")
                    op = "identity" if value == "linear" else value  # type: ignore[assignment]
                elif value not in _ACTIVATION_WORDS and op not in ("rnn", "lstm", "gru"):
                    raise self.code.error(node, f"unknown activation {value!r}")
            elif param == "return_sequences":
                opts.append(("output", "sequence" if value else "last"))
            elif param == "data_format" and value not in (None, "channels_last"):
                raise self.code.error(node, "only data_format='channels_last' (Keras' default) "
                                            "is read")
            elif param == "axis" and value not in (-1,):
                raise self.code.error(node, "only axis=-1 (the channels, Keras' default) is read")
            elif param in ("center", "scale") and value is False:
                opts = [o for o in opts if o[0] != "affine"] + [("affine", False)]
            elif param == "output_padding" and value is None:
                continue
            elif param in _OPTION:
                key = _OPTION[param]
                if key == "out" and op in ("rnn", "lstm", "gru"):
                    key = "hidden"
                opts.append((key, value))
        if op.startswith(("maxpool", "avgpool")) and not any(k == "kernel" for k, _ in opts):
            opts.append(("kernel", 2))  # Keras' default pool_size
        if op == "gru" and not any(k == "reset_after" for k, _ in opts):
            opts.append(("reset_after", True))
        if op == "linear" and not any(k == "out" for k, _ in opts):
            raise self.code.error(call, "Dense needs units")
        segment = self.code.segment(call)
        return Layer(op, tuple(opts), Where(self.code.line_of(call), self.code.path), segment,
                     name, code=segment)


def _last(func: ast.expr) -> str | None:
    name = dotted(func)
    return None if name is None else name.rsplit(".", 1)[-1]

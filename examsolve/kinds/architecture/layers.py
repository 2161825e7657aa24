"""The layer vocabulary: canonical layer names, their options and defaults, the PyTorch and
Keras spellings accepted for both, and the frozen `Layer` a spec or a code block becomes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Union

# An option's value: a whole number, a bool, a word ("same", "sequence"), a pair of numbers,
# or the name of an unknown (kept as `Unknown`).
@dataclass(frozen=True)
class Unknown:
    name: str


Value = Union[int, bool, str, tuple, Unknown, None]

ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "leaky_relu", "gelu", "elu", "identity")

# option → (default, minimum for a whole number; None where the option is not a count)
_CONV = {"out": (None, 1), "kernel": (None, 1), "stride": (1, 1), "padding": (0, 0),
         "dilation": (1, 1), "groups": (1, 1), "bias": (True, None), "in": (None, 1)}
_POOL = {"kernel": (None, 1), "stride": (None, 1), "padding": (0, 0), "ceil_mode": (False, None)}
_RNN = {"hidden": (None, 1), "layers": (1, 1), "bidirectional": (False, None),
        "output": (None, None), "bias": (True, None), "in": (None, 1)}

OPTIONS: dict[str, dict[str, tuple[Value, int | None]]] = {
    "linear": {"out": (None, 1), "bias": (True, None), "in": (None, 1)},
    "conv1d": _CONV, "conv2d": _CONV,
    "conv_transpose2d": {**_CONV, "output_padding": (0, 0)},
    "maxpool1d": {**_POOL, "dilation": (1, 1)}, "maxpool2d": {**_POOL, "dilation": (1, 1)},
    "avgpool1d": _POOL, "avgpool2d": _POOL,
    "adaptive_avgpool1d": {"output": (None, 1)}, "adaptive_avgpool2d": {"output": (None, 1)},
    "global_avgpool": {}, "global_maxpool": {},
    "flatten": {}, "dropout": {"p": (None, None)},
    "batchnorm": {"in": (None, 1), "affine": (True, None)},
    "layernorm": {"in": (None, 1), "affine": (True, None)},
    "embedding": {"vocab": (None, 1), "dim": (None, 1)},
    "rnn": _RNN, "lstm": _RNN, "gru": {**_RNN, "reset_after": (True, None)},
    "multihead_attention": {"heads": (None, 1), "key_dim": (None, 1), "value_dim": (None, 1),
                            "bias": (True, None), "in": (None, 1)},
    **{a: {} for a in ACTIVATIONS},
    # Code only: x.view(-1, n) / x.reshape(…) with the stated size, x[:, -1] (the last step).
    "view": {"features": (None, 1)}, "last_step": {},
}
REQUIRED = {"linear": ("out",), "conv1d": ("out", "kernel"), "conv2d": ("out", "kernel"),
            "conv_transpose2d": ("out", "kernel"), "maxpool1d": ("kernel",),
            "maxpool2d": ("kernel",), "avgpool1d": ("kernel",), "avgpool2d": ("kernel",),
            "adaptive_avgpool1d": ("output",), "adaptive_avgpool2d": ("output",),
            "embedding": ("vocab", "dim"), "rnn": ("hidden",), "lstm": ("hidden",),
            "gru": ("hidden",), "multihead_attention": ("heads",)}
BLOCKS = ("residual", "repeat")

# Other spellings of layer names (compared lower-case, underscores ignored).
_LAYER_ALIASES = {
    "dense": "linear", "convtranspose2d": "conv_transpose2d", "conv2dtranspose": "conv_transpose2d",
    "maxpooling1d": "maxpool1d", "maxpooling2d": "maxpool2d", "maxpool1d": "maxpool1d",
    "averagepooling1d": "avgpool1d", "averagepooling2d": "avgpool2d",
    "avgpool1d": "avgpool1d", "avgpool2d": "avgpool2d",
    "adaptiveavgpool1d": "adaptive_avgpool1d", "adaptiveavgpool2d": "adaptive_avgpool2d",
    "globalavgpool": "global_avgpool", "globalaveragepooling1d": "global_avgpool",
    "globalaveragepooling2d": "global_avgpool", "globalmaxpool": "global_maxpool",
    "globalmaxpooling1d": "global_maxpool", "globalmaxpooling2d": "global_maxpool",
    "batchnorm1d": "batchnorm", "batchnorm2d": "batchnorm", "batchnormalization": "batchnorm",
    "layernormalization": "layernorm", "simplernn": "rnn", "multiheadattention":
    "multihead_attention", "leakyrelu": "leaky_relu", "dropout2d": "dropout",
}
# Other spellings of option names, per layer family (PyTorch's and Keras' argument names).
_COMMON_OPTION_ALIASES = {
    "kernel_size": "kernel", "pool_size": "kernel", "strides": "stride",
    "dilation_rate": "dilation", "use_bias": "bias", "in_features": "in", "in_channels": "in",
    "num_features": "in", "input_size": "in", "embed_dim": "in", "out_features": "out",
    "out_channels": "out", "filters": "out", "hidden_size": "hidden", "num_layers": "layers",
    "num_heads": "heads", "num_embeddings": "vocab", "input_dim": "vocab",
    "embedding_dim": "dim", "output_dim": "dim", "rate": "p", "output_size": "output",
    "return_sequences": "output", "normalized_shape": "in",
}


def canonical_layer(name: str) -> str | None:
    """The canonical name of a layer spelt `name` (Conv2D, dense, MaxPooling2D …), or None."""
    low = name.lower()
    if low in OPTIONS or low in BLOCKS:
        return low
    squeezed = low.replace("_", "")
    for canon in (*OPTIONS, *BLOCKS):
        if canon.replace("_", "") == squeezed:
            return canon
    return _LAYER_ALIASES.get(squeezed)


def layer_hint(name: str) -> str:
    names = [n for n in (*OPTIONS, *BLOCKS) if n not in ("view", "last_step")]
    close = difflib.get_close_matches(name.lower(), names, n=1)
    return f"; did you mean '{close[0]}'?" if close else f"; known layers: {', '.join(names)}"


def canonical_option(op: str, key: str) -> str | None:
    options = OPTIONS[op]
    if key in options:
        return key
    if key == "units":
        return "hidden" if op in ("rnn", "lstm", "gru") else "out"
    alias = _COMMON_OPTION_ALIASES.get(key)
    return alias if alias in options else None


def option_hint(op: str, key: str) -> str:
    allowed = [*OPTIONS[op], "name"]
    spelt = [*allowed, *(a for a, c in _COMMON_OPTION_ALIASES.items() if c in OPTIONS[op])]
    close = difflib.get_close_matches(key, spelt, n=1)
    if close:
        return f"; did you mean '{canonical_option(op, close[0]) or close[0]}'?"
    return f"; {op} takes: {', '.join(allowed)}" if OPTIONS[op] else f"; {op} takes no options"


@dataclass(frozen=True)
class Where:
    """Where a layer was written: the spec line and path (a code block's line is its own)."""

    line: int
    path: str


@dataclass(frozen=True)
class Layer:
    """One layer or block. `opts` holds the options as written (canonical names), defaults
    applied by whoever reads them; `written` is how the derivation names the layer."""

    op: str
    opts: tuple[tuple[str, Value], ...]
    where: Where
    written: str
    name: str | None = None
    body: tuple["Layer", ...] = ()
    shortcut: tuple["Layer", ...] = ()
    times: int = 1
    code: str | None = None  # the code line it came from
    fix: str | None = None  # the code with `{}` for its stated input size, for a mismatch

    @property
    def short(self) -> str:
        """A short name for tables: YAML's as written; code's the attribute or class name
        (`fc1`, `Conv2d`, `Bidirectional(LSTM)`)."""
        if self.code is None:
            return self.written if self.name is None else f"{self.written} ({self.name})"
        if self.name is not None:
            return self.name
        heads = [part.rsplit(".", 1)[-1] for part in self.code.split("(")[:2]]
        if heads[0] == "Bidirectional" and len(heads) > 1:
            return f"Bidirectional({heads[1]})"
        return heads[0]

    def get(self, key: str) -> Value:
        for k, v in self.opts:
            if k == key:
                return v
        return OPTIONS.get(self.op, {}).get(key, (None, None))[0]

    def given(self, key: str) -> bool:
        return any(k == key for k, _ in self.opts)

    def unknowns(self) -> list[str]:
        found: list[str] = []
        for _, v in self.opts:
            for item in (v if isinstance(v, tuple) else (v,)):
                if isinstance(item, Unknown) and item.name not in found:
                    found.append(item.name)
        for child in (*self.body, *self.shortcut):
            found += [n for n in child.unknowns() if n not in found]
        return found


def option_minimum(op: str, key: str) -> int | None:
    return OPTIONS[op].get(key, (None, None))[1]


@dataclass(frozen=True)
class Stack:
    """A network: where its shapes start, its layers, and what the code said about itself."""

    input: tuple[Value, ...] | None
    layers: tuple[Layer, ...]
    input_where: Where | None = None
    code_lines: tuple[str, ...] = field(default=())

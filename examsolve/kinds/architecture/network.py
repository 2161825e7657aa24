"""Propagating shapes through a layer stack: each layer's output shape, weights, biases,
non-trainable parameters and MACs, with the formulas that gave them.

Shapes have no batch axis. PyTorch puts channels first — (C, H, W), (C, L) — and Keras last —
(H, W, C), (L, C); sequences are (T, features) in both. Shapes that cannot flow (a kernel
larger than its padded input, heads that do not divide the embedding) are bad input at the
layer that fails; with unknown sizes each such condition becomes a requirement that a
candidate value must meet instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from examsolve.errors import SpecError
from examsolve.mathmodel import Add, Call, Div, Expr, Mul, Num, Paren, Sym, Text, eq
from examsolve.kinds.architecture import counts, shapes
from examsolve.kinds.architecture.layers import ACTIVATIONS, Layer, Unknown, Value
from examsolve.kinds.architecture.symbolic import (Dim, Env, Formula, evaluate, exact_div,
                                                   is_known, names_of, product, shown, total,
                                                   unknown)

Shape = tuple[Dim, ...]
ZERO = Formula(0)


@dataclass
class LayerResult:
    """What one layer (or block) does to the shape and what it costs."""

    layer: Layer
    in_shape: Shape
    out_shape: Shape
    shape_steps: list[tuple[str, Formula]] = field(default_factory=list)
    weights: Formula = ZERO
    biases: Formula = ZERO
    non_trainable: Formula = ZERO
    macs: Formula = ZERO
    # conventions this layer depends on: each a run of text and math parts
    notes: list[tuple] = field(default_factory=list)
    window: tuple[tuple[Dim, Dim, Dim], ...] | None = None  # (k, s, d) per spatial axis
    children: list[list["LayerResult"]] = field(default_factory=list)  # a block's copies
    shortcut: list["LayerResult"] = field(default_factory=list)
    d_k: Dim | None = None  # attention: per-head query/key size
    scores: Shape | None = None  # attention: one head's score matrix
    rf: tuple[Dim, ...] | None = None  # receptive field per spatial axis (set by receptive)
    rf_steps: list[tuple[str, Formula]] = field(default_factory=list)

    @property
    def params(self) -> Dim:
        return total(self.weights.value, self.biases.value, self.non_trainable.value)

    @property
    def trainable(self) -> Dim:
        return total(self.weights.value, self.biases.value)


@dataclass
class Requirement:
    """A condition an unknown size must meet for the shapes to flow."""

    test: Callable[[Env], bool]
    message: str


class Propagator:
    """Walks a stack once. `framework` fixes layouts and counting rules."""

    def __init__(self, framework: str, file: str) -> None:
        self.framework = framework
        self.file = file
        self.requirements: list[Requirement] = []
        self.mismatches: list[str] = []
        self.previous: LayerResult | None = None  # the layer before, for mismatch messages
        self.pending: list[str] = []  # notes on stated sizes, for the layer being read

    # ---- failures -----------------------------------------------------------------------
    def fail(self, layer: Layer, message: str) -> SpecError:
        return SpecError(message, self.file, layer.where.line, layer.where.path)

    def need(self, layer: Layer, dims: tuple[Dim, ...], ok: Callable[..., bool],
             message: Callable[..., str]) -> None:
        """`ok(*values)` must hold: checked now for known sizes (bad input otherwise), kept as
        a requirement on the unknowns otherwise."""
        if all(is_known(d) for d in dims):
            if not ok(*dims):
                raise self.fail(layer, message(*dims))
            return
        text = message(*(shown_text(d) for d in dims))
        self.requirements.append(Requirement(
            lambda env: bool(ok(*(evaluate(d, env) for d in dims))), text))

    def stated(self, layer: Layer, what: str, stated: Dim, actual: Dim) -> Dim:
        """A size the code states (in_features, in_channels): a mismatch is a warning, not an
        error; the layer keeps the stated size (its weights are built from it)."""
        if is_known(stated) and is_known(actual) and stated != actual:
            label = layer.name or layer.written
            before = f"the {self.previous.layer.written}" if self.previous else "the input"
            fix = ""
            if layer.fix is not None:
                size = str(actual)
                if self.previous and self.previous.layer.op in ("flatten", "view") and \
                        len(self.previous.in_shape) > 1:
                    size = " * ".join(str(d) for d in self.previous.in_shape)
                fix = f": write `{layer.fix.format(size)}`"
            self.mismatches.append(f"{label} expects {stated} {what}; {before} gives "
                                   f"{actual}{fix}")
            self.pending.append(f"the code states {stated} {what} but {before} gives {actual} "
                                f"(a mismatch: the counts use the stated {stated})")
        elif is_known(stated) and is_known(actual):
            self.pending.append(f"the code states {stated} {what}, as the shape gives")
        return stated

    # ---- the walk -----------------------------------------------------------------------
    def run(self, layers: tuple[Layer, ...], shape: Shape) -> list[LayerResult]:
        results = []
        for layer in layers:
            result = self.layer(layer, shape)
            result.notes[:0] = self.pending
            self.pending = []
            self.previous = result
            results.append(result)
            shape = result.out_shape
        return results

    def layer(self, layer: Layer, shape: Shape) -> LayerResult:
        op = layer.op
        if op in ACTIVATIONS or op == "dropout":
            return LayerResult(layer, shape, shape)
        if op == "residual":
            return self.residual(layer, shape)
        if op == "repeat":
            copies, current = [], shape
            for _ in range(layer.times):
                copies.append(self.run(layer.body, current))
                current = copies[-1][-1].out_shape if copies[-1] else current
            return LayerResult(layer, shape, current, children=copies)
        method = getattr(self, "_" + op.rstrip("12d").rstrip("_"), None)
        if op.startswith("conv_transpose"):
            method = self._conv_transpose
        elif op.startswith("conv"):
            method = self._conv
        elif op.startswith("adaptive_avgpool"):
            method = self._adaptive
        elif op.startswith(("maxpool", "avgpool")):
            method = self._pool
        assert method is not None, op
        return method(layer, shape)

    # ---- helpers ------------------------------------------------------------------------
    def dim(self, layer: Layer, key: str) -> Dim:
        return as_dim(layer.get(key))

    def axes(self, layer: Layer, key: str, n: int, default: Value = None) -> tuple[Dim, ...]:
        v = layer.get(key)
        if v is None:
            v = default
        if isinstance(v, tuple):
            if len(v) != n:
                raise self.fail(layer, f"{key} needs {n} sizes (one per spatial axis), got "
                                       f"{len(v)}")
            return tuple(as_dim(x) for x in v)
        return (as_dim(v),) * n

    def layout(self, layer: Layer, shape: Shape, spatial: int) -> tuple[Dim, Shape]:
        """(channels, spatial sizes) of an image/sequence input, or bad input."""
        want = spatial + 1
        if len(shape) != want:
            form = {1: "(C, L)", 2: "(C, H, W)"}[spatial] if self.framework == "pytorch" else \
                {1: "(L, C)", 2: "(H, W, C)"}[spatial]
            raise self.fail(layer, f"{layer.op} needs a {form} input, but the shape before it "
                                   f"is {shape_text(shape)}")
        if self.framework == "pytorch":
            return shape[0], shape[1:]
        return shape[-1], shape[:-1]

    def join(self, channels: Dim, spatial: Shape) -> Shape:
        return (channels, *spatial) if self.framework == "pytorch" else (*spatial, channels)

    def axis_names(self, n: int) -> tuple[str, ...]:
        return ("L",) if n == 1 else ("H", "W")

    def check_in(self, layer: Layer, what: str, actual: Dim) -> Dim:
        if not layer.given("in"):
            return actual
        return self.stated(layer, what, as_dim(layer.get("in")), actual)

    # ---- layers -------------------------------------------------------------------------
    def _linear(self, layer: Layer, shape: Shape) -> LayerResult:
        if not shape:
            raise self.fail(layer, "linear needs at least one axis")
        out = self.dim(layer, "out")
        i = self.check_in(layer, "inputs", shape[-1])
        res = LayerResult(layer, shape, (*shape[:-1], out))
        res.weights = counts.times(i, out)
        res.biases = Formula(out) if layer.get("bias") else ZERO
        positions = product(*shape[:-1])
        res.macs = counts.times(*([positions] if len(shape) > 1 else []), i, out)
        if len(shape) > 1:
            res.notes.append(f"acts on the last axis: {shape_text(shape[:-1])} positions share "
                             "its weights")
        return res

    def _conv(self, layer: Layer, shape: Shape) -> LayerResult:
        n_sp = 1 if layer.op.endswith("1d") else 2
        cin, spatial = self.layout(layer, shape, n_sp)
        cin = self.check_in(layer, "input channels", cin)
        out, groups = self.dim(layer, "out"), self.dim(layer, "groups")
        k, s, d = (self.axes(layer, key, n_sp) for key in ("kernel", "stride", "dilation"))
        self.need(layer, (cin, out, groups), lambda c, o, g: c % g == 0 and o % g == 0,
                  lambda c, o, g: f"groups = {g} must divide the {c} input and {o} output "
                                  "channels")
        sizes, steps, notes = self._windows(layer, spatial, k, s, d, conv=True)
        res = LayerResult(layer, shape, self.join(out, sizes), steps, notes=notes)
        res.window = tuple(zip(k, s, d))
        res.weights = counts.grouped_times(out, cin, groups, k)
        res.biases = Formula(out) if layer.get("bias") else ZERO
        res.macs = counts.grouped_times(self.join(out, sizes), cin, groups, k)
        if groups != 1 and groups == cin:
            res.notes.append(("depthwise: ", eq(Text("groups"), Text("input channels")),
                              ", each filter sees one channel"))
        return res

    def _windows(self, layer: Layer, spatial: Shape, k: Shape, s: Shape, d: Shape,
                 conv: bool) -> tuple[Shape, list[tuple[str, Formula]], list[str]]:
        """Output sizes of a sliding window along each spatial axis."""
        padding = layer.get("padding")
        names = self.axis_names(len(spatial))
        sizes, steps, notes = [], [], []
        if padding in ("same", "valid"):
            if padding == "same" and self.framework == "pytorch":
                if not all(x == 1 for x in s) or not conv:
                    raise self.fail(layer, 'padding "same" needs stride 1 in PyTorch '
                                           f"(got stride {shape_text(s)[1:-1].rstrip(',') if len(set(s)) > 1 else s[0]})")
                notes.append(('PyTorch padding "same" (stride 1) keeps every size: ',
                              eq(Sym("out"), Sym("n"))))
                for name, n, kk, dd in zip(names, spatial, k, d):
                    steps.append((name, Formula(n, None)))
                    sizes.append(n)
                    if is_known(kk) and is_known(dd) and (dd * (kk - 1)) % 2:
                        notes.append(f"padding same along {name}: {dd * (kk - 1)} zeros, "
                                     f"{dd * (kk - 1) // 2} before and "
                                     f"{dd * (kk - 1) - dd * (kk - 1) // 2} after (PyTorch puts "
                                     "the extra one after)")
                return tuple(sizes), steps, notes
            if padding == "same":  # Keras
                for name, n, ss in zip(names, spatial, s):
                    f = shapes.same_out(n, ss)
                    steps.append((name, f))
                    sizes.append(f.value)
                notes.append(('Keras padding "same": ',
                              eq(Sym("out"), Call("ceil", (Div(Sym("n"), Sym("s")),)))))
                return tuple(sizes), steps, notes
            p: Shape = (0,) * len(spatial)
        else:
            p = self.axes(layer, "padding", len(spatial))
        ceil = bool(layer.get("ceil_mode"))
        for name, n, kk, ss, pp, dd in zip(names, spatial, k, s, p, d):
            if not ceil:
                self.need(layer, (n, pp, kk, dd),
                          lambda n_, p_, k_, d_: n_ + 2 * p_ >= d_ * (k_ - 1) + 1,
                          lambda n_, p_, k_, d_: f"the kernel ({k_}{'' if d_ == 1 else f', dilation {d_}'}) "
                          f"is larger than its padded input along {name} ({n_} + 2·{p_})")
            if ceil:  # a last window may hang over the edge; PyTorch wants one output at least
                f, dropped = shapes.window_out_ceil(n, kk, ss, pp, dd)
                self.need(layer, (f.value,), lambda v: v >= 1,
                          lambda v: f"the output along {name} would have {v} positions")
                if dropped:
                    notes.append(f"ceil_mode along {name}: the last window would start in the "
                                 "right padding, so PyTorch drops it (one less)")
            else:
                f = shapes.window_out(n, kk, ss, pp, dd)
            steps.append((name, f))
            sizes.append(f.value)
        return tuple(sizes), steps, notes

    def _conv_transpose(self, layer: Layer, shape: Shape) -> LayerResult:
        cin, spatial = self.layout(layer, shape, 2)
        cin = self.check_in(layer, "input channels", cin)
        out, groups = self.dim(layer, "out"), self.dim(layer, "groups")
        k, s, d = (self.axes(layer, key, 2) for key in ("kernel", "stride", "dilation"))
        sizes, steps = [], []
        padding = layer.get("padding")
        if self.framework == "keras" and padding in ("same", "valid") and \
                not layer.given("output_padding"):
            for name, n, kk, ss, dd in zip(self.axis_names(2), spatial, k, s, d):
                f = shapes.keras_transposed_out(n, kk, ss, padding == "same", dd)
                steps.append((name, f))
                sizes.append(f.value)
        else:
            if padding in ("same", "valid"):
                p: Shape = tuple(kk // 2 if padding == "same" else 0 for kk in k)  # type: ignore
            else:
                p = self.axes(layer, "padding", 2)
            op = self.axes(layer, "output_padding", 2)
            for name, n, kk, ss, pp, dd, oo in zip(self.axis_names(2), spatial, k, s, p, d, op):
                f = shapes.transposed_out(n, kk, ss, pp, dd, oo)
                self.need(layer, (f.value,), lambda v: v >= 1,
                          lambda v: f"the output would have {v} rows/columns along {name}")
                steps.append((name, f))
                sizes.append(f.value)
        res = LayerResult(layer, shape, self.join(out, tuple(sizes)), steps)
        res.weights = counts.grouped_times(cin, out, groups, k)
        res.biases = Formula(out) if layer.get("bias") else ZERO
        res.macs = counts.grouped_times(shape, out, groups, k)
        return res

    def _pool(self, layer: Layer, shape: Shape) -> LayerResult:
        n_sp = 1 if layer.op.endswith("1d") else 2
        channels, spatial = self.layout(layer, shape, n_sp)
        k = self.axes(layer, "kernel", n_sp)
        s = self.axes(layer, "stride", n_sp, default=None) if layer.get("stride") is not None \
            else k
        d = self.axes(layer, "dilation", n_sp, default=1)
        if self.framework == "pytorch" and layer.get("padding") not in ("same", "valid"):
            for kk, pp in zip(k, self.axes(layer, "padding", n_sp)):
                self.need(layer, (kk, pp), lambda k_, p_: 2 * p_ <= k_,
                          lambda k_, p_: f"padding {p_} is more than half the kernel {k_} "
                                         "(PyTorch refuses it)")
        sizes, steps, notes = self._windows(layer, spatial, k, s, d, conv=False)
        res = LayerResult(layer, shape, self.join(channels, sizes), steps, notes=notes)
        res.window = tuple(zip(k, s, d))
        return res

    def _adaptive(self, layer: Layer, shape: Shape) -> LayerResult:
        n_sp = 1 if layer.op.endswith("1d") else 2
        channels, spatial = self.layout(layer, shape, n_sp)
        out = self.axes(layer, "output", n_sp)
        return LayerResult(layer, shape, self.join(channels, out))

    def _global_avgpool(self, layer: Layer, shape: Shape) -> LayerResult:
        if len(shape) < 2:
            raise self.fail(layer, f"global pooling needs spatial axes, but the shape before it "
                                   f"is {shape_text(shape)}")
        channels = shape[0] if self.framework == "pytorch" else shape[-1]
        return LayerResult(layer, shape, (channels,))

    _global_maxpool = _global_avgpool

    def _flatten(self, layer: Layer, shape: Shape) -> LayerResult:
        f = counts.times(*shape)
        return LayerResult(layer, shape, (f.value,), [("features", f)] if f.shown else [])

    def _view(self, layer: Layer, shape: Shape) -> LayerResult:
        f = counts.times(*shape)
        stated = self.dim(layer, "features")
        if is_known(stated) and is_known(f.value) and stated != f.value:
            self.mismatches.append(f"{layer.written} expects {stated} features per example; "
                                   f"the shape {shape_text(shape)} holds {f.value}")
        return LayerResult(layer, shape, (f.value,), [("features", f)] if f.shown else [])

    def _last_step(self, layer: Layer, shape: Shape) -> LayerResult:
        if len(shape) != 2:
            raise self.fail(layer, f"taking the last step needs a (T, features) shape, got "
                                   f"{shape_text(shape)}")
        return LayerResult(layer, shape, shape[1:])

    def _batchnorm(self, layer: Layer, shape: Shape) -> LayerResult:
        if not shape:
            raise self.fail(layer, "batch norm needs a shape")
        c = shape[0] if self.framework == "pytorch" else shape[-1]
        c = self.check_in(layer, "features", c)
        res = LayerResult(layer, shape, shape)
        if layer.get("affine"):
            res.weights, res.biases = Formula(c), Formula(c)
            res.notes.append((Sym("γ"), " (weights) and ", Sym("β"), " (biases), one per "
                              "channel (", eq(Sym("C"), shown(c)), ")"))
        if self.framework == "pytorch":
            res.notes.append("the running mean and variance are buffers, not parameters")
        else:
            res.notes.append(("Keras also keeps the moving mean and variance as ",
                              Mul((Num(2), Sym("C")), ""), " non-trainable parameters"))
        if self.framework == "keras":
            res.non_trainable = Formula(product(2, c), Mul((Num(2), shown(c)), "·"))
        return res

    def _layernorm(self, layer: Layer, shape: Shape) -> LayerResult:
        if not shape:
            raise self.fail(layer, "layer norm needs a shape")
        stated = layer.get("in")
        if isinstance(stated, tuple):
            k = len(stated)
            actual = product(*shape[-k:])
            features = self.stated(layer, "features", product(*(as_dim(v) for v in stated)),
                                   actual)
        else:
            features = self.check_in(layer, "features", shape[-1])
        res = LayerResult(layer, shape, shape)
        if layer.get("affine"):
            res.weights, res.biases = Formula(features), Formula(features)
            res.notes.append((Sym("γ"), " (weights) and ", Sym("β"), " (biases) for each of "
                              f"the {shown_text(features)} normalised features"))
        return res

    def _embedding(self, layer: Layer, shape: Shape) -> LayerResult:
        if len(shape) != 1:
            raise self.fail(layer, f"embedding needs a (T,) input of token ids, but the shape "
                                   f"before it is {shape_text(shape)}")
        dim = self.dim(layer, "dim")
        res = LayerResult(layer, shape, (shape[0], dim))
        res.weights = counts.times(self.dim(layer, "vocab"), dim)
        res.notes.append(f"a lookup table: one row of {shown_text(dim)} numbers per token id, "
                         "so 0 MACs")
        return res

    def _rnn(self, layer: Layer, shape: Shape) -> LayerResult:
        if len(shape) != 2:
            raise self.fail(layer, f"{layer.op} needs a (T, features) input, but the shape "
                                   f"before it is {shape_text(shape)}")
        t, i = shape
        i = self.check_in(layer, "input features", i)
        h, n_layers = self.dim(layer, "hidden"), self.dim(layer, "layers")
        if not is_known(n_layers):
            raise self.fail(layer, "the number of recurrent layers must be a number")
        dirs = 2 if layer.get("bidirectional") else 1
        output = layer.get("output") or ("sequence" if self.framework == "pytorch" else "last")
        weights: list[Formula] = []
        biases: list[Formula] = []
        macs: list[Formula] = []
        size_in = i
        for _ in range(int(n_layers)):  # type: ignore[call-overload]
            w, b, m = counts.recurrent(layer.op, self.framework, size_in, h,
                                       bool(layer.get("reset_after")))
            if not layer.get("bias"):
                b = ZERO
            weights.append(Formula(product(dirs, w.value), _scaled(dirs, w)))
            biases.append(Formula(product(dirs, b.value), _scaled(dirs, b)))
            per_step = m.shown
            factors = per_step.factors if isinstance(per_step, Mul) else (per_step,)
            macs.append(Formula(product(dirs, t, m.value),
                                Mul((*([Num(dirs)] if dirs > 1 else []), shown(t), *factors),
                                    "·")))
            size_in = product(dirs, h)
        out_f = product(dirs, h)
        res = LayerResult(layer, shape, (t, out_f) if output == "sequence" else (out_f,))
        res.weights, res.biases, res.macs = (_layers_sum(f) for f in (weights, biases, macs))
        res.notes.append(_recurrent_rule(layer.op, self.framework,
                                         bool(layer.get("reset_after"))))
        if dirs == 2:
            res.notes.append(("bidirectional: two directions with their own weights, outputs "
                              "side by side (", eq(Mul((Num(2), shown(h)), "·"),
                                                   shown(out_f)), " features)"))
        if int(n_layers) > 1:  # type: ignore[call-overload]
            res.notes.append((f"{n_layers} stacked layers: the first reads {shown_text(i)} "
                              f"features, the others the {shown_text(out_f)} below them",))
        if output == "last":
            res.notes.append("returns the last step only" + (
                " (Keras' default: `return_sequences` is false)" if self.framework == "keras" else ""))
        else:
            res.notes.append("returns every step" + (
                " (PyTorch's default: the output tensor holds all T steps)"
                if self.framework == "pytorch" else " (`return_sequences` is true)"))
        return res

    _lstm = _gru = _rnn

    def _multihead_attention(self, layer: Layer, shape: Shape) -> LayerResult:
        if len(shape) != 2:
            raise self.fail(layer, f"multihead_attention needs a (T, E) input, but the shape "
                                   f"before it is {shape_text(shape)}")
        t, e = shape
        e = self.check_in(layer, "embedding features", e)
        heads = self.dim(layer, "heads")
        if self.framework == "pytorch":
            self.need(layer, (e, heads), lambda e_, h_: e_ % h_ == 0,
                      lambda e_, h_: f"{h_} heads do not divide the embedding size {e_}")
            d_k = exact_div(e, heads)
            d_v = d_k
        else:
            if layer.get("key_dim") is None:
                raise self.fail(layer, "Keras' MultiHeadAttention needs key_dim")
            d_k = self.dim(layer, "key_dim")
            d_v = self.dim(layer, "value_dim") if layer.get("value_dim") is not None else d_k
        w, b, m = counts.attention(self.framework, t, e, heads, d_k, d_v,
                                   bool(layer.get("bias")))
        res = LayerResult(layer, shape, (t, e), weights=w, biases=b, macs=m)
        res.d_k, res.scores = d_k, (t, t)
        if self.framework == "pytorch":
            res.shape_steps.append(("d_k", Formula(d_k, Div(shown(e), shown(heads)))))
            res.notes.append(("PyTorch: the Q, K, V and output projections are each ",
                              Mul((Sym("E"), Sym("E")), "×"), " with a bias of ", Sym("E")))
        else:
            res.notes.append(("Keras: ", eq(Sym("d", "k"), shown(d_k)), " (key_dim), ",
                              eq(Sym("d", "v"), shown(d_v)), "; the projections are ",
                              Mul((Sym("E"), Mul((Sym("H"), Sym("d", "k")), "·")), "×"),
                              " for Q and K, ",
                              Mul((Sym("E"), Mul((Sym("H"), Sym("d", "v")), "·")), "×"),
                              " for V and back"))
        res.notes.append(("each head's scores are ", Mul((shown(t), shown(t)), "×"),
                          " (one row per query)"))
        return res

    def residual(self, layer: Layer, shape: Shape) -> LayerResult:
        body = self.run(layer.body, shape)
        main = body[-1].out_shape if body else shape
        short = self.run(layer.shortcut, shape)
        skip = short[-1].out_shape if short else shape
        if len(main) != len(skip):
            raise self.fail(layer, f"cannot add the block's output {shape_text(main)} to its "
                                   f"shortcut {shape_text(skip)}")
        for a, b in zip(main, skip):
            self.need(layer, (a, b), lambda a_, b_: a_ == b_,
                      lambda a_, b_: f"cannot add the block's output {shape_text(main)} to "
                                     f"its shortcut {shape_text(skip)}"
                                     + ("" if layer.shortcut else
                                        ": give the block a shortcut (a projection)"))
        return LayerResult(layer, shape, main, children=[body], shortcut=short)


def _scaled(dirs: int, f: Formula | None) -> Expr | None:
    """A direction's count, doubled when bidirectional: 2·(4·32·(64 + 32))."""
    if f is None or f.value == 0:
        return None
    body = f.shown if f.shown is not None else shown(f.value)
    return Mul((Num(2), Paren(body)), "·") if dirs == 2 else body


def _layers_sum(per_layer: list[Formula]) -> Formula:
    """Stacked recurrent layers: the sum of each layer's count, each written out."""
    value = total(*(f.value for f in per_layer))
    if len(per_layer) == 1:
        return per_layer[0]
    if all(f.shown is None for f in per_layer):
        return Formula(value, None)
    return Formula(value, Add(tuple(_paren(f.shown) if f.shown is not None else shown(f.value)
                                    for f in per_layer)))


def _paren(e: Expr) -> Expr:
    return e


def _recurrent_rule(cell: str, framework: str, reset_after: bool) -> tuple:
    g = counts.GATES[cell]
    groups = {1: "one weight group", 3: "3 gate groups", 4: "4 gate groups"}[g]
    if framework == "pytorch":
        return (f"PyTorch: {groups}, each with ", Sym("W", "ih"), ", ", Sym("W", "hh"),
                " and two bias vectors (", Sym("b", "ih"), " and ", Sym("b", "hh"), ")")
    if cell == "gru" and reset_after:
        return (f"Keras: {groups}, with two bias vectors per group (GRU's reset_after=True)",)
    return (f"Keras: {groups}, each with its kernel, recurrent kernel and one bias vector",)


def as_dim(v: Value) -> Dim:
    if isinstance(v, Unknown):
        return unknown(v.name)
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"not a size: {v!r}")
    return v


def shown_text(d: Dim) -> str:
    from examsolve.kinds.architecture.notation import dim_text

    return dim_text(d)


def shape_text(shape: Shape) -> str:
    from examsolve.kinds.architecture.notation import shape_text as text

    return text(shape)


def all_results(results: list[LayerResult]) -> list[LayerResult]:
    """Every result, blocks' copies and shortcuts included, in order."""
    out = []
    for r in results:
        out.append(r)
        for copy in r.children:
            out += all_results(copy)
        out += all_results(r.shortcut)
    return out


def unknown_names(results: list[LayerResult]) -> frozenset[str]:
    found: frozenset[str] = frozenset()
    for r in all_results(results):
        found |= names_of(*r.out_shape, r.params, r.macs.value)
    return found

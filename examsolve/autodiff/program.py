"""Running a model written in the model language: one engine node per leaf and per line.

`evaluate` builds the reverse-mode graph of one forward pass over the parsed lines (parse.py)
with the engine's ops (engine.py, nn.py); `backward` on its loss node then fills every
gradient. Shared by the kinds that run models (backprop; optimizer steps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from examsolve.autodiff import attention as att
from examsolve.autodiff import engine as eng
from examsolve.autodiff import functions as fn
from examsolve.autodiff import nn
from examsolve.autodiff import shape_ops
from examsolve.autodiff.parse import LOSSES, Apply, Const, Line, Node_, Ref

# Exact rows of Fractions, or a float64 array (a big matrix the loader read as floats).
Matrix = tuple[tuple[Fraction, ...], ...] | np.ndarray


@dataclass
class Evaluation:
    """The graph of one forward pass: nodes by line/leaf name and by IR sub-expression."""

    ctx: eng.Context
    named: dict[str, eng.Node] = field(default_factory=dict)
    of_ir: dict[int, eng.Node] = field(default_factory=dict)  # id(IR node) → engine node
    ir_of: dict[int, Node_] = field(default_factory=dict)  # node.index → IR node

    def node(self, expr: Node_) -> eng.Node:
        return self.of_ir[id(expr)]


def to_float(mx: Matrix) -> np.ndarray:
    """Fractions to float64, fast: numerator/denominator as float arrays divide to the
    correctly rounded value whenever both are exact in a double (below 2**53). A big matrix
    the loader already read as float64 passes through."""
    if isinstance(mx, np.ndarray):
        return mx
    flat = [q for row in mx for q in row]
    num = np.array([q.numerator for q in flat], dtype=object)
    den = np.array([q.denominator for q in flat], dtype=object)
    limit = 2 ** 53
    if all(-limit < n < limit for n in num) and all(d < limit for d in den):
        out = num.astype(float) / den.astype(float)
    else:
        out = np.array([float(q) for q in flat])
    return out.reshape(len(mx), len(mx[0]))


def evaluate(leaves: tuple[str, ...], lines: tuple[Line, ...], values: dict[str, np.ndarray],
             ctx: eng.Context, perturb: tuple[str, int, float] | None = None,
             substitute: dict[str, np.ndarray] | None = None) -> Evaluation:
    """Run the model. `perturb` = (name, flat index, δ) adds δ to one entry of a line's value
    (finite differences; a given or parameter is perturbed in `values` by the caller).
    `substitute` replaces whole line values (a student's own h, to carry their error
    forward: every later line reads the substituted value)."""
    ev = Evaluation(ctx)
    for name in leaves:
        ev.named[name] = eng.leaf(ctx, values[name], name)
    for line in lines:
        node = _build(line.expr, ev, line.name)
        if node.op in ("leaf", "const") or node.name is not None:
            node = eng.identity(ctx, node)
            ev.ir_of[node.index] = line.expr
        if perturb is not None and perturb[0] == line.name:
            node.value = node.value.copy()  # the node's children may share its array
            node.value.reshape(-1)[perturb[1]] += perturb[2]
            node.info["perturbed"] = True  # a fused loss must read the value, not the score
        if substitute is not None and line.name in substitute:
            node.value = substitute[line.name]
            node.info["perturbed"] = True
        node.name = line.name
        ev.named[line.name] = node
    return ev


def _build(expr: Node_, ev: Evaluation, name: str = "") -> eng.Node:
    ctx = ev.ctx
    if isinstance(expr, Ref):
        return ev.named[expr.name]
    if isinstance(expr, Const):
        node = eng.constant(ctx, expr.value)
    else:
        args = [_build(a, ev) for a in expr.args]
        node = _apply(ctx, expr, args, name)
        if expr.op == "attention":
            _name_pieces(ev, expr, node)
    ev.of_ir[id(expr)] = node
    ev.ir_of[node.index] = expr
    return node


def _apply(ctx: eng.Context, expr: Apply, args: list[eng.Node], name: str = "") -> eng.Node:
    """The engine node of one operation; `name` is the line's (attention names its
    pieces after it)."""
    op, opt = expr.op, dict(expr.options)
    if op in ("conv1d", "conv2d"):
        fill = opt.get("pad_value", 0)
        return getattr(nn, op)(ctx, *args, padding=opt["padding"], stride=int(opt["stride"]),
                               pad_value=fill if ctx.exact else float(fill))
    if op in ("maxpool1d", "maxpool2d"):
        fill = opt.get("pad_value")
        return nn.maxpool(ctx, args[0], int(opt["size"]), opt["stride"], op == "maxpool2d",
                          int(opt.get("padding", 0)),
                          None if fill is None else fill if ctx.exact else float(fill))
    if op in ("nll", "cross_entropy"):
        return getattr(nn, op)(ctx, args[0], int(opt["cls"]))
    if op in ("bce", "mse"):
        return getattr(nn, op)(ctx, *args)
    if op == "softmax" and opt.get("each") is not None:
        return att.softmax_each(ctx, args[0], axis=1 if opt["each"] == "row" else 0)
    if op == "attention":
        return att.attention(ctx, *args[:3], args[3] if len(args) == 4 else None, name)
    if op in ("batchnorm", "layernorm"):
        return att.normalise(ctx, *args, eps=opt["eps"], axis=1 if op == "batchnorm" else 0)
    if op == "dropout":
        return att.dropout(ctx, *args, p=opt["p"])
    if op == "index":
        return shape_ops.index(ctx, args[0], *opt["at"])
    if op == "flatten":
        return shape_ops.reshape(ctx, args[0], args[0].value.size, 1)
    if op == "reshape":
        return shape_ops.reshape(ctx, args[0], int(opt["rows"]), int(opt["cols"]))
    if op in ("concat", "hstack"):
        return shape_ops.concat(ctx, *args, side_by_side=op == "hstack")
    if op in ("div", "sqrt"):
        return getattr(fn, op)(ctx, *args)
    if op == "pow":
        return fn.power(ctx, args[0], opt["exponent"])
    if op == "abs":
        return fn.abs_(ctx, args[0])
    if op in ("maximum", "minimum"):
        return fn.extreme(ctx, *args, larger=op == "maximum")
    if op == "logb":
        return fn.log_base(ctx, args[0], opt["base"])
    if op == "leaky_relu":
        return fn.leaky_relu(ctx, args[0], opt["slope"])
    if op == "elu":
        return fn.elu(ctx, args[0], opt["alpha"])
    if op == "softplus":
        return fn.softplus(ctx, args[0], opt["beta"])
    if op in ("step", "sign"):
        return fn.jump(ctx, args[0], opt["at_zero"], signed=op == "sign")
    function = {"sum": eng.sum_}.get(op) or getattr(eng, op)
    return function(ctx, *args)


def _name_pieces(ev: Evaluation, expr: Apply, out: eng.Node) -> None:
    """Attention's inner nodes as model expressions, so a derivation can write them:
    Q·Kᵀ, Kᵀ, √d_k and the masked scores."""
    scores, weights = out.info["attention"]
    raw, scale = scores.children
    q, k = expr.args[0], expr.args[1]
    kt = Apply("transpose", (k,), (), f"{k.text}.T")
    ev.ir_of[raw.index] = Apply("matmul", (q, kt), (), f"{q.text} @ {k.text}.T")
    ev.ir_of[raw.children[1].index] = kt
    ev.ir_of[scale.index] = Const(Fraction(scale.value[0, 0]) if ev.ctx.exact and
                                  isinstance(scale.value[0, 0], Fraction) else
                                  scale.value[0, 0], "√d_k")
    src = weights.children[0]
    if src is not scores:
        ev.ir_of[src.index] = Apply("masked", (Ref(scores.name, scores.name), expr.args[3]),
                                    (), "masked")


def contains_loss(expr: Node_) -> bool:
    return isinstance(expr, Apply) and (expr.op in LOSSES or any(contains_loss(a)
                                                                  for a in expr.args))

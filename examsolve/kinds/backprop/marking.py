"""Marking a student's backprop answers: every line value and every gradient on the path to
the loss, re-run from the student's own values (error carried forward), and the common
slips made on purpose on the same engine (see examsolve/marking.py for the contract).

Substituting a forward value replaces that line's value before the later lines read it
(autodiff.program.evaluate's `substitute`); substituting a gradient replaces it once it is
complete, before it flows to the children (engine.backward's `override`). So "follows from
your h" is the engine's own answer from the student's h, not a guess.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from examsolve import mathmodel as m
from examsolve import numerics
from examsolve.autodiff import engine as eng
from examsolve.autodiff import program
from examsolve.autodiff.parse import Apply, Line, Ref
from examsolve.derivation import AnswerValue, answer_value
from examsolve.autodiff.values import answer_of
from examsolve.kinds.backprop.model import BackpropSpec, leaf_arrays
from examsolve.kinds.backprop.notation import grad_symbol, symbol
from examsolve.marking import Quantity, Slip

LOG_LOSSES = ("nll", "bce", "cross_entropy")


def _grad_key(spec: BackpropSpec, name: str) -> str:
    return f"d{spec.loss}/d{name}"


def _run(spec: BackpropSpec, mine: dict[str, np.ndarray] | None = None,
         lines: tuple[Line, ...] | None = None, relu_grad_at_zero: int | None = None,
         exact: bool | None = None, override_nodes: dict[int, np.ndarray] | None = None,
         ) -> program.Evaluation:
    """One forward and backward pass; `mine` holds substituted values by answer key."""
    exact = spec.exact if exact is None else exact
    mine = {k: v if exact else np.asarray(v, dtype=float) for k, v in (mine or {}).items()}
    ctx = eng.Context(exact=exact, relu_grad_at_zero=spec.relu_grad_at_zero
                      if relu_grad_at_zero is None else relu_grad_at_zero)
    forward = {k: v for k, v in mine.items() if not k.startswith(f"d{spec.loss}/d")}
    ev = program.evaluate(tuple(name for name, _ in spec.leaves), lines or spec.lines,
                          leaf_arrays(spec, exact=exact), ctx, substitute=forward)
    override = dict(override_nodes or {})
    for name, node in ev.named.items():
        if _grad_key(spec, name) in mine:
            override[node.index] = mine[_grad_key(spec, name)]
    if spec.loss is not None:  # a forward-only problem has no gradients to mark
        eng.backward(ctx, ev.named[spec.loss], override)
    return ev


def _named_in_order(spec: BackpropSpec, ev: program.Evaluation) -> list[str]:
    """Names whose gradient is reported, from the loss back (reverse creation order)."""
    names = [n for n in ev.named if n != spec.loss and ev.named[n].grad is not None]
    return sorted(names, key=lambda n: -ev.named[n].index)


def _values(spec: BackpropSpec, ev: program.Evaluation) -> dict[str, AnswerValue]:
    out: dict[str, AnswerValue] = {}
    for line in spec.lines:
        out[line.name] = answer_value(answer_of(ev.named[line.name].value))
    for name in _named_in_order(spec, ev):
        out[_grad_key(spec, name)] = answer_value(answer_of(ev.named[name].grad))
    return out


def quantities(spec: BackpropSpec) -> tuple[Quantity, ...]:
    """Line values in model order (the loss last), then ∂L/∂· from the loss back."""
    ev = _run(spec)
    values = _values(spec, ev)
    out = [Quantity(line.name, values[line.name], symbol(line.name),
                    ev.named[line.name].shape) for line in spec.lines]
    for name in _named_in_order(spec, ev):
        key = _grad_key(spec, name)
        out.append(Quantity(key, values[key], grad_symbol(spec.loss, symbol(name)),
                            ev.named[name].shape))
    return tuple(out)


def recompute(spec: BackpropSpec, mine: dict[str, np.ndarray]) -> dict[str, AnswerValue]:
    """Every quantity with the student's values substituted ({} where the model is
    undefined on them, e.g. the log of a probability they gave as 0)."""
    try:
        return _values(spec, _run(spec, mine))
    except (eng.DomainError, ArithmeticError, ValueError, OverflowError):
        return {}


def slips(spec: BackpropSpec) -> tuple[Slip, ...]:
    """The slips this kind can make on purpose, each a full re-run of the engine."""
    ev = _run(spec)
    truth = _values(spec, ev)
    found: list[Slip] = []

    def add(name: str, explanation: tuple, values: dict[str, AnswerValue]) -> None:
        changed = tuple((k, v) for k, v in values.items() if k in truth and
                        not _same(v, truth[k]))
        if changed:
            found.append(Slip(name, explanation, changed))

    for slip in (_missing_branches, _relu_slips, _relu_zero, _log_base, _mean_vs_sum,
                 _softmax_axis, _class_index, _early_rounding):
        for name, explanation, values in slip(spec, ev, truth):
            add(name, explanation, values)
    return tuple(found)


def _safe(fn):  # type: ignore[no-untyped-def]
    try:
        return fn()
    except (eng.DomainError, ArithmeticError, ValueError, OverflowError, KeyError, IndexError):
        return None


def _same(a: AnswerValue, b: AnswerValue) -> bool:
    return np.array_equal(np.array(a, dtype=object), np.array(b, dtype=object))


def _missing_branches(spec, ev, truth):  # type: ignore[no-untyped-def]
    """A value used twice: its gradient with only one consumer's branch."""
    consumers: dict[int, list[tuple[eng.Node, int]]] = {}
    for node in ev.ctx.nodes:
        for pos, child in enumerate(node.children):
            if node.grad is not None and pos < len(node.contribs) and \
                    node.contribs[pos] is not None:
                consumers.setdefault(child.index, []).append((node, pos))
    for name, node in ev.named.items():
        users = consumers.get(node.index, [])
        if len(users) < 2 or name == spec.loss:
            continue
        for dropped, _ in users:
            kept = [(u, p) for u, p in users if u is not dropped]
            grad = sum((u.contribs[p] for u, p in kept[1:]), kept[0][0].contribs[kept[0][1]])
            via = _consumer_name(ev, dropped)
            values = _safe(lambda: _values(spec, _run(spec, override_nodes={node.index: grad})))
            if values is not None:
                yield ("missing branch", ("the branch of ", grad_symbol(spec.loss, symbol(name)),
                                          " via ", via, " is missing (", symbol(name),
                                          " is used more than once, so its gradient sums "
                                          "one branch per use)"), values)


def _consumer_name(ev: program.Evaluation, node: eng.Node) -> m.Expr:
    """The line a consumer node belongs to (W₁·h is part of s₁): the first named node at or
    after it."""
    named = sorted(((n.index, name) for name, n in ev.named.items()), key=lambda t: t[0])
    for index, name in named:
        if index >= node.index:
            return symbol(name)
    return m.Sym("?")


def _relu_slips(spec, ev, truth):  # type: ignore[no-untyped-def]
    """The ReLU mask forgotten (forward or backward) or applied to the wrong side."""
    for node in ev.ctx.nodes:
        if node.op != "relu" or node.grad is None:
            continue
        z = node.children[0]
        below = np.asarray(np.array(z.value, dtype=float) < 0)
        at_or_below = np.asarray(np.array(z.value, dtype=float) <= 0)
        grads = [("not applied", node.grad)]
        for side in (below, at_or_below):  # the complement of either ReLU'(0) convention
            grads.append(("applied to the wrong side",
                          np.where(side, node.grad, node.grad * 0)))
        for label, grad in grads:
            values = _safe(lambda g=grad: _values(spec, _run(spec, override_nodes={z.index: g})))
            if values is not None:
                yield (f"ReLU mask {label}", ("the backward pass through ReLU ",
                       "passes the gradient unmasked" if label == "not applied" else
                       "keeps the gradient where the input is ≤ 0 and drops it where it is "
                       "> 0"), values)
        line = next((n for n, nd in ev.named.items() if nd is node or
                     (nd.op == "identity" and nd.children and nd.children[0] is node)), None)
        if line is not None:
            values = _safe(lambda: _values(spec, _run(spec, {line: z.value})))
            if values is not None:
                yield ("ReLU not applied", ("the forward pass skips ReLU: ", symbol(line),
                                            " keeps the negative entries"), values)


def _relu_zero(spec, ev, truth):  # type: ignore[no-untyped-def]
    if not any(n.op == "relu" and np.any(n.info["zero"]) for n in ev.ctx.nodes):
        return
    other = 1 - spec.relu_grad_at_zero
    values = _safe(lambda: _values(spec, _run(spec, relu_grad_at_zero=other)))
    if values is not None:
        yield ("ReLU'(0) taken the other way", ("ReLU'(0) = ", m.num(other), " was used; this "
               "problem's convention is ReLU'(0) = ", m.num(spec.relu_grad_at_zero)), values)


def _loss_ops(expr) -> set[str]:  # type: ignore[no-untyped-def]
    if isinstance(expr, Apply):
        return {expr.op}.union(*(_loss_ops(a) for a in expr.args))
    return set()


def _log_base(spec, ev, truth):  # type: ignore[no-untyped-def]
    """log₁₀ or log₂ for ln: a loss made only of log-likelihoods scales by 1/ln(base)."""
    loss_line = next((line for line in spec.lines if line.name == spec.loss), None)
    if loss_line is None:
        return
    ops = _loss_ops(loss_line.expr)
    if not ops & set(LOG_LOSSES) or ops - {*LOG_LOSSES, "add", "sum", "mean", "mul"}:
        return
    for base in (10, 2):
        scale = 1 / math.log(base)
        values = {k: _scaled(v, scale) for k, v in truth.items()
                  if k == spec.loss or k.startswith(f"d{spec.loss}/d")}
        yield (f"log base {base}", ("the logarithm was taken to base ", m.num(base),
                                    " instead of e"), values)


def _scaled(value: AnswerValue, scale: float) -> AnswerValue:
    if isinstance(value, tuple):
        return tuple(_scaled(v, scale) for v in value)
    return float(value) * scale  # type: ignore[arg-type]


def _swap(expr, swaps: dict[str, str]):  # type: ignore[no-untyped-def]
    if isinstance(expr, Apply):
        return replace(expr, op=swaps.get(expr.op, expr.op),
                       args=tuple(_swap(a, swaps) for a in expr.args))
    return expr


def _with_lines(spec: BackpropSpec, change) -> tuple[Line, ...]:  # type: ignore[no-untyped-def]
    return tuple(replace(line, expr=change(line.expr)) for line in spec.lines)


def _mean_vs_sum(spec, ev, truth):  # type: ignore[no-untyped-def]
    ops = set().union(*(_loss_ops(line.expr) for line in spec.lines))
    for wrote, instead in (("mean", "sum"), ("sum", "mean")):
        if wrote in ops:
            lines = _with_lines(spec, lambda e: _swap(e, {wrote: instead}))
            values = _safe(lambda: _values(spec, _run(spec, lines=lines)))
            if values is not None:
                yield (f"{instead} instead of {wrote}", (f"a {instead} was taken where the "
                                                         f"model has a {wrote}",), values)


def _softmax_axis(spec, ev, truth):  # type: ignore[no-untyped-def]
    """softmax over the other axis (a column's softmax taken along its rows: every entry 1)."""
    for line in spec.lines:
        if isinstance(line.expr, Apply) and line.expr.op == "softmax":
            arg = line.expr.args[0]
            node = ev.named[arg.name] if isinstance(arg, Ref) else ev.node(arg)
            s = np.array(node.value, dtype=float)
            wrong = numerics.softmax(s, axis=1)
            values = _safe(lambda: _values(spec, _run(spec, {line.name: wrong}, exact=False)))
            if values is not None:
                yield ("softmax over the wrong axis", ("softmax normalised ", symbol(line.name),
                       " along the other axis (`axis=1` for a column)"), values)


def _class_index(spec, ev, truth):  # type: ignore[no-untyped-def]
    """The true class read with the other indexing base: class c taken as c ± 1."""
    def shift(expr, by):  # type: ignore[no-untyped-def]
        if isinstance(expr, Apply):
            options = tuple((k, v + by if k == "cls" and v + by >= 0 else v)
                            for k, v in expr.options)
            return replace(expr, options=options, args=tuple(shift(a, by) for a in expr.args))
        return expr

    if not any("cls" in dict(o.options) for line in spec.lines for o in _applies(line.expr)):
        return
    for by in (-1, 1):
        lines = _with_lines(spec, lambda e, by=by: shift(e, by))
        values = _safe(lambda: _values(spec, _run(spec, lines=lines)))
        if values is not None:
            yield ("0- vs 1-based index", ("the true class was counted from the wrong end of "
                   "0 and 1, so the ", "next" if by > 0 else "previous", " class was taken"),
                   values)


def _applies(expr):  # type: ignore[no-untyped-def]
    if isinstance(expr, Apply):
        yield expr
        for a in expr.args:
            yield from _applies(a)


def _early_rounding(spec, ev, truth):  # type: ignore[no-untyped-def]
    """Every forward value rounded to d significant digits before the next line uses it."""
    floats = [line.name for line in spec.lines
              if any(isinstance(v, float) for v in np.asarray(ev.named[line.name].value).flat)]
    if not floats:
        return
    for digits in (2, 3):
        mine: dict[str, np.ndarray] = {}
        for line in spec.lines:
            if line.name == spec.loss:
                break
            done = _safe(lambda: _run(spec, mine, exact=False))
            if done is None:
                return
            mine[line.name] = _round(np.array(done.named[line.name].value, dtype=float), digits)
        values = _safe(lambda: _values(spec, _run(spec, mine, exact=False)))
        if values is not None:
            yield ("rounding too early", ("intermediate values were rounded to ",
                   m.num(digits), " significant digits before being used"), values)


def _round(arr: np.ndarray, digits: int) -> np.ndarray:
    out = arr.copy()
    flat = out.reshape(-1)
    for i, x in enumerate(flat):
        flat[i] = float(f"{x:.{digits}g}") if x else 0.0
    return out

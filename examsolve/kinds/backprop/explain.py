"""The backprop derivation: forward pass, loss, backward pass, ReLU'(0), self-check, answers.

Reads like the key's answer to exam problem 3: each line with its numbers substituted and its
value, the loss with each term written out (−log 0.25 − log(1 − 0.5) = 1.386 + 0.6931), the
gradients in reverse order (backward.py), then the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from examsolve import mathmodel as m
from examsolve.derivation import Derivation, DerivationBuilder, Part
from examsolve.numbers import format_number
from examsolve.kinds.backprop.backward import BackwardWriter
from examsolve.kinds.backprop.finite_differences import FiniteDifferenceCheck, OtherConvention
from examsolve.kinds.backprop.layers import listing, relu_at_zero
from examsolve.kinds.backprop.notation import (dedupe, entry, expr_display, grad_symbol,
                                                indexed, symbol, value,
                                                window_index)
from examsolve.kinds.backprop.derived_steps import write_derived
from examsolve.kinds.backprop.graph import graph_chart
from examsolve.kinds.backprop.layer_steps import attention_pieces, norm_statistics
from examsolve.kinds.backprop.loss import LossWriter, applies
from examsolve.autodiff.values import answer_of
from examsolve.autodiff.program import Evaluation, contains_loss
from examsolve.kinds.backprop.model import BackpropSpec
from examsolve.autodiff.parse import LOSSES, Apply, Const, Node_, Ref


@dataclass(frozen=True)
class Prediction:
    """A head's prediction: the forward pass's sentence, the answer's value (a class name,
    a label, "tie" or "boundary") and its boxed line."""

    sentence: tuple[Part, ...]
    value: str | int  # a class without a name is its number (JSON: 1, not "1")
    boxed: m.Expr


class Explainer:
    def __init__(self, spec: BackpropSpec, ev: Evaluation) -> None:
        self.spec, self.ev = spec, ev
        self.base = spec.common.indexing
        self.predictions: dict[str, Prediction] = {}  # filled by the forward pass

    def node(self, expr: Node_):  # type: ignore[no-untyped-def]
        return self.ev.named[expr.name] if isinstance(expr, Ref) else self.ev.node(expr)

    def shape(self, expr: Node_) -> tuple[int, int]:
        if isinstance(expr, Ref):
            return self.ev.named[expr.name].shape
        return self.node(expr).shape if not hasattr(expr, "value") else (1, 1)

    def class_text(self, expr: Apply) -> str:
        """A class as the spec wrote it: its name from `classes`, else its index."""
        cls = int(expr.option("cls"))  # type: ignore[call-overload]
        target = expr.args[0]
        names = self.spec.class_names(target.name) if isinstance(target, Ref) else None
        return names[cls] if names else str(cls + self.base)

    def values(self) -> dict[str, np.ndarray]:
        return {name: node.value for name, node in self.ev.named.items()}

    def display(self, expr: Node_, numbers: bool = False, replace=None) -> m.Expr:  # type: ignore[no-untyped-def]
        """The expression as written, or with its numbers (a transposed name as the
        transposed value: w₂ᵀ becomes the row [2 1 −1 1])."""
        def substitute(e: Node_) -> m.Expr | None:
            if replace is not None and (out := replace(e)) is not None:
                return out
            if numbers and isinstance(e, Apply) and e.op == "transpose" and \
                    isinstance(e.args[0], Ref):
                return value(self.ev.named[e.args[0].name].value.T)
            return None

        return expr_display(expr, self.values() if numbers else None, shapes=self.shape,
                            class_text=self.class_text, replace=substitute)

    # ---- forward -------------------------------------------------------------------------------
    def forward(self, d: DerivationBuilder) -> None:
        step = d.step("Forward pass")
        count = "Indices count from 1." if self.base == 1 else "Indices count from 0."
        if self.spec.exact:
            step.say("Each line with its numbers substituted; arithmetic stays exact while it "
                     "is rational, and exp/log results are rounded to 4 significant digits "
                     "(a rounded value keeps its trailing zeros: 1.000 is not exactly 1). " + count)
        else:
            total = self.spec.entries
            steps = f" and runs {self.spec.steps} time steps" if self.spec.steps else ""
            step.say(f"The network holds {total:,} numbers{steps}, so the work is done in "
                     "float64 (exact fractions would be slow); big matrices are shown "
                     "summarised. " + count)
        if self.spec.loss is None:
            step.say("The problem asks for the forward pass only (no loss), so nothing is "
                     "differentiated: there is no backward pass and no gradient check.")
        heads = self.heads()
        starts = {name: (var, first, last) for name, var, first, last in self.spec.loops}
        for line in self.spec.lines:
            if line.name in starts:
                var, first, last = starts[line.name]
                times = ", ".join(str(t) for t in range(first, last + 1)) if last - first < 6 \
                    else f"{first}, {first + 1}, …, {last}"
                step.say(f"The loop `for {var} in {first}..{last}` repeats its lines for ",
                         m.eq(m.Sym(var), m.Text(times)), ", with ", m.Sym(var),
                         " substituted in every index (the time steps are numbered as "
                         f"written; other indices count from {self.base}).")
            if contains_loss(line.expr):
                continue
            for a in applies(line.expr):
                if a.op in ("conv1d", "conv2d"):
                    step.say(self.conv_sentence(a))
            for a in applies(line.expr):  # the sums first, then the vector they make
                if a.op == "conv1d":
                    self.conv1d_sums(step, a)
            for a in applies(line.expr):
                if a.op in ("batchnorm", "layernorm"):
                    norm_statistics(step, self.ev.node(a), self.display(a.args[0]), a.op)
            if isinstance(line.expr, Apply) and line.expr.op == "attention":
                attention_pieces(step, line.name, line.expr, self.ev, self.display)
                continue
            self.line_equation(step, line.name, line.expr)
            if line.name in heads:
                guess = self.prediction(line.name, heads[line.name])
                if guess:
                    step.say(guess.sentence)
                    self.predictions[line.name] = guess

    def conv_sentence(self, a: Apply) -> tuple[Part, ...]:
        """The convolution's formula with this problem's names, per `indexing`."""
        node = self.ev.node(a)
        stride = node.info["stride"]
        out = symbol(node.name) if node.name else m.Sym("s" if a.op == "conv1d" else "S")
        x, w, b = (self.display(arg) for arg in a.args)
        bias = m.as_expr(node.children[2].value[0, 0])
        fill = a.option("pad_value")
        pad = m.call("pad", x)
        if a.op == "conv1d":
            index, tap, total = "i", "k", m.Sym("Σ", "k")
            window = window_index("i", "k", stride, self.base)
        else:
            index, tap, total = "i,j", "u,v", m.Sym("Σ", "u,v")
            window = (f"{window_index('i', 'u', stride, self.base)}, "
                      f"{window_index('j', 'v', stride, self.base)}")
        products = m.mul(total, m.mul(indexed(pad, window), indexed(w, tap)), op="")
        has_bias = self.conv_has_bias(a)
        formula = m.eq(indexed(out, index), m.add(products, b) if has_bias else products)
        if a.op == "conv1d":
            before, after = node.info["pad"]
            padded: tuple[Part, ...] = (
                (pad, " is ", x, f" with {_zeros(before, fill)} before and "
                 f"{_zeros(after, fill)} after")
                if (before, after) != (0, 0) else (m.eq(pad, x), " (no padding)"))
        else:
            top, left = node.info["pad"]
            above, beside = (_zeros(top, fill), _zeros(left, fill)) if fill == 0 else (
                _lines(top, "row", fill), _lines(left, "column", fill))
            padded = ((pad, " is ", x, f" with {above} above and "
                       f"{beside} to the "
                       "left (and as needed below and right)") if (top, left) != (0, 0)
                      else (m.eq(pad, x), " (no padding)"))
        text: tuple[Part, ...] = (formula, ", a cross-correlation (the kernel is not flipped, "
                                  "as in PyTorch); ", *padded, ".")
        if has_bias and a.op == "conv1d" and self.conv1d_small(a):
            text += (" The last term of each sum below is the bias ",
                     b if b == bias else m.eq(b, bias), ".")
        return text

    def conv_has_bias(self, a: Apply) -> bool:
        """A bias term is written unless the bias is the default 0 left out."""
        return not (isinstance(a.args[2], Const) and a.args[2].value == 0)

    def conv1d_small(self, a: Apply) -> bool:
        node = self.ev.node(a)
        return node.value.size * node.children[1].value.size <= 40

    def heads(self) -> dict[str, Apply]:
        """Lines read by a loss as probabilities or scores (a network's outputs), with the
        loss that reads them."""
        out: dict[str, Apply] = {}
        for line in self.spec.lines:
            for a in applies(line.expr):
                if a.op in ("nll", "bce", "cross_entropy") and isinstance(a.args[0], Ref):
                    if a.op == "bce" and any(v not in (0, 1) for v in
                                             self.node(a.args[1]).value.reshape(-1)):
                        continue  # a soft target: a probability to match, no class to predict
                    out.setdefault(a.args[0].name, a)
        return out

    def prediction(self, name: str, loss: Apply) -> Prediction | None:
        """The model's prediction: the argmax class (or a tie) of a softmax head or of the
        scores under cross_entropy, the 0.5-thresholded label of a single sigmoid output
        (named by `classes` when it names labels 0 and 1)."""
        val = self.ev.named[name].value.reshape(-1)
        sym = symbol(name)
        names = self.spec.class_names(name)

        def boxed(*parts: Part) -> m.Expr:  # `p₂ predicts: label 1`: one line of math
            return m.Mul((sym, *(m.Text(p) if isinstance(p, str) else p for p in parts)), "")

        if loss.op == "bce":
            if val.size != 1:
                return None
            p = val[0]

            def label(k: int) -> str:
                return f"{names[k]} (label {k})" if names else f"label {k}"

            half = m.num(Fraction(1, 2))
            if p == Fraction(1, 2):
                return Prediction(
                    ("Prediction: ", m.eq(sym, half), " is exactly on the decision boundary (",
                     m.rel(sym, ">", half), f" predicts {label(1)}, ", m.rel(sym, "<", half),
                     f" {label(0)}): neither is preferred."),
                    "boundary", boxed(" predicts: neither label (", sym, " = ", half,
                                      ", on the boundary)"))
            k, side = (1, ">") if p > Fraction(1, 2) else (0, "<")
            return Prediction(("Prediction: ", m.rel(sym, side, half),
                               f", so the prediction is {label(k)}."),
                              names[k] if names else k, boxed(f" predicts: {label(k)}"))
        top = max(val)
        best = [i for i, v in enumerate(val) if v == top]
        what = "probability" if loss.op == "nll" else "score"
        top_expr = m.as_expr(top)

        def called(i: int) -> str:
            return names[i] if names else f"{i + self.base}"

        if len(best) == val.size:
            among = f" ({', '.join(names)})" if names else ""
            return Prediction(("Prediction: ", sym, f" is a {val.size}-way tie (", top_expr,
                               f" each): no class{among} is preferred."), "tie",
                              boxed(f" predicts: no class (a {val.size}-way tie)"))
        if len(best) > 1:
            tied = _and([called(i) for i in best])
            return Prediction((f"Prediction: the largest {what}, ", top_expr,
                               f", is shared by {tied}: a tie."), "tie",
                              boxed(f" predicts: a tie of {tied}"))
        at = entry(sym, (val.size, 1), best[0], self.base)
        return Prediction((f"Prediction: the largest {what} is ", m.eq(at, top_expr),
                           f", so the predicted class is {called(best[0])}."),
                          names[best[0]] if names else best[0] + self.base,
                          boxed(f" predicts: {called(best[0])} (", at, " = ", top_expr, ")"))

    def conv1d_sums(self, step, a: Apply) -> None:  # type: ignore[no-untyped-def]
        """Each output of a small conv1D as its sum of products (the padded input first)."""
        node = self.ev.node(a)
        padded, stride = node.info["padded"], node.info["stride"]
        w = node.children[1].value.reshape(-1)
        out = node.value.reshape(-1)
        if not self.conv1d_small(a):
            return
        x_sym = self.display(a.args[0])
        pad_sym = m.Call("pad", (x_sym,))
        if node.info["pad"] != (0, 0):
            step.eq(m.Transpose(pad_sym), m.row(padded))
        bias = node.children[2].value[0, 0]
        name = symbol(node.name) if node.name else m.Sym("s")
        for i in range(out.size):
            terms = [m.Mul((m.as_expr(padded[i * stride + k]), m.as_expr(w[k])), "·")
                     for k in range(w.size)]
            if self.conv_has_bias(a):
                terms.append(m.as_expr(bias))
            step.eq(entry(name, node.shape, i, self.base), m.Add(tuple(terms)),
                    m.as_expr(out[i]))

    def line_equation(self, step, name: str, expr: Node_, extra=()) -> None:  # type: ignore[no-untyped-def]
        """name = expression = (numbers) = value; a small conv1D's sums were just written
        out, so with the numbers it stands as its value, not conv1D(…) restated."""
        def summed(e: Node_) -> m.Expr | None:
            if isinstance(e, Apply) and e.op == "conv1d" and self.conv1d_small(e):
                return value(self.ev.node(e).value)
            return None

        parts = [symbol(name), self.display(expr),
                 self.display(expr, numbers=True, replace=summed), *extra,
                 value(self.ev.named[name].value)]
        step.eq(*dedupe(parts))

    # ---- ReLU'(0) and the self-check -------------------------------------------------------------
    def zero_inputs(self) -> list[m.Expr]:
        """The ReLU inputs that are exactly 0, as entries (s₁[2])."""
        zeros = []
        for n in self.ev.ctx.nodes:
            if n.op == "relu" and np.any(n.info["zero"]):
                z = n.children[0]
                z_sym = self.node_symbol(z)
                zeros += [entry(z_sym, z.shape, int(i), self.base)
                          for i in np.argwhere(n.info["zero"].reshape(-1)).reshape(-1)]
        return zeros

    def node_symbol(self, node) -> m.Expr:  # type: ignore[no-untyped-def]
        return symbol(node.name) if node.name else self.display(self.ev.ir_of[node.index])

    def relu_zeros(self, d: DerivationBuilder, other: OtherConvention | None,
                   number: int) -> None:
        """Which inputs sit on the kink, and what the other ReLU'(0) would change (also a
        warning pointing at this step, `number`, so the convention travels with the
        answers)."""
        zeros = self.zero_inputs()
        if not zeros or other is None:
            return
        g0, g1 = self.spec.relu_grad_at_zero, 1 - self.spec.relu_grad_at_zero
        step = d.step("ReLU inputs at exactly 0")
        where = (*listing(zeros), " is" if len(zeros) == 1 else " are",
                 " exactly 0, where ReLU's one-sided slopes are 0 and 1. With ",
                 relu_at_zero(g1), " instead")
        if not other.changed:
            step.say(*where, " no final gradient changes.")
            return
        step.say(*where, " the mask changes there:")
        loss = self.spec.loss
        for index, upstream, mask, grad_in in other.relus:
            relu = self.ev.ctx.nodes[index]
            z_sym = self.node_symbol(relu.children[0])
            mark = "·" if relu.shape == (1, 1) else "⊙"
            step.eq(grad_symbol(loss, z_sym),
                    m.Mul((grad_symbol(loss, self.node_symbol(relu)),
                           m.Call("ReLU'", (z_sym,))), mark),
                    m.Mul((value(upstream), value(mask)), mark), value(grad_in))
        step.say("and so these gradients change:")
        for name, grad in other.changed.items():
            step.eq(grad_symbol(loss, symbol(name)), value(grad))
        unchanged = [n for n in self.spec.wrt if n not in other.changed]
        if unchanged:
            step.say("while ", *_commas([grad_symbol(loss, symbol(n)) for n in unchanged]),
                     (" stays" if len(unchanged) == 1 else " stay") + " the same.")
        names = [grad_symbol(loss, symbol(n)) for n in other.changed]
        values = [m.num(g[0, 0]) if g.shape == (1, 1) else _prose(g).replace("-", "−")
                  for g in other.changed.values()]  # a vector as the list a reader writes
        both = len(names) > 1
        d.warn(*_and_parts(names), f" assume{'' if both else 's'} ", relu_at_zero(g0),
               "; with ", relu_at_zero(g1), f" {'they are' if both else 'it is'} ",
               *_and_parts(values), f" (step {number}).")

    def self_check(self, d: DerivationBuilder, check: FiniteDifferenceCheck,
                   plain: dict[str, np.ndarray] | None) -> None:
        step = d.step("Self-check with finite differences")
        share = "every coordinate" if check.checked + check.skipped == check.total else \
            f"a seeded sample of {check.checked + check.skipped} of the {check.total:,} coordinates"
        theta, eps = m.Sym("θ"), m.Sym("ε")
        step.say("Central differences ",
                 m.Div(m.add(m.call("L", m.add(theta, eps)),
                             m.Neg(m.call("L", m.add(theta, m.Neg(eps))))),
                       m.mul(2, eps, op="")), " in float64, ",
                 m.eq(eps, m.mul(m.Num(1e-6), m.call("max", 1, m.call("abs", theta)))),
                 f", on {share} of ", *_commas([symbol(n) for n in self.spec.wrt]), ".")
        zeros = self.zero_inputs() if check.pinned else []
        if zeros:
            g0 = self.spec.relu_grad_at_zero
            hold = ("so the numerical check keeps ", relu_at_zero(g0), ", like the derivation"
                    ": it checks the algebra, not the choice at the kink.")
            if plain:
                step.say("At a kink a plain central difference gives the average of the two "
                         "one-sided slopes; here it would give")
                for name, grad in plain.items():
                    step.rel(grad_symbol(self.spec.loss, symbol(name)), "≈", value(grad))
                step.say("which is neither ", relu_at_zero(0), "'s answer nor ",
                         relu_at_zero(1), "'s, ", *hold)
            else:
                step.say("At a kink a plain central difference gives the average of the two "
                         "one-sided slopes, ", *hold)
        if any(n.op.startswith("maxpool") and np.any(n.info["ties"]) for n in self.ev.ctx.nodes):
            step.say("Where a pooling window's maximum is tied, both perturbed runs keep the "
                     "first maximum, as the backward pass does.")
        if check.skipped:
            step.say(f"{check.skipped} coordinate(s) sit so close to a ReLU kink that every step "
                     "crossed it; they are left out.")
        verdict = "agree" if check.ok else "DISAGREE"
        worst: tuple[Part, ...] = (".",)
        if check.worst is not None:
            name, shape, index = check.worst
            where = symbol(name) if shape == (1, 1) else entry(symbol(name), shape, index,
                                                                self.base)
            worst = (" (at ", grad_symbol(self.spec.loss, where), ").")
        step.say(f"The chain-rule gradients {verdict} with them: the largest difference is "
                 f"{format_number(check.largest, 2)}", *worst)
        if not check.ok:
            d.warn("self-check failed: " + "; ".join(check.failures[:3]))

    # ---- answers -------------------------------------------------------------------------------
    def answers(self, d: DerivationBuilder, grads: dict[str, np.ndarray]) -> None:
        outputs = {a.args[0].name for ln in self.spec.lines for a in applies(ln.expr)
                   if a.op in LOSSES and isinstance(a.args[0], Ref)}
        for line in self.spec.lines:
            val = self.ev.named[line.name].value
            d.answer(line.name, answer_of(val),
                     m.eq(symbol(line.name), value(val)),
                     boxed=line.name == self.spec.loss or line.name in outputs or
                     (self.spec.loss is None and line is self.spec.lines[-1]))
            node = self.ev.named[line.name]
            for piece in node.info.get("attention", ()):  # scores(Z), weights(Z)
                d.answer(piece.name, answer_of(piece.value),
                         m.eq(symbol(piece.name), value(piece.value)))
            if line.name in self.predictions:  # the answer to "give the prediction"
                guess = self.predictions[line.name]
                d.answer(f"prediction({line.name})", guess.value, guess.boxed)
        for name in self.spec.wrt:
            g = grads[name]
            d.answer(f"d{self.spec.loss}/d{name}", answer_of(g),
                     m.eq(grad_symbol(self.spec.loss, symbol(name)), value(g)))


def _prose(arr: np.ndarray) -> str:
    """A value in a sentence: 1, [0, 2, 0] (a vector), [[1, 2], [3, 4]] (rows)."""
    if arr.shape == (1, 1):
        return format_number(arr[0, 0])
    if 1 in arr.shape:
        return "[" + ", ".join(format_number(v) for v in arr.reshape(-1)) + "]"
    return "[" + ", ".join(_prose(row.reshape(1, -1)) for row in arr) + "]"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _and_parts(items: list) -> tuple[Part, ...]:
    """a, b and c as paragraph parts."""
    out: list[Part] = []
    for i, item in enumerate(items):
        out += ([", " if i < len(items) - 1 else " and "] if i else []) + [item]
    return tuple(out)


def _commas(items: list[m.Expr]) -> tuple[Part, ...]:
    """a, b, c as paragraph parts."""
    out: list[Part] = []
    for i, item in enumerate(items):
        out += [", ", item] if i else [item]
    return tuple(out)


def _lines(n: int, what: str, fill: object) -> str:
    """`1 row of −1s`: a 2-D padding with a pad_value."""
    value = format_number(fill).replace("-", "−")
    return f"{n} {what}{'s' if n != 1 else ''} of {value}s"


def _zeros(n: int, fill: object = 0) -> str:
    """How many padding entries: `1 zero`, `2 entries −1` (a pad_value)."""
    if fill == 0:
        return "no zeros" if n == 0 else "1 zero" if n == 1 else f"{n} zeros"
    value = format_number(fill).replace("-", "−")
    return "nothing" if n == 0 else f"1 entry {value}" if n == 1 else f"{n} entries {value}"


def explain(spec: BackpropSpec, ev: Evaluation, grads: dict[str, np.ndarray],
            alternative: OtherConvention | None, check: FiniteDifferenceCheck | None,
            plain: dict[str, np.ndarray] | None = None) -> Derivation:
    """The derivation; a forward-only spec (no loss) stops after the forward pass (and the
    loss terms it computes), with no backward pass and no self-check (check is None)."""
    common = spec.common
    d = DerivationBuilder(common.kind, common.title, common.statement, common.source)
    ex = Explainer(spec, ev)
    ex.forward(d)
    forward_step = d.last_step()
    losses = LossWriter(spec, ex.display, ex.node, ex.class_text)
    backward = 3 if losses.write(d) else 2  # the backward step's number
    if spec.loss is None or check is None:
        graph = _graph(spec, ev, gradients=False)
        if graph is not None:
            forward_step.figure("", chart=graph)
        ex.answers(d, grads)
        write_derived(d, spec, ev, lambda name: _grad_of(ev, name))
        return d.build()
    backward_step = d.step("Backward pass")
    BackwardWriter(spec, ev, backward_step, ex.class_text, backward).write()
    # The graph has no text form: documents written to files draw it (render/figure_files.py).
    graph = _graph(spec, ev, gradients=True)
    if graph is not None:
        backward_step.figure("", chart=graph)
    ex.relu_zeros(d, alternative, backward + 1)
    ex.self_check(d, check, plain)
    ex.answers(d, grads)
    write_derived(d, spec, ev, lambda name: _grad_of(ev, name))
    return d.build()


def _graph(spec: BackpropSpec, ev: Evaluation, gradients: bool):  # type: ignore[no-untyped-def]
    """The computational graph with every line's forward value and, with `gradients`, the
    gradient of every value the loss depends on."""
    values = {line.name: ev.named[line.name].value for line in spec.lines}
    grads = {name: node.grad for name, node in ev.named.items()
             if gradients and node.grad is not None}
    return graph_chart(spec, values, grads if gradients else None)


def _grad_of(ev: Evaluation, name: str) -> np.ndarray:
    """∂L/∂name for any value, parameter or line (0 where the loss does not depend on it)."""
    node = ev.named[name]
    return node.grad if node.grad is not None else ev.ctx.full(node.shape, 0)

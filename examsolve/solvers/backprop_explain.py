"""The backprop derivation: forward pass, loss, backward pass, ReLU'(0), self-check, answers.

Reads like the key's answer to exam problem 3: each line with its numbers substituted and its
value, the loss with each term written out (−log 0.25 − log(1 − 0.5) = 1.386 + 0.6931), the
gradients in reverse order (backprop_backward), then the checks.
"""

from __future__ import annotations

import numpy as np

from examsolve import mathmodel as m
from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.numbers import format_number
from examsolve.render.textmath import linear
from examsolve.solvers.backprop_backward import BackwardWriter
from examsolve.solvers.backprop_check import FiniteDifferenceCheck
from examsolve.solvers.backprop_display import entry, expr_display, grad_symbol, symbol, value
from examsolve.solvers.backprop_model import BackpropSpec, Evaluation, contains_loss
from examsolve.solvers.backprop_parse import LOSSES, Apply, Node_, Ref


class Explainer:
    def __init__(self, spec: BackpropSpec, ev: Evaluation) -> None:
        self.spec, self.ev = spec, ev
        self.base = spec.common.indexing

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
        if self.spec.exact:
            step.say("Each line with its numbers substituted; arithmetic stays exact while it "
                     "is rational, and exp/log results are shown to 4 significant digits.")
        else:
            count = sum(len(mx) * len(mx[0]) for _, mx in self.spec.leaves)
            step.say(f"The network holds {count:,} numbers, so the work is done in float64 "
                     "(exact fractions would be slow); big matrices are shown summarised.")
        ops = {a.op for line in self.spec.lines for a in _applies(line.expr)}
        if ops & {"conv1d", "conv2d"}:
            step.say("conv1D/conv2D are cross-correlations (the kernel is not flipped), as in "
                     "PyTorch: s[i] = Σ_k pad(x)[i·stride + k]·w[k] + b, pad(x) being the zero-padded input.")
        for line in self.spec.lines:
            if contains_loss(line.expr):
                continue
            self.line_equation(step, line.name, line.expr)
            for a in _applies(line.expr):
                if a.op == "conv1d":
                    self.conv1d_sums(step, a)

    def conv1d_sums(self, step, a: Apply) -> None:  # type: ignore[no-untyped-def]
        """Each output of a small conv1D as its sum of products (the padded input first)."""
        node = self.ev.node(a)
        padded, stride = node.info["padded"], node.info["stride"]
        w = node.children[1].value.reshape(-1)
        out = node.value.reshape(-1)
        if out.size * w.size > 40:
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
            step.eq(entry(name, node.shape, i, self.base), m.Add((*terms, m.as_expr(bias))),
                    m.as_expr(out[i]))

    def line_equation(self, step, name: str, expr: Node_, extra=()) -> None:  # type: ignore[no-untyped-def]
        parts = [symbol(name), self.display(expr), self.display(expr, numbers=True), *extra,
                 value(self.ev.named[name].value)]
        step.eq(*_dedupe(parts))

    # ---- loss ----------------------------------------------------------------------------------
    def loss(self, d: DerivationBuilder) -> None:
        lines = [ln for ln in self.spec.lines if contains_loss(ln.expr)]
        if not lines:
            return
        step = d.step("Loss")
        for line in lines:
            terms = [a for a in _applies(line.expr) if a.op in LOSSES]
            for a in terms:
                step.say(self.loss_sentence(a))
            written = self.display(line.expr, replace=lambda e: self.formula(e, False))
            numbers = self.display(line.expr, numbers=True,
                                   replace=lambda e: self.formula(e, True))
            each = self.display(line.expr, numbers=True, replace=lambda e: (
                value(self.node(e).value) if isinstance(e, Apply) and e.op in LOSSES else None))
            name = symbol(line.name)
            step.eq(*_dedupe([name, self.display(line.expr), written]))
            step.eq(*_dedupe([name, numbers, each, value(self.ev.named[line.name].value)]))

    def loss_sentence(self, a: Apply) -> str:
        target = linear(self.display(a.args[0]))
        if a.op == "nll":
            return (f"nll({target}, {self.class_text(a)}) = −log {target}[c], the negative "
                    f"log-likelihood of class {self.class_text(a)} (entry "
                    f"{int(a.option('cls')) + self.base}).")  # type: ignore[call-overload]
        if a.op == "cross_entropy":
            return (f"cross_entropy({target}, {self.class_text(a)}) = log Σ_j exp({target}_j) − "
                    f"{target}[c], computed as a logsumexp (shifted by the maximum).")
        if a.op == "bce":
            mean = ", averaged over the entries" if self.node(a.args[0]).value.size > 1 else ""
            return (f"bce({target}, y) = −[y·log {target} + (1 − y)·log(1 − {target})]{mean}, "
                    "the negative log-likelihood of the label y.")
        return f"mse = the mean of the squared differences ({target} − y)²."

    def formula(self, e: Node_, numbers: bool) -> m.Expr | None:
        """A loss term written out (−log p₁[1]), or with its numbers (−log(0.25))."""
        if not isinstance(e, Apply) or e.op not in LOSSES:
            return None
        arg = e.args[0]
        node = self.node(arg)
        shape = node.shape
        target = self.display(arg, numbers=numbers)
        if e.op == "nll":
            c = int(e.option("cls"))  # type: ignore[call-overload]
            pc = m.as_expr(node.value.reshape(-1)[c]) if numbers else \
                entry(self.display(arg), shape, c, self.base)
            return m.Neg(m.Call("log", (pc,)))
        if e.op == "cross_entropy":
            c = int(e.option("cls"))  # type: ignore[call-overload]
            sc = m.as_expr(node.value.reshape(-1)[c]) if numbers else \
                entry(self.display(arg), shape, c, self.base)
            lse = m.as_expr(self.node(e).info["lse"]) if numbers else m.Call("logsumexp",
                                                                               (target,))
            return m.Add((m.Neg(sc), lse))
        y = e.args[1]
        if shape != (1, 1):
            return None
        ys = self.display(y, numbers=numbers)
        if e.op == "mse":
            return m.Pow(m.Paren(m.Add((target, m.Neg(ys)))), m.num(2))
        yv = self.node(y).value[0, 0]
        one_minus = m.Call("log", (m.Add((m.num(1), m.Neg(target))),))
        if yv == 0:
            return m.Neg(one_minus)
        if yv == 1:
            return m.Neg(m.Call("log", (target,)))
        return m.Neg(m.Paren(m.Add((m.Mul((ys, m.Call("log", (target,))), "·"),
                                    m.Mul((m.Paren(m.Add((m.num(1), m.Neg(ys)))), one_minus),
                                          "·")))))

    # ---- ReLU'(0) and the self-check -------------------------------------------------------------
    def relu_zeros(self, d: DerivationBuilder, alternative: dict[str, np.ndarray] | None) -> None:
        zeros = []
        for n in self.ev.ctx.nodes:
            if n.op == "relu" and np.any(n.info["zero"]):
                z = n.children[0]
                z_sym = symbol(z.name) if z.name else self.display(self.ev.ir_of[z.index])
                zeros += [linear(entry(z_sym, z.shape, int(i), self.base))
                          for i in np.argwhere(n.info["zero"].reshape(-1)).reshape(-1)]
        if not zeros:
            return
        g0 = self.spec.relu_grad_at_zero
        step = d.step("ReLU inputs at exactly 0")
        step.say(f"{', '.join(zeros)} {'is' if len(zeros) == 1 else 'are'} exactly 0, where ReLU "
                 f"has no derivative (its one-sided slopes are 0 and 1). This solution takes "
                 f"ReLU'(0) = {g0}" + (" (PyTorch's choice)." if g0 == 0 else "."))
        if not alternative:
            step.say(f"With ReLU'(0) = {1 - g0} instead no final gradient changes.")
            return
        unchanged = [n for n in self.spec.wrt if n not in alternative]
        step.say(f"With ReLU'(0) = {1 - g0} instead these gradients change:")
        for name, grad in alternative.items():
            step.eq(grad_symbol(self.spec.loss, symbol(name)), value(grad))
        if unchanged:
            step.say("while " + ", ".join(f"∂{self.spec.loss}/∂{linear(symbol(n))}"
                                          for n in unchanged) +
                     (" stays" if len(unchanged) == 1 else " stay") + " the same.")

    def self_check(self, d: DerivationBuilder, check: FiniteDifferenceCheck) -> None:
        step = d.step("Self-check with finite differences")
        share = "every coordinate" if check.checked + check.skipped == check.total else \
            f"a seeded sample of {check.checked + check.skipped} of the {check.total:,} coordinates"
        step.say(f"Central differences (L(θ + h) − L(θ − h))/2h in float64, h = 1e-6·max(1, |θ|), "
                 f"on {share} of " + ", ".join(linear(symbol(n)) for n in self.spec.wrt) + ".")
        if check.pinned:
            step.say("At the ReLU inputs that are exactly 0 the perturbed runs follow the branch "
                     "the convention picks, so the differences measure the gradient claimed "
                     "above.")
        if check.skipped:
            step.say(f"{check.skipped} coordinate(s) sit so close to a ReLU kink that every step "
                     "crossed it; they are left out.")
        verdict = "agree" if check.ok else "DISAGREE"
        step.say(f"The chain-rule gradients {verdict} with them: the largest difference is "
                 f"{format_number(check.largest, 2)}" + (f" (at {check.worst})."
                                                         if check.worst else "."))
        if not check.ok:
            d.warn("self-check failed: " + "; ".join(check.failures[:3]))

    # ---- answers -------------------------------------------------------------------------------
    def answers(self, d: DerivationBuilder, grads: dict[str, np.ndarray]) -> None:
        outputs = {a.args[0].name for ln in self.spec.lines for a in _applies(ln.expr)
                   if a.op in LOSSES and isinstance(a.args[0], Ref)}
        for line in self.spec.lines:
            val = self.ev.named[line.name].value
            d.answer(line.name, answer_of(val),
                     m.eq(symbol(line.name), value(val)),
                     boxed=line.name == self.spec.loss or line.name in outputs)
        for name in self.spec.wrt:
            g = grads[name]
            d.answer(f"d{self.spec.loss}/d{name}", answer_of(g),
                     m.eq(grad_symbol(self.spec.loss, symbol(name)), value(g)))


def answer_of(arr: np.ndarray) -> object:
    """1×1 → a number, n×1 → a flat list, otherwise rows."""
    if arr.shape == (1, 1):
        return arr[0, 0]
    if arr.shape[1] == 1:
        return arr.reshape(-1)
    return arr


def _applies(expr: Node_) -> list[Apply]:
    if not isinstance(expr, Apply):
        return []
    out = [expr]
    for a in expr.args:
        out += _applies(a)
    return out


def _dedupe(parts: list[m.Expr]) -> list[m.Expr]:
    out: list[m.Expr] = []
    for p in parts:
        if not out or linear(out[-1]) != linear(p):
            out.append(p)
    return out


def explain(spec: BackpropSpec, ev: Evaluation, grads: dict[str, np.ndarray],
            alternative: dict[str, np.ndarray] | None,
            check: FiniteDifferenceCheck) -> Derivation:
    common = spec.common
    d = DerivationBuilder(common.kind, common.title, common.statement, common.source)
    ex = Explainer(spec, ev)
    ex.forward(d)
    ex.loss(d)
    BackwardWriter(spec, ev, d.step("Backward pass"), ex.class_text).write()
    ex.relu_zeros(d, alternative)
    ex.self_check(d, check)
    ex.answers(d, grads)
    return d.build()

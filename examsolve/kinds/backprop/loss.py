"""The loss step of a backprop derivation: each loss term defined, written out and evaluated.

nll(p, c) = −log p[c]; bce(p, y) = −[y·log p + (1 − y)·log(1 − p)], written with the label
substituted first (−[0·log p + 1·log(1 − p)]) and then simplified (−log(1 − p));
cross_entropy(s, c) = logsumexp(s) − s[c]; mse the mean of the squared differences.

When every log's argument is an exact rational the terms are summed as one log
(−log 0.25 − log(1 − 0.5) = log 4 + log 2 = log 8). Where p = σ(s) or softmax(s) is so close
to 0 or 1 that log p or log(1 − p) cannot be written from p's digits (σ(40) is exactly 1 in
float64), the term is written from the score, as the engine computes it:
−log σ(s) = softplus(−s), −log(1 − σ(s)) = softplus(s), −log softmax(s)[c] = logsumexp(s) − s[c].
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

import numpy as np

from examsolve import mathmodel as m
from examsolve.derivation import DerivationBuilder, Part, StepBuilder
from examsolve.autodiff.engine import Node
from examsolve.kinds.backprop.notation import dedupe, entry, indexed, symbol, value
from examsolve.autodiff.program import contains_loss
from examsolve.kinds.backprop.model import BackpropSpec
from examsolve.autodiff.parse import LOSSES, Apply, Node_, Ref

TINY = float(np.finfo(float).tiny)
# Below this, 1 − p written from p's 4 printed digits is wrong or 0: the score is used.
CLOSE_TO_ONE = 1e-3
STAGES = ("weights", "simple", "score", "numbers")


class LossWriter:
    def __init__(self, spec: BackpropSpec, display: Callable[..., m.Expr],
                 node: Callable[[Node_], Node], class_text: Callable[[Apply], str]) -> None:
        """`display(expr, numbers=False, replace=None)` writes a model expression, `node`
        finds its evaluated node and `class_text` names a class (the forward pass's)."""
        self.spec, self.base = spec, spec.common.indexing
        self.display, self.node, self.class_text = display, node, class_text

    def write(self, d: DerivationBuilder) -> bool:
        """The Loss step; False when no line holds a loss term (no step written)."""
        lines = [ln for ln in self.spec.lines if contains_loss(ln.expr)]
        if not lines:
            return False
        step = d.step("Loss")
        terms = [a for ln in lines for a in applies(ln.expr) if a.op in LOSSES]
        for sentence in dict.fromkeys(self.sentence(a) for a in terms):
            step.say(sentence)
        if any(a.op != "mse" for a in terms):
            step.say("log is the natural logarithm (base e).")
        for a in terms:
            if self.from_score(a):
                step.say(self.score_sentence(a))
        for line in lines:
            self.line_rows(step, line.name, line.expr)
        return True

    def line_rows(self, step: StepBuilder, name: str, expr: Node_) -> None:
        """L = expr = (label substituted) = (simplified) = (from the score), then
        L = (numbers) = (each term, or one exact log) = value."""
        sym = symbol(name)
        written = [self.display(expr, replace=lambda e, s=stage: self.form(e, s))
                   for stage in STAGES[:3]]
        step.eq(*dedupe([sym, self.display(expr), *written]))
        numbers = self.display(expr, numbers=True, replace=lambda e: self.form(e, "numbers"))
        total = self.node(Ref(name, name)).value
        exact = self.exact_logs(expr) if not isinstance(total[0, 0], Fraction) else None
        if exact is not None:
            middle = list(exact)
        else:
            middle = [self.display(expr, numbers=True, replace=lambda e: (
                value(self.node(e).value) if isinstance(e, Apply) and e.op in LOSSES else None))]
        step.eq(*dedupe([sym, numbers, *middle, value(total)]))

    # ---- words ---------------------------------------------------------------------------------
    def sentence(self, a: Apply) -> tuple[Part, ...]:
        target = self.display(a.args[0])
        at_c = indexed(target, "c")
        if a.op == "nll":
            c = int(a.option("cls")) + self.base  # type: ignore[call-overload]
            name = self.class_text(a)
            which = (m.eq("c", c),) + ((f" ({name})",) if name != str(c) else ())
            return (m.eq(m.call("nll", target, m.Text(name)), m.Neg(m.call("log", at_c))),
                    " with ", *which, ": the negative log-likelihood of the true class, never "
                    "negative since ", m.rel(at_c, "≤", 1), ".")
        if a.op == "cross_entropy":
            lse = m.call("logsumexp", target)
            return (m.eq(m.call("cross_entropy", target, m.Text(self.class_text(a))),
                         m.add(lse, m.Neg(at_c))), ", ",
                    m.eq(lse, m.call("log", m.mul(m.Sym("Σ", "j"),
                                                  m.call("exp", indexed(target, "j")), op=""))),
                    " computed shifted by the maximum, so no exp overflows.")
        y_sym = m.Sym("y")
        if a.op == "bce":
            y = self.node(a.args[1]).value
            mean = ", averaged over the entries" if self.node(a.args[0]).value.size > 1 else ""
            names = self.spec.class_names(a.args[0].name) if isinstance(a.args[0], Ref) \
                else None
            soft = any(v not in (0, 1) for v in y.reshape(-1))
            if soft:  # a probability as the target, not a class
                return (m.eq(m.call("bce", target, y_sym), bce_formula(target, y_sym)), mean,
                        ": the cross-entropy against the soft target ",
                        m.eq(y_sym, value(y)) if y.shape == (1, 1) else y_sym,
                        " (a probability, not a label); it is smallest, though not 0, where ",
                        m.eq(target, y_sym), ".")
            label: tuple[Part, ...] = (("the label ", m.eq(y_sym, value(y)))
                                       if y.shape == (1, 1) else ("the labels y",))
            if names and y.shape == (1, 1) and y[0, 0] in (0, 1):
                label += (f" ({names[int(y[0, 0])]})",)
            return (m.eq(m.call("bce", target, y_sym), bce_formula(target, y_sym)), mean,
                    ": the negative log-likelihood of ", *label, ", never negative.")
        y_expr = self.display(a.args[1])
        return (m.call("mse", target, y_expr), " = the mean of the squared differences ",
                m.Pow(m.Paren(m.add(target, m.Neg(y_expr))), m.num(2)), ", never negative.")

    def score_sentence(self, a: Apply) -> tuple[Part, ...]:
        """Why a term is written from the score, and how that is computed."""
        p_node = self.node(a.args[0])
        p, s = self.display(a.args[0]), self.display(score_ir(self.spec, a))
        if a.op == "nll":
            lse = m.add(m.call("logsumexp", s), m.Neg(indexed(s, "c")))
            return (m.eq(indexed(p, "c"), indexed(m.call("softmax", s), "c")),
                    " underflows to 0 in float64, so this term is computed from the scores: ",
                    m.eq(m.Neg(m.call("log", indexed(m.call("softmax", s), "c"))), lse),
                    " (log-softmax; logsumexp shifted by the maximum never overflows). The "
                    "gradient keeps the shortcut ", m.add("p", m.Neg(m.call("onehot", "c"))),
                    ", which is finite.")
        q = float(p_node.info["q"].reshape(-1)[0])
        p_is = m.eq(p, m.call("σ", s))
        one_minus_p = m.add(1, m.Neg(p))
        if p_node.value.size > 1:
            where: tuple[Part, ...] = (
                "Some entries of ", p_is, " are within 1e-3 of 1 or underflow to 0, where ",
                m.call("log", "p"), " or ", m.call("log", m.add(1, m.Neg(m.Sym("p")))),
                " cannot be written from p's digits")
        elif float(p_node.value.reshape(-1)[0]) == 1:
            where = (p_is, f" is within {q:.1e} of 1 (in float64 it is exactly 1)")
        elif q < CLOSE_TO_ONE:
            where = (p_is, f" is within {q:.1e} of 1, so ", one_minus_p,
                     " cannot be written from ", p, "'s digits")
        else:
            where = (p_is, " underflows to 0 in float64")
        sig, z = m.call("σ", "s"), m.Sym("z")
        return (*where, ": this term is computed from the score instead, with ",
                m.eq(m.Neg(m.call("log", sig)), m.call("softplus", m.Neg(m.Sym("s")))),
                " and ",
                m.eq(m.Neg(m.call("log", m.add(1, m.Neg(sig)))), m.call("softplus", "s")),
                ", where ",
                m.eq(m.call("softplus", z), m.call("log", m.add(1, m.Pow(m.Sym("e"), z))),
                     m.add(m.call("max", z, 0), m.call("log", m.add(1, m.Pow(
                         m.Sym("e"), m.Neg(m.call("abs", z))))))),
                " never overflows. The gradient keeps the shortcut ",
                m.add("p", m.Neg(m.Sym("y"))), ", which is finite.")

    # ---- forms -----------------------------------------------------------------------------
    def from_score(self, a: Apply) -> bool:
        """Whether the term is written from the score: its log argument would print as 0."""
        node = self.node(a)
        if not node.info.get("stable"):
            return False
        p = self.node(a.args[0]).value.reshape(-1)
        if a.op == "nll":
            return float(p[int(a.option("cls"))]) < TINY  # type: ignore[call-overload]
        ys = np.broadcast_to(self.node(a.args[1]).value, (p.size, 1)).reshape(-1)
        qs = self.node(a.args[0]).info["q"].reshape(-1)
        return any((y != 1 and float(q) < CLOSE_TO_ONE) or (y != 0 and float(pi) < TINY)
                   for pi, q, y in zip(p, qs, ys))

    def form(self, e: Node_, stage: str) -> m.Expr | None:
        """A loss term at one stage: `weights` (label substituted), `simple`, `score` (from
        the score where that is how it is computed) or `numbers`."""
        if not isinstance(e, Apply) or e.op not in LOSSES:
            return None
        arg = e.args[0]
        node = self.node(arg)
        numbers = stage == "numbers"
        scored = stage in ("score", "numbers") and self.from_score(e)
        if e.op == "nll":
            c = int(e.option("cls"))  # type: ignore[call-overload]
            if scored:
                s_node = node.children[0]
                if numbers:
                    lse = self.node(e).value[0, 0] + s_node.value.reshape(-1)[c]
                    return m.Add((m.as_expr(lse), m.Neg(m.as_expr(s_node.value.reshape(-1)[c]))))
                s_sym = self.display(score_ir(self.spec, e))
                return m.Add((m.Call("logsumexp", (s_sym,)),
                              m.Neg(entry(s_sym, s_node.shape, c, self.base))))
            pc = m.as_expr(node.value.reshape(-1)[c]) if numbers else \
                entry(self.display(arg), node.shape, c, self.base)
            return m.Neg(m.Call("log", (pc,)))
        if e.op == "cross_entropy":
            c = int(e.option("cls"))  # type: ignore[call-overload]
            if numbers:
                return m.Add((m.as_expr(self.node(e).info["lse"]),
                              m.Neg(m.as_expr(node.value.reshape(-1)[c]))))
            target = self.display(arg)
            return m.Add((m.Call("logsumexp", (target,)),
                          m.Neg(entry(target, node.shape, c, self.base))))
        if node.shape != (1, 1):  # a vector's terms one by one, with their numbers
            return self.vector_terms(e, node) if numbers and node.value.size <= 4 and \
                not scored else None
        target = self.display(arg, numbers=numbers)
        if e.op == "mse":
            ys = self.display(e.args[1], numbers=numbers)
            return m.Pow(m.Paren(m.Add((target, m.Neg(ys)))), m.num(2))
        y = self.node(e.args[1]).value[0, 0]
        if scored:
            return self.bce_from_score(e, y, numbers)
        log_p = m.Call("log", (target,))
        log_q = m.Call("log", (m.Add((m.num(1), m.Neg(target))),))
        if stage == "weights" or y not in (0, 1):  # the label's numbers substituted
            return m.Neg(m.Paren(m.Add((m.Mul((m.as_expr(y), log_p), "·"),
                                        m.Mul((m.as_expr(1 - y), log_q), "·")))))
        return m.Neg(log_q if y == 0 else log_p)

    def vector_terms(self, e: Apply, node: Node) -> m.Expr:
        """mse or bce of a vector written term by term: ((1.748 − 1)² + (2.473 − 0)²)/2."""
        p = node.value.reshape(-1)
        y = np.broadcast_to(self.node(e.args[1]).value, node.shape).reshape(-1)
        terms: list[m.Expr] = []
        for pi, yi in zip(p, y):
            P, Y = m.as_expr(pi), m.as_expr(yi)
            if e.op == "mse":
                terms.append(m.Pow(m.Paren(m.Add((P, m.Neg(Y)))), m.num(2)))
            elif yi == 1:
                terms.append(m.Neg(m.Call("log", (P,))))
            elif yi == 0:
                terms.append(m.Neg(m.Call("log", (m.Add((m.num(1), m.Neg(P))),))))
            else:
                terms.append(m.Neg(m.Paren(m.Add((
                    m.Mul((Y, m.Call("log", (P,))), "·"),
                    m.Mul((m.as_expr(1 - yi), m.Call("log", (m.Add((m.num(1), m.Neg(P))),))),
                          "·"))))))
        return m.Div(m.Paren(m.Add(tuple(terms))), m.num(p.size))

    def bce_from_score(self, e: Apply, y: object, numbers: bool) -> m.Expr:
        """y·softplus(−s) + (1 − y)·softplus(s), a 0 weight dropped."""
        s_node = self.node(e.args[0]).children[0]
        if numbers:
            s_val = s_node.value[0, 0]
            plus, minus = m.as_expr(s_val), m.as_expr(-s_val)
        else:
            plus = self.display(score_ir(self.spec, e))
            minus = m.Neg(plus if not isinstance(plus, m.Add) else m.Paren(plus))
        terms: list[m.Expr] = []
        if y != 0:
            sp = m.Call("softplus", (minus,))
            terms.append(sp if y == 1 else m.Mul((m.as_expr(y), sp), "·"))
        if y != 1:
            sp = m.Call("softplus", (plus,))
            terms.append(sp if y == 0 else m.Mul((m.as_expr(1 - y), sp), "·"))  # type: ignore[operator]
        return terms[0] if len(terms) == 1 else m.Add(tuple(terms))

    # ---- exact logs ------------------------------------------------------------------------
    def exact_logs(self, expr: Node_) -> list[m.Expr] | None:
        """[log 4 + log 2, log 8] when the line is a sum of loss terms whose logs all have
        exact rational arguments; None otherwise."""
        pairs = self.signed_ratios(expr)
        if not pairs:
            return None
        logs = [m.Call("log", (m.as_expr(r),)) for _, r in pairs]
        parts = [logs[0] if pairs[0][0] > 0 else m.Neg(logs[0])]
        parts += [lg if sign > 0 else m.Neg(lg) for (sign, _), lg in zip(pairs[1:], logs[1:])]
        total = Fraction(1)
        for sign, r in pairs:
            total = total * r if sign > 0 else total / r
        out: list[m.Expr] = [m.Add(tuple(parts)) if len(parts) > 1 else parts[0]]
        if len(parts) > 1:
            out.append(m.Call("log", (m.as_expr(total),)))
        return out

    def signed_ratios(self, expr: Node_, sign: int = 1) -> list[tuple[int, Fraction]] | None:
        """The loss as Σ ±log r with rational r (−log p = log(1/p)), or None."""
        if isinstance(expr, Apply) and expr.op in ("add", "sub"):
            left = self.signed_ratios(expr.args[0], sign)
            right = self.signed_ratios(expr.args[1], -sign if expr.op == "sub" else sign)
            return None if left is None or right is None else left + right
        if not isinstance(expr, Apply) or expr.op not in ("nll", "bce"):
            return None
        p = self.node(expr.args[0]).value.reshape(-1)
        if expr.op == "nll":
            pc = p[int(expr.option("cls"))]  # type: ignore[call-overload]
            return [(sign, 1 / pc)] if isinstance(pc, Fraction) and pc > 0 else None
        y = self.node(expr.args[1]).value.reshape(-1)
        if p.size != 1 or not isinstance(p[0], Fraction) or y[0] not in (0, 1):
            return None
        arg = p[0] if y[0] == 1 else 1 - p[0]
        return [(sign, 1 / arg)] if arg > 0 else None


def score_ir(spec, a: Apply) -> Node_:  # type: ignore[no-untyped-def]
    """The score s under the loss's p = σ(s) or softmax(s), as a model expression."""
    arg = a.args[0]
    if isinstance(arg, Ref):
        arg = next(ln.expr for ln in spec.lines if ln.name == arg.name)
    return arg.args[0]  # type: ignore[union-attr]


def applies(expr: Node_) -> list[Apply]:
    """Every call and operator in the expression, outermost first."""
    if not isinstance(expr, Apply):
        return []
    out = [expr]
    for a in expr.args:
        out += applies(a)
    return out


def bce_formula(p: m.Expr, y: m.Expr) -> m.Expr:
    """−(y·log(p) + (1 − y)·log(1 − p))."""
    return m.Neg(m.Paren(m.add(m.mul(y, m.call("log", p)),
                               m.mul(m.Paren(m.add(1, m.Neg(y))),
                                     m.call("log", m.add(1, m.Neg(p)))))))

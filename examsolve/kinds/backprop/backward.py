"""The backward pass written out: each gradient as upstream × local derivative = result.

Gradients are written in the shape of their quantity (a column for a column vector), so for
s = A·h the chain rule reads ∂L/∂h = Aᵀ·∂L/∂s and ∂L/∂A = ∂L/∂s·hᵀ (an outer product in A's
shape). Blocks come in reverse line order; within a line the line's own gradient comes
first, then its unnamed parts, then the parameters it uses. A value with several consumers
shows one branch per consumer and then their sum.

What is not written: a sum's operands (their gradient *is* the sum's, `∂L/∂(W·x) = ∂L/∂k`),
a transpose feeding a product (folded into the product's rule) and a softmax/σ output whose
only use is nll/bce (the key's shortcuts p − onehot and p − y are written at the scores).
"""

from __future__ import annotations

import numpy as np

from examsolve import mathmodel as m
from examsolve.derivation import Part, StepBuilder
from examsolve.kinds.backprop import layers
from examsolve.kinds.backprop.notation import (dedupe, expr_display, grad_symbol, is_scalar,
                                                symbol, value)
from examsolve.autodiff.engine import Node
from examsolve.autodiff.program import Evaluation
from examsolve.kinds.backprop.model import BackpropSpec


class BackwardWriter:
    def __init__(self, spec: BackpropSpec, ev: Evaluation, step: StepBuilder,
                 class_text, number: int) -> None:  # type: ignore[no-untyped-def]
        """`number` is the backward step's number in the derivation (notes point past it)."""
        self.spec, self.ev, self.step, self.class_text = spec, ev, step, class_text
        self.number = number
        self.loss = ev.named[spec.loss]
        nodes = ev.ctx.nodes[: self.loss.index + 1]
        self.consumers: dict[int, list[tuple[Node, int]]] = {n.index: [] for n in nodes}
        for n in nodes:
            for pos, child in enumerate(n.children):
                self.consumers[child.index].append((n, pos))
        wrt = {ev.named[name].index for name in spec.wrt}
        depends = set()
        for n in nodes:  # creation order is topological
            if n.index in wrt or any(c.index in depends for c in n.children):
                depends.add(n.index)
        reaches = {self.loss.index}
        for n in reversed(nodes):
            if n.index in reaches:
                reaches.update(c.index for c in n.children)
        self.relevant = depends & reaches
        self.wrt = wrt
        for key in self.consumers:
            self.consumers[key] = [(n, p) for n, p in self.consumers[key]
                                   if n.index in self.relevant]

    # ---- names -----------------------------------------------------------------------------
    def disp(self, node: Node) -> m.Expr:
        if node.name is not None:
            return symbol(node.name)
        ir = self.ev.ir_of[node.index]
        return expr_display(ir, shapes=lambda e: self.ev.node(e).shape if not hasattr(e, "name")
                            else self.ev.named[e.name].shape, class_text=self.class_text)

    def alias_of(self, node: Node) -> Node | None:
        """The node whose gradient this unnamed operand shares (a sum's operand)."""
        if node.name is not None:
            return None
        uses = self.consumers.get(node.index, [])
        if len(uses) == 1:
            n, pos = uses[0]
            if (n.op == "add" or (n.op == "sub" and pos == 0)) and n.shape == node.shape:
                return n
        return None

    def target(self, node: Node) -> Node:
        while (up := self.alias_of(node)) is not None:
            node = up
        return node

    def G(self, node: Node) -> m.Expr:
        t = self.target(node)
        if t is self.loss:
            return m.num(1)
        return grad_symbol(self.spec.loss, self.disp(t))

    def fused(self, node: Node) -> Node | None:
        """The nll/bce that consumes this softmax/σ output and nothing else."""
        uses = self.consumers.get(node.index, [])
        if len(uses) == 1 and uses[0][1] == 0 and (node.op, uses[0][0].op) in \
                (("softmax", "nll"), ("sigmoid", "bce")):
            return uses[0][0]
        return None

    def hidden(self, node: Node) -> bool:
        if node.index in self.wrt:
            return False
        if self.alias_of(node) is not None:
            return True
        if node.name is None and node.op == "transpose" and len(self.consumers[node.index]) == 1:
            return True
        return self.fused(node) is not None

    # ---- order -----------------------------------------------------------------------------
    def order(self) -> list[Node]:
        named = sorted(n.index for n in self.ev.named.values() if n.op != "leaf")

        def line_of(index: int) -> int:
            return next((r for r in named if r >= index), index)

        keyed = []
        for n in self.ev.ctx.nodes[: self.loss.index]:
            if n.index not in self.relevant or self.hidden(n):
                continue
            if n.op == "leaf":
                first, pos = min((c.index, p) for c, p in self.consumers[n.index])
                keyed.append(((line_of(first), 0, -first, -pos), n))
            else:
                keyed.append(((line_of(n.index), 2 if n.name else 1, n.index, 0), n))
        return [n for _, n in sorted(keyed, key=lambda kn: kn[0], reverse=True)]

    # ---- blocks ----------------------------------------------------------------------------
    def write(self) -> None:
        s, A, h = m.Sym("s"), m.Sym("A"), m.Sym("h")
        gs = m.deriv("L", s)
        self.step.say("Gradients are written in the shape of their quantity (a column for a "
                      "column vector), so the chain rule multiplies the transposed Jacobian "
                      "into the upstream gradient: for ", m.eq(s, m.mul(A, h)), ", ",
                      m.eq(m.deriv("L", h), m.mul(m.Transpose(m.Paren(m.deriv(s, h))), gs),
                           m.mul(m.Transpose(A), gs)), ", and ",
                      m.eq(m.deriv("L", A), m.mul(gs, m.Transpose(h))),
                      " (an outer product).")
        if any("[" in line.name for line in self.spec.lines):
            W = m.Sym("W")
            self.step.say("The recurrence is differentiated back through time (BPTT): the "
                          "blocks run from the last time step to the first, and a parameter "
                          "used at every step collects one branch per step, summed: ",
                          m.eq(m.deriv("L", W), m.mul(m.Sym("Σ", "t"), m.Mul((
                              m.deriv("L", W), m.Text(" via step t")), ""), op="")), ".")
        for node in self.order():
            self.block(node)

    def block(self, v: Node) -> None:
        branches = [(n, pos) for n, pos in self.consumers[v.index] if n.contribs and
                    n.contribs[pos] is not None]
        gv = grad_symbol(self.spec.loss, self.disp(v))
        if not branches:
            self.step.eq(gv, value(v.grad if v.grad is not None else np.zeros(v.shape)))
            return
        # v ⊙ v is one consumer using v twice: one branch with the factor 2, not two halves
        squares = {n.index for n, pos in branches if pos == 1 and n.op == "mul" and
                   n.children[0] is n.children[1]}
        branches = [(n, pos) for n, pos in branches if not (n.index in squares and pos == 1)]
        if len(branches) == 1:
            n, pos = branches[0]
            sym, num, note, result = self.branch_of(n, pos, v, n.index in squares)
            if note:  # the reason comes before the equation that uses it
                self.step.say(note)
            self.step.eq(*self._chain(gv, n, v, sym, num, result))
            return
        rows, parts, values, notes, through = [], [], [], [], []
        for n, pos in branches:
            sym, num, note, result = self.branch_of(n, pos, v, n.index in squares)
            h = self.head(n)
            t = self.target(h)
            head = self.chain_head(h, t, v)
            via = self.disp(t) if t is not self.loss else self.disp(h)
            through.append(via)
            name = m.Mul((gv, m.Text(" via "), via), "")  # the branch's share: ∂L/∂h via s₁
            rows.append([p for p in (name, head, sym, num, value(result)) if p is not None])
            parts.append(sym)
            values.append(value(result))
            if note:
                notes.append(note)
        for note in dict.fromkeys(notes):
            self.step.say(note)
        times = {2: "twice"}.get(len(branches), f"{len(branches)} times")
        self.step.say(self.disp(v), f" is used {times}, by ", *layers.listing(through), ", so ",
                      gv, " sums one branch via each:")
        for row in rows:
            self.step.eq(*row)
        self.step.eq(gv, m.Add(tuple(parts)), m.Add(tuple(values)), value(v.grad))

    def branch_of(self, n: Node, pos: int, v: Node, square: bool
                  ) -> tuple[m.Expr, m.Expr | None, tuple[Part, ...], np.ndarray]:
        """The branch's (symbolic, numbers, note) and its contribution; for v ⊙ v the one
        branch 2v ⊙ ∂L/∂(v ⊙ v), since ∂(v²)/∂v = 2v."""
        if not square:
            sym, num, note = self.branch(n, pos, v)
            return sym, num, note, n.contribs[pos]
        U, u = self.G(n), value(n.grad)
        mark = "·" if is_scalar(v.value) else "⊙"
        two_v = m.Mul((m.num(2), self.disp(v)), "")
        two_val = value(2 * v.value)
        if self.target(n) is self.loss:
            sym, num = two_v, two_val
        else:
            sym, num = m.Mul((U, m.Paren(two_v)), mark), m.Mul((u, two_val), mark)
        x = m.Sym("x")
        note = (self.disp(n), " uses ", self.disp(v), " twice: ",
                m.eq(m.deriv(m.mul(x, x, op=mark), x), m.mul(2, x, op="")), ".")
        return sym, num, note, n.contribs[0] + n.contribs[1]

    def chain_head(self, n: Node, t: Node, v: Node) -> m.Expr | None:
        """The chain rule's general form for ∂L/∂v through t: (∂t/∂v)ᵀ·∂L/∂t (the
        transposed Jacobian, as the column convention multiplies) when v is a column and t a
        number or a vector, ∂L/∂t·∂t/∂v when t is a number and v is not a column, and
        nothing when t or v is a matrix (the Jacobian would be a 3- or 4-index array: the
        rule is written directly)."""
        if t is self.loss:  # a term of the loss: its own derivative, ∂(mse(g, t))/∂g
            term = self.disp(n)
            return m.Deriv(term if isinstance(term, m.Sym) else m.Paren(term), self.disp(v))
        deriv = m.Deriv(self.disp(t), self.disp(v))
        if is_scalar(t.value) and not column(v.shape):
            return m.Mul((self.G(n), deriv), "·")
        if 1 in t.shape and 1 in v.shape:
            return m.Mul((m.Transpose(m.Paren(deriv)), self.G(n)), "·")
        return None

    def _chain(self, gv: m.Expr, n: Node, v: Node, sym: m.Expr, num: m.Expr | None,
               result: np.ndarray) -> list[m.Expr]:
        parts: list[m.Expr] = [gv]
        n = self.head(n)
        t = self.target(n)
        if t is not self.loss and (head := self.chain_head(n, t, v)) is not None:
            parts.append(head)
        parts.append(sym)
        if num is not None:
            parts.append(num)
        parts.append(value(result))
        return dedupe(parts)

    def upstream(self, n: Node, expr: m.Expr, num: m.Expr | None, op: str = "·",
                 shape: tuple[int, int] = (1, 1)) -> tuple[m.Expr, m.Expr | None]:
        """Multiply by ∂L/∂n unless n's gradient is the loss's own (1); `shape` is the
        result's (a column takes a number's ∂L/∂n on its right, as (∂n/∂v)ᵀ·∂L/∂n)."""
        if self.target(n) is self.loss or (is_scalar(n.grad) and n.grad[0, 0] == 1):
            return expr, num
        return self.scaled(self.G(n), value(n.grad), expr, num, shape, op)

    @staticmethod
    def scaled(U: m.Expr, u: m.Expr, expr: m.Expr, num: m.Expr | None,
               shape: tuple[int, int], op: str = "·") -> tuple[m.Expr, m.Expr | None]:
        """U·expr, or expr·U when U is a number and the result a column: the column
        convention's (∂n/∂v)ᵀ·∂L/∂n, with the local derivative first."""
        if column(shape) and op == "·":
            return m.Mul((expr, U), op), None if num is None else m.Mul((num, u), op)
        return m.Mul((U, expr), op), None if num is None else m.Mul((u, num), op)

    def branch(self, n: Node, pos: int, v: Node) -> layers.Result:
        """(symbolic, with numbers or None, a note) for ∂L/∂n · ∂n/∂v."""
        U, u = self.G(n), value(n.grad)
        op = n.op
        scalar_u = is_scalar(n.grad)
        if op in ("add", "sub", "identity"):
            sign = -1 if op == "sub" and pos == 1 else 1
            if v.shape != n.shape:
                s = m.Call("sum", (U,))
                return (m.Neg(s) if sign < 0 else s), m.Call("sum", (u,)), \
                    (self.disp(v), " was added to every entry, so it collects their sum.")
            return (m.Neg(U) if sign < 0 else U), None, ()
        if op == "neg":
            return m.Neg(U), None, ()
        if op == "mul":
            other = n.children[1 - pos]
            o_sym, o_val = self.disp(other), value(other.value)
            mark = "·" if scalar_u or is_scalar(other.value) else "⊙"
            if v.shape != n.shape:
                return m.Call("sum", (m.Mul((U, o_sym), "⊙"),)), \
                    m.Call("sum", (m.Mul((u, o_val), "⊙"),)), ()
            if self.target(n) is self.loss:  # 1·a is a
                return o_sym, o_val, ()
            return m.Mul((U, o_sym), mark), m.Mul((u, o_val), mark), ()
        if op == "matmul":
            a, b = n.children
            if pos == 0:
                note: tuple[Part, ...] = ()
                if b.shape[1] == 1 and v.shape[0] > 1 and v.shape[1] > 1:
                    shape = m.mul(v.shape[0], v.shape[1], op="×")
                    note = (grad_symbol(self.spec.loss, self.disp(v)), " is an outer product, "
                            "in ", self.disp(v), "'s shape (", shape, "):")
                b_sym, b_val = self.transposed(b)
                return m.Mul((U, b_sym), "·"), m.Mul((u, b_val), "·"), note
            a_sym, a_val = self.transposed(a)
            if scalar_u:
                return (*self.scaled(U, u, a_sym, a_val, v.shape), ())
            return m.Mul((a_sym, U), "·"), m.Mul((a_val, u), "·"), ()
        if op == "transpose":
            if self.hidden(n):
                return self.folded_branch(n, v)
            return m.Transpose(U), None, ()
        return self.elementwise_branch(n, pos, v, U, u)

    def transposed(self, node: Node) -> tuple[m.Expr, m.Expr]:
        """Aᵀ as symbol and value; (vᵀ)ᵀ is written v."""
        if node.name is None and node.op == "transpose":
            inner = node.children[0]
            return self.disp(inner), value(inner.value)
        return m.Transpose(self.disp(node)), value(node.value.T)

    def head(self, n: Node) -> Node:
        """The consumer named in the chain rule: a folded transpose's own consumer."""
        if n.op == "transpose" and self.hidden(n):
            return self.consumers[n.index][0][0]
        return n

    def folded_branch(self, t: Node, v: Node) -> layers.Result:
        """v enters its consumer n as vᵀ: ∂L/∂v = (∂L/∂vᵀ)ᵀ, written without the transpose."""
        n, pos = self.consumers[t.index][0]
        U, u = self.G(n), value(n.grad)
        if n.op == "matmul":
            other = n.children[1 - pos]
            o_sym, o_val = self.disp(other), value(other.value)
            if pos == 0:  # n = vᵀ·B: ∂L/∂v = B·(∂L/∂n)ᵀ
                if is_scalar(n.grad):
                    return (*self.scaled(U, u, o_sym, o_val, v.shape), ())
                return m.Mul((o_sym, m.Transpose(U)), "·"), \
                    m.Mul((o_val, value(n.grad.T)), "·"), ()
            return m.Mul((m.Transpose(U), o_sym), "·"), \
                m.Mul((value(n.grad.T), o_val), "·"), ()  # n = A·vᵀ: ∂L/∂v = (∂L/∂n)ᵀ·A
        sym, num, note = self.branch(n, pos, t)
        return m.Transpose(sym), None if num is None else m.Transpose(num), note

    def elementwise_branch(self, n: Node, pos: int, v: Node, U: m.Expr,
                           u: m.Expr) -> layers.Result:
        return layers.branch(self, n, pos, v, U, u)


def column(shape: tuple[int, int]) -> bool:
    """A column vector of more than one entry: gradients into it are written
    (∂t/∂v)ᵀ·∂L/∂t, the transposed Jacobian first."""
    return shape[1] == 1 and shape[0] > 1

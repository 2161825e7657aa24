"""Backward steps of the elementwise, softmax, convolution, pooling and loss ops, written out.

Each function returns (symbolic, with numbers, note) for ∂L/∂n·∂n/∂v; BackwardWriter adds
the chain-rule head and the result. Convolutions first write the padded input pad(x) and,
when small, every kernel entry's sum ∂L/∂w[k] = Σᵢ pad(x)[i + k − 1]·∂L/∂s[i] (indices
per `indexing`: (i − 1)·stride + k from 1, i·stride + k from 0).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from examsolve import mathmodel as m
from examsolve.derivation import Part, StepBuilder
from examsolve.kinds.backprop import elementwise
from examsolve.kinds.backprop.notation import (entry, grad_symbol, indexed, is_scalar, value,
                                                window_index)
from examsolve.autodiff.engine import Node
from examsolve.autodiff.program import Evaluation
from examsolve.kinds.backprop.model import BackpropSpec

# (symbolic, with numbers or None, a note: the parts of a sentence, or none)
Result = tuple[m.Expr, m.Expr | None, tuple[Part, ...]]


class Writer(Protocol):
    """What these rules read of the backward pass's writer (backward.BackwardWriter)."""

    spec: BackpropSpec
    ev: Evaluation
    step: StepBuilder
    loss: Node
    number: int

    def disp(self, node: Node) -> m.Expr: ...
    def fused(self, node: Node) -> Node | None: ...
    def target(self, node: Node) -> Node: ...
    def class_text(self, expr) -> str: ...  # type: ignore[no-untyped-def]
    def upstream(self, n: Node, expr: m.Expr, num: m.Expr | None, op: str = "·",
                 shape: tuple[int, int] = (1, 1)) -> tuple[m.Expr, m.Expr | None]: ...
    def scaled(self, U: m.Expr, u: m.Expr, expr: m.Expr, num: m.Expr | None,
               shape: tuple[int, int], op: str = "·") -> tuple[m.Expr, m.Expr | None]: ...
ENTRYWISE_LIMIT = 40


def _times(U: m.Expr, u: m.Expr, local_sym: m.Expr, local_num: m.Expr | None,
           scalar: bool) -> tuple[m.Expr, m.Expr | None]:
    mark = "·" if scalar else "⊙"
    return m.Mul((U, local_sym), mark), None if local_num is None else m.Mul((u, local_num), mark)


def branch(w: Writer, n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:
    op = n.op
    vs, ns = w.disp(v), w.disp(n)
    scalar = is_scalar(n.value)
    if op == "relu":
        zero = np.argwhere(n.info["zero"].reshape(-1)).reshape(-1)
        note: tuple[Part, ...] = ("ReLU' is 1 where ", m.rel(vs, ">", 0), " and 0 where ",
                                  m.rel(vs, "<", 0))
        if zero.size:
            entries = [entry(vs, v.shape, int(i), w.spec.common.indexing) for i in zero]
            g0 = w.spec.relu_grad_at_zero
            note += ("; ", *listing(entries), " is" if zero.size == 1 else " are",
                     " exactly 0, where ReLU has no derivative: this solution takes ",
                     relu_at_zero(g0), " (PyTorch's choice)" if g0 == 0 else "",
                     f", and step {w.number + 1} shows what ", relu_at_zero(1 - g0),
                     " would change")
        sym, num = _times(U, u, m.Call("ReLU'", (vs,)), value(n.info["mask"]), scalar)
        return sym, num, note + (".",)
    if op == "sigmoid":
        consumer = w.fused(n)
        if consumer is not None:
            return _sigmoid_bce(w, n, consumer)
        local = m.Mul((ns, m.Paren(m.Add((m.num(1), m.Neg(ns))))), "")
        sym, num = _times(U, u, local, value(n.info["local"]), scalar)
        sz = m.call("σ", "z")
        return sym, num, (m.eq(m.call("σ'", "z"), m.mul(sz, m.Paren(m.add(1, m.Neg(sz))),
                                                         op="")), ".")
    if op == "tanh":
        local = m.Add((m.num(1), m.Neg(m.Pow(ns, m.num(2)))))
        sym, num = _times(U, u, m.Paren(local), value(n.info["local"]), scalar)
        return sym, num, (m.eq(m.call("tanh'", "z"),
                               m.add(1, m.Neg(m.Pow(m.call("tanh", "z"), m.num(2))))), ".")
    if op == "exp":
        sym, num = _times(U, u, ns, value(n.value), scalar)
        return sym, num, (m.eq(m.call("exp'", "z"), m.call("exp", "z")), ".")
    if op == "log":
        sym, num = _times(U, u, m.Div(m.num(1), vs), value(n.info["local"]), scalar)
        return sym, num, (m.eq(m.call("log'", "z"), m.Div(m.num(1), m.Sym("z"))), ".")
    if op == "softmax":
        consumer = w.fused(n)
        if consumer is not None:
            return _softmax_nll(w, n, consumer)
        dot = np.sum(n.value * n.grad)
        sym = m.Mul((ns, m.Paren(m.Add((U, m.Neg(m.Mul((m.Transpose(ns), U), "·")))))), "⊙")
        num = m.Mul((value(n.value), m.Paren(m.Add((u, m.Neg(m.as_expr(dot)))))), "⊙")
        p_, gp = m.Sym("p"), m.deriv("L", "p")
        return sym, num, ("softmax's Jacobian is ",
                          m.add(m.call("diag", p_), m.Neg(m.mul(p_, m.Transpose(p_)))), ", so ",
                          m.eq(m.deriv("L", "s"), m.mul(p_, m.Paren(m.add(gp, m.Neg(m.mul(
                              m.Transpose(p_), gp, op="")))), op="⊙")), ".")
    if op == "sum":
        ones = m.Sym("𝟏", f"{v.shape[0]}×{v.shape[1]}")  # ones in v's shape
        why: tuple[Part, ...] = ("Every entry moves the sum by 1: ", ones, " is ",
                                 m.num(v.value.size), " ones in ", vs, "'s shape.")
        if w.target(n) is w.loss:
            return ones, None, why
        return (*w.scaled(U, u, ones, None, v.shape), why)
    if op == "mean":
        return m.Div(U, m.num(n.info["n"])), None, ("Every entry moves the mean by ",
                                                     m.Div(m.num(1), m.num(n.info["n"])), ".")
    if op in elementwise.OPS:
        return elementwise.branch(w, n, pos, v, U, u)
    if op in elementwise.LAYER_OPS:
        return elementwise.layer_branch(w, n, pos, v, U, u)
    if op in elementwise.SHAPE_OPS:
        return elementwise.shape_branch(w, n, pos, v, U, u)
    if op in ("conv1d", "conv2d"):
        return _conv(w, n, pos, v, U, u)
    if op in ("maxpool1d", "maxpool2d"):
        base = w.spec.common.indexing
        spots = ", ".join("[" + ",".join(str(i + base) for i in p) + "]"
                          for p in n.info["positions"][:12])
        more = "…" if len(n.info["positions"]) > 12 else ""
        return m.Call("route", (U,)), None, ("Each window's maximum receives the window's "
                                              f"gradient (positions {spots}{more} of ", vs,
                                              "), every other entry 0; a tie goes to the first "
                                              "maximum.")
    if op == "nll":
        return _nll(w, n, v, U, u)
    if op == "cross_entropy":
        cls = w.class_text(w.ev.ir_of[n.index])
        onehot = np.zeros(v.shape, dtype=object)
        onehot.reshape(-1)[:] = 0
        onehot.reshape(-1)[n.info["cls"]] = 1
        sym = m.Add((m.Call("softmax", (vs,)), m.Neg(m.Call("onehot", (m.Text(cls),)))))
        num = m.Add((value(n.info["p"]), m.Neg(value(onehot))))
        if w.target(n) is not w.loss:
            sym, num = m.Paren(sym), m.Paren(num)
        sym, num = w.upstream(n, sym, num, shape=v.shape)
        return sym, num, (m.eq(m.deriv(m.call("cross_entropy", vs, "c"), vs),
                               m.add(m.call("softmax", vs), m.Neg(m.call("onehot", "c")))), ".")
    if op == "bce":
        y = n.children[1]
        p_sym, y_sym = vs, w.disp(y)
        sym = m.Div(m.Add((p_sym, m.Neg(y_sym))), m.Mul((p_sym, m.Paren(
            m.Add((m.num(1), m.Neg(p_sym))))), ""))
        if n.info["n"] > 1:
            sym = m.Div(sym, m.num(n.info["n"]))
        sym, _ = w.upstream(n, sym, None, shape=v.shape)
        p_, y_ = m.Sym("p"), m.Sym("y")
        return sym, None, (m.eq(m.deriv("bce", "p"), m.Div(m.add(p_, m.Neg(y_)), m.mul(
            p_, m.Paren(m.add(1, m.Neg(p_))), op=""))), ", averaged over the entries.")
    if op == "mse":
        yhat, y = (w.disp(c) for c in n.children)
        diff = m.Paren(m.Add((yhat, m.Neg(y))))
        sym = m.Mul((m.Div(m.num(2), m.num(n.info["n"])) if n.info["n"] > 1 else m.num(2),
                     diff), "·")
        sym = m.Neg(sym) if pos == 1 else sym
        sym, _ = w.upstream(n, sym, None, shape=v.shape)
        yh, y_, n_ = m.Sym("ŷ"), m.Sym("y"), m.Sym("n")
        diff2 = m.Paren(m.add(yh, m.Neg(y_)))
        return sym, None, (m.eq(m.deriv(m.mul(m.Paren(m.Div(m.num(1), n_)), m.Sym("Σ"),
                                             m.Pow(diff2, m.num(2)), op=""), yh),
                                m.Div(m.mul(2, diff2, op=""), n_)), ".")
    raise NotImplementedError(f"no backward explanation for {op}")  # every op has one above


def _softmax_nll(w: Writer, p: Node, nll: Node) -> Result:
    """The key's shortcut: −log softmax(s)_c has gradient p − onehot(c) at s."""
    cls = w.class_text(w.ev.ir_of[nll.index])
    onehot = np.zeros(p.shape, dtype=object)
    onehot.reshape(-1)[nll.info["cls"]] = 1
    ps = w.disp(p)
    sym = m.Add((ps, m.Neg(m.Call("onehot", (m.Text(cls),)))))
    num = m.Add((value(p.value), m.Neg(value(onehot))))
    sym, num = w.upstream(nll, sym if w.target(nll) is w.loss else m.Paren(sym),
                          num if w.target(nll) is w.loss else m.Paren(num), shape=p.shape)
    s_sym = w.disp(p.children[0])
    return sym, num, (m.eq(m.deriv(m.Paren(m.Neg(m.call("log", indexed(ps, "c")))), s_sym),
                           m.add(ps, m.Neg(m.call("onehot", "c")))),
                      ", the standard softmax + NLL result.")


def _sigmoid_bce(w: Writer, p: Node, bce: Node) -> Result:
    """σ followed by bce: ∂/∂s of −[y log σ(s) + (1 − y) log(1 − σ(s))] is σ(s) − y."""
    y = bce.children[1]
    # A label written as a number in the model (bce(p₂, 0)) is still called y here: the
    # loss step said y = 0, and p₂ − y reads as the shortcut, p₂ − 0 as a typo.
    ps, ys = w.disp(p), (m.Sym("y") if y.op == "const" else w.disp(y))
    sym: m.Expr = m.Add((ps, m.Neg(ys)))
    num: m.Expr = m.Add((value(p.value), m.Neg(value(np.broadcast_to(y.value, p.shape)))))
    if bce.info["n"] > 1:
        sym, num = m.Div(m.Paren(sym), m.num(bce.info["n"])), m.Div(m.Paren(num),
                                                                   m.num(bce.info["n"]))
    if w.target(bce) is not w.loss:
        sym, num = m.Paren(sym), m.Paren(num)
    sym, num = w.upstream(bce, sym, num, shape=p.shape)
    mean = "" if bce.info["n"] == 1 else f" (averaged: divided by {bce.info['n']})"
    return sym, num, (m.eq(m.deriv(m.call("bce", ps, "y"), w.disp(p.children[0])),
                           m.add(ps, m.Neg(m.Sym("y")))), mean,
                      ", the standard sigmoid + BCE result.")


def _nll(w: Writer, n: Node, v: Node, U: m.Expr, u: m.Expr) -> Result:
    base = w.spec.common.indexing
    c = n.info["cls"]
    pc = entry(w.disp(v), v.shape, c, base)
    unit = m.Sym("e", str(c + base))
    sym, num = w.upstream(n, m.Mul((m.Neg(m.Div(m.num(1), pc)), unit), "·"),
                          m.Mul((m.Neg(m.Div(m.num(1), m.as_expr(v.value.reshape(-1)[c]))),
                                 unit), "·"), shape=v.shape)
    return sym, num, (m.deriv(m.Paren(m.Neg(m.call("log", pc))), w.disp(v)), " is ",
                      m.Div(m.num(-1), pc), f" at entry {c + base} and 0 elsewhere; ",
                      unit, " is that unit vector.")


def _conv(w: Writer, n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:
    step, base = w.step, w.spec.common.indexing
    stride = n.info["stride"]
    x_name = w.disp(n.children[0])
    padded_sym = m.Call("pad", (x_name,))
    if pos == 2:
        g = n.grad.reshape(-1)
        num = m.Add(tuple(m.as_expr(gi) for gi in g)) if g.size <= ENTRYWISE_LIMIT else None
        return m.Call("sum", (U,)), num, ("The bias is added to every output, so it collects "
                                          "their sum.",)
    kernel = w.disp(n.children[1])
    if pos == 0:
        where = window_index("i", "k", stride, base) if n.op == "conv1d" else \
            f"{window_index('i', 'u', stride, base)}, {window_index('j', 'v', stride, base)}"
        out, tap = ("i", "k") if n.op == "conv1d" else ("i,j", "u,v")
        return m.Call("conv_transpose", (U, kernel)), None, (
            "Each output spreads ", m.mul(at(U, out), at(kernel, tap)), " back onto ",
            indexed(padded_sym, where), " (a transposed convolution); cutting off the padding "
            "leaves the input's gradient.")
    padded = n.info["padded"]
    G = grad_symbol(w.spec.loss, w.disp(v))
    corr = m.call("corr", padded_sym, U)
    if n.op == "conv1d":
        step.say(corr, " is the cross-correlation of the padded input with the upstream "
                 "gradient: ", m.eq(at(G, "k"), m.mul(m.Sym("Σ", "i"), m.mul(
                     indexed(padded_sym, window_index("i", "k", stride, base)), at(U, "i")),
                     op="")), ".")
        step.eq(m.Transpose(padded_sym), m.row(padded))
        g = n.grad.reshape(-1)
        k = v.value.size
        if k * g.size <= ENTRYWISE_LIMIT:
            for j in range(k):
                terms = tuple(m.Mul((m.as_expr(padded[i * stride + j]), m.as_expr(g[i])), "·")
                              for i in range(g.size))
                step.eq(at(G, f"{j + base}"), m.Add(terms),
                        m.as_expr(n.contribs[1].reshape(-1)[j]))
    else:
        where = f"{window_index('i', 'u', stride, base)}, {window_index('j', 'v', stride, base)}"
        step.say(corr, " is the cross-correlation of the padded input with the upstream "
                 "gradient: ", m.eq(at(G, "u,v"), m.mul(m.Sym("Σ", "i,j"), m.mul(
                     indexed(padded_sym, where), at(U, "i,j")), op="")), ".")
        step.eq(padded_sym, value(padded))
        g = n.grad
        kh, kw = v.shape
        if kh * kw * g.size <= ENTRYWISE_LIMIT:
            for a in range(kh):
                for b in range(kw):
                    terms = tuple(m.Mul((m.as_expr(padded[i * stride + a, j * stride + b]),
                                         m.as_expr(g[i, j])), "·")
                        for i in range(g.shape[0]) for j in range(g.shape[1]))
                    step.eq(at(G, f"{a + base},{b + base}"), m.Add(terms),
                            m.as_expr(n.contribs[1][a, b]))
    return m.Call("corr", (padded_sym, U)), None, ()


def at(expr: m.Expr, index: str) -> m.Expr:
    """An entry: x[i]; of a gradient ∂L/∂s, the derivative by the entry, ∂L/∂s[i]."""
    if isinstance(expr, m.Deriv):
        return m.Deriv(expr.num, indexed(expr.den, index))
    return indexed(expr, index)


def listing(items: list[m.Expr]) -> tuple[Part, ...]:
    """a, b and c as paragraph parts."""
    out: list[Part] = []
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out.append(item)
    return tuple(out)


def relu_at_zero(g: object) -> m.Rel:
    """ReLU'(0) = g."""
    return m.eq(m.call("ReLU'", 0), g)

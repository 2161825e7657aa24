"""Backward steps of the elementwise, softmax, convolution, pooling and loss ops, written out.

Each function returns (symbolic, with numbers, note) for ∂L/∂n·∂n/∂v; BackwardWriter adds
the chain-rule head and the result. Convolutions first write the padded input pad(x) and,
when small, every kernel entry's sum ∂L/∂w[k] = Σᵢ pad(x)[i + k − 1]·∂L/∂s[i] (indices
per `indexing`: (i − 1)·stride + k from 1, i·stride + k from 0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from examsolve import mathmodel as m
from examsolve.render.textmath import linear
from examsolve.kinds.backprop.notation import entry, is_scalar, value, window_index
from examsolve.kinds.backprop.engine import Node

if TYPE_CHECKING:
    from examsolve.kinds.backprop.backward import BackwardWriter

Result = tuple[m.Expr, m.Expr | None, str]
ENTRYWISE_LIMIT = 40


def _times(U: m.Expr, u: m.Expr, local_sym: m.Expr, local_num: m.Expr | None,
           scalar: bool) -> tuple[m.Expr, m.Expr | None]:
    mark = "·" if scalar else "⊙"
    return m.Mul((U, local_sym), mark), None if local_num is None else m.Mul((u, local_num), mark)


def branch(w: "BackwardWriter", n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:
    op = n.op
    vs, ns = w.disp(v), w.disp(n)
    scalar = is_scalar(n.value)
    if op == "relu":
        zero = np.argwhere(n.info["zero"].reshape(-1)).reshape(-1)
        note = f"ReLU' is 1 where {linear(vs)} > 0 and 0 where {linear(vs)} < 0"
        if zero.size:
            where = ", ".join(linear(entry(vs, v.shape, int(i), w.spec.common.indexing))
                              for i in zero)
            g0 = w.spec.relu_grad_at_zero
            note += (f"; {where} {'is' if zero.size == 1 else 'are'} exactly 0, where ReLU has "
                     f"no derivative: this solution takes ReLU'(0) = {g0}"
                     + (" (PyTorch's choice)" if g0 == 0 else "")
                     + f", and step {w.number + 1} shows what ReLU'(0) = {1 - g0} would "
                     "change")
        sym, num = _times(U, u, m.Call("ReLU'", (vs,)), value(n.info["mask"]), scalar)
        return sym, num, note + "."
    if op == "sigmoid":
        consumer = w.fused(n)
        if consumer is not None:
            return _sigmoid_bce(w, n, consumer)
        local = m.Mul((ns, m.Paren(m.Add((m.num(1), m.Neg(ns))))), "")
        sym, num = _times(U, u, local, value(n.info["local"]), scalar)
        return sym, num, "σ'(z) = σ(z)(1 − σ(z))."
    if op == "tanh":
        local = m.Add((m.num(1), m.Neg(m.Pow(ns, m.num(2)))))
        sym, num = _times(U, u, m.Paren(local), value(n.info["local"]), scalar)
        return sym, num, "tanh'(z) = 1 − tanh²(z)."
    if op == "exp":
        sym, num = _times(U, u, ns, value(n.value), scalar)
        return sym, num, "exp'(z) = exp(z)."
    if op == "log":
        sym, num = _times(U, u, m.Div(m.num(1), vs), value(n.info["local"]), scalar)
        return sym, num, "log'(z) = 1/z."
    if op == "softmax":
        consumer = w.fused(n)
        if consumer is not None:
            return _softmax_nll(w, n, consumer)
        dot = np.sum(n.value * n.grad)
        sym = m.Mul((ns, m.Paren(m.Add((U, m.Neg(m.Mul((m.Transpose(ns), U), "·")))))), "⊙")
        num = m.Mul((value(n.value), m.Paren(m.Add((u, m.Neg(m.as_expr(dot)))))), "⊙")
        return sym, num, "softmax's Jacobian is diag(p) − p·pᵀ, so ∂L/∂s = p ⊙ (∂L/∂p − pᵀ∂L/∂p)."
    if op == "sum":
        return (*w.scaled(U, u, m.Call("ones", ()), None, v.shape), "Every entry moves the "
                "sum by 1.")
    if op == "mean":
        return m.Div(U, m.num(n.info["n"])), None, f"Every entry moves the mean by 1/{n.info['n']}."
    if op in ("conv1d", "conv2d"):
        return _conv(w, n, pos, v, U, u)
    if op in ("maxpool1d", "maxpool2d"):
        base = w.spec.common.indexing
        spots = ", ".join("[" + ",".join(str(i + base) for i in p) + "]"
                          for p in n.info["positions"][:12])
        more = "…" if len(n.info["positions"]) > 12 else ""
        return m.Call("route", (U,)), None, (f"Each window's maximum receives the window's "
                                              f"gradient (positions {spots}{more} of "
                                              f"{linear(vs)}), every other entry 0; a tie goes "
                                              "to the first maximum.")
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
        return sym, num, (f"∂cross_entropy({linear(vs)}, c)/∂{linear(vs)} = "
                          f"softmax({linear(vs)}) − onehot(c).")
    if op == "bce":
        y = n.children[1]
        p_sym, y_sym = vs, w.disp(y)
        sym = m.Div(m.Add((p_sym, m.Neg(y_sym))), m.Mul((p_sym, m.Paren(
            m.Add((m.num(1), m.Neg(p_sym))))), ""))
        if n.info["n"] > 1:
            sym = m.Div(sym, m.num(n.info["n"]))
        sym, _ = w.upstream(n, sym, None, shape=v.shape)
        return sym, None, "∂bce/∂p = (p − y)/(p(1 − p)), averaged over the entries."
    if op == "mse":
        yhat, y = (w.disp(c) for c in n.children)
        diff = m.Paren(m.Add((yhat, m.Neg(y))))
        sym = m.Mul((m.Div(m.num(2), m.num(n.info["n"])) if n.info["n"] > 1 else m.num(2),
                     diff), "·")
        sym = m.Neg(sym) if pos == 1 else sym
        sym, _ = w.upstream(n, sym, None, shape=v.shape)
        return sym, None, "∂/∂ŷ (1/n)Σ(ŷ − y)² = 2(ŷ − y)/n."
    raise NotImplementedError(f"no backward explanation for {op}")  # every op has one above


def _softmax_nll(w: "BackwardWriter", p: Node, nll: Node) -> Result:
    """The key's shortcut: −log softmax(s)_c has gradient p − onehot(c) at s."""
    cls = w.class_text(w.ev.ir_of[nll.index])
    onehot = np.zeros(p.shape, dtype=object)
    onehot.reshape(-1)[nll.info["cls"]] = 1
    ps = w.disp(p)
    sym = m.Add((ps, m.Neg(m.Call("onehot", (m.Text(cls),)))))
    num = m.Add((value(p.value), m.Neg(value(onehot))))
    sym, num = w.upstream(nll, sym if w.target(nll) is w.loss else m.Paren(sym),
                          num if w.target(nll) is w.loss else m.Paren(num), shape=p.shape)
    p_text, s_text = linear(ps), linear(w.disp(p.children[0]))
    return sym, num, (f"∂(−log {p_text}[c])/∂{s_text} = {p_text} − onehot(c), the standard "
                      "softmax + NLL result.")


def _sigmoid_bce(w: "BackwardWriter", p: Node, bce: Node) -> Result:
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
    p_text, s_text = linear(ps), linear(w.disp(p.children[0]))
    mean = "" if bce.info["n"] == 1 else f" (averaged: divided by {bce.info['n']})"
    return sym, num, (f"∂bce({p_text}, y)/∂{s_text} = {p_text} − y{mean}, the standard "
                      "sigmoid + BCE result.")


def _nll(w: "BackwardWriter", n: Node, v: Node, U: m.Expr, u: m.Expr) -> Result:
    base = w.spec.common.indexing
    c = n.info["cls"]
    pc = entry(w.disp(v), v.shape, c, base)
    unit = m.Sym("e", str(c + base))
    sym, num = w.upstream(n, m.Mul((m.Neg(m.Div(m.num(1), pc)), unit), "·"),
                          m.Mul((m.Neg(m.Div(m.num(1), m.as_expr(v.value.reshape(-1)[c]))),
                                 unit), "·"), shape=v.shape)
    p_text = linear(w.disp(v))
    return sym, num, (f"∂(−log {linear(pc)})/∂{p_text} is −1/{linear(pc)} at entry {c + base} "
                      f"and 0 elsewhere; {linear(unit)} is that unit vector.")


def _conv(w: "BackwardWriter", n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:
    step, base = w.step, w.spec.common.indexing
    stride = n.info["stride"]
    x_name = w.disp(n.children[0])
    padded_sym = m.Call("pad", (x_name,))
    if pos == 2:
        g = n.grad.reshape(-1)
        num = m.Add(tuple(m.as_expr(gi) for gi in g)) if g.size <= ENTRYWISE_LIMIT else None
        return m.Call("sum", (U,)), num, "The bias is added to every output, so it collects " \
            "their sum."
    U_text, pad_text = linear(U), linear(padded_sym)
    k_name = linear(w.disp(n.children[1]))
    if pos == 0:
        where = window_index("i", "k", stride, base) if n.op == "conv1d" else \
            f"{window_index('i', 'u', stride, base)}, {window_index('j', 'v', stride, base)}"
        out, tap = ("[i]", "[k]") if n.op == "conv1d" else ("[i,j]", "[u,v]")
        return m.Call("conv_transpose", (U, w.disp(n.children[1]))), None, (
            f"Each output spreads {U_text}{out}·{k_name}{tap} back onto {pad_text}[{where}] "
            "(a transposed convolution); cutting off the padding leaves the input's gradient.")
    padded = n.info["padded"]
    G_text = linear(_gsym(w, v))
    if n.op == "conv1d":
        step.say(f"corr({pad_text}, {U_text}) is the cross-correlation of the padded input "
                 f"with the upstream gradient: {G_text}[k] = Σᵢ {pad_text}"
                 f"[{window_index('i', 'k', stride, base)}]·{U_text}[i].")
        step.eq(m.Transpose(padded_sym), m.row(padded))
        g = n.grad.reshape(-1)
        k = v.value.size
        if k * g.size <= ENTRYWISE_LIMIT:
            for j in range(k):
                terms = tuple(m.Mul((m.as_expr(padded[i * stride + j]), m.as_expr(g[i])), "·")
                              for i in range(g.size))
                step.eq(m.Sym(f"{linear(_gsym(w, v))}[{j + base}]"),
                        m.Add(terms), m.as_expr(n.contribs[1].reshape(-1)[j]))
    else:
        step.say(f"corr({pad_text}, {U_text}) is the cross-correlation of the padded input "
                 f"with the upstream gradient: {G_text}[u,v] = Σᵢ,ⱼ {pad_text}"
                 f"[{window_index('i', 'u', stride, base)}, "
                 f"{window_index('j', 'v', stride, base)}]·{U_text}[i,j].")
        step.eq(padded_sym, value(padded))
        g = n.grad
        kh, kw = v.shape
        if kh * kw * g.size <= ENTRYWISE_LIMIT:
            for a in range(kh):
                for b in range(kw):
                    terms = tuple(m.Mul((m.as_expr(padded[i * stride + a, j * stride + b]),
                                         m.as_expr(g[i, j])), "·")
                        for i in range(g.shape[0]) for j in range(g.shape[1]))
                    step.eq(m.Sym(f"{linear(_gsym(w, v))}[{a + base},{b + base}]"),
                            m.Add(terms), m.as_expr(n.contribs[1][a, b]))
    return m.Call("corr", (padded_sym, U)), None, ""


def _gsym(w: "BackwardWriter", v: Node) -> m.Expr:
    from examsolve.kinds.backprop.notation import grad_symbol

    return grad_symbol(w.spec.loss, w.disp(v))

"""Backward steps of the entry-by-entry functions beyond the basic activations, written out.

Division, powers (∂(x²)/∂x = 2x), √, |·|, maximum/minimum, log to a base, leaky_relu, elu,
softplus, step and sign: each gradient is the upstream gradient times the local derivative
(autodiff.functions), written symbolically and with its numbers, and a sentence with the
rule and, where it matters, the convention at a kink.
"""

from __future__ import annotations

import math

import numpy as np

from examsolve import mathmodel as m
from examsolve.autodiff.engine import Node
from examsolve.derivation import Part
from examsolve.numbers import format_number
from examsolve.kinds.backprop.notation import indexed, is_scalar, value

Result = tuple[m.Expr, m.Expr | None, tuple[Part, ...]]
OPS = ("div", "pow", "sqrt", "abs", "maximum", "minimum", "logb", "leaky_relu", "elu",
       "softplus", "step", "sign")


def _paren(e: m.Expr) -> m.Expr:
    return e if isinstance(e, (m.Sym, m.Num, m.Call, m.Mat, m.Paren)) else m.Paren(e)


def times(w, n: Node, U: m.Expr, u: m.Expr, local_sym: m.Expr,  # type: ignore[no-untyped-def]
          local_num: m.Expr | None) -> tuple[m.Expr, m.Expr | None]:
    """U ⊙ local (· for numbers); the loss's own upstream 1 is left out."""
    if w.target(n) is w.loss:
        return local_sym, local_num
    mark = "·" if is_scalar(n.value) else "⊙"
    return m.Mul((U, local_sym), mark), None if local_num is None else \
        m.Mul((u, local_num), mark)


def branch(w, n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:  # type: ignore[no-untyped-def]
    """(symbolic, with numbers, note) for ∂L/∂n·∂n/∂v, n one of OPS."""
    op, vs = n.op, w.disp(v)
    x, z = m.Sym("x"), m.Sym("z")
    if op == "div":
        return _div(w, n, pos, v, U, u)
    if op == "pow":
        k = n.info["exponent"]
        local = m.Mul((m.num(k), m.Pow(_paren(vs), m.num(k - 1))), "") if k - 1 != 1 else \
            m.Mul((m.num(k), vs), "")
        if k == 1:
            local = m.num(1)
        sym, num = times(w, n, U, u, local, value(n.info["local"]))
        xk = m.Pow(x, m.num(k))
        rule = m.mul(m.num(k), m.Pow(x, m.num(k - 1)), op="") if k - 1 != 1 else \
            m.mul(m.num(k), x, op="")
        return sym, num, (m.eq(m.deriv(xk, x), rule), ".")
    if op == "sqrt":
        local = m.Div(m.num(1), m.Mul((m.num(2), m.Call("sqrt", (vs,))), "·"))
        local_num = m.Div(m.num(1), m.Mul((m.num(2), m.Call("sqrt", (value(v.value),))), "·"))
        sym, num = times(w, n, U, u, local, local_num)
        return sym, num, (m.eq(m.deriv(m.call("sqrt", x), x),
                               m.Div(m.num(1), m.mul(2, m.call("sqrt", x), op="·"))), ".")
    if op == "abs":
        sym, num = times(w, n, U, u, m.Call("sign", (vs,)), value(n.info["local"]))
        note: tuple[Part, ...] = (m.eq(m.deriv(m.call("abs", x), x), m.call("sign", x)),)
        zeros = np.asarray(v.value == 0, dtype=bool)
        if np.any(zeros):
            note += (" for ", m.rel(x, "≠", 0), "; at exactly 0, where |x| has no derivative, "
                     "this solution takes 0 (PyTorch's choice, the average of the one-sided "
                     "slopes)",)
        return sym, num, note + (".",)
    if op in ("maximum", "minimum"):
        return _extreme(w, n, pos, v, U, u)
    if op == "logb":
        base = m.num(n.info["base"])
        local = m.Div(m.num(1), m.Mul((vs, m.Call("ln", (base,))), "·"))
        sym, num = times(w, n, U, u, local, value(n.info["local"]))
        return sym, num, (m.eq(m.deriv(m.call(f"log_{_text(n.info['base'])}", x), x),
                               m.Div(m.num(1), m.mul(x, m.call("ln", base)))),
                          f"; ln {_text(n.info['base'])} = {math.log(n.info['base']):.4g}.")
    if op == "leaky_relu":
        slope = m.num(n.info["slope"])
        sym, num = times(w, n, U, u, m.Call("LeakyReLU'", (vs,)), value(n.info["local"]))
        return sym, num, ("LeakyReLU' is 1 where ", m.rel(x, ">", 0), " and the slope ", slope,
                          " where ", m.rel(x, "≤", 0), " (at exactly 0 PyTorch's choice, the "
                          "slope).")
    if op == "elu":
        alpha = m.num(n.info["alpha"])
        sym, num = times(w, n, U, u, m.Call("ELU'", (vs,)), value(n.info["local"]))
        ex = m.Pow(m.Sym("e"), x)
        return sym, num, ("ELU' is 1 where ", m.rel(x, ">", 0), " and ",
                          ex if n.info["alpha"] == 1 else m.mul(alpha, ex, op=""), " where ",
                          m.rel(x, "≤", 0), " (", m.eq(m.Sym("α"), alpha), ").")
    if op == "softplus":
        beta = n.info["beta"]
        arg = vs if beta == 1 else m.Mul((m.num(beta), _paren(vs)), "")
        sym, num = times(w, n, U, u, m.Call("σ", (arg,)), value(n.info["local"]))
        bz = z if beta == 1 else m.mul(m.num(beta), z, op="")
        return sym, num, (m.eq(m.call("softplus'", z), m.call("σ", bz)), ".")
    # step, sign
    name = op
    sym, num = times(w, n, U, u, m.Call(f"{name}'", (vs,)), value(n.info["local"]))
    return sym, num, (f"{name} is flat on each side of 0, so its derivative is 0 wherever it "
                      "has one (it jumps at 0, where it has none): no gradient flows back "
                      "through it.",)


def _text(v: object) -> str:
    return format_number(v)


def _div(w, n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:  # type: ignore[no-untyped-def]
    a, b = n.children
    a_sym, b_sym = w.disp(a), w.disp(b)
    at_loss = w.target(n) is w.loss
    if pos == 0:
        if at_loss and b.op == "const":  # L = (…)/3: the upstream gradient is 1/3
            sym, num = value(1 / b.value), None
        elif at_loss:
            sym, num = m.Div(m.num(1), b_sym), value(1 / b.value)
        else:
            sym, num = m.Div(U, b_sym), m.Div(u, value(b.value))
        if v.shape != n.shape:
            sym, num = m.Call("sum", (sym,)), None
        return sym, num, (m.eq(m.deriv(m.Div(m.Sym("a"), m.Sym("b")), m.Sym("a")),
                               m.Div(m.num(1), m.Sym("b"))), ".")
    local = m.Neg(m.Div(a_sym, m.Pow(_paren(b_sym), m.num(2))))
    sym, num = times(w, n, U, u, local, None)
    if v.shape != n.shape:
        sym = m.Call("sum", (sym,))
    ab = m.Div(m.Sym("a"), m.Sym("b"))
    return sym, num, (m.eq(m.deriv(ab, m.Sym("b")),
                           m.Neg(m.Div(m.Sym("a"), m.Pow(m.Sym("b"), m.num(2))))), ".")


def _extreme(w, n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:  # type: ignore[no-untyped-def]
    a, b = (w.disp(c) for c in n.children)
    larger = n.op == "maximum"
    mine, other = (a, b) if pos == 0 else (b, a)
    share = n.info["share"][pos]
    cond = m.rel(mine, ">" if larger else "<", other)
    indicator = m.Call("𝟏", (cond,))
    sym, num = times(w, n, U, u, indicator, value(share))
    if v.shape != n.shape:
        sym, num = m.Call("sum", (sym,)), None
    what = "larger" if larger else "smaller"
    note: tuple[Part, ...] = (indicator, f" is 1 where that operand is the "
                              f"{what}, 0 where it is not",)
    if np.any(n.info["tie"]):
        note += ("; where the two are equal each receives half the gradient (1/2, PyTorch's "
                 "choice)",)
    return sym, num, note + (".",)


SHAPE_OPS = ("index", "reshape", "concat", "hstack")


def shape_branch(w, n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:  # type: ignore[no-untyped-def]
    """Indexing, reshapes and concatenations move numbers: their gradients move back."""
    vs = w.disp(v)
    result = value(n.contribs[pos])
    if n.op == "index":
        ir = w.ev.ir_of.get(n.index)
        picked = indexed(vs, str(ir.option("written"))) if ir is not None and \
            getattr(ir, "op", None) == "index" else w.disp(n)
        return result, None, ("Only ", picked, " is read from ", vs, ", so it receives the "
                              "upstream gradient and every other entry of ", vs, " gets 0.")
    if n.op == "reshape":
        rows, cols = v.shape
        return m.Call("reshape", (U, m.num(rows), m.num(cols))), None, (
            "A reshape moves no number, so the gradient is reshaped back to ", vs, "'s ",
            m.mul(m.num(rows), m.num(cols), op="×"), " (row-major, as numpy and PyTorch).")
    split = n.info["split"]
    whole = n.shape[0] if n.op == "concat" else n.shape[1]
    start, stop = (0, split) if pos == 0 else (split, whole)
    base = w.spec.common.indexing
    span = f"{start + base}..{stop - 1 + base}" if stop - start > 1 else f"{start + base}"
    what = ("rows" if n.op == "concat" else "columns") if stop - start > 1 else \
        ("row" if n.op == "concat" else "column")
    where = f"{span}, :" if n.op == "concat" else f": , {span}".replace(": ,", ":,")
    sliced = m.Sym(f"[{where}]")
    return m.Mul((m.Paren(U) if not isinstance(U, m.Sym) else U, sliced), ""), None, (
        vs, f" fills {what} {span} of ", w.disp(n), f", so its gradient is {'those' if stop - start > 1 else 'that'} "
        f"{what} of the upstream gradient.")


LAYER_OPS = ("softmax_rows", "masked", "norm", "dropout")


def layer_branch(w, n: Node, pos: int, v: Node, U: m.Expr, u: m.Expr) -> Result:  # type: ignore[no-untyped-def]
    """Row-wise softmax, attention's mask, batch/layer norm and dropout."""
    vs, ns = w.disp(v), w.disp(n)
    result = value(n.contribs[pos])
    if n.op == "softmax_rows":
        along = "row" if n.info["axis"] == 1 else "column"
        p_, gp = m.Sym("p"), m.deriv("L", "p")
        return result, None, (
            f"Each {along} of ", ns, f" is a softmax of that {along} of ", vs, ", so along "
            f"each {along} ", m.eq(m.deriv("L", "s"), m.mul(p_, m.Paren(m.add(gp, m.Neg(
                m.mul(m.Sym("Σ"), m.mul(p_, gp, op="⊙"), op="")))), op="⊙")),
            f" (the {along}'s sum of p ⊙ ∂L/∂p subtracted from each entry).")
    if n.op == "masked":
        return result, None, ("A masked score (mask 0) was set to −∞ and has weight 0, so it "
                              "receives no gradient; the others pass theirs through.",)
    if n.op == "dropout":
        keep = 1 - n.info["p"]
        sym = m.Div(m.Mul((U, m.Sym("m")), "⊙"), m.num(keep)) if w.target(n) is not w.loss \
            else m.Div(m.Sym("m"), m.num(keep))
        return sym, None, ("Dropout kept the entries where the mask m is 1 and scaled them by ",
                           m.Div(m.num(1), m.num(keep)), ", so the gradient is ", m.eq(
                               m.deriv("L", "h"), m.Div(m.mul(m.Sym("m"), m.deriv("L", "y"),
                                                              op="⊙"), m.add(1, m.Neg(m.Sym(
                                                                  "p"))))), ".")
    # batchnorm / layernorm
    which = "row" if n.info["axis"] == 1 else "column"
    xhat, g = m.Sym("x̂"), m.Sym("g")
    gam, bet = (w.disp(c) for c in n.children[1:])
    gy = m.deriv("L", ns)
    if pos == 1:
        return result, None, (m.eq(m.deriv("L", gam), m.mul(m.Sym("Σ"), m.mul(
            gy, xhat, op="⊙"), op="")), f", summed over each {which}'s entries (", gam,
            " scales every entry of its row).")
    if pos == 2:
        return result, None, (m.eq(m.deriv("L", bet), m.mul(m.Sym("Σ"), gy, op="")),
                              ", summed the same way.")
    mu = m.Sym("μ")
    var = m.Pow(m.Sym("σ"), m.num(2))
    root = m.call("sqrt", m.add(var, m.Sym("ε")))
    return result, None, (
        "The mean and the variance depend on every entry, so the backward pass goes through "
        "them: with ", m.eq(g, m.mul(gam, gy, op="⊙")), " and ",
        m.eq(xhat, m.Div(m.add(vs, m.Neg(mu)), root)), f" (over each {which}), ",
        m.eq(m.deriv("L", vs), m.Div(m.add(g, m.Neg(m.call("mean", g)), m.Neg(m.mul(
            xhat, m.call("mean", m.mul(g, xhat, op="⊙")), op="⊙"))), root)), ".")

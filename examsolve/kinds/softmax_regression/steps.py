"""Steps 1, 4, 5 and 6 of a softmax-regression derivation (shapes, the robust computation,
gradients, the reference code), from the numbers computed once in `Numbers`; steps 2 and 3
are in hazards.py.

Exact Fractions for x, W, b and s = W x + b; floats in the spec's dtype from exp onwards.
Every number after exp comes from examsolve.numerics (the code printed in the last step) or
from the line-by-line run of the direct code (direct.py), and is written by
digits.py' rules (never rounded so as to look exact).
"""

from __future__ import annotations

import ast
import math
import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import numpy as np

from examsolve import numerics
from examsolve.derivation import DerivationBuilder
from examsolve.mathmodel import (Div, Expr, Mul, Neg, Num, Paren, Pow, Sym, Transpose, add, call,
                                 deriv, mat, mul, row)
from examsolve.numbers import format_number
from examsolve.kinds.softmax_regression.digits import (addends, digits_needed, honest_all,
                                                         log_pair, loss_written)
from examsolve.kinds.softmax_regression.direct import (Limits, NaiveTrace, limits,
                                                         trace_naive, true_exp)
from examsolve.kinds.softmax_regression.notation import (B, L, LOGSUMEXP, M, P, P_I, P_Y, S,
                                                           S_I, S_J, S_Y, SCORES, W, X, Y, eq,
                                                           exp_of, log_of, minus, number, rel,
                                                           shape, sum_j)


@dataclass(frozen=True)
class Numbers:
    """Everything the steps print, computed once."""

    dtype: str
    lim: Limits
    indexing: int
    classes: tuple[str, ...] | None
    y: int  # counted from 1
    x: tuple[Fraction, ...]
    W: tuple[tuple[Fraction, ...], ...]
    b: tuple[Fraction, ...]
    s_exact: tuple[Fraction, ...]
    naive: NaiveTrace
    work_dtype: str  # the dtype of the robust computation: the spec's, unless s overflows it
    s: np.ndarray  # (C, 1) scores in work_dtype
    e: np.ndarray  # exp(s − m)
    Z: float  # Σ_j exp(s_j − m)
    p: np.ndarray  # softmax(s)
    loss: float
    dW: np.ndarray
    db: np.ndarray  # = dL/ds = p − onehot(y)
    warnings: tuple[str, ...]
    # Z, log Z and L as the derivation writes them (digits.py): each
    # printed step of L = log Z − (s_y − m) checks by hand.
    Z_written: Expr
    log_Z_written: Fraction | float
    loss_written: Fraction | float

    @property
    def C(self) -> int:
        return len(self.W)

    @property
    def D(self) -> int:
        return len(self.x)

    @property
    def m_exact(self) -> Fraction:
        return max(self.s_exact)

    @property
    def tied(self) -> list[int]:
        """The (0-based) positions of the largest score: several on ties."""
        return [i for i, s in enumerate(self.s_exact) if s == self.m_exact]

    def label(self, i: int) -> str:
        """How the 0-based position i is written, per `indexing`."""
        return str(i + self.indexing)

    def class_label(self, i: int) -> str:
        """Class i (0-based) as written: its number per `indexing`, and its name if given."""
        return self.label(i) + (f" ({self.classes[i]})" if self.classes else "")

    @property
    def y_label(self) -> str:
        return self.label(self.y - 1)

    @staticmethod
    def compute(x: tuple[Fraction, ...], W: tuple[tuple[Fraction, ...], ...],
                b: tuple[Fraction, ...], y: int, s_exact: tuple[Fraction, ...], dtype: str,
                indexing: int, classes: tuple[str, ...] | None) -> "Numbers":
        C, D = len(W), len(x)

        def array(rows: object, shape: tuple[int, int], kind: str) -> np.ndarray:
            # A number beyond float32's range becomes inf here; the direct step says so.
            with np.errstate(over="ignore"):
                return np.array(rows, dtype=np.float64).astype(kind).reshape(shape)

        xs, Ws, bs = [float(v) for v in x], [[float(v) for v in r] for r in W], \
            [float(v) for v in b]
        xd, Wd, bd = array(xs, (D, 1), dtype), array(Ws, (C, D), dtype), array(bs, (C, 1), dtype)
        naive = trace_naive(xd, y, Wd, bd)
        notes: list[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if np.all(np.isfinite(naive.s)):
                work = dtype
                s = naive.s
                loss = numerics.softmax_cross_entropy(xd, y, Wd, bd)
                dW, db = numerics.softmax_cross_entropy_gradients(xd, y, Wd, bd)
            else:
                # The scores do not fit the dtype (or W @ x overflowed on the way): no softmax
                # can repair that, so the robust part works on float64 copies of the exact s.
                work = "float64"
                s = array([float(v) for v in s_exact], (C, 1), work)
                loss = float(-numerics.log_softmax(s)[y - 1, 0])
                db = numerics.softmax(s)
                db[y - 1, 0] -= 1
                dW = db @ array(xs, (D, 1), work).T
                notes.append(f"s = W x + b does not fit in {dtype} (it overflows to inf before "
                             f"any exp); the robust part is computed in {work} instead")
            e = np.exp(s - np.max(s))
            Z = float(np.sum(e))
            p = numerics.softmax(s)
        notes += [f"numpy warned in the robust computation: {w.message}" for w in caught]
        Z_written, log_Z_written = log_pair(Z, np.dtype(work).type)
        z_y = shown(s_exact[y - 1] - max(s_exact))
        return Numbers(dtype, limits(dtype), indexing, classes, y, x, W, b, s_exact, naive,
                       work, s, e, Z, p, loss, dW, db, tuple(notes), Z_written,
                       log_Z_written, loss_written(log_Z_written, z_y, loss))


def source(*functions: Callable[..., object]) -> str:
    """The exact source of module-level functions, as `inspect.getsource` gives it.

    Read through `ast` (each def's first and last line) rather than inspect, whose
    tokenizer costs ~30 ms on first use: a noticeable share of examsolve's start-up.
    """
    texts = []
    for function in functions:
        path = function.__code__.co_filename
        if path not in _PARSED:
            text = Path(path).read_text(encoding="utf-8")
            _PARSED[path] = (text.splitlines(), {
                node.name: node for node in ast.parse(text).body
                if isinstance(node, ast.FunctionDef)})
        lines, defs = _PARSED[path]
        node = defs[function.__name__]
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        texts.append("\n".join(lines[first - 1:node.end_lineno]))
    return "\n\n\n".join(texts)


_PARSED: dict[str, tuple[list[str], dict[str, ast.FunctionDef]]] = {}


def column(values: object) -> Expr:
    return mat(np.asarray(values, dtype=object).reshape(-1))


def shown(value: object) -> object:
    """Exact numbers as printed: in full up to 15 digits, past that as a float's 4
    significant digits (10³⁹ reads better as 1e39 than as forty digits). Nested lists too.
    """
    if isinstance(value, (list, tuple)):
        return np.array([shown(v) for v in value], dtype=object)
    if isinstance(value, Fraction) and \
            len(str(value.numerator)) + len(str(value.denominator)) > 16:
        try:
            return float(value)
        except OverflowError:  # beyond float64 (2·10³⁰⁸): printed exact, as it is
            return value
    return value


def power_of_ten(text: str) -> Expr:
    """`2.576e-869` (beyond any float) as 2.576 × 10⁻⁸⁶⁹."""
    mantissa, exponent = text.split("e")
    return Mul((Num(Fraction(mantissa)), Pow(Num(10), Num(int(exponent)))), "×")


# ---- 1. shapes ----------------------------------------------------------------------------

def shapes_step(d: DerivationBuilder, n: Numbers) -> None:
    C, D = n.C, n.D
    st = d.step("Shapes")
    names = f" ({', '.join(n.classes)})" if n.classes else ""
    softmax = eq(P, call("softmax", S))
    st.say("One score per class, ", SCORES, ", turned into probabilities ", softmax, ". ", X,
           " is a column of ", eq(Sym("D"), D), f" number{'s' * (D > 1)} and there "
           f"{'are' if C > 1 else 'is'} ", eq(Sym("C"), C), f" class{'es' * (C > 1)}{names}, so:")
    st.table(["", "shape", "here", "what it holds"], [
        [X, shape(Sym("D"), 1), shape(D, 1), "the input point"],
        [W, shape(Sym("C"), Sym("D")), shape(C, D), "one row of weights per class"],
        [B, shape(Sym("C"), 1), shape(C, 1), "one bias per class"],
        [SCORES, shape(Sym("C"), 1), shape(C, 1), "the scores (logits)"],
        [softmax, shape(Sym("C"), 1), shape(C, 1), "the class probabilities"],
    ])
    st.eq(Sym("s"), add(mul("W", "x", op=""), "b"),
          add(mul(mat(shown(n.W)), column(shown(n.x)), op=""), column(shown(n.b))),
          column(shown(n.s_exact)))
    name = f" ({n.classes[n.y - 1]})" if n.classes else ""
    true = eq(Y, int(n.y_label))
    if n.indexing == 1:
        st.say("The true class is ", true, f"{name}; classes count from 1, as in the exam and "
               "in the code below.")
    else:
        st.say("The true class is ", true, f"{name}; classes count from {n.indexing} here, but "
               "the code below counts them from 1, as the exam does, so it is given ",
               eq(Y, n.y), ".")


# ---- 4. the robust computation ------------------------------------------------------------

def robust_step(d: DerivationBuilder, n: Numbers) -> None:
    C, m, tied = n.C, n.m_exact, n.tied
    z = [s - m for s in n.s_exact]
    m_, z_, s_ = shown(m), shown(z), shown(n.s_exact)
    st = d.step(f"The robust computation, in {n.work_dtype}")
    st.eq("m", call("max", Sym("s", "i")), *[Sym("s", n.label(i)) for i in tied], m_)
    st.eq(add("s", Neg(Sym("m"))), mat([add(s, Neg(Num(m_))) for s in s_]), column(z_))
    Z_ = n.Z_written
    # the terms as written add up to Z as written (when Z is one number, not 1 + ε)
    e = addends(n.e, Z_.value) if C > 1 and isinstance(Z_, Num) else honest_all(n.e)
    lost = [i for i in range(C) if n.e[i, 0] == 0]
    st.rel(call("exp", add("s", Neg(Sym("m")))), "=", mat([call("exp", v) for v in z_]),
           "≈" if lost else approx(n.e, e), mat(e))
    if lost:
        pieces: list[str | Expr] = []
        for i in lost:
            size = true_exp(z[i])
            term = exp_of(Num(shown(z[i])))
            pieces += [", " if pieces else "",
                       rel(term, "≈", power_of_ten(size)) if size else term]
        st.say(*pieces, f": below the smallest positive {n.work_dtype} (",
               number(limits(n.work_dtype).smallest), "), so stored as 0 — harmless, since it "
               "is far below the rounding of the 1 it is added to.")
    if n.Z != 1:
        st.say("On digits: floats are rounded to 4 significant digits, but a value that would "
               "then look exact (0.99995 as 1) gets more, the entries of a vector or matrix "
               "all get as many as the one that needs most, and ", Sym("Z"), ", its terms, ",
               log_of(Sym("Z")), " and ", L, " get enough for each line to check by hand.")
    Z = mul(Sym("Σ", sub="j"), call("exp", add(Sym("s", "j"), Neg(Sym("m")))), op="")
    if C > 1:
        st.rel("Z", "=", Z, "=", add(*[Num(v) for v in e.ravel()]), "≈" if n.Z != 1 else "=",
               Z_)
    else:
        st.rel("Z", "=", Z, "=", Z_)
    one, Z = eq(exp_of(Num(0)), 1), Sym("Z")
    if len(tied) == 1:
        st.say("The term ", one, f", from class {n.class_label(tied[0])}, keeps ",
               rel(Z, "≥", 1), ", so ", rel(log_of(Z), "≥", 0), " is finite.")
    else:
        names = ", ".join(n.class_label(i) for i in tied[:-1]) + \
            f" and {n.class_label(tied[-1])}"
        times = "twice" if len(tied) == 2 else f"{len(tied)} times"
        st.say(f"Classes {names} tie for the largest score: the term ", one, f" appears {times}, "
               "so ", rel(Z, "≥", len(tied)), " and ", rel(log_of(Z), ">", 0), " is finite.")
    log_Z = n.log_Z_written
    st.rel(call("logsumexp", "s"), "=", add("m", call("log", "Z")),
           "=", add(Num(m_), call("log", Z_)), "≈" if n.Z != 1 else "=",
           add(Num(m_), Num(log_Z)))
    y = n.y_label
    zy = z_[n.y - 1]
    # `=` at the end when L as written is exactly log Z as written − (s_y − m)
    by_hand = isinstance(log_Z, Fraction) and isinstance(zy, (int, Fraction)) and \
        n.loss_written == log_Z - zy
    st.rel("L", "=", add(call("logsumexp", "s"), Neg(Sym("s", y))),
           "=", add(call("log", "Z"), Neg(Paren(add(Sym("s", y), Neg(Sym("m")))))),
           approx([math.log(n.Z)], [log_Z]),
           add(Num(log_Z), Neg(Paren(Num(zy)) if zy < 0 else Num(zy))),
           "=" if by_hand else "≈", n.loss_written)
    p = honest_all(n.p)
    st.rel("p", "=", Div(call("exp", add("s", Neg(Sym("m")))), Sym("Z")),
           "≈" if lost else approx(n.p, p), mat(p))
    st.say("Every intermediate stayed finite: ",
           rel(L, approx([n.loss], [n.loss_written]), number(n.loss_written)), ".")


def approx(values: object, written: object) -> str:
    """`=` when every number as printed is the value itself (1, 0, inf, nan), else `≈`."""
    def same(v: float, w: object) -> bool:
        printed = float(format_number(w))
        return printed == v or (math.isnan(v) and math.isnan(printed))

    return "=" if all(same(v, w) for v, w in zip(np.ravel(np.asarray(values, dtype=float)),
                                                 np.ravel(np.asarray(written, dtype=object)))
                      ) else "≈"


# ---- 5. gradients -------------------------------------------------------------------------

def gradient_step(d: DerivationBuilder, n: Numbers) -> None:
    y = n.y_label
    onehot = [Fraction(int(i == n.y - 1)) for i in range(n.C)]
    # p and p − onehot(y) side by side, so with one number of digits
    digits = max(digits_needed(n.p), digits_needed(n.db))
    p, g, dW = honest_all(n.p, digits), honest_all(n.db.ravel(), digits), honest_all(n.dW)
    lost = bool(np.any(n.p == 0))  # a probability stored as 0 is really a tiny positive

    def sign(values: np.ndarray, written: np.ndarray) -> str:
        return "≈" if lost else approx(values, written)

    st = d.step("Gradients")
    i = Sym("i")
    st.say("From ", eq(L, minus(LOGSUMEXP, S_Y)), ": ",
           eq(deriv(LOGSUMEXP, S_I), Div(exp_of(S_I), sum_j(exp_of(S_J))), P_I), " and ",
           eq(deriv(S_Y, S_I), 1), " if ", eq(i, Y), ", else 0, so ",
           eq(deriv(L, S), minus(P, call("onehot", Y))), " (", call("onehot", Y),
           f" has its 1 at position {y}). With ", SCORES, ", ",
           eq(deriv(S_I, Sym("W", "ij")), Sym("x", "j")), " and ", eq(deriv(S_I, Sym("b", "i")), 1),
           ":")
    p_minus = add("p", Neg(call("onehot", "y")))
    st.rel(deriv("L", "s"), "=", p_minus, "=", add(mat(p), Neg(column(onehot))),
           sign(n.db, g), mat(g))
    st.rel(deriv("L", "W"), "=", mul(Paren(p_minus), Transpose(Sym("x")), op=""),
           "=", mul(mat(g), row(shown(n.x)), op=""), sign(n.dW, dW), mat(dW))
    st.rel(deriv("L", "b"), "=", p_minus, sign(n.db, g), mat(g))
    st.say(deriv(L, W), " is ", eq(Mul((Paren(shape(Sym("C"), 1)), Paren(shape(1, Sym("D")))), ""),
                                   shape(n.C, n.D)),
           ", the shape of ", W, "; ", deriv(L, B), " is ", shape(n.C, 1), ", the shape of ", B,
           ".")


# ---- 6. the reference implementation ------------------------------------------------------

def reference_step(d: DerivationBuilder, n: Numbers) -> None:
    st = d.step("The reference implementation")
    centred, Z = Paren(minus(S_Y, M)), Sym("Z")
    st.say("The robust code, in full. The loss comes from `log_softmax`, which gives ",
           eq(log_of(P_Y), minus(centred, log_of(Z))), " without forming ", P_Y, ", so ",
           eq(L, minus(log_of(Z), centred)), ", as in step 4; the gradients use `softmax`, as "
           "in step 5. `check_point` only checks the shapes and ", Y, " (raising a "
           "`ValueError`).")
    st.code("import numpy as np\n\n\n" + source(
        numerics.log_softmax, numerics.softmax, numerics.softmax_cross_entropy,
        numerics.softmax_cross_entropy_gradients))

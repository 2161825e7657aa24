"""The steps of a softmax-regression derivation, from the numbers computed once in `Numbers`.

Exact Fractions for x, W, b and s = W x + b; floats in the spec's dtype from exp onwards.
Every number after exp comes from examsolve.numerics (the code printed in the last step) or
from the line-by-line run of the direct code (softmax_regression_direct).
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
from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.mathmodel import (Div, Expr, Neg, Num, Paren, Sym, Transpose, add, call, deriv,
                                 mat, mul, row)
from examsolve.numbers import format_number
from examsolve.solvers.softmax_regression_direct import (NAIVE_LINES, Limits, NaiveTrace,
                                                         limits, trace_naive, true_exp)


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
    def k(self) -> int:
        """The (0-based) position of the largest score (the first, on ties)."""
        return self.s_exact.index(self.m_exact)

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
        return Numbers(dtype, limits(dtype), indexing, classes, y, x, W, b, s_exact, naive,
                       work, s, e, Z, p, loss, dW, db, tuple(notes))


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


def quoted(messages: tuple[str, ...]) -> str:
    return "; ".join(f"“{m}”" for m in messages)


def heard(st: StepBuilder, n: Numbers, line: int) -> None:
    said = n.naive.said[NAIVE_LINES[line]]
    if said:
        st.say(f"numpy warns: {quoted(said)}.")


def listing(n: Numbers, positions: list[int], name: str = "s") -> str:
    return ", ".join(f"{name}{_sub(n.label(i))} = {fmt(n.naive.s[i, 0])}"
                     for i in positions)


def shown(value: object) -> object:
    """Exact numbers as printed: in full up to 15 digits, past that as a float's 4
    significant digits (10³⁹ reads better as 1e39 than as forty digits). Nested lists too.
    """
    if isinstance(value, (list, tuple)):
        return np.array([shown(v) for v in value], dtype=object)
    if isinstance(value, Fraction) and \
            len(str(value.numerator)) + len(str(value.denominator)) > 16:
        return float(value)
    return value


def fmt(value: object) -> str:
    """A number in prose, written as in the math (typographic minus)."""
    return format_number(value).replace("-", "−")


def minus(value: float, places: int) -> str:
    """A float to fixed places, with a typographic minus like the math."""
    return f"{value:.{places}f}".replace("-", "−")


def _sub(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


# ---- 1. shapes ----------------------------------------------------------------------------

def shapes_step(d: DerivationBuilder, n: Numbers) -> None:
    C, D = n.C, n.D
    st = d.step("Shapes")
    names = f" ({', '.join(n.classes)})" if n.classes else ""
    st.say(f"One score per class, s = W x + b, turned into probabilities p = softmax(s). x is "
           f"a column of D = {D} number{'s' * (D > 1)} and there {'are' if C > 1 else 'is'} "
           f"C = {C} class{'es' * (C > 1)}{names}, so:")
    st.table(["", "shape", "here", "what it holds"], [
        ["x", "D×1", f"{D}×1", "the input point"],
        ["W", "C×D", f"{C}×{D}", "one row of weights per class"],
        ["b", "C×1", f"{C}×1", "one bias per class"],
        ["s = W x + b", "C×1", f"{C}×1", "the scores (logits)"],
        ["p = softmax(s)", "C×1", f"{C}×1", "the class probabilities"],
    ])
    st.eq(Sym("s"), add(mul("W", "x", op=""), "b"),
          add(mul(mat(shown(n.W)), column(shown(n.x)), op=""), column(shown(n.b))),
          column(shown(n.s_exact)))
    name = f" ({n.classes[n.y - 1]})" if n.classes else ""
    code_y = "" if n.indexing == 1 else f", so it is given y = {n.y}"
    st.say(f"The true class is y = {n.y_label}{name}, counting classes from {n.indexing} "
           f"(`indexing: {n.indexing}`). The code below takes y in [1, C], as the exam "
           f"does{code_y}.")


# ---- 2. the direct code, evaluated ---------------------------------------------------------

def direct_step(d: DerivationBuilder, n: Numbers) -> None:
    t, lim, C = n.naive, n.lim, n.C
    st = d.step(f"The direct implementation, run in {n.dtype}")
    st.say("Typed in straight from p_i = exp(s_i) / Σ_j exp(s_j) and L = −log p_y:")
    st.code(source(numerics.naive_softmax_cross_entropy))
    st.say(f"Run on these numbers in {n.dtype}, one line at a time, with numpy's floating-"
           f"point warnings recorded:")

    st.say(f"`{NAIVE_LINES[0]}`:")
    st.eq("s", mat(t.s))
    if not np.all(np.isfinite(t.s)):
        st.say(f"The scores (or x, W, b themselves) do not fit in {n.dtype}, whose "
               f"largest number is {fmt(lim.max)}: they are ±inf before any exp is "
               f"taken, and no rewriting of the softmax can repair that.")
    heard(st, n, 0)

    st.say(f"`{NAIVE_LINES[1]}`:")
    st.eq("e", mat([call("exp", v) for v in t.s.ravel()]), mat(t.e))
    over = [i for i in range(C) if t.s[i, 0] > lim.overflow]
    zero = [i for i in range(C) if t.e[i, 0] == 0]
    if over:
        st.say(f"exp overflows to inf wherever s_i > ln({fmt(lim.max)}) ≈ "
               f"{lim.overflow:.2f}, the largest exponent {n.dtype} can hold: here "
               f"{listing(n, over)}.")
    if zero:
        st.say(f"exp underflows to 0 wherever s_i < ≈ {minus(lim.zero, 1)}: here "
               f"{listing(n, zero)}.")
    heard(st, n, 1)

    st.say(f"`{NAIVE_LINES[2]}`:")
    st.eq(mul(Sym("Σ", sub="j"), Sym("e", "j"), op=""), t.total)
    st.eq("p", mat([Div(Num(float(v)), Num(t.total)) for v in t.e.ravel()]), mat(t.p))
    reasons = []
    if math.isinf(t.total):
        cases = ["an inf entry gives inf/inf = nan" if np.any(np.isinf(t.e)) else "",
                 "a finite entry gives finite/inf = 0" if np.any(np.isfinite(t.e)) else ""]
        reasons.append("the sum is inf, so " + " and ".join(c for c in cases if c))
    if t.total == 0:
        reasons.append("every exp underflowed, so the sum is 0 and each p_i = 0/0 = nan")
    if reasons:
        st.say("Here " + "; ".join(reasons) + ".")
    heard(st, n, 2)

    y = n.y_label
    st.say(f"`{NAIVE_LINES[3]}`:")
    st.eq("L", Neg(call("log", Sym("p", y))), Neg(call("log", t.p_y)), t.loss)
    if t.p_y == 0:
        st.say("log(0) = −inf, so the loss comes out as +inf.")
    elif math.isnan(t.p_y):
        st.say(f"p{_sub(y)} is already nan, and nan passes through log unchanged.")
    heard(st, n, 3)

    if math.isfinite(t.loss) and math.isclose(t.loss, n.loss, rel_tol=1e-4, abs_tol=1e-6):
        st.say(f"Here the direct code gives the right loss, {fmt(t.loss)}, only "
               f"because every score is well inside the limits of exp in {n.dtype}.")
    else:
        st.say(f"The direct code returns {fmt(t.loss)} with no error raised — a "
               f"silently wrong answer: the true loss is {fmt(n.loss)} "
               f"(step 4).")


# ---- 3. the hazards in general ------------------------------------------------------------

def hazards_step(d: DerivationBuilder, n: Numbers) -> None:
    lim = n.lim
    st = d.step("Where the direct code can fail, in general")
    st.table(["line", "what goes wrong", f"when ({n.dtype})"], [
        [NAIVE_LINES[0], "the scores themselves overflow to ±inf; no rewriting of the "
                         "softmax can repair that",
         f"|s_i| > {fmt(lim.max)}"],
        [NAIVE_LINES[1], "overflow: exp(s_i) = inf", f"s_i > ln(max) ≈ {lim.overflow:.2f}"],
        [NAIVE_LINES[1], "underflow: exp(s_i) = 0 (harmless alone)",
         f"s_i < ≈ {minus(lim.zero, 1)}"],
        [NAIVE_LINES[2], "inf/inf = nan; finite/inf = 0", "any exp(s_j) overflowed"],
        [NAIVE_LINES[2], "0/0 = nan", "every exp(s_j) underflowed"],
        [NAIVE_LINES[3], "log(0) = −inf, so L = +inf", "p_y underflowed or was finite/inf"],
        [NAIVE_LINES[3], "nan propagates", "p_y = nan"],
    ])
    st.say("Both have one cure. Subtracting m = max_j s_j from every score leaves p unchanged "
           "(the factor exp(−m) cancels between numerator and denominator), makes every "
           "exponent ≤ 0, so no exp overflows, and makes the largest term exp(0) = 1, so the "
           "sum lies in [1, C] and is never 0. And the loss never takes log p_y: since "
           "log p_y = s_y − logsumexp(s), L = logsumexp(s) − s_y = log Σ_j exp(s_j − m) "
           "− (s_y − m).")


# ---- 4. the robust computation ------------------------------------------------------------

def robust_step(d: DerivationBuilder, n: Numbers) -> None:
    C, m, k = n.C, n.m_exact, n.k
    z = [s - m for s in n.s_exact]
    m_, z_, s_ = shown(m), shown(z), shown(n.s_exact)
    st = d.step(f"The robust computation, in {n.work_dtype}")
    st.eq("m", call("max", Sym("s", "i")), Sym("s", n.label(k)), m_)
    st.eq(add("s", Neg(Sym("m"))), mat([add(s, Neg(Num(m_))) for s in s_]), column(z_))
    st.rel(call("exp", add("s", Neg(Sym("m")))), "=", mat([call("exp", v) for v in z_]),
           "≈", mat(n.e))
    lost = [i for i in range(C) if n.e[i, 0] == 0]
    if lost:
        pieces = []
        for i in lost:
            size = true_exp(z[i])
            pieces.append(f"exp({fmt(shown(z[i]))})" +
                          (f" ≈ {size.replace('-', '−')}" if size else ""))
        st.say(f"{', '.join(pieces)}: below the smallest positive {n.work_dtype} "
               f"({fmt(limits(n.work_dtype).smallest)}), so "
               f"stored as 0 — harmless, since it is far below the rounding of the 1 it is "
               f"added to.")
    Z = mul(Sym("Σ", sub="j"), call("exp", add(Sym("s", "j"), Neg(Sym("m")))), op="")
    if C > 1:
        st.rel("Z", "=", Z, "=", add(*[Num(float(v)) for v in n.e.ravel()]), "≈", n.Z)
    else:
        st.rel("Z", "=", Z, "=", n.Z)
    st.say(f"The term exp(0) = 1, from class {n.class_label(k)}, keeps Z ≥ 1, so log Z ≥ 0 is "
           f"finite.")
    st.rel(call("logsumexp", "s"), "=", add("m", call("log", "Z")),
           "=", add(Num(m_), call("log", Num(n.Z))), "=", add(Num(m_), Num(math.log(n.Z))))
    y = n.y_label
    zy = z_[n.y - 1]
    st.rel("L", "=", add(call("logsumexp", "s"), Neg(Sym("s", y))),
           "=", add(call("log", "Z"), Neg(Paren(add(Sym("s", y), Neg(Sym("m")))))),
           "=", add(Num(math.log(n.Z)), Neg(Paren(Num(zy)) if zy < 0 else Num(zy))),
           "≈", n.loss)
    st.rel("p", "=", Div(call("exp", add("s", Neg(Sym("m")))), Sym("Z")), "≈", mat(n.p))
    st.say(f"Every intermediate stayed finite: L = {fmt(n.loss)}.")


# ---- 5. gradients -------------------------------------------------------------------------

def gradient_step(d: DerivationBuilder, n: Numbers) -> None:
    y = n.y_label
    onehot = [Fraction(int(i == n.y - 1)) for i in range(n.C)]
    g = n.db.ravel()
    st = d.step("Gradients")
    st.say(f"From L = logsumexp(s) − s_y: ∂logsumexp/∂s_i = exp(s_i)/Σ_j exp(s_j) = p_i and "
           f"∂s_y/∂s_i = [i = y], so ∂L/∂s = p − onehot(y) (onehot(y) has its 1 at "
           f"position {y}). With s = W x + b, ∂s_i/∂W_ij = x_j and ∂s_i/∂b_i = 1:")
    p_minus = add("p", Neg(call("onehot", "y")))
    st.eq(deriv("L", "s"), p_minus, add(mat(n.p), Neg(column(onehot))), mat(g))
    st.eq(deriv("L", "W"), mul(Paren(p_minus), Transpose(Sym("x")), op=""),
          mul(mat(g), row(shown(n.x)), op=""), mat(n.dW))
    st.eq(deriv("L", "b"), p_minus, mat(g))
    st.say(f"∂L/∂W is (C×1)(1×D) = {n.C}×{n.D}, the shape of W; ∂L/∂b is {n.C}×1, the shape "
           f"of b.")


# ---- 6. the reference implementation ------------------------------------------------------

def reference_step(d: DerivationBuilder, n: Numbers) -> None:
    st = d.step("The reference implementation")
    st.say("The robust code, from examsolve.numerics: exactly what computed steps 4 and 5, and "
           "what the tests check against PyTorch (float64 and float32, logits up to ±1e308).")
    st.code("import numpy as np\n\n\n" + source(
        numerics.logsumexp, numerics.log_softmax, numerics.softmax, numerics.check_point,
        numerics.softmax_cross_entropy, numerics.softmax_cross_entropy_gradients))

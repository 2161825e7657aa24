"""Steps 2 and 3 of a softmax-regression derivation: the direct code run on the problem's
numbers, and where such code can fail in general.

Each hazard is tied to the numbered line of `numerics.naive_softmax_cross_entropy` where it
strikes. When nothing goes wrong on the given numbers (the ordinary case), both steps are
short: the direct code's values and why they are right, then the hazards in three rows.
"""

from __future__ import annotations

import math

import numpy as np

from examsolve import numerics
from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.mathmodel import Div, Neg, Num, Sym, call, mat, mul
from examsolve.solvers.softmax_regression_digits import honest, honest_all
from examsolve.solvers.softmax_regression_direct import NAIVE_LINES
from examsolve.solvers.softmax_regression_steps import (Numbers, approx, fmt, minus, source,
                                                        subscript)


def ordinary(n: Numbers) -> bool:
    """True when the direct code meets no inf, 0 or NaN on the way and gets the loss right."""
    t = n.naive
    return bool(np.all(np.isfinite(t.e)) and np.all(t.e > 0) and math.isfinite(t.loss)
                and math.isclose(t.loss, n.loss, rel_tol=1e-4, abs_tol=1e-6))


def quoted(messages: tuple[str, ...]) -> str:
    return "; ".join(f"“{m}”" for m in messages)


def heard(st: StepBuilder, n: Numbers, line: int) -> None:
    said = n.naive.said[NAIVE_LINES[line]]
    if said:
        st.say(f"numpy warns: {quoted(said)}.")


def listing(n: Numbers, positions: list[int]) -> str:
    return ", ".join(f"s{subscript(n.label(i))} = {fmt(n.naive.s[i, 0])}" for i in positions)


def limits_text(n: Numbers) -> tuple[str, str]:
    """(overflow, underflow) thresholds of exp in the dtype, as prose."""
    return f"{n.lim.overflow:.2f}", minus(n.lim.zero, 1)


# ---- 2. the direct code, evaluated ---------------------------------------------------------

def direct_step(d: DerivationBuilder, n: Numbers) -> None:
    t = n.naive
    st = d.step(f"The direct implementation, run in {n.dtype}")
    st.say("Typed in straight from p_i = exp(s_i) / Σ_j exp(s_j) and L = −log p_y (the "
           "lines are numbered for step 3):")
    st.code(source(numerics.naive_softmax_cross_entropy))
    if ordinary(n):
        over, under = limits_text(n)
        st.say(f"Run on these numbers in {n.dtype}:")
        _exp(st, n)
        _divide(st, n)
        _log(st, n)
        st.say(f"It works here: every score lies between {under} and {over} (approx.), where "
               f"exp in {n.dtype} neither overflows nor underflows to 0, so no inf, 0 or NaN "
               f"appears on the way, and the result is the true loss (step 4).")
        return

    st.say(f"Run on these numbers in {n.dtype}, one line at a time, with numpy's floating-"
           f"point warnings recorded:")
    st.say(f"Line 1, `{NAIVE_LINES[0]}`:")
    st.eq("s", mat(honest_all(t.s)))
    if not np.all(np.isfinite(t.s)):
        st.say(f"The scores (or x, W, b themselves) do not fit in {n.dtype}, whose "
               f"largest number is {fmt(n.lim.max)}: they are ±inf before any exp is "
               f"taken, and no rewriting of the softmax can repair that.")
    heard(st, n, 0)

    st.say(f"Line 2, `{NAIVE_LINES[1]}`:")
    _exp(st, n)
    over = [i for i in range(n.C) if t.s[i, 0] > n.lim.overflow]
    zero = [i for i in range(n.C) if t.e[i, 0] == 0]
    if over:
        st.say(f"exp overflows to inf wherever s_i > ln({fmt(n.lim.max)}) ≈ "
               f"{n.lim.overflow:.2f}, the largest exponent {n.dtype} can hold: here "
               f"{listing(n, over)}.")
    if zero:
        st.say(f"exp underflows to 0 wherever s_i < {minus(n.lim.zero, 1)} (approx.): here "
               f"{listing(n, zero)}.")
    heard(st, n, 1)

    st.say(f"Line 3, `{NAIVE_LINES[2]}`:")
    _divide(st, n)
    reasons = []
    if math.isinf(t.total):
        cases = ["an inf entry gives inf/inf = NaN" if np.any(np.isinf(t.e)) else "",
                 "a finite entry gives finite/inf = 0" if np.any(np.isfinite(t.e)) else ""]
        reasons.append("the sum is inf, so " + " and ".join(c for c in cases if c))
    if t.total == 0:
        reasons.append("every exp underflowed, so the sum is 0 and each p_i = 0/0 = NaN")
    if reasons:
        st.say("Here " + "; ".join(reasons) + ".")
    heard(st, n, 2)

    st.say(f"Line 4, `{NAIVE_LINES[3]}`:")
    _log(st, n)
    y = subscript(n.y_label)
    if t.p_y == 0:
        st.say("log(0) = −inf, so the loss comes out as +inf.")
    elif math.isnan(t.p_y):
        st.say(f"p{y} is already NaN, and NaN passes through log unchanged.")
    heard(st, n, 3)

    if math.isfinite(t.loss) and math.isclose(t.loss, n.loss, rel_tol=1e-4, abs_tol=1e-6):
        st.say(f"The direct code still gets the loss right here, {fmt(honest(t.loss))}: what "
               f"underflowed to 0 was negligible next to the largest term. Larger scores "
               f"would break it (step 3).")
    else:
        st.say(f"The direct code returns {fmt(t.loss)} with no error raised — a "
               f"silently wrong answer: the true loss is {fmt(n.loss_written)} (step 4).")


def _exp(st: StepBuilder, n: Numbers) -> None:
    e = honest_all(n.naive.e)
    st.rel("e", "=", mat([call("exp", v) for v in honest_all(n.naive.s).ravel()]),
           approx(n.naive.e, e), mat(e))


def _divide(st: StepBuilder, n: Numbers) -> None:
    t = n.naive
    total, p = honest(t.total), honest_all(t.p)
    st.rel(mul(Sym("Σ", sub="j"), Sym("e", "j"), op=""), approx([t.total], [total]), total)
    st.rel("p", "=", mat([Div(Num(v), Num(total)) for v in honest_all(t.e).ravel()]),
           approx(t.p, p), mat(p))


def _log(st: StepBuilder, n: Numbers) -> None:
    t = n.naive
    p_y, loss = honest(t.p_y), honest(t.loss)
    st.rel("L", "=", Neg(call("log", Sym("p", n.y_label))), "=", Neg(call("log", p_y)),
           approx([t.loss], [loss]), loss)


# ---- 3. the hazards in general ------------------------------------------------------------

CURE = ("Subtracting m = max_j s_j from every score leaves p unchanged (the factor exp(−m) "
        "cancels between numerator and denominator) and makes every exponent ≤ 0, so no exp "
        "overflows; the largest term becomes exp(0) = 1, so the sum lies in [1, C] and is "
        "never 0. And the loss never takes log p_y: since log p_y = s_y − logsumexp(s), "
        "L = logsumexp(s) − s_y = log Σ_j exp(s_j − m) − (s_y − m).")


def hazards_step(d: DerivationBuilder, n: Numbers) -> None:
    over, under = limits_text(n)
    st = d.step("Where the direct code can fail, in general")
    header = ["line (step 2)", "what goes wrong", f"when ({n.dtype})"]
    if ordinary(n):
        st.say(f"Not on these numbers, but on larger ones ({n.dtype}; thresholds approx.):")
        st.table(header, [
            ["2: np.exp(s)", "overflow: exp(s_i) = inf", f"s_i > {over}"],
            ["3: e / np.sum(e)", "inf/inf = NaN, or 0/0 = NaN",
             f"after an overflow, or every s_j < {under}"],
            ["4: np.log(…)", "log(0) = −inf, so L = +inf", "p_y underflowed to 0"],
        ])
        st.say("Step 4 cures both, exp overflowing and log(0): it subtracts m = max_j s_j "
               "before exp, so every exponent is ≤ 0 and the sum is ≥ 1, and it takes "
               "L = logsumexp(s) − s_y, never log p_y.")
        return
    st.table(header, [
        ["1: W @ x + b", "the scores overflow to ±inf; nothing later can repair that",
         f"|s_i| > {fmt(n.lim.max)}"],
        ["2: np.exp(s)", "overflow: exp(s_i) = inf", f"s_i > {over} (approx.)"],
        ["2: np.exp(s)", "underflow: exp(s_i) = 0 (harmless alone)",
         f"s_i < {under} (approx.)"],
        ["3: e / np.sum(e)", "inf/inf = NaN; finite/inf = 0", "some exp(s_j) overflowed"],
        ["3: e / np.sum(e)", "0/0 = NaN", "every exp(s_j) underflowed"],
        ["4: np.log(…)", "log(0) = −inf, so L = +inf", "p_y underflowed, or was finite/inf"],
        ["4: np.log(…)", "NaN propagates", "p_y = NaN"],
    ])
    st.say("The two hazards of lines 2–4, exp overflowing and log(0), have one cure. " + CURE)

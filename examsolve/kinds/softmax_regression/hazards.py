"""Steps 2 and 3 of a softmax-regression derivation: the direct code run on the problem's
numbers, and where such code can fail in general.

Each hazard is tied to the numbered line of `numerics.naive_softmax_cross_entropy` where it
strikes. When nothing goes wrong on the given numbers (the ordinary case), both steps are
short: the direct code's values and why they are right, then the hazards in three rows.

The direct code returns the true loss exactly when nothing leaves the dtype's range:
logsumexp(s) = log Σⱼ exp(sⱼ) below ln(max) (no exp, and not their sum, overflows), and
p_y = exp(s_y − logsumexp(s)) and exp(s_y) above the underflow to 0, i.e. s_y − logsumexp(s)
and s_y above ln(smallest / 2). Scores between the two thresholds are not enough: for
s = [709, −700], p₂ = exp(−1409) underflows to 0 and L = inf.
"""

from __future__ import annotations

import math

import numpy as np

from examsolve import numerics
from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.mathmodel import Div, Neg, Num, Sym, call, mat, mul
from examsolve.kinds.softmax_regression.digits import honest, honest_all
from examsolve.kinds.softmax_regression.direct import NAIVE_LINES
from examsolve.kinds.softmax_regression.steps import (Numbers, approx, fmt, minus, shown,
                                                        source, subscript)


def logsumexp(n: Numbers) -> float:
    """logsumexp(s) of the exact scores, in float64 (robustly: they may be huge)."""
    return float(numerics.logsumexp(np.array([float(v) for v in n.s_exact]))[0])


def log_p(n: Numbers, i: int) -> float:
    """log pᵢ = sᵢ − logsumexp(s), in float64: pᵢ underflows to 0 below ln(smallest / 2)."""
    return float(n.s_exact[i]) - logsumexp(n)


def ordinary(n: Numbers) -> bool:
    """True when the direct code's loss stays in range (nothing overflows, exp(s_y) and p_y do
    not underflow to 0) and the run indeed gets the loss right."""
    t, y = n.naive, n.y - 1
    in_range = logsumexp(n) < n.lim.overflow and float(n.s_exact[y]) > n.lim.zero and \
        log_p(n, y) > n.lim.zero
    return bool(in_range and math.isfinite(t.loss)
                and math.isclose(t.loss, n.loss, rel_tol=1e-4, abs_tol=1e-6))


def about(n: Numbers, value: float) -> str:
    """A log of a sum of exps as a derivation writes it: `≈ 1.862`. Exact (`= 0`) only with
    one class, where logsumexp(s) = s₁; a float that prints 709 may hide 709 + e^−1409."""
    written = honest(value)
    return f"{approx([value], [written]) if n.C == 1 else '≈'} {fmt(written)}"


def p_zero_reason(n: Numbers, i: int) -> str:
    """Why pᵢ came out 0: exp(sᵢ) underflowed, or the quotient exp(sᵢ)/Σ did."""
    under, sub = minus(n.lim.zero, 1), subscript(n.label(i))
    if n.naive.e[i, 0] == 0:
        return f"p{sub} = 0, as exp(s{sub}) underflowed (s{sub} < {under})"
    return f"p{sub} = 0, as log p{sub} = s{sub} − logsumexp(s) {about(n, log_p(n, i))} < {under}"


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
    st.say("Typed in straight from pᵢ = exp(sᵢ) / Σⱼ exp(sⱼ) and L = −log p_y (the lines "
           "are numbered for step 3):")
    st.code(source(numerics.naive_softmax_cross_entropy))
    if ordinary(n):
        over, under = limits_text(n)
        st.say(f"Run on these numbers in {n.dtype}:")
        _exp(st, n)
        _divide(st, n)
        _log(st, n)
        y, y0 = subscript(n.y_label), n.y - 1
        lse = logsumexp(n)
        exp_y = f" (nor does exp(s{y}): s{y} = {fmt(shown(n.s_exact[y0]))} > {under})" \
            if lse < 0 else ""  # with logsumexp(s) ≥ 0, s_y ≥ log p_y already
        st.say(f"It works here, as nothing leaves {n.dtype}'s range (thresholds approx.): "
               f"logsumexp(s) {about(n, lse)} is below {over}, so neither an exp nor their sum "
               f"overflows, and log p{y} = s{y} − logsumexp(s) {about(n, log_p(n, y0))} is "
               f"above {under}, so p{y} does not underflow to 0{exp_y}. The result is the "
               f"true loss (step 4).")
        lost = [i for i in range(n.C) if i != y0 and n.naive.p[i, 0] == 0]
        if lost:
            st.say("; ".join(p_zero_reason(n, i) for i in lost) +
                   f": harmless, since the loss reads only p{y}.")
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
        st.say(f"exp overflows to inf wherever sᵢ > ln({fmt(n.lim.max)}) ≈ "
               f"{n.lim.overflow:.2f}, the largest argument of exp that {n.dtype} can hold: "
               f"here {listing(n, over)}.")
    if zero:
        st.say(f"exp underflows to 0 wherever sᵢ < {minus(n.lim.zero, 1)} (approx.): here "
               f"{listing(n, zero)}.")
    coarse = [i for i in range(n.C) if 0 < t.e[i, 0] < n.lim.tiny]
    if coarse:
        st.say(f"exp(sᵢ) is subnormal, below the smallest normal {n.dtype} "
               f"({fmt(n.lim.tiny)}), and keeps only a few significant digits wherever "
               f"sᵢ < {minus(math.log(n.lim.tiny), 1)} (approx.): here {listing(n, coarse)}.")
    heard(st, n, 1)

    st.say(f"Line 3, `{NAIVE_LINES[2]}`:")
    _divide(st, n)
    reasons = []
    if math.isinf(t.total):
        cases = ["an inf entry gives inf/inf = NaN" if np.any(np.isinf(t.e)) else "",
                 "a finite entry gives finite/inf = 0" if np.any(np.isfinite(t.e)) else ""]
        why = "" if np.any(np.isinf(t.e)) else \
            (f" (no exp overflowed, but their sum did: logsumexp(s) {about(n, logsumexp(n))} > "
             f"{n.lim.overflow:.2f})")
        reasons.append(f"the sum is inf{why}, so " + " and ".join(c for c in cases if c))
    if t.total == 0:
        reasons.append("every exp underflowed, so the sum is 0 and each pᵢ = 0/0 = NaN")
    if 0 < t.total < math.inf:  # a finite sum: a 0 in p is an underflow of exp or of e/Σ
        reasons += [p_zero_reason(n, i) for i in range(n.C) if t.p[i, 0] == 0]
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

CURE = ("Subtracting m = maxⱼ sⱼ from every score leaves p unchanged (the factor exp(−m) "
        "cancels between numerator and denominator) and makes every exponent ≤ 0, so no exp "
        "overflows; the largest term becomes exp(0) = 1, so the sum lies in [1, C] and is "
        "never 0. And the loss never takes log p_y: since log p_y = s_y − logsumexp(s), "
        "L = logsumexp(s) − s_y = log Σⱼ exp(sⱼ − m) − (s_y − m).")


def hazards_step(d: DerivationBuilder, n: Numbers) -> None:
    over, under = limits_text(n)
    st = d.step("Where the direct code can fail, in general")
    header = ["line (step 2)", "what goes wrong", f"when ({n.dtype})"]
    if ordinary(n):
        st.say(f"Not on these numbers, but on larger or more spread-out ones ({n.dtype}; "
               f"thresholds approx.):")
        st.table(header, [
            ["2: np.exp(s)", "overflow: exp(sᵢ) = inf", f"sᵢ > {over}"],
            ["3: e / np.sum(e)", "inf/inf = NaN, finite/inf = 0, or 0/0 = NaN",
             f"logsumexp(s) > {over} (an exp or the sum overflows), or every sⱼ < {under}"],
            ["4: np.log(…)", "log(0) = −inf, so L = +inf",
             f"p_y = 0: s_y − logsumexp(s) < {under}, or s_y < {under}"],
        ])
        st.say("Step 4 cures both, exp overflowing and log(0): it subtracts m = maxⱼ sⱼ "
               "before exp, so every exponent is ≤ 0 and the sum is ≥ 1, and it takes "
               "L = logsumexp(s) − s_y, never log p_y.")
        return
    st.table(header, [
        ["1: W @ x + b", "the scores overflow to ±inf; nothing later can repair that",
         f"|sᵢ| > {fmt(n.lim.max)}"],
        ["2: np.exp(s)", "overflow: exp(sᵢ) = inf", f"sᵢ > {over} (approx.)"],
        ["2: np.exp(s)", "underflow: exp(sᵢ) = 0 (harmless alone)",
         f"sᵢ < {under} (approx.)"],
        ["3: e / np.sum(e)", "inf/inf = NaN; finite/inf = 0",
         f"an exp or their sum overflowed: logsumexp(s) > {over}"],
        ["3: e / np.sum(e)", "0/0 = NaN", f"every exp(sⱼ) underflowed: every sⱼ < {under}"],
        ["4: np.log(…)", "log(0) = −inf, so L = +inf",
         f"p_y = 0: s_y − logsumexp(s) < {under}, s_y < {under}, or p_y = finite/inf"],
        ["4: np.log(…)", "NaN propagates", "p_y = NaN"],
    ])
    st.say("The two hazards of lines 2–4, exp overflowing and log(0), have one cure. " + CURE)

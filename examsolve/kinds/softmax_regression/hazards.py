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
from examsolve.mathmodel import (Div, Expr, Mul, Neg, Num, Paren, Rel, Sym, Text, call, mat,
                                 mul)
from examsolve.kinds.softmax_regression.digits import honest, honest_all
from examsolve.kinds.softmax_regression.direct import NAIVE_LINES
from examsolve.kinds.softmax_regression.notation import (INF, L, LOGSUMEXP, M, NAN, P, P_I, P_Y,
                                                           S_J, S_Y, S_I, W, X, B, eq, exp_of,
                                                           fixed, fmt, log_of, max_j, minus, number,
                                                           ratio, rel, sub, sum_j, word)
from examsolve.kinds.softmax_regression.steps import Numbers, approx, shown, source

Parts = list  # a sentence: str and math nodes, as say() takes them


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


def about(n: Numbers, value: float) -> tuple[str, Expr]:
    """A log of a sum of exps as a derivation writes it: `≈ 1.862`, the relation and the
    number to put in a chain. Exact (`=`) only with one class, where logsumexp(s) = s₁; a
    float that prints 709 may hide 709 + e^−1409."""
    written = honest(value)
    return (approx([value], [written]) if n.C == 1 else "≈"), number(written)


def p_zero_reason(n: Numbers, i: int) -> Parts:
    """Why pᵢ came out 0: exp(sᵢ) underflowed, or the quotient exp(sᵢ)/Σ did."""
    under, label = fixed(n.lim.zero, 1), n.label(i)
    s_i, p_i = sub("s", label), sub("p", label)
    if n.naive.e[i, 0] == 0:
        return [eq(p_i, 0), ", as ", exp_of(s_i), " underflowed (", rel(s_i, "<", under), ")"]
    return [eq(p_i, 0), ", as ",
            rel(log_of(p_i), "=", minus(s_i, LOGSUMEXP), *about(n, log_p(n, i)), "<", under)]


def joined(parts: list[Parts], sep: str = "; ") -> Parts:
    """Clauses joined by `sep`."""
    out: Parts = []
    for i, part in enumerate(parts):
        out += ([sep] if i else []) + part
    return out


def quoted(messages: tuple[str, ...]) -> str:
    return "; ".join(f"“{m}”" for m in messages)


def heard(st: StepBuilder, n: Numbers, line: int) -> None:
    said = n.naive.said[NAIVE_LINES[line]]
    if said:
        st.say(f"numpy warns: {quoted(said)}.")


def listing(n: Numbers, positions: list[int]) -> Parts:
    return joined([[eq(sub("s", n.label(i)), number(n.naive.s[i, 0]))] for i in positions], ", ")


def limits_text(n: Numbers) -> tuple[Num, Num]:
    """(overflow, underflow) thresholds of exp in the dtype, as written: 709.78, −745.1."""
    return fixed(n.lim.overflow, 2), fixed(n.lim.zero, 1)


# ---- 2. the direct code, evaluated ---------------------------------------------------------

def direct_step(d: DerivationBuilder, n: Numbers) -> None:
    t = n.naive
    st = d.step(f"The direct implementation, run in {n.dtype}")
    st.say("Typed in straight from ", eq(P_I, ratio(exp_of(S_I), sum_j(exp_of(S_J)))), " and ",
           eq(L, Neg(log_of(P_Y))), " (the lines are numbered for step 3):")
    st.code(source(numerics.naive_softmax_cross_entropy))
    if ordinary(n):
        over, under = limits_text(n)
        st.say(f"Run on these numbers in {n.dtype}:")
        _exp(st, n)
        _divide(st, n)
        _log(st, n)
        y, y0 = n.y_label, n.y - 1
        s_y, p_y = sub("s", y), sub("p", y)
        lse = logsumexp(n)
        exp_y = [" (nor does ", exp_of(s_y), ": ", rel(s_y, "=", Num(shown(n.s_exact[y0])), ">",
                                                      under), ")"] \
            if lse < 0 else []  # with logsumexp(s) ≥ 0, s_y ≥ log p_y already
        st.say(f"It works here, as nothing leaves {n.dtype}'s range (thresholds approx.): ",
               rel(LOGSUMEXP, *about(n, lse)), " is below ", over, ", so neither an exp nor "
               "their sum overflows, and ",
               rel(log_of(p_y), "=", minus(s_y, LOGSUMEXP), *about(n, log_p(n, y0))),
               " is above ", under, ", so ", p_y, " does not underflow to 0", *exp_y,
               ". The result is the true loss (step 4).")
        lost = [i for i in range(n.C) if i != y0 and n.naive.p[i, 0] == 0]
        if lost:
            st.say(*joined([p_zero_reason(n, i) for i in lost]),
                   ": harmless, since the loss reads only ", p_y, ".")
        return

    st.say(f"Run on these numbers in {n.dtype}, one line at a time, with numpy's floating-"
           f"point warnings recorded:")
    st.say(f"Line 1, `{NAIVE_LINES[0]}`:")
    st.eq("s", mat(honest_all(t.s)))
    if not np.all(np.isfinite(t.s)):
        st.say("The scores (or ", X, ", ", W, ", ", B, f" themselves) do not fit in {n.dtype}, "
               "whose largest number is ", number(n.lim.max), ": they are ", Sym("±inf"),
               " before any exp is taken, and no rewriting of the softmax can repair that.")
    heard(st, n, 0)

    st.say(f"Line 2, `{NAIVE_LINES[1]}`:")
    _exp(st, n)
    over = [i for i in range(n.C) if t.s[i, 0] > n.lim.overflow]
    zero = [i for i in range(n.C) if t.e[i, 0] == 0]
    if over:
        st.say("exp overflows to inf wherever ",
               rel(S_I, ">", call("ln", number(n.lim.max)), "≈", fixed(n.lim.overflow, 2)),
               f", the largest argument of exp that {n.dtype} can hold: here ",
               *listing(n, over), ".")
    if zero:
        st.say("exp underflows to 0 wherever ", rel(S_I, "<", fixed(n.lim.zero, 1)),
               " (approx.): here ", *listing(n, zero), ".")
    coarse = [i for i in range(n.C) if 0 < t.e[i, 0] < n.lim.tiny]
    if coarse:
        st.say(exp_of(S_I), f" is subnormal, below the smallest normal {n.dtype} (",
               number(n.lim.tiny), "), and keeps only a few significant digits wherever ",
               rel(S_I, "<", fixed(math.log(n.lim.tiny), 1)), " (approx.): here ",
               *listing(n, coarse), ".")
    heard(st, n, 1)

    st.say(f"Line 3, `{NAIVE_LINES[2]}`:")
    _divide(st, n)
    why: list[Parts] = []
    if math.isinf(t.total):
        cases = ([["an inf entry gives ", eq(ratio(INF, INF), NAN)]] if np.any(np.isinf(t.e))
                 else []) + \
            ([["a finite entry gives ", eq(ratio(word("finite"), INF), 0)]]
             if np.any(np.isfinite(t.e)) else [])
        overflowed = [] if np.any(np.isinf(t.e)) else \
            [" (no exp overflowed, but their sum did: ",
             rel(LOGSUMEXP, *about(n, logsumexp(n)), ">", fixed(n.lim.overflow, 2)), ")"]
        why.append(["the sum is inf", *overflowed, ", so ", *joined(cases, " and ")])
    if t.total == 0:
        why.append(["every exp underflowed, so the sum is 0 and each ",
                    eq(P_I, ratio(Num(0), Num(0)), NAN)])
    if 0 < t.total < math.inf:  # a finite sum: a 0 in p is an underflow of exp or of e/Σ
        why += [p_zero_reason(n, i) for i in range(n.C) if t.p[i, 0] == 0]
    if why:
        st.say("Here ", *joined(why), ".")
    heard(st, n, 2)

    st.say(f"Line 4, `{NAIVE_LINES[3]}`:")
    _log(st, n)
    if t.p_y == 0:
        st.say(eq(log_of(Num(0)), Num(-math.inf)), ", so the loss comes out as +", INF, ".")
    elif math.isnan(t.p_y):
        st.say(sub("p", n.y_label), " is already ", NAN, ", and ", NAN, " passes through log "
               "unchanged.")
    heard(st, n, 3)

    if math.isfinite(t.loss) and math.isclose(t.loss, n.loss, rel_tol=1e-4, abs_tol=1e-6):
        st.say("The direct code still gets the loss right here, ", number(honest(t.loss)),
               ": what underflowed to 0 was negligible next to the largest term. Larger scores "
               "would break it (step 3).")
    else:
        st.say("The direct code returns ", number(t.loss), " with no error raised — a "
               "silently wrong answer: the true loss is ", number(n.loss_written), " (step 4).")


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

def cure() -> Parts:
    """Why subtracting the largest score removes both hazards."""
    return [
        "Subtracting ", eq(M, max_j()), " from every score leaves ", P, " unchanged (the "
        "factor ", exp_of(Neg(M)), " cancels between numerator and denominator) and makes "
        "every exponent ", rel(minus(S_J, M), "≤", 0), ", so no exp overflows; the largest "
        "term becomes ",
        eq(exp_of(Num(0)), 1), ", so the sum lies in ",
        Mul((Text("["), Num(1), Text(", "), Sym("C"), Text("]")), ""), " and is never 0. And "
        "the loss never takes ", log_of(P_Y), ": since ", eq(log_of(P_Y), minus(S_Y, LOGSUMEXP)),
        ", ", eq(L, minus(LOGSUMEXP, S_Y),
                 minus(log_of(sum_j(exp_of(minus(S_J, M)))), Paren(minus(S_Y, M)))), "."]


def labelled(label: str, relation: Rel, note: str = "") -> Rel:
    """A table cell that is one relation with words around it, as one math node (a cell holds
    text or one node): `overflow: exp(sᵢ) = inf`, `sᵢ > 709.78 (approx.)`."""
    parts = list(relation.parts)
    if label:
        parts[0] = Mul((Text(label), parts[0]), "")
    if note:
        parts[-1] = Mul((parts[-1], Text(note)), "")
    return Rel(tuple(parts), relation.ops)


def hazards_step(d: DerivationBuilder, n: Numbers) -> None:
    over_, under_ = limits_text(n)
    s_i, exp_i = S_I, exp_of(S_I)
    overflow = labelled("overflow: ", eq(exp_i, INF))

    log_0 = Rel((log_of(Num(0)), Mul((Num(-math.inf), Text(", so "), L), ""),
                 Mul((Text("+"), INF), "")), ("=", "="))  # log(0) = −inf, so L = +inf
    # The long conditions stay text: a table cell is text or one math node, and only text
    # wraps in a column (a long formula would run off the page). They name the true class by
    # its number (p₂), which needs no guessing from any printer, rather than as p_y.
    over, under = (fmt(v.value) for v in (over_, under_))
    y = n.label(n.y - 1).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    p_y, s_y = f"p{y}", f"s{y}"
    st = d.step("Where the direct code can fail, in general")
    header = ["line (step 2)", "what goes wrong", f"when ({n.dtype})"]
    if ordinary(n):
        st.say(f"Not on these numbers, but on larger or more spread-out ones ({n.dtype}; "
               f"thresholds approx.):")
        st.table(header, [
            ["2: np.exp(s)", overflow, rel(s_i, ">", over_)],
            ["3: e / np.sum(e)", "inf/inf = NaN, finite/inf = 0, or 0/0 = NaN",
             f"logsumexp(s) > {over} (an exp or the sum overflows), or every sⱼ < {under}"],
            ["4: np.log(…)", log_0,
             f"{p_y} = 0: {s_y} − logsumexp(s) < {under}, or {s_y} < {under}"],
        ])
        st.say("Step 4 cures both, exp overflowing and ", log_of(Num(0)), ": it subtracts ",
               eq(M, max_j()), " before exp, so every exponent is ", rel(minus(S_J, M), "≤", 0),
               " and the sum is ", rel(Sym("Z"), "≥", 1), ", and it takes ", eq(L, minus(LOGSUMEXP, S_Y)), ", never ", log_of(P_Y), ".")
        return
    st.table(header, [
        ["1: W @ x + b", "the scores overflow to ±inf; nothing later can repair that",
         rel(call("abs", s_i), ">", number(n.lim.max))],
        ["2: np.exp(s)", overflow, labelled("", rel(s_i, ">", over_), " (approx.)")],
        ["2: np.exp(s)", labelled("underflow: ", eq(exp_i, 0), " (harmless alone)"),
         labelled("", rel(s_i, "<", under_), " (approx.)")],
        ["3: e / np.sum(e)", "inf/inf = NaN; finite/inf = 0",
         f"an exp or their sum overflowed: logsumexp(s) > {over}"],
        ["3: e / np.sum(e)", eq(ratio(Num(0), Num(0)), NAN),
         f"every exp(sⱼ) underflowed: every sⱼ < {under}"],
        ["4: np.log(…)", log_0,
         f"{p_y} = 0: {s_y} − logsumexp(s) < {under}, {s_y} < {under}, or {p_y} = finite/inf"],
        ["4: np.log(…)", "NaN propagates", eq(sub("p", n.label(n.y - 1)), NAN)],
    ])
    st.say("The two hazards of lines 2–4, exp overflowing and ", log_of(Num(0)), ", have one "
           "cure. ", *cure())

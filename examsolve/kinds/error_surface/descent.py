"""The written solution, steps 6–7: f, ∇f and H at `at` with every number substituted, and
gradient descent's learning rates (with two steps when `lr` is given)."""

from __future__ import annotations

from fractions import Fraction

import sympy

from examsolve.derivation import DerivationBuilder
from examsolve.mathmodel import Add, Call, Div, Expr, Mul, Neg, Num, Sym, Text, eq, mat, rel
from examsolve.numbers import format_number
from examsolve.kinds.error_surface import learning_rate as lr_math
from examsolve.kinds.error_surface.curvature import Curvature
from examsolve.kinds.error_surface.from_sympy import answer, shown, to_expr
from examsolve.kinds.error_surface.narration import coords_shown, f_value, hessian_matrix, words
from examsolve.kinds.error_surface.notation import (ETA, LAMBDA, LAMBDA_MAX, LAMBDA_MIN, F, H,
                                                    abs_step_factor, descent_names, f_at,
                                                    gd_update, lam, over, point, step_factor,
                                                    substitute, variable)

# A rational longer than this in a gradient-descent step is shown as a 4-digit decimal.
MAX_EXACT_CHARS = 10


def _rational(q: Fraction) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


# ---- 6. at the given point ------------------------------------------------------------------

def at_step(d: DerivationBuilder, spec) -> None:
    p = spec.at
    coords = tuple(Num(c) for c in p)
    values = {variable(n): Num(c) for n, c in zip(spec.names, p)}
    st = d.step("Value, gradient and Hessian at the given point")
    st.say("At ", eq(Sym("p"), point(coords)), ", every number substituted:")
    value = spec.f(p)
    st.eq(f_at(coords), substitute(spec.written, values), Num(value))
    gradient = []
    for i, name in enumerate(spec.names):
        part = spec.f.derivative(i)
        gradient.append(part(p))
        st.eq(Mul((Div(Sym("∂f"), Sym("∂" + name)), point(coords)), ""),
              substitute(part.expr(), values), Num(gradient[-1]))
    n = len(spec.names)
    if n > 1:
        st.eq(Call("∇f", coords), point(tuple(Num(g) for g in gradient)))
    entries = [[spec.f.derivative(i).derivative(j) for j in range(n)] for i in range(n)]
    hessian = [[e(p) for e in r] for r in entries]
    st.eq(Call("H", coords), mat([[substitute(e.expr(), values) for e in r] for r in entries]),
          mat(hessian))
    d.answer("f", value)
    d.answer("grad", gradient if n > 1 else gradient[0])
    d.answer("hessian", hessian if n > 1 else hessian[0][0])


# ---- 7. learning rates ----------------------------------------------------------------------

def rates_step(d: DerivationBuilder, spec, gens, grad, local) -> list | None:
    """The learning-rate step; returns the points of the two steps taken with `lr` (for
    the figure), or None when none are taken."""
    where, curv, at = local
    st = d.step("Learning rates for gradient descent")
    n = len(spec.names)
    p, grad_name = descent_names(spec.names)
    update = gd_update(p, grad_name)
    if where == "constant" and n == 1:
        st.say(F, " is quadratic, so ", eq(LAMBDA, Call("f″", (p,))), " is the same "
               "everywhere, and one step ", update, " multiplies the error ",
               Add((p, Neg(Sym(p.name + "*", p.sub)))), " by ", step_factor(), " exactly:")
    elif where == "constant":
        st.say(F, " is quadratic, so its Hessian is the same everywhere, and one step ",
               update, " multiplies the error ", Add((p, Neg(Sym("p*")))), " by ",
               Add((Sym("I"), Neg(Mul((ETA, H), "")))), " exactly:")
    else:
        name = {"at": "the given point", "minimiser": "the minimiser",
                "minimisers": "the minimisers (they share one Hessian)"}[where]
        along = ", one step " if n == 1 else ", along each eigenvector of its Hessian one step "
        st.say(F, f" is not quadratic, so the analysis is of its local quadratic model at "
               f"{name} ", eq(p, coords_shown(at)), ": near it", along, update,
               " multiplies the error by ", step_factor(), ".")
    eig = curv.eigenvalues
    if n == 1:
        st.eq(LAMBDA, Call("f″", (coords_shown(at),)) if at is not None else Call("f″", (p,)),
              shown(eig[0]))
    else:
        st.eq(H, hessian_matrix(curv.hessian))
        st.say("Its eigenvalues: ", *words([eq(lam(str(i + 1)), shown(v))
                                            for i, v in enumerate(eig)]), ".")
    positive = curv.positive
    if len(positive) < len(eig):
        what = "singular" if -1 not in curv.signs else \
            "indefinite" if 0 not in curv.signs else "singular and indefinite"
        st.say(H, f" is {what}. Along an eigenvector with ", rel(LAMBDA, "≤", Num(0)),
               " no learning rate makes ", abs_step_factor(), " less than 1 (gradient descent "
               "stays put or moves away there), so the rates below are over the positive "
               "eigenvalues only.")
        d.warn(f"the Hessian of the learning-rate analysis is {what}: the rates use its "
               "positive eigenvalues only")
    if not positive:
        st.say("There is no positive eigenvalue: no learning rate makes gradient descent "
               "converge here, so lr_opt, lr_one_step and lr_max are null.")
        for key in ("lr_opt", "lr_one_step", "lr_max"):
            d.answer(key, None)
        return None
    rates = lr_math.Rates(n, positive[0], positive[-1])
    _rates(st, n, rates, len(positive), len(eig), model=where != "constant")
    d.answer("lr_opt", answer(rates.optimal), _display("lr_opt", rates.optimal))
    d.answer("lr_one_step", answer(rates.one_step), _display("lr_one_step", rates.one_step))
    d.answer("lr_max", answer(rates.limit), _display("lr_max", rates.limit))
    if spec.lr is not None:
        return _given_rate(d, st, spec, gens, grad, curv, rates)
    return None


def _rates(st, n: int, rates: lr_math.Rates, count: int, total: int, model: bool) -> None:
    largest = ("the largest positive eigenvalue " if count < n else
               "the largest eigenvalue ") if n > 1 else ""
    # With a zero or negative eigenvalue the claims hold along the other directions only.
    scope = " along the directions of positive curvature" if count < total else ""
    if n == 1:
        st.say("In one variable ", eq(LAMBDA_MAX, LAMBDA, shown(rates.lam_max)), ":")
    else:
        st.say("With ", largest, eq(LAMBDA_MAX, shown(rates.lam_max)), " and the smallest ",
               eq(LAMBDA_MIN, shown(rates.lam_min)), ":")
    st.say(eq(ETA, over(1, LAMBDA_MAX)), " makes the factor of the steepest direction 0: one "
           "step reaches the minimum " + ("of the quadratic model " if model else "") +
           "along it" + (" (in 1-D: from anywhere, in one step)"
                                                  if n == 1 else "") +
           ". Many keys call it the optimal rate.")
    st.math(_rate(Sym("η", "step"), 1, LAMBDA_MAX, (rates.lam_max,), rates.one_step))
    if n > 1:
        worst = Call("max", (abs_step_factor(),))
        st.say("The fastest uniform rate in n-D makes the worst factor over all directions, ",
               worst, ", as small as possible: the factors of ", LAMBDA_MIN, " and ",
               LAMBDA_MAX, " balance at")
        st.math(_rate(Sym("η", "opt"), 2, Add((LAMBDA_MIN, LAMBDA_MAX)),
                      (rates.lam_min, rates.lam_max), rates.uniform))
        st.say(f"where{scope} every error shrinks at least by the factor ",
               eq(Div(Add((LAMBDA_MAX, Neg(LAMBDA_MIN))), Add((LAMBDA_MAX, LAMBDA_MIN))),
                  shown(rates.uniform_factor)), " per step.")
    st.say(f"Gradient descent converges{scope} iff every ", rel(abs_step_factor(), "<", Num(1)),
           ", that is iff ", rel(ETA, "<", over(2, LAMBDA_MAX)), ":")
    st.math(_rate(Sym("η", "max"), 2, LAMBDA_MAX, (rates.lam_max,), rates.limit))
    one, limit = shown(rates.one_step), shown(rates.limit)
    st.say(f"Regimes{scope}: monotone for ", rel(ETA, "≤", one), " (the error keeps its sign); "
           "oscillating for ", rel(one, "<", ETA, "<", limit), " (it flips sign along the "
           "steepest direction each step and still converges); bounded at ", eq(ETA, limit),
           " (it bounces between two points for ever); diverges for ", rel(ETA, ">", limit),
           ".")


def _rate(name: Sym, k: int, symbolic: Expr, lams: tuple, value: sympy.Expr) -> Expr:
    """η_x = k/λ… = k/(numbers) = value (≈ decimal): the numbers step left out when it is
    the value itself (1/12), the decimal beside a fraction that does not terminate."""
    den = to_expr(lams[0]) if len(lams) == 1 else Add(tuple(to_expr(v) for v in lams))
    parts: list[Expr] = [name, Div(Num(Fraction(k)), symbolic), Div(Num(Fraction(k)), den)]
    if len(lams) == 1 and lams[0].is_Integer and sympy.gcd(k, lams[0]) == 1:
        parts.pop()  # 1/12 is already the value
    parts.append(shown(value))
    if value.is_Rational and "/" in format_number(answer(value)):
        return rel(*[x for part in parts[:-1] for x in (part, "=")], parts[-1], "≈",
                   Num(float(value)))
    return eq(*parts)


def _display(key: str, e: sympy.Expr):
    return None if e.is_Rational else eq(Text(key), shown(e))


def _regime_words(regime: str) -> tuple:
    """Why η is in its regime, as paragraph parts (factor = 1 − ηλ_max)."""
    steepest = step_factor(LAMBDA_MAX)
    one, two = over(1, LAMBDA_MAX), over(2, LAMBDA_MAX)
    if regime == lr_math.MONOTONE:
        return (rel(ETA, "≤", one), ": ", rel(Num(0), "≤", steepest, "<", Num(1)),
                ", so the error keeps its sign along the steepest direction and shrinks")
    if regime == lr_math.OSCILLATING:
        return (rel(one, "<", ETA, "<", two), ": ", rel(Num(-1), "<", steepest, "<", Num(0)),
                ", so the error flips sign along the steepest direction each step and still "
                "shrinks")
    if regime == lr_math.BOUNDED_REGIME:
        return (eq(ETA, two), ": ", eq(steepest, Num(-1)), ", so the error along the steepest "
                "direction flips sign and keeps its size for ever")
    return (rel(ETA, ">", two), ": ", rel(steepest, "<", Num(-1)), ", so the error along the "
            "steepest direction grows each step")


def _given_rate(d, st, spec, gens, grad, curv: Curvature, rates) -> list:
    eta = _rational(spec.lr)
    regime = lr_math.regime(rates, eta)
    st.say("With the given ", eq(ETA, Num(spec.lr)), ", one step multiplies the error" +
           (" along each eigenvector" if len(spec.names) > 1 else "") + " by:")
    rows = []
    for v in curv.eigenvalues:
        f = lr_math.factor(eta, v)
        size = abs(f)
        compare = "< 1" if size < 1 else "= 1" if size == 1 else "> 1"
        if v <= 0:
            compare += " (no curvature)" if v == 0 else " (negative curvature)"
        rows.append([shown(v), shown(f), shown(size), compare])
    st.table(["λ", "1 − ηλ", "|1 − ηλ|", "vs 1"], rows)
    st.say(*_regime_words(regime), "; so ", eq(Text("regime"), Text(regime)), ".")
    d.answer("regime", regime)
    return _two_steps(st, spec, gens, grad, eta)


def _two_steps(st, spec, gens, grad, eta) -> list:
    """Two steps of gradient descent written out; returns the points p₀, p₁, p₂."""
    n = len(spec.names)
    if spec.start is not None:
        start, said = spec.start, "the given start"
    elif spec.at is not None:
        start, said = spec.at, "the given point"
    else:
        start, said = (Fraction(0),) * n, "the origin"
        if all(spec.f.derivative(i)(start) == 0 for i in range(n)):
            start, said = (Fraction(1),) * n, "the point of ones (the origin is stationary)"
    steps = lr_math.gd_steps(grad, gens, tuple(_rational(c) for c in start), eta)
    p, grad_name = descent_names(spec.names)
    st.say("Two steps of ", gd_update(p, grad_name), " on ", F, " itself, from " + said +
           (" (long fractions as 4-digit decimals)" if _long(steps) else "") + ":")
    for t, ((at, g), (at_next, _)) in enumerate(zip(steps, steps[1:])):
        p_t, p_n = Sym(p.name, str(t)), Sym(p.name, str(t + 1))
        st.eq(Call(grad_name, (p_t,)), _pt(g))
        st.eq(p_n, Add((p_t, Neg(Mul((ETA, Call(grad_name, (p_t,))), "")))),
              Add((_pt(at), Neg(Mul((Num(spec.lr), _pt(g)), "·")))), _pt(at_next))
    fs = [f_value(spec, at) for at, _ in steps]
    st.say("The loss along the way: ", *words([eq(Call("f", (Sym(p.name, str(t)),)), _num(v))
                                                for t, v in enumerate(fs)]), ".")
    return [at for at, _ in steps]


def _too_long(e: sympy.Expr) -> bool:
    text = format_number(answer(e))
    return e.is_Rational and ("e" in text or len(text) > MAX_EXACT_CHARS)


def _num(e: sympy.Expr) -> Expr:
    return Num(float(e)) if _too_long(e) else shown(e)


def _long(steps) -> bool:
    return any(_too_long(c) for p, g in steps for c in (*p, *g))


def _pt(p) -> Expr:
    return point(tuple(_num(c) for c in p))

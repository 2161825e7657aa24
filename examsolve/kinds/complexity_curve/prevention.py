"""The last exam question — how to prevent overfitting — answered with the strategies the
experiment can run actually run: more data, ridge regularisation, a smaller model and 5-fold
cross-validation; the others are explained and marked as not shown. Also the closing Method
note (basis, solver, the bias² and variance estimators, random stream), kept out of the
answers so that they stay short."""

from __future__ import annotations

import numpy as np

from examsolve.derivation import DerivationBuilder
from examsolve.mathmodel import Add, Call, Div, Mul, Neg, Num, Paren, Sym, call, sym
from examsolve.kinds.complexity_curve.narration import degree_list, fmt, mse_sum, squared
from examsolve.kinds.complexity_curve.experiment import (CV_FOLDS, Curve, Design, Experiment,
                                                           cv_choice, regions, simplest_best)
from examsolve.kinds.complexity_curve.plot import charts_from_answers, terminal_chart

SHOWN, NOT_SHOWN = "[shown]", "[not shown here]"
# Degrees whose test MSE is within this fraction of a curve's minimum are tied with it.
TIE_BAND = 0.02


def write_prevention(b: DerivationBuilder, exp: Experiment, answers: dict[str, object]) -> None:
    c, degrees, design = exp.plain, exp.design.degrees, exp.design
    n, last, best = design.task.train, len(degrees) - 1, c.best_index()
    s = b.step("What strategies prevent overfitting?")
    ran = []
    if exp.ridge:
        ran.append(f"ridge on the same {design.repeats} training sets")
    if exp.more is not None:
        ran.append(f"more data on {design.repeats} new training sets of n₂ = "
                   f"{exp.more.train_size}")
    s.say("Overfitting is high variance: too flexible a model for the data it is given. Each "
          "strategy gives the model more data, limits its flexibility, or chooses the "
          "flexibility on data it was not fitted to."
          + (" Run here, with the mean test MSE of each in the chart: " + " and ".join(ran)
             + "." if ran else ""))
    if exp.ridge or exp.more is not None:
        _, strategies = charts_from_answers(answers)
        s.figure(terminal_chart(strategies, height=16), chart=strategies)

    if exp.more is not None:
        s.say(_more_data(exp, exp.more))
    else:
        s.say(f"1. More training data {NOT_SHOWN} (`more_data: false` in the spec): more points "
              "pin a flexible model down and lower its variance.")

    if exp.ridge:
        a, z = design.task.domain
        s.say(f"2. Regularisation {SHOWN}: ridge regression (L2, weight decay) adds a penalty "
              "on the coefficients to the training loss: here on the coefficients c of p in the "
              f"Legendre basis, p(x) = Σₖ cₖPₖ(t) with t = {legendre_variable(design)} (the same "
              f"polynomials as in step 1, in another basis); c₀, the mean of p over "
              f"[{fmt(a)}, {fmt(z)}], is not penalised:")
        s.eq(Sym("ĉ"), Call("argmin_c", (Add((
            mse_sum("n", "i", sym("y", "i"), call("p", sym("x", "i"))),
            Mul((Sym("λ"), Sym("Σ", "k≥1"), Sym("c", "k", "2")), ""))),)))
        s.say(_ridge(exp))
    else:
        s.say(f"2. Regularisation {NOT_SHOWN} (add `regularisation: [0.001, 0.1]` to the spec "
              "for its curves): a penalty such as λ‖c‖² (L2, weight decay) or λ‖c‖₁ (L1) on "
              "the parameters limits how wildly the fit can bend.")

    if regions(c, degrees)[1]:
        s.say(f"3. A smaller model {SHOWN}: the degree is the model's size. Choosing d* = "
              f"{degrees[best]} instead of d = {degrees[last]} lowers the mean test MSE from "
              f"{fmt(c.test_mse[last])} to {fmt(c.test_mse[best])}.")
    else:
        s.say(f"3. A smaller model {NOT_SHOWN}: no degree up to {degrees[last]} overfits on "
              "this task, so there is nothing to shrink.")

    _cross_validation(s, exp)

    s.say(f"5–7 {NOT_SHOWN}: early stopping (stop iterative training when the validation "
          "error starts to rise; these fits are closed-form), dropout (zero random units of a "
          "neural network at each training step; polynomials have none) and data "
          "augmentation (add label-preserving transformed copies of the training examples; "
          "this 1-D task has no invariance to use).")


def _tie_text(curve: Curve, degrees: tuple[int, ...]) -> str:
    return degree_list(tuple(degrees[i] for i in curve.tied(TIE_BAND)))


def _good_fit(curve: Curve, degrees: tuple[int, ...]) -> tuple[int, ...]:
    """Degrees within the good-fit band of the curve's minimum (neither under- nor overfit)."""
    under, over = regions(curve, degrees)
    return tuple(d for d in degrees if d not in under and d not in over)


def _more_data(exp: Experiment, m: Curve) -> str:
    c, degrees, last = exp.plain, exp.design.degrees, len(exp.design.degrees) - 1
    best, m_best = c.best_index(), m.best_index()
    text = (f"1. More training data {SHOWN}. With n₂ = {m.train_size} points instead of "
            f"{c.train_size}, ")
    good, m_good = _good_fit(c, degrees), _good_fit(m, degrees)
    if m_good != good:
        text += (f"the test MSE stays within 10% of its minimum at d = {degree_list(m_good)} "
                 f"instead of d = {degree_list(good)}, and ")
    text += (f"at d = {degrees[last]} the variance is {fmt(m.variance[last])} instead of "
             f"{fmt(c.variance[last])}: more points pin a flexible model down. ")
    tied = m.tied(TIE_BAND)
    if len(tied) > 1:
        text += (f"Its minimum, {fmt(m.test_mse[m_best])} at d = {degrees[m_best]}, is shared "
                 f"within {TIE_BAND:.0%} by d = {_tie_text(m, degrees)}")
        text += (f", which include d* = {degrees[best]}: the best degree has not measurably "
                 "moved." if best in tied else
                 f", all above d* = {degrees[best]}, so more data supports a more complex "
                 "model." if min(tied) > best else ".")
    elif m_best != best:
        text += (f"The best degree moves from {degrees[best]} to {degrees[m_best]} (test MSE "
                 f"{fmt(m.test_mse[m_best])}).")
    else:
        text += f"The best degree stays d = {degrees[best]}."
    return text


def _ridge(exp: Experiment) -> str:
    c, degrees = exp.plain, exp.design.degrees
    best, last = c.best_index(), len(degrees) - 1
    parts = [f"λ = {r.strength:g} gives {fmt(r.test_mse[last])}" for r in exp.ridge]
    text = (f"At d = {degrees[last]}, " + ", ".join(parts) + f" against "
            f"{fmt(c.test_mse[last])} without it. ")
    strongest = exp.ridge[-1]
    at_best = (f"at d* = {degrees[best]}, λ = {strongest.strength:g} gives "
               f"{fmt(strongest.test_mse[best])} against {fmt(c.test_mse[best])}")
    knob = "λ is itself a complexity knob, to be chosen like d"
    if np.isclose(strongest.test_mse[best], c.test_mse[best], rtol=1e-9, atol=c.floor):
        return text + f"At d* it changes nothing. {knob}."
    if strongest.test_mse[best] > c.test_mse[best]:
        return text + f"Too strong a penalty adds bias instead: {at_best}; {knob}."
    return text + f"Even d* gains a little: {at_best}. {knob}."


def _cross_validation(s, exp: Experiment) -> None:  # type: ignore[no-untyped-def]
    c, degrees, repeats = exp.plain, exp.design.degrees, exp.design.repeats
    if c.cv_mse is None:  # only the plain least-squares curve is cross-validated
        return
    n = exp.design.task.train
    folds = min(CV_FOLDS, n)
    best = c.best_index()
    s.say(f"4. Cross-validation {SHOWN}: choose the degree by the error on points held out "
          f"from the fit, using the training set only. Each training set is split into K = "
          f"{folds} folds Fₖ (point i in fold i mod {folds}); p₋ₖ, fitted without fold k, "
          "predicts it:")
    s.eq(Sym("CV"), Mul((Div(Num(1), Sym("n")), Sym("Σ", "k"), Sym("Σ", "i∈F_k"),
                         squared(Paren(Add((sym("y", "i"), Neg(Call("p₋ₖ", (sym("x", "i"),)))))))),
                        ""))
    mean_cv = c.cv_mse.mean(axis=1)
    chosen = simplest_best(mean_cv, c.floor)
    picks = cv_choice(c)
    text = (f"Averaged over the {repeats} training sets, CV is lowest at d = "
            f"{degrees[chosen]}")
    text += (", the degree the test curve picks" if chosen == best else
             f", while the test curve's best is d* = {degrees[best]}")
    if picks is not None:
        hits = int(np.sum(picks == best))
        text += (f"; on a single training set of {n} points it picks d* in {hits} of "
                 f"{repeats} cases")
    s.say(text + ", without ever looking at the test set.")


def legendre_variable(design: Design) -> str:
    """t = 2(x − a)/(b − a) − 1 written out for the domain: 2x − 1 on [0, 1]."""
    a, z = design.task.domain
    scale, shift = 2 / (z - a), -(a + z) / (z - a)
    return (f"{fmt(scale)}x" if scale != 1 else "x") + (
        f" − {fmt(-shift)}" if shift < 0 else f" + {fmt(shift)}" if shift > 0 else "")


def write_method(b: DerivationBuilder, exp: Experiment) -> None:
    """How the numbers were computed: what a reader needs to reproduce them, briefly."""
    design, task = exp.design, exp.design.task
    order = "the test set, then the training sets" + (
        f", then the n₂ = {design.more_train} sets" if design.more_train else "")
    n, top = task.train, max(design.degrees) + 1
    cv_points = n - -(-n // min(CV_FOLDS, n))  # the fewest points a cross-validation fit sees
    interpolant = (" Where d + 1 > n, the SVD gives the minimum-norm interpolant." if top > n
                   else " A cross-validation fit with fewer points than coefficients uses the "
                   "SVD's minimum-norm interpolant." if top > cv_points else "")
    s = b.step("Method")
    basis = ("the Legendre basis of step 6" if exp.ridge else "the Legendre basis, "
             f"p(x) = Σₖ cₖPₖ(t) with t = {legendre_variable(design)} ∈ [−1, 1]")
    s.say(f"Each fit is computed in {basis}: the same polynomials as 1, x, …, x^d, so the same "
          "least-squares fit, with a well-conditioned design matrix. It is solved by a QR factorisation "
          f"(the normal equations would square the condition number).{interpolant}")
    s.say(f"Estimates from the R = {design.repeats} fits pᵣ, averaged over the test points: "
          "variance = (1/(R − 1))Σᵣ(pᵣ − p̄)², without bias; bias² = (p̄ − f)² − variance/R, "
          "because (p̄ − f)² also holds the sampling variance of p̄, variance/R. Where that "
          "estimate is below variance/R, bias² is too small to measure (—).")
    s.say(f"Data come from numpy's `default_rng({task.seed})`: {order}.")


"""The last exam question — how to prevent overfitting — answered with the strategies the
experiment can run actually run: more data, ridge regularisation, a smaller model and 5-fold
cross-validation; the others are explained and marked as not shown. Also the closing Method
note (basis, solver, the bias² and variance estimators, random stream), kept out of the
answers so that they stay short."""

from __future__ import annotations

import numpy as np

from examsolve.derivation import DerivationBuilder
from examsolve.mathmodel import (Add, Call, Div, Ellipsis_, Expr, Mul, Neg, Num, Paren, Rel, Sym,
                                 Text, add, call, eq, mul, rel, sym)
from examsolve.kinds.complexity_curve.experiment import (CV_FOLDS, Curve, Design, Experiment,
                                                           cv_choice)
from examsolve.kinds.complexity_curve.shape import GOOD_FIT_BAND, simplest_best
from examsolve.kinds.complexity_curve.notation import (BIAS2, D, D_STAR, LAMBDA, N2, X, at_degree,
                                                         decimal, interval, is_, minus, mse_sum,
                                                         number, squared)
from examsolve.kinds.complexity_curve.plot import charts_from_answers, terminal_chart

SHOWN, NOT_SHOWN = "[shown]", "[not shown here]"
# Degrees whose test MSE is within this fraction of a curve's minimum are tied with it.
TIE_BAND = 0.02


def write_prevention(b: DerivationBuilder, exp: Experiment, answers: dict[str, object]) -> None:
    c, degrees, design = exp.plain, exp.design.degrees, exp.design
    last, best = len(degrees) - 1, c.best_index()
    s = b.step("What strategies prevent overfitting?")
    ran: list[str | Expr] = []
    if exp.ridge:
        ran.append(f"ridge on the same {design.repeats} training sets")
    if exp.more is not None:
        ran += [" and " if ran else "", f"more data on {design.repeats} new training sets of ",
                is_(N2, exp.more.train_size)]
    s.say("Overfitting is high variance: too flexible a model for the data it is given. Each "
          "strategy gives the model more data, limits its flexibility, or chooses the "
          "flexibility on data it was not fitted to.",
          *([" Run here, with the mean test MSE of each in the chart: ", *ran, "."] if ran
            else []))
    if exp.ridge or exp.more is not None:
        _, strategies = charts_from_answers(answers)
        s.figure(terminal_chart(strategies, height=16), chart=strategies)

    if exp.more is not None:
        s.say(*_more_data(exp, exp.more))
    else:
        s.say(f"1. More training data {NOT_SHOWN} (`more_data: false` in the spec): more points "
              "pin a flexible model down and lower its variance.")

    if exp.ridge:
        a, z = design.task.domain
        s.say(f"2. Regularisation {SHOWN}: ridge regression (L2, weight decay) adds a penalty "
              "on the coefficients to the training loss: here on the coefficients ", Sym("c"),
              " of ", Sym("p"), " in the Legendre basis, ", legendre_sum(), " with ",
              legendre_variable(design), " (the same polynomials as in step 1, in another "
              "basis); ", sym("c", 0), ", the mean of ", Sym("p"), " over ",
              *interval(number(a), number(z)), ", is not penalised:")
        s.eq(Sym("ĉ"), Call("argmin_c", (Add((
            mse_sum("n", "i", sym("y", "i"), call("p", sym("x", "i"))),
            Mul((Sym("λ"), Sym("Σ", "k≥1"), Sym("c", "k", "2")), ""))),)))
        s.say(*_ridge(exp))
    else:
        norm = Sym("‖c‖")  # the norm bars as a name: the terminal has no other way to write them
        s.say(f"2. Regularisation {NOT_SHOWN} (add `regularisation: [0.001, 0.1]` to the spec "
              "for its curves): a penalty such as ", mul(LAMBDA, squared(norm), op=""),
              " (L2, weight decay) or ", mul(LAMBDA, Sym("‖c‖", "1"), op=""),
              " (L1) on the parameters limits how wildly the fit can bend.")

    if c.regions(degrees).over:
        s.say(f"3. A smaller model {SHOWN}: the degree is the model's size. Choosing ",
              eq(D_STAR, degrees[best]), " instead of ", at_degree(degrees[last]),
              " lowers the mean test MSE from ", number(c.test_mse[last]), " to ",
              number(c.test_mse[best]), ".")
    else:
        s.say(f"3. A smaller model {NOT_SHOWN}: no degree up to {degrees[last]} overfits on "
              "this task, so there is nothing to shrink.")

    _cross_validation(s, exp)

    s.say(f"5–7 {NOT_SHOWN}: early stopping (stop iterative training when the validation "
          "error starts to rise; these fits are closed-form), dropout (zero random units of a "
          "neural network at each training step; polynomials have none) and data "
          "augmentation (add label-preserving transformed copies of the training examples; "
          "this 1-D task has no invariance to use).")


def _good_fit(curve: Curve, degrees: tuple[int, ...]) -> tuple[int, ...]:
    """Degrees within the good-fit band of the curve's minimum."""
    return curve.regions(degrees).good


def _more_data(exp: Experiment, m: Curve) -> list[str | Expr]:
    c, degrees, last = exp.plain, exp.design.degrees, len(exp.design.degrees) - 1
    best, m_best = c.best_index(), m.best_index()
    text: list[str | Expr] = [f"1. More training data {SHOWN}. With ", is_(N2, m.train_size),
                              f" points instead of {c.train_size}, "]
    good, m_good = _good_fit(c, degrees), _good_fit(m, degrees)
    if m_good != good:
        text += [f"the test MSE is within {GOOD_FIT_BAND:.0%} of its minimum at ",
                 at_degree(m_good),
                 " instead of ", at_degree(good), ", and "]
    text += ["at ", at_degree(degrees[last]), " the variance is ", number(m.variance[last]),
             " instead of ", number(c.variance[last]), ": more points pin a flexible model "
             "down. "]
    tied = m.tied(TIE_BAND)
    if len(tied) > 1:
        text += ["Its minimum, ", number(m.test_mse[m_best]), " at ", at_degree(degrees[m_best]),
                 f", is shared within {TIE_BAND:.0%} by ",
                 at_degree(tuple(degrees[i] for i in tied))]
        if best in tied:
            text += [", which include ", eq(D_STAR, degrees[best]), ": the best degree has not "
                     "measurably moved."]
        elif min(tied) > best:
            text += [", all above ", eq(D_STAR, degrees[best]), ", so more data supports a "
                     "more complex model."]
        else:
            text.append(".")
    elif m_best != best:
        text += [f"The best degree moves from {degrees[best]} to {degrees[m_best]} (test MSE ",
                 number(m.test_mse[m_best]), ")."]
    else:
        text += ["The best degree stays ", at_degree(degrees[best]), "."]
    return text


def strength(value: float) -> Rel:
    """λ = 0.001, as the spec wrote it."""
    return eq(LAMBDA, decimal(f"{value:g}"))


def _ridge(exp: Experiment) -> list[str | Expr]:
    c, degrees = exp.plain, exp.design.degrees
    best, last = c.best_index(), len(degrees) - 1
    text: list[str | Expr] = ["At ", at_degree(degrees[last]), ", "]
    for i, r in enumerate(exp.ridge):
        text += [", " if i else "", strength(r.strength), " gives ", number(r.test_mse[last])]
    text += [" against ", number(c.test_mse[last]), " without it. "]
    strongest = exp.ridge[-1]
    at_best = ["at ", eq(D_STAR, degrees[best]), ", ", strength(strongest.strength), " gives ",
               number(strongest.test_mse[best]), " against ", number(c.test_mse[best])]
    knob = [LAMBDA, " is itself a complexity knob, to be chosen like ", D, "."]
    if np.isclose(strongest.test_mse[best], c.test_mse[best], rtol=1e-9, atol=c.floor):
        return text + ["At ", D_STAR, " it changes nothing. ", *knob]
    if strongest.test_mse[best] > c.test_mse[best]:
        return text + ["Too strong a penalty adds bias instead: ", *at_best, "; ", *knob]
    return text + ["Even ", D_STAR, " gains a little: ", *at_best, ". ", *knob]


def _cross_validation(s, exp: Experiment) -> None:  # type: ignore[no-untyped-def]
    c, degrees, repeats = exp.plain, exp.design.degrees, exp.design.repeats
    if c.cv_mse is None:  # only the plain least-squares curve is cross-validated
        return
    n = exp.design.task.train
    folds = min(CV_FOLDS, n)
    best = c.best_index()
    i, k = Sym("i"), Sym("k")
    s.say(f"4. Cross-validation {SHOWN}: choose the degree by the error on points held out "
          "from the fit, using the training set only. Each training set is split into ",
          is_("K", folds), " folds ", sym("F", "k"), " (point ", i, " in fold ",
          Mul((i, Text("mod"), Num(folds)), " "), "); ", Sym("p", "-k"), ", fitted without "
          "fold ", k, ", predicts it:")
    s.eq(Sym("CV"), Mul((Div(Num(1), Sym("n")), Sym("Σ", "k"), Sym("Σ", "i∈F_k"),
                         squared(Paren(Add((sym("y", "i"), Neg(Call("p₋ₖ", (sym("x", "i"),)))))))),
                        ""))
    mean_cv = c.cv_mse.mean(axis=1)
    chosen = simplest_best(mean_cv, c.floor)
    picks = cv_choice(c)
    text: list[str | Expr] = [f"Averaged over the {repeats} training sets, CV is lowest at ",
                              at_degree(degrees[chosen])]
    text += ([", the degree the test curve picks"] if chosen == best else
             [", while the test curve's best is ", eq(D_STAR, degrees[best])])
    if picks is not None:
        hits = int(np.sum(picks == best))
        text += [f"; on a single training set of {n} points it picks ", D_STAR,
                 f" in {hits} of {repeats} cases"]
    s.say(*text, ", without ever looking at the test set.")


def legendre_variable(design: Design) -> Rel:
    """t = 2(x − a)/(b − a) − 1 written out for the domain: t = 2x − 1 on [0, 1]."""
    a, z = design.task.domain
    scale, shift = 2 / (z - a), -(a + z) / (z - a)
    term: Expr = Mul((number(scale), X), "") if scale != 1 else X
    if shift < 0:
        term = minus(term, number(-shift))
    elif shift > 0:
        term = add(term, number(shift))
    return eq(Sym("t"), term)


def legendre_sum() -> Rel:
    """p(x) = Σₖ cₖPₖ(t)."""
    return eq(call("p", "x"), Mul((Sym("Σ", "k"), Sym("c", "k"), call("Pₖ", "t")), ""))


def write_method(b: DerivationBuilder, exp: Experiment) -> None:
    """How the numbers were computed: what a reader needs to reproduce them, briefly."""
    design, task = exp.design, exp.design.task
    order: list[str | Expr] = ["the test set, then the training sets"]
    if design.more_train:
        order += [", then the ", is_(N2, design.more_train), " sets"]
    n, top = task.train, max(design.degrees) + 1
    cv_points = n - -(-n // min(CV_FOLDS, n))  # the fewest points a cross-validation fit sees
    interpolant = ([" Where ", rel(add(D, 1), ">", "n"), ", the SVD gives the minimum-norm "
                    "interpolant."] if top > n
                   else [" A cross-validation fit with fewer points than coefficients uses the "
                         "SVD's minimum-norm interpolant."] if top > cv_points else [])
    s = b.step("Method")
    variable = legendre_variable(design)
    basis: list[str | Expr] = (
        ["the Legendre basis of step 6"] if exp.ridge else
        ["the Legendre basis, ", legendre_sum(), " with ",
         variable, " (from ", Num(-1), " to ", Num(1), ")"])
    powers = Mul((Num(1), X, Ellipsis_(), Sym("x", sup="d")), ", ")
    s.say("Each fit is computed in ", *basis, ": the same polynomials as ", powers, ", so the "
          "same least-squares fit, with a well-conditioned design matrix. It is solved by a QR "
          "factorisation (the normal equations would square the condition number).",
          *interpolant)
    R, variance, p_r, p_bar, f = Sym("R"), Sym("variance"), Sym("p", "r"), Sym("p̄"), Sym("f")
    sampling = Div(variance, R)
    s.say("Estimates from the ", is_(R, design.repeats), " fits ", p_r, ", averaged over the "
          "test points: ",
          eq(variance, Mul((Div(Num(1), minus(R, Num(1))), Sym("Σ", "r"),
                            squared(Paren(minus(p_r, p_bar)))), "")),
          ", without bias; ", eq(BIAS2, minus(squared(Paren(minus(p_bar, f))), sampling)),
          ", because ", squared(Paren(minus(p_bar, f))), " also holds the sampling variance of ",
          p_bar, ", ", sampling, ". Where that estimate is below ", sampling, ", ", BIAS2,
          " is too small to measure (—).")
    s.say(f"Data come from numpy's `default_rng({task.seed})`: ", *order, ".")


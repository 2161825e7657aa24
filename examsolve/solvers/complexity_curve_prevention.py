"""The last exam question — how to prevent overfitting — answered with the strategies the
experiment can run actually run: more data, ridge regularisation, a smaller model and
cross-validation (leave-one-out); the others are explained and marked as not shown."""

from __future__ import annotations

import numpy as np

from examsolve.derivation import DerivationBuilder
from examsolve.mathmodel import Add, Call, Div, Mul, Neg, Num, Paren, Sym, call, sym
from examsolve.solvers.complexity_curve_derivation import fmt, mse_sum, squared
from examsolve.solvers.complexity_curve_experiment import (CV_FOLDS, Experiment, cv_choice,
                                                           regions, simplest_best)
from examsolve.solvers.complexity_curve_plot import charts_from_answers, terminal_chart

SHOWN, NOT_SHOWN = "[shown]", "[not shown here]"


def write_prevention(b: DerivationBuilder, exp: Experiment, answers: dict[str, object]) -> None:
    c, degrees, design = exp.plain, exp.design.degrees, exp.design
    n, last, best = design.task.train, len(degrees) - 1, c.best_index()
    s = b.step("What strategies prevent overfitting?")
    s.say("Overfitting is high variance: too flexible a model for the data it is given. Each "
          "strategy either gives the model more data, limits its flexibility, or chooses the "
          "flexibility on data it was not fitted to. Those this experiment can run were run "
          f"on the same {design.repeats} training sets; the table gives their test MSE.")
    headers = ["d", f"least squares, n = {n}"]
    curves = [c]
    for r in exp.ridge:
        headers.append(f"ridge λ = {r.strength:g}")
        curves.append(r)
    if exp.more is not None:
        headers.append(f"n = {exp.more.train_size}")
        curves.append(exp.more)
    rows = [[str(d)] + [fmt(k.test_mse[i]) for k in curves] for i, d in enumerate(degrees)]
    rows.append(["best d"] + [str(degrees[k.best_index()]) for k in curves])
    rows.append(["its MSE"] + [fmt(k.test_mse[k.best_index()]) for k in curves])
    s.table(headers, rows, caption="test MSE per degree for each strategy")
    if exp.ridge or exp.more is not None:
        _, strategies = charts_from_answers(answers)
        s.figure(terminal_chart(strategies),
                 caption="test MSE vs degree: least squares and the strategies run (log axis).")

    if exp.more is not None:
        m = exp.more
        s.say(f"1. More training data {SHOWN}. With n = {m.train_size} points instead of {n}, "
              f"degree {degrees[last]} has test MSE {fmt(m.test_mse[last])} instead of "
              f"{fmt(c.test_mse[last])} (variance {fmt(m.variance[last])} instead of "
              f"{fmt(c.variance[last])}); the best degree is {degrees[m.best_index()]} with "
              f"test MSE {fmt(m.test_mse[m.best_index()])}. More points pin a flexible model down"
              + (", so more data also supports a more complex model." if
                 m.best_index() > best else "."))
    else:
        s.say(f"1. More training data {NOT_SHOWN} (`more_data: false` in the spec): more points "
              "pin a flexible model down and lower its variance.")

    if exp.ridge:
        s.say(f"2. Regularisation {SHOWN}: ridge regression (L2, weight decay) adds a penalty "
              "on the coefficients to the training loss (the constant c₀ is not penalised),")
        s.eq(Sym("ĉ"), Call("argmin_c", (Add((
            mse_sum("n", "i", sym("y", "i"), call("p", sym("x", "i"))),
            Mul((Sym("λ"), Sym("Σ", "k≥1"), squared(sym("c", "k"))), ""))),)))
        parts = [f"λ = {r.strength:g} gives {fmt(r.test_mse[last])}" for r in exp.ridge]
        strongest = exp.ridge[-1]
        at_best = (f"at d = {degrees[best]}, λ = {strongest.strength:g} gives "
                   f"{fmt(strongest.test_mse[best])} against {fmt(c.test_mse[best])}")
        knob = "λ is itself a complexity knob, to be chosen like d"
        if np.isclose(strongest.test_mse[best], c.test_mse[best], rtol=1e-9, atol=c.floor):
            tail = f"At d = {degrees[best]} it changes nothing ({fmt(c.test_mse[best])}). {knob}."
        elif strongest.test_mse[best] > c.test_mse[best]:
            tail = f"Too strong a penalty adds bias instead: {at_best}; {knob}."
        else:
            tail = (f"Even the best degree gains a little: {at_best}. {knob} (too large a λ "
                    "flattens the fit and adds bias).")
        s.say(f"At d = {degrees[last]}, " + ", ".join(parts) + f" against "
              f"{fmt(c.test_mse[last])} without it. " + tail)
    else:
        s.say(f"2. Regularisation {NOT_SHOWN} (add `regularisation: [0.001, 0.1]` to the spec "
              "for its curves): a penalty such as λ‖c‖² (L2, weight decay) or λ‖c‖₁ (L1) on "
              "the parameters limits how wildly the fit can bend.")

    if regions(c, degrees)[1]:
        s.say(f"3. A smaller model {SHOWN}: the degree is the model's size. Choosing d = "
              f"{degrees[best]} instead of d = {degrees[last]} lowers the test MSE from "
              f"{fmt(c.test_mse[last])} to {fmt(c.test_mse[best])} (fewer parameters, fewer "
              "ways to fit noise).")
    else:
        s.say(f"3. A smaller model {NOT_SHOWN}: no degree up to {degrees[last]} overfits on "
              "this task, so there is nothing to shrink; with higher degrees the test error "
              "would eventually rise and a smaller model would win.")

    _cross_validation(s, exp)

    s.say(f"5. Early stopping {NOT_SHOWN}: when a model is trained iteratively (gradient "
          "descent), stop when the error on a validation set starts to rise. These fits are "
          "solved in closed form, with no iterations to stop.")
    s.say(f"6. Dropout {NOT_SHOWN}: during training, zero a random fraction of a neural "
          "network's units at each step so that no unit can rely on particular others; "
          "polynomials have no units to drop.")
    s.say(f"7. Data augmentation {NOT_SHOWN}: add transformed copies of the training "
          "examples that keep their labels (flips, crops, small noise on images), i.e. more "
          "data from known invariances; this 1-D task has none to use.")


def _cross_validation(s, exp: Experiment) -> None:  # type: ignore[no-untyped-def]
    c, degrees, repeats = exp.plain, exp.design.degrees, exp.design.repeats
    if c.cv_mse is None:  # only the plain least-squares curve is cross-validated
        return
    n = exp.design.task.train
    folds = min(CV_FOLDS, n)
    best = c.best_index()
    s.say(f"4. Cross-validation {SHOWN}: choose the degree by the error on points held out "
          f"from the fit, using the training set only. Each training set is split into K = "
          f"{folds} folds F_k (point i goes to fold i mod {folds}); the fit without fold k, "
          f"p₋ₖ, predicts that fold:")
    s.eq(Sym("CV"), Mul((Div(Num(1), Sym("n")), Sym("Σ", "k"), Sym("Σ", "i∈F_k"),
                         squared(Paren(Add((sym("y", "i"), Neg(Call("p₋ₖ", (sym("x", "i"),)))))))),
                        ""))
    mean_cv = c.cv_mse.mean(axis=1)
    chosen = simplest_best(mean_cv, c.floor)
    picks = cv_choice(c)
    text = (f"Averaged over the {repeats} training sets, the CV MSE is lowest at d = "
            f"{degrees[chosen]} ({fmt(mean_cv[chosen])})")
    text += (", the same degree the test curve picks" if chosen == best else
             f", while the test curve's best is d = {degrees[best]}")
    if picks is not None:
        hits = int(np.sum(picks == best))
        text += (f"; on a single training set of {n} points it picks d = {degrees[best]} "
                 f"in {hits} of {repeats} cases")
    s.say(text + " — without ever looking at the test set.")

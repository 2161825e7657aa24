"""The written solution of a complexity-curve problem, every sentence tied to a measured number.

The exam asks four things — draw training and generalisation error against complexity; what
are over- and underfitting; what are bias and variance; how to prevent overfitting — and each
answer here points at the degrees, columns and curves of the experiment that was just run.
"""

from __future__ import annotations

import numpy as np

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.mathmodel import (Add, Call, Div, Ellipsis_, Expr, Mul, Neg, Num, Paren, Pow,
                                 Sym, add, call, eq, mat, mul, num, sym)
from examsolve.numbers import format_number
from examsolve.problem import Common
from examsolve.solvers.complexity_curve_experiment import (GOOD_FIT_BAND, Experiment, regions,
                                                           simplest_best)
from examsolve.solvers.complexity_curve_plot import charts_from_answers, terminal_chart

KIND = "complexity-curve"


def fmt(value: float) -> str:
    return format_number(float(value))


def degree_list(degrees: tuple[int, ...]) -> str:
    """0–2 for a run, else 0, 2, 5."""
    if len(degrees) > 2 and list(degrees) == list(range(degrees[0], degrees[-1] + 1)):
        return f"{degrees[0]}–{degrees[-1]}"
    return ", ".join(str(d) for d in degrees)


def squared(expr: Expr) -> Pow:
    return Pow(expr, Num(2))


def mse_sum(count: str, index: str, y: Expr, p: Expr) -> Mul:
    """(1/count) Σ_index (y − p)²."""
    return Mul((Div(Num(1), Sym(count)), Sym("Σ", index), squared(Paren(Add((y, Neg(p)))))), "")


def write_solution(common: Common, exp: Experiment) -> Derivation:
    b = DerivationBuilder(KIND, common.title, common.statement, common.source)
    degrees = exp.design.degrees
    under, over = regions(exp.plain, degrees)
    answers = answer_values(exp, under, over)
    _experiment(b, exp)
    _measurements(b, exp, under, over)
    _graph(b, answers, under, over)
    _decomposition(b, exp)
    _over_and_underfitting(b, exp, under, over)
    _bias_and_variance(b, exp, under, over)
    _prevention(b, exp, answers)
    _answers(b, answers)
    return b.build()


def answer_values(exp: Experiment, under: tuple[int, ...],
                  over: tuple[int, ...]) -> dict[str, object]:
    """Every answer value, in the order the answers panel lists them."""
    c, degrees = exp.plain, exp.design.degrees
    values: dict[str, object] = {
        "best_degree": degrees[c.best_index()],
        "train_mse": tuple(c.train_mse), "test_mse": tuple(c.test_mse),
        "bias2": tuple(c.bias2), "variance": tuple(c.variance),
        "degrees": degrees, "noise": exp.noise,
        "underfitting": under or "none", "overfitting": over or "none",
    }
    if exp.ridge:
        values["ridge_strengths"] = tuple(r.strength for r in exp.ridge)
        values["ridge_test_mse"] = tuple(tuple(r.test_mse) for r in exp.ridge)
        values["ridge_best_degree"] = tuple(degrees[r.best_index()] for r in exp.ridge)
    if exp.more is not None:
        values["more_data_train"] = exp.more.train_size
        values["more_data_test_mse"] = tuple(exp.more.test_mse)
        values["more_data_best_degree"] = degrees[exp.more.best_index()]
    if c.cv_mse is not None:
        values["cv_degree"] = degrees[simplest_best(c.cv_mse.mean(axis=1), c.floor)]
    return values


def _experiment(b: DerivationBuilder, exp: Experiment) -> None:
    design, task = exp.design, exp.design.task
    a, z = task.domain
    s = b.step("The experiment: measure the curves instead of sketching them")
    s.say("A sketch from memory is what the question expects; here the curves are measured. "
          "The task is 1-D regression with a known truth: targets are a function of x plus "
          "Gaussian noise,")
    s.eq(Sym("y"), add(call("f", "x"), Sym("ε")))
    s.eq(call("f", "x"), task.function.expr)
    s.say(f"with x uniform on [{fmt(a)}, {fmt(z)}] and ε ~ N(0, σ²), σ = {fmt(task.noise)} "
          f"(σ² = {fmt(task.noise ** 2)}: the noise no model can predict). Data: n = "
          f"{task.train} training points, and one held-out test set of m = {task.test} points "
          f"kept fixed; the training set is drawn afresh R = {design.repeats} times to see how "
          f"the fits vary. Everything comes from numpy's `default_rng({task.seed})` (test set "
          "first, then the training sets), so the numbers below are reproducible.")
    scale, shift = 2 / (z - a), -(a + z) / (z - a)
    t_expr: Expr = mul(num(scale), "x", op="") if scale != 1 else Sym("x")
    if shift != 0:
        t_expr = add(t_expr, num(shift))
    terms = [Mul((sym("c", k), call(f"P{'₀₁'[k]}", "t")), "") for k in (0, 1)]
    s.say(f"Model complexity is the polynomial degree d = {degree_list(design.degrees)} "
          "(d + 1 coefficients). Each polynomial is fitted by least squares, written in the "
          "Legendre basis P_k of t ∈ [−1, 1] — the same functions as 1, x, …, x^d, so the "
          "same fit, but a design matrix that stays well conditioned at high degree:")
    s.eq(call("p", "x"), Add((*terms, Ellipsis_(), Mul((sym("c", "d"), call("P_d", "t")), ""))))
    s.eq(Sym("t"), t_expr)
    s.eq(Sym("ĉ"), Call("argmin_c", (mse_sum("n", "i", sym("y", "i"), call("p", sym("x", "i"))),)))
    s.say("solved with a QR factorisation of the design matrix Φ (never inverting ΦᵀΦ, "
          "whose condition number is the square of Φ's), so high degrees stay finite and "
          "accurate. The errors are the mean squared errors on the training points and on "
          "the test points, averaged over the R training sets:")
    s.eq(Sym("MSE", "train"), mse_sum("n", "i", sym("y", "i"), call("p", sym("x", "i"))))
    s.eq(Sym("MSE", "test"), mse_sum("m", "j", sym("y", "j"), call("p", sym("x", "j"))))
    interpolating = [d for d in design.degrees if d + 1 >= task.train]
    if interpolating:
        s.say(f"Degrees {degree_list(tuple(interpolating))} have d + 1 ≥ n = {task.train} "
              "coefficients: they pass through every training point (training MSE ≈ 0, up to "
              "rounding); for them the SVD pseudo-inverse picks the interpolant with the "
              "smallest coefficients.")


def _measurements(b: DerivationBuilder, exp: Experiment, under: tuple[int, ...],
                  over: tuple[int, ...]) -> None:
    c, degrees = exp.plain, exp.design.degrees
    best = c.best_index()
    s = b.step(f"Measured errors (means over the {exp.design.repeats} training sets)")
    rows = []
    for i, d in enumerate(degrees):
        region = "underfit" if d in under else "overfit" if d in over else \
            "best" if i == best else "good fit"
        total = c.bias2[i] + c.variance[i] + exp.noise
        rows.append([str(d), fmt(c.train_mse[i]), fmt(c.test_mse[i]), fmt(c.bias2[i]),
                     fmt(c.variance[i]), fmt(total), region])
    s.table(["d", "train MSE", "test MSE", "bias²", "variance", "sum", "region"], rows,
            caption=f"sum = bias² + variance + noise, noise = {fmt(exp.noise)} (σ² realised "
                    "on the test set)")
    falls = bool(np.all(np.diff(c.train_mse) <= 1e-12 * max(1.0, float(c.train_mse[0]))))
    s.say(f"Training MSE goes from {fmt(c.train_mse[0])} at d = {degrees[0]} down to "
          f"{fmt(c.train_mse[-1])} at d = {degrees[-1]}"
          + (" and never increases: each degree's models contain the previous degree's, and "
             "least squares on the same points can only fit them at least as well."
             if falls else "."))
    shape = f"Test MSE is lowest, {fmt(c.test_mse[best])}, at d = {degrees[best]}. "
    shape += (f"Below that it is higher ({fmt(c.test_mse[0])} at d = {degrees[0]}); " if under
              else "No smaller degree is measurably worse; ")
    shape += (f"above, it climbs to {fmt(c.test_mse[-1])} at d = {degrees[-1]}." if over
              else f"up to d = {degrees[-1]} no larger degree is measurably worse.")
    shape += (" That is the U shape." if under and over else
              " Only part of the U shape lies in this range of degrees.")
    s.say(shape + f" Convention for the regions: a degree below the best whose test MSE is "
          f"more than {GOOD_FIT_BAND:.0%} above the minimum underfits; such a degree above "
          "the best overfits.")
    s.eq(Sym("d*"), degrees[best])


def _graph(b: DerivationBuilder, answers: dict[str, object], under: tuple[int, ...],
           over: tuple[int, ...]) -> None:
    curve, _ = charts_from_answers(answers)
    s = b.step("The graph: training and generalisation error against complexity")
    marks = []
    if under:
        marks.append(f"underfitting at d = {degree_list(under)} (left of its dotted line)")
    if over:
        marks.append(f"overfitting at d = {degree_list(over)} (right of its dotted line)")
    s.figure(terminal_chart(curve),
             caption="o training MSE, x test (generalisation) MSE, log error axis"
             + ("; " + ", ".join(marks) if marks else "") + ".")
    s.say("The shape to draw: training error falls steadily with complexity; generalisation "
          "error first falls with it, reaches a minimum, then rises again as the gap between "
          "the two curves opens.")


def _decomposition(b: DerivationBuilder, exp: Experiment) -> None:
    c, degrees = exp.plain, exp.design.degrees
    s = b.step("Bias² + variance + noise = test MSE (the check)")
    s.say("For a test point x with target y = f(x) + ε, averaging over training sets D "
          "(p̂ is the model fitted to D, p̄(x) its mean over D):")
    p_hat, p_bar = call("p̂", "x"), call("p̄", "x")
    s.eq(Call("E_D", (squared(Paren(add("y", Neg(p_hat)))),)),
         add(squared(Paren(add(p_bar, Neg(call("f", "x"))))),
             Call("E_D", (squared(Paren(add(p_hat, Neg(p_bar)))),)), squared(Sym("σ"))))
    s.say(f"bias² is the first term and variance the second, each averaged over the {exp.design.task.test} "
          f"test points, with p̄ estimated as the mean of the R = {exp.design.repeats} fits and "
          "the variance taken over the fits (divided by R). In place of σ² the check uses the "
          f"noise actually realised on the test points, mean (y_j − f(x_j))² = {fmt(exp.noise)} "
          f"(σ² = {fmt(exp.design.task.noise ** 2)}). Measured this way the identity is exact "
          "up to one cross term,")
    s.eq(add(Sym("MSE", "test"), Neg(Paren(add("bias²", "variance", "noise")))),
         mul(2, Call("mean_j", (Mul((Paren(add(sym("y", "j"), Neg(call("f", sym("x", "j"))))),
                                     Paren(add(call("f", sym("x", "j")),
                                               Neg(call("p̄", sym("x", "j")))))), ""),))))
    gap = np.abs(c.bias2 + c.variance + exp.noise - c.test_mse) / c.test_mse
    worst = int(np.argmax(gap))
    s.say(f"which has mean 0 and shrinks like 1/√m. Here the column sum matches "
          f"test MSE to within {gap[worst]:.2%} at every degree (largest at d = "
          f"{degrees[worst]}: {fmt(c.bias2[worst] + c.variance[worst] + exp.noise)} against "
          f"{fmt(c.test_mse[worst])}).")
    sampling = c.variance / exp.design.repeats
    low = c.best_index()
    if c.bias2[-1] > 2 * c.bias2[low] and sampling[-1] > 0.25 * c.bias2[-1]:
        s.say(f"The bias² column grows at high degree for a reason of measurement: p̄ is "
              f"a mean of only R = {exp.design.repeats} fits, so its estimate carries about "
              f"variance/R of sampling error — {fmt(sampling[low])} at d = {degrees[low]} but "
              f"{fmt(sampling[-1])} at d = {degrees[-1]}. More repeats shrink it.")


def _over_and_underfitting(b: DerivationBuilder, exp: Experiment, under: tuple[int, ...],
                           over: tuple[int, ...]) -> None:
    c, degrees, noise = exp.plain, exp.design.degrees, exp.noise
    n = exp.design.task.train
    at = {d: i for i, d in enumerate(degrees)}
    best = c.best_index()
    s = b.step("What is underfitting? What is overfitting?")
    text = ("Underfitting: the model is too simple to represent the true function, so it "
            "fits the training data badly and new data just as badly — both errors are high "
            "and close to each other. ")
    if under:
        i = at[under[0]]
        text += (f"Here at d = {degree_list(under)}: at d = {under[0]} the training MSE is "
                 f"{fmt(c.train_mse[i])} and the test MSE {fmt(c.test_mse[i])}"
                 + (f", both far above the noise level {fmt(noise)}."
                    if min(c.train_mse[i], c.test_mse[i]) > 2 * noise else "."))
    else:
        text += f"No degree from {degrees[0]} up underfits measurably on this task."
    s.say(text)
    text = ("Overfitting: the model is flexible enough to fit the noise of its particular "
            "training set, so training error keeps falling while test error rises — the gap "
            "between them opens. ")
    if over:
        i = at[over[-1]]
        fits_noise = (f" is below the noise level {fmt(noise)} — with only n = {n} points "
                      "the model is fitting the noise —" if c.train_mse[i] < noise else "")
        text += (f"Here at d = {degree_list(over)}: at d = {over[-1]} the training MSE "
                 f"{fmt(c.train_mse[i])}{fits_noise} while the test MSE is "
                 f"{fmt(c.test_mse[i])}.")
    else:
        text += f"No degree up to {degrees[-1]} overfits measurably on this task."
    s.say(text)
    s.say(f"{'Between them ' if under and over else ''}d = {degrees[best]} generalises best "
          f"(test MSE {fmt(c.test_mse[best])}, training MSE {fmt(c.train_mse[best])}).")


def _bias_and_variance(b: DerivationBuilder, exp: Experiment, under: tuple[int, ...],
                       over: tuple[int, ...]) -> None:
    c, degrees = exp.plain, exp.design.degrees
    best = c.best_index()
    first, last = 0, len(degrees) - 1
    s = b.step("What is model bias? What is model variance?")
    bias = f"{fmt(c.bias2[first])} at d = {degrees[first]}"
    if degrees[first] in under:
        bias += (f" ({_simplest(degrees[first])} cannot follow f(x): high bias means "
                 "underfitting)")
    if best != first:
        bias += f", {fmt(c.bias2[best])} at d = {degrees[best]}"
    s.say("Bias is the error of the model class itself: how far the average fitted model "
          "p̄(x) — averaged over all training sets one could have drawn — is from the truth "
          f"f(x). It is the bias² column: {bias}.")
    variance = ", ".join(f"{fmt(c.variance[i])} at d = {degrees[i]}"
                         for i in sorted({first, best, last}))
    if degrees[last] in over:
        variance += (" (a flexible model follows the noise of each training set: high "
                     "variance means overfitting)")
    s.say("Variance is how much the fitted model changes from one training set to another: "
          f"the spread of p̂(x) around p̄(x). It is the variance column: {variance}.")
    s.say("Their sum with the noise is the expected test error, so lowering one by changing "
          "the complexity raises the other: the bias–variance trade-off. The best degree is "
          "where their sum is smallest.")


def _simplest(degree: int) -> str:
    return {0: "a constant", 1: "a straight line", 2: "a parabola"}.get(
        degree, f"a degree-{degree} polynomial")


def _prevention(b: DerivationBuilder, exp: Experiment, answers: dict[str, object]) -> None:
    from examsolve.solvers.complexity_curve_prevention import write_prevention

    write_prevention(b, exp, answers)


def _answers(b: DerivationBuilder, values: dict[str, object]) -> None:
    for key in ("best_degree", "train_mse", "test_mse", "bias2", "variance"):
        value = values[key]
        display = None
        if isinstance(value, tuple):
            display = eq(Sym(key), mat(np.array(value, dtype=float).reshape(1, -1)))
        b.answer(key, value, display)
    for key, value in values.items():
        if key not in ("best_degree", "train_mse", "test_mse", "bias2", "variance"):
            flat = isinstance(value, tuple) and not isinstance(value[0], tuple)
            display = eq(Sym(key), mat(np.array(value, dtype=object).reshape(1, -1))) \
                if flat else None
            b.answer(key, value, display, boxed=False)

"""The written solution of a complexity-curve problem, every sentence tied to a measured number.

The exam asks four things — draw training and generalisation error against complexity; what
are over- and underfitting; what are bias and variance; how to prevent overfitting — and each
answer here points at the degrees, columns and curves of the experiment that was just run.
Nothing is asserted that the columns do not show: claims about the shape of the curves, the
balance of bias² and variance, ties and shifts of the best degree are computed, not written in.
"""

from __future__ import annotations

import numpy as np

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.mathmodel import (Add, Call, Ellipsis_, Expr, Mul, Num, Paren, Sym, Text, add,
                                 call, eq, mat, mul, rel, sym)
from examsolve.problem import Common
from examsolve.kinds.complexity_curve.bias_variance import write_bias_and_variance
from examsolve.kinds.complexity_curve.experiment import Curve, Experiment
from examsolve.kinds.complexity_curve.shape import (GOOD_FIT_BAND, Regions, find_regions,
                                                      simplest_best, steps)
from examsolve.kinds.complexity_curve.notation import (BIAS2, D, D_STAR, N2, SIGMA2, X, at_degree,
                                                         decimal, degree_list, degree_range,
                                                         interval, is_, mse_sum, number)
from examsolve.kinds.complexity_curve.plot import charts_from_answers, terminal_chart
from examsolve.kinds.complexity_curve.prevention import write_method, write_prevention

KIND = "complexity-curve"
# A mean resting on one training set is not a stable estimate: flag degrees where the worst
# single training set gives more than this share of the mean test MSE.
DOMINATED_SHARE = 1 / 3


def cell(value: float | None) -> Expr | str:
    """A table entry as math, so document renderers typeset 8.25 × 10⁸; None is `—`."""
    return "—" if value is None else Num(float(value))


def bias2_values(curve: Curve) -> tuple[float | None, ...]:
    """The bias² estimates, None where unresolved (below their sampling error)."""
    return tuple(float(b) if ok else None for b, ok in zip(curve.bias2, curve.resolved))


def write_solution(common: Common, exp: Experiment) -> Derivation:
    b = DerivationBuilder(KIND, common.title, common.statement, common.source)
    degrees = exp.design.degrees
    regions = exp.plain.regions(degrees)
    under, over = regions.under, regions.over
    answers = answer_values(exp, under, over)
    _experiment(b, exp)
    _measurements(b, exp, regions)
    _graph(b, exp, answers, regions)
    _over_and_underfitting(b, exp, under, over)
    write_bias_and_variance(b, exp)
    write_prevention(b, exp, answers)
    write_method(b, exp)
    _answers(b, exp, answers)
    unresolved = tuple(d for d, ok in zip(degrees, exp.plain.resolved) if not ok)
    if unresolved:
        b.warn(BIAS2, " at ", at_degree(unresolved), " is too small to measure against the "
               "variance (step 5): — in the table, null in JSON.")
    return b.build()


def answer_values(exp: Experiment, under: tuple[int, ...],
                  over: tuple[int, ...]) -> dict[str, object]:
    """Every answer value, in the order the answers panel lists them."""
    c, degrees = exp.plain, exp.design.degrees
    best = c.best_index()
    values: dict[str, object] = {
        "best_degree": degrees[best],
        "best_train_mse": float(c.train_mse[best]), "best_test_mse": float(c.test_mse[best]),
        "train_mse": tuple(c.train_mse), "test_mse": tuple(c.test_mse),
        "test_mse_median": tuple(c.test_mse_median),
        "bias2": bias2_values(c), "variance": tuple(c.variance),
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
    s.say("The task is 1-D regression with a known truth: targets are a function of ", X,
          " plus Gaussian noise,")
    s.eq(Sym("y"), add(call("f", "x"), Sym("ε")))
    s.eq(call("f", "x"), task.function.expr)
    more = ((f" (and {design.repeats} more of ", is_(N2, design.more_train), ", for step 6)")
            if design.more_train else ())
    s.say("with ", X, " uniform on ", *interval(number(a), number(z)), " and ",
          Mul((Sym("ε"), call("N", 0, SIGMA2)), " ~ "), ", ", is_(Sym("σ"), task.noise), ": ",
          is_(SIGMA2, task.noise ** 2), " is the error no model can avoid. ",
          is_("R", design.repeats), " training sets of ", is_("n", task.train),
          " points are drawn independently", more, "; one test set of ", is_("m", task.test),
          " points stays fixed. The complexity is the polynomial degree ",
          at_degree(design.degrees), " (", add(D, 1), " coefficients), fitted by least squares:")
    # a for these coefficients: c is kept for the Legendre coefficients ridge penalises (step 6)
    s.eq(call("p", "x"), Add((sym("a", 0), mul(sym("a", 1), "x", op=""), Ellipsis_(),
                              Mul((sym("a", "d"), Sym("x", sup="d")), ""))))
    s.eq(Sym("â"), Call("argmin_a", (mse_sum("n", "i", sym("y", "i"), call("p", sym("x", "i"))),)))
    s.say("The errors are the mean squared errors on the training and on the test points:")
    s.eq(Sym("MSE", "train"), mse_sum("n", "i", sym("y", "i"), call("p", sym("x", "i"))))
    s.eq(Sym("MSE", "test"), mse_sum("m", "j", sym("y", "j"), call("p", sym("x", "j"))))
    interpolating = [d for d in design.degrees if d + 1 >= task.train]
    if interpolating:
        s.say("Degrees ", degree_range(tuple(interpolating)), " have ",
              rel(add(D, 1), "≥", "n", "=", task.train), " coefficients: they pass through "
              "every training point (training ", rel(Text("MSE"), "≈", 0), ", up to rounding).")


def _measurements(b: DerivationBuilder, exp: Experiment, regions: Regions) -> None:
    c, degrees, repeats = exp.plain, exp.design.degrees, exp.design.repeats
    best, median = c.best_index(), c.test_mse_median
    s = b.step(f"Measured errors over the {repeats} training sets")
    rows: list[list[Expr | str]] = []
    bias2 = bias2_values(c)
    for i, d in enumerate(degrees):
        rows.append([str(d), cell(c.train_mse[i]), cell(c.test_mse[i]), cell(median[i]),
                     cell(bias2[i]), cell(c.variance[i]), regions.label(d, degrees[best])])
    s.table(["d", "train MSE", "test MSE", "median", "bias²", "variance", "region"], rows,
            caption=f"means over the {repeats} training sets; median: median test MSE; "
                    "— = bias² too small to measure (step 5)")
    falls = bool(np.all(np.diff(c.train_mse) <= 1e-12 * max(1.0, float(c.train_mse[0]))))
    s.say("Training MSE falls from ", number(c.train_mse[0]), " at ", at_degree(degrees[0]),
          " to ", number(c.train_mse[-1]), " at ", at_degree(degrees[-1]),
          " and never increases: each degree's models contain the previous degree's, so "
          "least squares on the same points fits at least as well." if falls else ".")
    s.say("The best degree ", D_STAR, " is the one with the lowest mean test MSE (the mean over "
          f"the {repeats} training sets; a tie within rounding goes to the simpler model): ",
          eq(D_STAR, degrees[best]), ", mean ", number(c.test_mse[best]), ", median ",
          number(median[best]), ". ", *_mean_either_side(c.test_mse, degrees, best, c.floor))
    # The rounding allowance is stated where it is visible in the band's printed top.
    rounding: list[str | Expr] = (
        [" plus ", number(c.floor), " for rounding"]
        if c.floor > 1e-4 * GOOD_FIT_BAND * c.test_mse[best] else [])
    s.say(f"Regions (a convention): a good fit is a mean test MSE within {GOOD_FIT_BAND:.0%} "
          "of the minimum", *rounding, " (here at most ", number(regions.limit), "); underfitting is every "
          "degree below the first good fit, overfitting every degree above the last, where "
          "the error has left that band for good. ", *_bumps_sentence(regions),
          *shape_sentence(regions, degrees))
    s.say(*_median_sentences(c, degrees, best))
    _dominated(s, exp)


def _mean_either_side(mean: np.ndarray, degrees: tuple[int, ...], best: int,
                      floor: float) -> list[str | Expr]:
    """Below d* the mean is higher at every degree (d* is the first minimum); whether it falls
    at every step, and above d* whether it rises at every step, is read off the column (a
    change within rounding is neither)."""
    last = len(degrees) - 1
    text: list[str | Expr] = []
    if best > 0:
        below = steps(mean, degrees, 0, best, floor)
        if below.rises:
            text += ["Below ", D_STAR, " the mean is higher at every degree but does not fall "
                     "at every step: it rises ", *_pairs(below.rises), ". "]
        elif below.level:
            text += ["Below ", D_STAR, " the mean is higher at every degree and never rises "
                     "by more than rounding. "]
        else:
            text += ["Below ", D_STAR, " the mean falls at every step, from ", number(mean[0]),
                     " at ", at_degree(degrees[0]), ". "]
    if best < last:
        above = steps(mean, degrees, best, last, floor)
        if above.falls:
            text += ["Above ", D_STAR, " it does not rise at every step: it falls ",
                     *_pairs(above.falls), "; at ", at_degree(degrees[last]), " it is ",
                     number(mean[last]), "."]
        elif above.level:
            text += ["Above ", D_STAR, " it never falls by more than rounding; at ",
                     at_degree(degrees[last]), " it is ", number(mean[last]), "."]
        else:
            text += ["Above ", D_STAR, " it rises at every step, to ", number(mean[last]),
                     " at ", at_degree(degrees[last]), "."]
    else:
        text += ["No larger degree was measured."]
    return text


def _pairs(pairs: tuple[tuple[int, int], ...]) -> list[str | Expr]:
    """from d = 1 to 2 and from 5 to 6."""
    text: list[str | Expr] = ["from ", eq(D, pairs[0][0]), f" to {pairs[0][1]}"]
    for a, z in pairs[1:]:
        text.append(f" and from {a} to {z}")
    return text


def _bumps_sentence(regions: Regions) -> list[str | Expr]:
    if not regions.bumps:
        return []
    return ["At ", at_degree(regions.bumps), " the mean is outside the band although a larger "
            "degree is back within it: neither region (“neither” in the table). "]


def shape_sentence(regions: Regions, degrees: tuple[int, ...],
                   lead: str = "So the curve") -> list[str | Expr]:
    """What the mean curve is, by the regions: a U only with both regions and no bump."""
    band = f"{GOOD_FIT_BAND:.0%}"
    top = degrees[-1]
    good = regions.good
    if regions.u_shaped:
        return [f"{lead} is U-shaped: it underfits at ", at_degree(regions.under),
                ", fits well at ", at_degree(good), " and overfits at ",
                at_degree(regions.over), "."]
    if regions.under and regions.over:
        return [f"{lead} is not a clean U: it comes within ", band, " of its minimum at ",
                at_degree(good), ", with a bump between, so there is no single clear "
                "minimum."]
    if regions.under:
        tail = (["and then stays within ", band, " of its minimum up to ", at_degree(top)]
                if not regions.bumps else
                ["and is within ", band, " of its minimum at ", at_degree(good)])
        return [f"{lead} is not U-shaped: the test error falls until ", at_degree(good[0]),
                " ", *tail, ": no overfitting measured."]
    if regions.over:
        return [f"{lead} is not U-shaped: already the simplest model, ",
                at_degree(degrees[0]), f", is within {band} of the minimum, and from ",
                at_degree(regions.over[0]), " on the error is above that band for good: no "
                "underfitting measured."]
    if regions.bumps:
        return [f"{lead} has no clear regions: every degree is within {band} of the "
                "minimum except the bump."]
    return [f"{lead} is flat by this rule: every degree from {degrees[0]} to {top} is "
            f"within {band} of the minimum, no under- or overfitting measured."]


def _median_sentences(c: Curve, degrees: tuple[int, ...], best: int) -> list[str | Expr]:
    """Where the median's minimum is, and where it climbs out of its own band for good."""
    median, last = c.test_mse_median, len(degrees) - 1
    own = find_regions(median, degrees, c.floor)
    text: list[str | Expr] = ["The median test MSE (the typical training set) "]
    if own.best == best:
        text += ["is also lowest at ", D_STAR, ". "]
    else:
        text += ["is lowest at ", at_degree(degrees[own.best]), " (", number(median[own.best]),
                 ", against ", number(median[best]), " at ", D_STAR, "): by the median, ",
                 at_degree(degrees[own.best]), " fits best; ", D_STAR, " is the mean's choice. "]
    if own.over:
        start = degrees.index(own.over[0])
        tail = steps(median, degrees, start - 1, last, c.floor)
        steady = not (tail.falls or tail.level)
        text += ["From ", at_degree(own.over[0]), f" on it stays more than {GOOD_FIT_BAND:.0%} "
                 "above its own minimum, ", "rising at every step" if steady else "rising",
                 " to ", number(median[last]), " at ", at_degree(degrees[last]), "."]
    else:
        text += [f"At {degrees[last]}, the largest degree, it is still within "
                 f"{GOOD_FIT_BAND:.0%} of its own minimum."]
    return text


def _dominated(s, exp: Experiment) -> None:  # type: ignore[no-untyped-def]
    """Where the worst single training set gives much of the mean, the mean is not stable."""
    c, degrees, repeats = exp.plain, exp.design.degrees, exp.design.repeats
    last = len(degrees) - 1
    dominated = tuple(d for d, share in zip(degrees, c.worst_share()) if share > DOMINATED_SHARE)
    # a largest degree that is a good fit has no wild fits to speak of
    if dominated and degrees[last] in dominated and c.test_mse[last] > c.regions(degrees).limit:
        share = c.worst_share()[last]
        worst = int(np.argmax(c.set_test_mse[last]))
        lo, hi = c.x_span[worst]
        a, z = exp.design.task.domain
        s.say("At high degree the mean is dominated by a few training sets. At ",
              at_degree(degrees[last]), f" one of the {repeats} gives {share:.0%} "
              "of it; its points cover only ",
              X, " from ", decimal(f"{lo:.3g}"), " to ", decimal(f"{hi:.3g}"), " of ",
              *interval(number(a), number(z)), ", and the fit extrapolates wildly to test "
              "points outside. At ", at_degree(dominated), " the worst single set gives more "
              "than a third of the mean, so those means are not stable estimates; the median is.")


def _graph(b: DerivationBuilder, exp: Experiment, answers: dict[str, object],
           regions: Regions) -> None:
    curve, _ = charts_from_answers(answers)
    s = b.step("The graph: training and generalisation error against complexity")
    marks = []
    if regions.under:
        marks.append(f"underfitting at d = {degree_list(regions.under)}")
    if regions.over:
        marks.append(f"overfitting at d = {degree_list(regions.over)}")
    s.figure(terminal_chart(curve), caption="Log error axis; dotted lines: "
             + (", ".join(marks) if marks else "no region") + ".", chart=curve)
    s.say("The shape to draw (the textbook picture): training error falls with complexity; "
          "generalisation (test) error falls to a minimum, then rises as the gap between the "
          "two curves opens. ",
          *shape_sentence(regions, exp.design.degrees, "Measured here (step 2), the mean "
                          "test error"))


def _over_and_underfitting(b: DerivationBuilder, exp: Experiment, under: tuple[int, ...],
                           over: tuple[int, ...]) -> None:
    c, degrees = exp.plain, exp.design.degrees
    sigma2 = exp.design.task.noise ** 2
    at = {d: i for i, d in enumerate(degrees)}
    s = b.step("What is underfitting? What is overfitting?")
    text: list[str | Expr] = ["Underfitting: the model is too simple to represent the true "
                              "function, so training and test error are both high. "]
    if under:
        i = at[under[0]]
        text += ["Here ", at_degree(under), ": at ", at_degree(under[0]),
                 " the training MSE is ", number(c.train_mse[i]), " and the test MSE ",
                 number(c.test_mse[i])]
        text += ([", both far above ", is_(SIGMA2, sigma2), "."]
                 if min(c.train_mse[i], c.test_mse[i]) > 2 * sigma2 else ["."])
    else:
        text.append(f"No degree from {degrees[0]} up underfits measurably on this task.")
    s.say(*text)
    text = ["Overfitting: the model is flexible enough to fit the noise of its particular "
            "training set, so training error keeps falling while test error rises. "]
    if over:
        i = at[over[-1]]
        below = c.train_mse[i] < sigma2
        text += ["Here ", at_degree(over), ": at ", at_degree(over[-1]), " the training MSE ",
                 number(c.train_mse[i]), " is "]
        text += (["below ", is_(SIGMA2, sigma2), ", the noise no model can predict, so the "
                  "fit follows the noise; "] if below else ["low; "])
        text += ["the test MSE has median ", number(c.test_mse_median[i]), "."]
    else:
        text.append(f"No degree up to {degrees[-1]} overfits measurably on this task.")
    s.say(*text)


def _answers(b: DerivationBuilder, exp: Experiment, values: dict[str, object]) -> None:
    """Boxed: d*, the errors at d*, and the curves (the issue's keys and the median). Listed:
    what the strategies chose; their whole curves are in the chart of step 6 (and the JSON),
    named there rather than crammed into the list. Every display reads cleanly as text."""
    mse_train, mse_test = Sym("MSE", "train"), Sym("MSE", "test")
    displays: dict[str, Expr] = {
        "best_degree": D_STAR,
        "best_train_mse": Mul((mse_train, Paren(D_STAR)), ""),
        "best_test_mse": Mul((mse_test, Paren(D_STAR)), ""),
        "train_mse": mse_train, "test_mse": mse_test,
        "test_mse_median": Call("median", (mse_test,)), "bias2": Sym("bias²"),
        "variance": Sym("variance"), "degrees": Sym("d"), "noise": Text("realised noise"),
        "underfitting": Text("underfitting at d"), "overfitting": Text("overfitting at d"),
        "ridge_strengths": Sym("λ"), "ridge_best_degree": Call("d*", (Sym("λ"),)),
        "more_data_train": Sym("n", "2"), "more_data_best_degree": Call("d*", (Sym("n", "2"),)),
        "cv_degree": Call("d*", (Text("CV"),)),
    }
    pointers = {"ridge_test_mse": "ridge test MSE by degree: step 6 chart",
                "more_data_test_mse": "more-data test MSE by degree: step 6 chart"}
    boxed = ("best_degree", "best_train_mse", "best_test_mse", "train_mse", "test_mse",
             "test_mse_median", "bias2", "variance")
    listed = [k for k in values if k not in boxed and k not in pointers]
    for key in (*boxed, *listed, *(k for k in pointers if k in values)):
        value = values[key]
        display = (Text(pointers[key]) if key in pointers
                   else eq(displays[key], _value_expr(value)))
        b.answer(key, value, display, boxed=key in boxed)


def _value_expr(value: object) -> Expr:
    """A number, a word, a row of numbers (— for None) or rows of them."""
    if isinstance(value, str):
        return Text(value)
    if not isinstance(value, tuple):
        return Num(value if isinstance(value, int) else float(value))  # type: ignore[arg-type]
    rows = value if value and isinstance(value[0], tuple) else (value,)
    entries = [[Text("—") if v is None else Num(v) for v in row] for row in rows]
    return mat(np.array(entries, dtype=object))

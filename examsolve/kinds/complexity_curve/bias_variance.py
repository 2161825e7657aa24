"""Exam question (c) — what are model bias and variance — answered from the measured columns.

The decomposition is stated with the expectation over training sets D and test noise ε; the
estimators (unbiased: variance over R − 1, bias² less the sampling variance of p̄; written out
in the Method step) are summarised, and a bias² below its own sampling error is called too
small to measure rather than quoted or bounded. What the columns
show about the balance of the two terms is computed here; nothing is claimed that they do not
show (they do not, for instance, move in opposite directions at every step).
"""

from __future__ import annotations

import numpy as np

from examsolve.derivation import DerivationBuilder
from examsolve.mathmodel import Div, Expr, Mul, Neg, Num, Paren, Pow, Sym, add, call, eq, sym
from examsolve.kinds.complexity_curve.experiment import Experiment, parity_about_centre
from examsolve.kinds.complexity_curve.notation import (BIAS2, D, D_STAR, SIGMA2, X, at_degree,
                                                         is_, minus, mse_sum, number, squared)


def expectation(sub: str, arg: Expr) -> Mul:
    """E_sub(arg), the subscript naming what the mean is over."""
    return Mul((Sym("E", sub), Paren(arg)), "")


def write_bias_and_variance(b: DerivationBuilder, exp: Experiment) -> None:
    c, degrees, repeats = exp.plain, exp.design.degrees, exp.design.repeats
    s = b.step("What is model bias? What is model variance?")
    p_hat, p_bar, f = call("p̂", "x"), call("p̄", "x"), call("f", "x")
    s.say("Let ", Sym("p̂"), " be the fit to a random training set ", Sym("D"), " and ",
          eq(p_bar, Mul((Sym("E", "D"), p_hat), "")), " the average fit. For a test point ", X,
          " with target ", eq("y", add(f, Sym("ε"))), " the expected squared error splits in "
          "three:")
    s.eq(expectation("D,ε", squared(Paren(add("y", Neg(p_hat))))),
         add(squared(Paren(add(f, Neg(p_bar)))),
             expectation("D", squared(Paren(add(p_hat, Neg(p_bar))))), Sym("σ", sup="2")))
    unresolved = tuple(d for d, ok in zip(degrees, c.resolved) if not ok)
    s.say(Sym("Bias²"), " (the first term) is how far the average fit is from the truth: the error of "
          "the model class itself. Variance (the second) is how much the fit changes from one "
          "training set to another. The table averages both over the test points, estimated "
          "from the ", is_("R", repeats), " fits (see Method).")
    if unresolved:
        s.say("At ", at_degree(unresolved), " ", BIAS2, " is too small to measure against the "
              "variance: its estimate is below its own sampling error (— in the table).")
    gap = np.abs(c.bias2 + c.variance + exp.noise - c.test_mse) / c.test_mse
    y_j, f_j = sym("y", "j"), call("f", sym("x", "j"))
    cross = Mul((Div(Num(2), Sym("m")), Sym("Σ", "j"), Paren(minus(y_j, f_j)),
                 Paren(minus(f_j, call("p̄", sym("x", "j"))))), "")
    s.say("Check: ", add(BIAS2, Sym("variance"), Sym("noise")), " matches the mean test MSE "
          f"within {gap.max():.2%} at every degree. Here ",
          eq("noise", mse_sum("m", "j", y_j, f_j), number(exp.noise)), ", the ",
          is_(SIGMA2, exp.design.task.noise ** 2), " realised on the test points. The gap is "
          "the cross term ", cross, ", whose mean is 0.")
    _balance(s, exp)
    _bumps(s, exp)


def _balance(s, exp: Experiment) -> None:  # type: ignore[no-untyped-def]
    """What the two columns show on either side of the best degree."""
    c, degrees = exp.plain, exp.design.degrees
    best, last = c.best_index(), len(degrees) - 1
    bias2, var, ok = c.bias2, c.variance, c.resolved
    parts: list[str | Expr] = []
    if best > 0 and np.all(bias2[:best] > var[:best]):
        parts += ["Below ", D_STAR, " ", BIAS2, " is the larger term at every degree: high "
                  "bias is underfitting. "]
    if best < last and np.all(~ok[best + 1:] | (bias2[best + 1:] < var[best + 1:])):
        grows = "grows" if np.all(np.diff(var[best:]) > 0) else "goes"
        parts += ["From ", D_STAR, f" on variance {grows} from ", number(var[best]), " to ",
                  number(var[last]), " at ", at_degree(degrees[last]), ", while ",
                  *_bias_above_best(exp), ": high variance is overfitting. "]
    total = np.where(ok, bias2, np.inf) + var
    balanced = bool(np.all(ok[: best + 1]) and int(np.argmin(total)) == best)
    if balanced:
        parts += ["The best degree balances the two: ", add(BIAS2, Sym("variance")),
                  " is smallest at ", D_STAR, ". "]
    rise: list[tuple[int, int]] = []
    fall: list[tuple[int, int]] = []
    for i in range(1, len(degrees)):
        if ok[i] and ok[i - 1]:
            up_b, up_v = bias2[i] > bias2[i - 1], var[i] > var[i - 1]
            if up_b and up_v:
                rise.append((degrees[i - 1], degrees[i]))
            elif not up_b and not up_v:
                fall.append((degrees[i - 1], degrees[i]))
    if rise or fall:
        parts += ["But they" if balanced else "They", " do not trade off at every step: "]
        for word, pairs in (("rise", rise), ("fall", fall)):
            if not pairs:
                continue
            if word == "fall" and rise:
                parts.append("; ")
            parts += [f"both {word} from ", eq(D, pairs[0][0]), f" to {pairs[0][1]}"]
            for a, z in pairs[1:]:
                parts.append(f" and from {a} to {z}")
        parts.append(".")
    if parts:
        if isinstance(parts[-1], str):
            parts[-1] = parts[-1].rstrip()
        s.say(*parts)


def _bias_above_best(exp: Experiment) -> list[str | Expr]:
    """What the bias² column shows from d* on, claiming a bound only where it was measured:
    an unresolved estimate can be large (it is lost in a larger variance), so no bound over
    the resolved degrees covers it."""
    c, degrees = exp.plain, exp.design.degrees
    tail = range(c.best_index(), len(degrees))
    measured = tuple(degrees[i] for i in tail if c.resolved[i])
    lost = tuple(degrees[i] for i in tail if not c.resolved[i])
    if not measured:
        return [BIAS2, " is too small to measure against it"]
    bound = max(float(c.bias2[i]) for i in tail if c.resolved[i])
    text: list[str | Expr] = (
        [BIAS2, " is ", number(bound), " at ", at_degree(measured[0])] if len(measured) == 1
        else [BIAS2, " is at most ", number(bound), " at ", at_degree(measured)])
    if lost:
        text += [" and too small to measure at ", at_degree(lost)]
    return text


def _bumps(s, exp: Experiment) -> None:  # type: ignore[no-untyped-def]
    """Below the best degree, an added degree that raised the test MSE, and why."""
    c, degrees = exp.plain, exp.design.degrees
    best = c.best_index()
    parity = parity_about_centre(exp.design.task)
    a, z = exp.design.task.domain
    centre = number((a + z) / 2)
    for i in range(1, best + 1):
        if degrees[i] != degrees[i - 1] + 1 or c.test_mse[i] <= c.test_mse[i - 1]:
            continue
        if not (c.resolved[i] and c.resolved[i - 1]) or c.variance[i] <= c.variance[i - 1]:
            continue
        d = degrees[i]
        text: list[str | Expr] = [
            f"Adding degree {d} raised the test MSE (", number(c.test_mse[i - 1]), " to ",
            number(c.test_mse[i]), "): the new term adds variance (",
            number(c.variance[i - 1]), " to ", number(c.variance[i]), ") "]
        text += ["without reducing " if c.bias2[i] >= c.bias2[i - 1] else
                 "and lowers ", BIAS2, " (" if c.bias2[i] >= c.bias2[i - 1] else " by less (",
                 number(c.bias2[i - 1]), " to ", number(c.bias2[i]), ")."]
        useless = "even" if parity == "odd" else "odd" if parity == "even" else None
        if useless and d % 2 == (0 if useless == "even" else 1):
            mirrored = minus(number(a + z), X) if a + z != 0 else Neg(X)
            image = call("f", "x")
            term = Pow(X if a + z == 0 else Paren(minus(X, centre)), Num(d))
            text += [" Here ", Sym("f"), f" is {parity} about ", eq(X, centre), " (",
                     eq(call("f", mirrored), Neg(image) if parity == "odd" else image),
                     "), while the new term ", term, f" is {useless} about it: it has "
                     "nothing of ", Sym("f"), " to fit."]
        s.say(*text)

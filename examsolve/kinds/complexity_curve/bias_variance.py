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
from examsolve.mathmodel import Expr, Mul, Neg, Paren, Sym, add, call
from examsolve.kinds.complexity_curve.narration import (degree_list, fmt, squared,
                                                             superscript)
from examsolve.kinds.complexity_curve.experiment import Experiment, parity_about_centre


def expectation(sub: str, arg: Expr) -> Mul:
    """E_sub(arg), the subscript naming what the mean is over."""
    return Mul((Sym("E", sub), Paren(arg)), "")


def write_bias_and_variance(b: DerivationBuilder, exp: Experiment) -> None:
    c, degrees, repeats = exp.plain, exp.design.degrees, exp.design.repeats
    s = b.step("What is model bias? What is model variance?")
    s.say("Let p̂ be the fit to a random training set D and p̄(x) = E_D p̂(x) the average fit. "
          "For a test point x with target y = f(x) + ε the expected squared error splits in "
          "three:")
    p_hat, p_bar, f = call("p̂", "x"), call("p̄", "x"), call("f", "x")
    s.eq(expectation("D,ε", squared(Paren(add("y", Neg(p_hat))))),
         add(squared(Paren(add(f, Neg(p_bar)))),
             expectation("D", squared(Paren(add(p_hat, Neg(p_bar))))), Sym("σ", sup="2")))
    unresolved = tuple(d for d, ok in zip(degrees, c.resolved) if not ok)
    s.say("Bias² (the first term) is how far the average fit is from the truth: the error of "
          "the model class itself. Variance (the second) is how much the fit changes from one "
          f"training set to another. The table averages both over the test points, estimated "
          f"from the R = {repeats} fits (see Method).")
    if unresolved:
        s.say(f"At d = {degree_list(unresolved)} bias² is too small to measure against the "
              "variance: its estimate is below its own sampling error (— in the table).")
    gap = np.abs(c.bias2 + c.variance + exp.noise - c.test_mse) / c.test_mse
    s.say(f"Check: bias² + variance + noise matches the mean test MSE within {gap.max():.2%} "
          "at every degree. Here noise = mean (yⱼ − f(xⱼ))² = "
          f"{fmt(exp.noise)}, the σ² = {fmt(exp.design.task.noise ** 2)} realised on the test "
          "points. The gap is the cross term 2·mean (yⱼ − f(xⱼ))(f(xⱼ) − p̄(xⱼ)), whose mean "
          "is 0.")
    _balance(s, exp)
    _bumps(s, exp)


def _balance(s, exp: Experiment) -> None:  # type: ignore[no-untyped-def]
    """What the two columns show on either side of the best degree."""
    c, degrees = exp.plain, exp.design.degrees
    best, last = c.best_index(), len(degrees) - 1
    bias2, var, ok = c.bias2, c.variance, c.resolved
    parts = []
    if best > 0 and np.all(bias2[:best] > var[:best]):
        parts.append("Below d* bias² is the larger term at every degree: high bias is "
                     "underfitting.")
    if best < last and np.all(~ok[best + 1:] | (bias2[best + 1:] < var[best + 1:])):
        grows = "grows" if np.all(np.diff(var[best:]) > 0) else "goes"
        parts.append(f"From d* on variance {grows} from {fmt(var[best])} to {fmt(var[last])} "
                     f"at d = {degrees[last]}, while {_bias_above_best(exp)}: high variance is "
                     "overfitting.")
    total = np.where(ok, bias2, np.inf) + var
    balanced = bool(np.all(ok[: best + 1]) and int(np.argmin(total)) == best)
    if balanced:
        parts.append("The best degree balances the two: bias² + variance is smallest at d*.")
    rise, fall = [], []
    for i in range(1, len(degrees)):
        if ok[i] and ok[i - 1]:
            up_b, up_v = bias2[i] > bias2[i - 1], var[i] > var[i - 1]
            if up_b and up_v:
                rise.append(f"{degrees[i - 1]} to {degrees[i]}")
            elif not up_b and not up_v:
                fall.append(f"{degrees[i - 1]} to {degrees[i]}")
    if rise or fall:
        steps = []
        if rise:
            steps.append("both rise from d = " + " and from ".join(rise))
        if fall:
            steps.append("both fall from d = " + " and from ".join(fall))
        parts.append(("But they" if balanced else "They") + " do not trade off at every "
                     "step: " + "; ".join(steps) + ".")
    if parts:
        s.say(" ".join(parts))


def _bias_above_best(exp: Experiment) -> str:
    """What the bias² column shows from d* on, claiming a bound only where it was measured:
    an unresolved estimate can be large (it is lost in a larger variance), so no bound over
    the resolved degrees covers it."""
    c, degrees = exp.plain, exp.design.degrees
    tail = range(c.best_index(), len(degrees))
    measured = tuple(degrees[i] for i in tail if c.resolved[i])
    lost = tuple(degrees[i] for i in tail if not c.resolved[i])
    if not measured:
        return "bias² is too small to measure against it"
    bound = max(float(c.bias2[i]) for i in tail if c.resolved[i])
    text = (f"bias² is {fmt(bound)} at d = {measured[0]}" if len(measured) == 1 else
            f"bias² is at most {fmt(bound)} at d = {degree_list(measured)}")
    if lost:
        text += f" and too small to measure at d = {degree_list(lost)}"
    return text


def _bumps(s, exp: Experiment) -> None:  # type: ignore[no-untyped-def]
    """Below the best degree, an added degree that raised the test MSE, and why."""
    c, degrees = exp.plain, exp.design.degrees
    best = c.best_index()
    parity = parity_about_centre(exp.design.task)
    a, z = exp.design.task.domain
    centre = fmt((a + z) / 2)
    for i in range(1, best + 1):
        if degrees[i] != degrees[i - 1] + 1 or c.test_mse[i] <= c.test_mse[i - 1]:
            continue
        if not (c.resolved[i] and c.resolved[i - 1]) or c.variance[i] <= c.variance[i - 1]:
            continue
        d = degrees[i]
        text = (f"Adding degree {d} raised the test MSE ({fmt(c.test_mse[i - 1])} to "
                f"{fmt(c.test_mse[i])}): the new term adds variance ({fmt(c.variance[i - 1])} "
                f"to {fmt(c.variance[i])}) ")
        text += (f"without reducing bias² ({fmt(c.bias2[i - 1])} to {fmt(c.bias2[i])})."
                 if c.bias2[i] >= c.bias2[i - 1] else
                 f"and lowers bias² by less ({fmt(c.bias2[i - 1])} to {fmt(c.bias2[i])}).")
        useless = "even" if parity == "odd" else "odd" if parity == "even" else None
        if useless and d % 2 == (0 if useless == "even" else 1):
            mirrored = f"{fmt(a + z)} − x" if a + z != 0 else "−x"
            sign = "−" if parity == "odd" else ""
            power = superscript(d)
            term = f"x{power}" if a + z == 0 else f"(x − {centre}){power}"
            text += (f" Here f is {parity} about x = {centre} (f({mirrored}) = {sign}f(x)), "
                     f"while the new term {term} is {useless} about it: it has nothing of f "
                     "to fit.")
        s.say(text)

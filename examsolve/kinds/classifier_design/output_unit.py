"""The output unit of the ReLU net: a sigmoid (p = σ(s), predict the positive class when
p > 0.5) or a threshold (y = step(s) ∈ {1, 0} or sign(s) ∈ {1, −1}, y = 1 the positive class,
s = 0 decided by `at_zero`), its conventions as the derivation states them, and the output
value of one point."""

from __future__ import annotations

from fractions import Fraction

from examsolve.derivation import StepBuilder
from examsolve.mathmodel import Div, Expr, Neg, Num, Pow, Sym, add, call, eq, rel
from examsolve.kinds.classifier_design.net import Forward, sigmoid
from examsolve.kinds.classifier_design.spec import ClassifierSpec


def output_symbol(spec: ClassifierSpec) -> Expr:
    """p = σ(s) for a sigmoid output, y = step(s) or sign(s) for a threshold output."""
    return Sym("p") if spec.output == "sigmoid" else Sym("y")


def output_value(spec: ClassifierSpec, r: Forward) -> Expr:
    """The output for one point: p (a float) or the thresholded y, at_zero where s = 0."""
    if spec.output == "sigmoid":
        return Num(r.p)
    low = 0 if spec.output == "step" else -1
    return Num(1 if r.s > 0 else low if r.s < 0 else spec.at_zero)


def needs(spec: ClassifierSpec, positive: bool) -> str:
    """The relation s needs to 0 for a class: strict, except where at_zero gives s = 0 to it."""
    zero_is_positive = spec.predicted(Fraction(0)) == spec.positive
    if positive:
        return "≥" if zero_is_positive else ">"
    return "≤" if spec.output != "sigmoid" and not zero_is_positive else "<"


def sigmoid_convention(st: StepBuilder, spec: ClassifierSpec, design: bool) -> None:
    s, p = Sym("s"), Sym("p")
    st.eq(Sym("p"), call("σ", Sym("s")), sigmoid_formula())
    half = Num(Fraction(1, 2))
    st.say(f"It predicts `{spec.positive}` when ", rel(p, ">", half), ". ", Sym("σ"),
           " is increasing with ", eq(call("σ", 0), half), ", so ", rel(p, ">", half),
           " exactly when ", rel(s, ">", 0), f": `{spec.positive}` needs ", rel(s, ">", 0),
           f", `{spec.negative}` needs ", rel(s, "<", 0), ". At ", eq(s, 0), " (", eq(p, half),
           ") a point is on the boundary and gets no class.")
    if design:
        st.say("To stay clear of the boundary the design asks ", rel(call("abs", s), "≥", 1),
               " at every point: then ",
               rel(p, "≥", call("σ", 1), "=", Num(sigmoid(Fraction(1)))),
               f" for every `{spec.positive}` and ",
               rel(p, "≤", call("σ", -1), "=", Num(sigmoid(Fraction(-1)))),
               f" for every `{spec.negative}`.")


def threshold_convention(st: StepBuilder, spec: ClassifierSpec, design: bool) -> None:
    """y = step(s) (1 or 0) or sign(s) (1 or −1); the class of y = 1 is the positive one."""
    s, y = Sym("s"), Sym("y")
    low = 0 if spec.output == "step" else -1
    st.eq(y, call(spec.output, s))
    at_zero = spec.positive if spec.at_zero == 1 else spec.negative
    st.say(call(spec.output, s), " is 1 for ", rel(s, ">", 0), " and ", Num(low), " for ",
           rel(s, "<", 0), "; at exactly ", eq(s, 0), " it is ", Num(spec.at_zero),
           " (the convention at_zero = ", Num(spec.at_zero), ", so ", eq(s, 0),
           f" counts as `{at_zero}`). "
           f"Output ", eq(y, 1), f" is `{spec.positive}`, ", eq(y, Num(low)),
           f" is `{spec.negative}`: `{spec.positive}` needs ", rel(s, needs(spec, True), 0),
           f", `{spec.negative}` needs ", rel(s, needs(spec, False), 0), ".")
    if design:
        st.say("To stay clear of ", eq(s, 0), " (where only the convention decides) the "
               "design asks ",
               rel(call("abs", s), "≥", 1), " at every point.")


def sigmoid_formula() -> Expr:
    return Div(Num(1), add(Num(1), Pow(Sym("e"), Neg(Sym("s")))))

"""The data of a classifier-design problem as its question sheet shows it: the labelled
points, the network's form and, in check mode, the network to check."""

from __future__ import annotations

from fractions import Fraction

from examsolve.derivation import Step, StepBuilder
from examsolve.kinds.classifier_design.explain import coordinate_names, point_expr, point_number
from examsolve.kinds.classifier_design.spec import ClassifierSpec
from examsolve.kinds.classifier_design.threshold_derive import threshold_question
from examsolve.kinds.classifier_design.threshold_spec import ThresholdSpec
from examsolve.mathmodel import Sym, add, call, eq, mat, mul, rel


def question(spec: ClassifierSpec | ThresholdSpec) -> tuple[Step, ...]:
    """The points as a table (number, coordinates, class); the two-layer network; its
    parameters when the spec gives a network to check. A threshold-unit problem shows its
    units' definition and the function (truth table or region), as its solution's first step."""
    if isinstance(spec, ThresholdSpec):
        steps = threshold_question(spec)
        if spec.function == "region" and spec.points:  # the points the network is checked on
            check = StepBuilder("The points to check")
            check.table(["x", "class"], [[point_expr(pt.x), pt.label] for pt in spec.points])
            steps = (*steps, check.build())
        return steps
    step = StepBuilder("The data")
    coordinates = coordinate_names(spec)
    step.say(f"{len(spec.points)} points ", eq(Sym("x"), call("", *coordinates))
             if len(coordinates) > 1 else Sym("x"),
             f" of two classes, `{spec.negative}` and `{spec.positive}`:")
    step.table(["i", "x", "class"], [[point_number(spec, i), point_expr(pt.x), pt.label]
                                     for i, pt in enumerate(spec.points)])
    if spec.dimension == 2:
        from examsolve.kinds.classifier_design.derive import points_figure

        text, caption, chart = points_figure(spec)
        step.figure(text, caption, chart=chart)
    if spec.output == "sigmoid":
        step.say("The network has a hidden ReLU layer and a sigmoid output; it predicts "
                 f"`{spec.positive}` when ", rel(Sym("p"), ">", Fraction(1, 2)), ":")
    else:
        step.say(f"The network has a hidden ReLU layer and a {spec.output} output (",
                 eq(call(spec.output, 0), spec.at_zero), f"); it predicts `{spec.positive}` "
                 "when ", eq(Sym("y"), 1), ":")
    step.eq(Sym("h"), call("ReLU", add(mul(Sym("W", "1"), Sym("x"), op=""), Sym("b", "1"))))
    step.eq(Sym("s"), add(mul(Sym("w", "2"), Sym("h"), op="·"), Sym("b", "2")))
    if spec.output == "sigmoid":
        step.eq(Sym("p"), call("σ", Sym("s")))
    else:
        step.eq(Sym("y"), call(spec.output, Sym("s")))
    if spec.model is not None:
        model = spec.model
        step.say("The network to check:")
        step.eq(Sym("W", "1"), mat(model.W1, summarise=False))
        step.eq(Sym("b", "1"), mat(model.b1, summarise=False))
        step.eq(Sym("w", "2"), mat(model.w2, summarise=False))
        step.eq(Sym("b", "2"), model.b2)
    return (step.build(),)

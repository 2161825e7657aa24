"""The data of a perceptron problem as its question sheet shows it: the training rows as a
table, the start, the rule and the run's length — nothing of the run."""

from __future__ import annotations

from examsolve.derivation import Cell, Step, StepBuilder
from examsolve.kinds.perceptron.spec import PerceptronSpec
from examsolve.mathmodel import eq, num, row, sym


def question(spec: PerceptronSpec) -> tuple[Step, ...]:
    """The rows (x₁ … xₙ, t), then w, b or θ, η, the rule and how long it runs."""
    data = StepBuilder("The training set")
    if spec.truth_table:
        data.say(f"The truth table of {spec.truth_table.upper()} on {spec.inputs} inputs, "
                 f"{spec.encoding} encoding, presented in this order:")
    else:
        data.say(f"The rows, {spec.encoding} targets, presented in this order:")
    headers = [f"x{i + 1}" for i in range(spec.inputs)] + ["t"]
    rows: list[list[Cell]] = [[num(v) for v in p.x] + [num(p.t)] for p in spec.points]
    data.table(headers, rows)
    start = StepBuilder("The unit and its start")
    # the start is w₀, b₀ (or θ₀): the trained w, b are the answers
    offset = sym("θ", 0) if spec.threshold else sym("b", 0)
    start.say("Start from ", eq(sym("w", 0), row(spec.weights)), ", ", eq(offset, num(spec.offset)),
              " and learning rate ", eq(sym("η"), num(spec.lr)), ".")
    start.say(f"Rule: {spec.rule}; activation: {spec.activation} (value {spec.at_zero} at a "
              f"net input of 0); " + (f"until an epoch makes no error, at most {spec.epochs} "
                                      "epochs." if spec.until_converged else
                                      f"{spec.epochs} epoch{'s' if spec.epochs != 1 else ''}."))
    return (data.build(), start.build())

"""The data of an optimizer problem as its question sheet shows it: the model's lines as
math, the start values, the data as a table, the optimizer and its options — or, for an
exponentially weighted average, the sequence and β. Nothing of the run."""

from __future__ import annotations

import numpy as np

from examsolve import mathmodel as m
from examsolve.derivation import Cell, Step, StepBuilder
from examsolve.kinds.optimizer import notation as n
from examsolve.kinds.optimizer.narration import NAMES, SYMBOLS
from examsolve.kinds.optimizer.spec import OptimizerSpec


def _value(matrix: tuple) -> m.Expr:
    return n.value(np.array(matrix, dtype=object))


def question(spec: OptimizerSpec) -> tuple[Step, ...]:
    """The model and its start (or the sequence), then the optimizer, its options and the
    number of steps."""
    if spec.optimizer == "ewma":
        step = StepBuilder("The sequence")
        step.say("The sequence ", m.eq(m.Sym("θ"), m.row(spec.sequence)), ", averaged with ",
                 m.eq(n.BETA, m.num(spec.option("beta"))), " from ",
                 m.eq(m.Sym("v", "0"), m.num(0)),
                 ", with bias correction." if spec.option("bias_correction") else ".")
        return (step.build(),)
    model = StepBuilder("The model")
    for line in spec.lines:
        model.eq(n.symbol(line.name), n.line_math(line.expr))
    model.say("The loss is ", n.symbol(spec.loss), ".")
    start = StepBuilder("The start and the data")
    for name, matrix in spec.given:
        start.eq(n.symbol(name), _value(matrix))
    for name, matrix in spec.parameters:
        start.eq(n.at(name, 0), _value(matrix))
    if spec.data:
        names = [name for name, _ in spec.data[0]]
        rows: list[list[Cell]] = [[str(k + 1)] + [_value(dict(sample)[name]) for name in names]
                                  for k, sample in enumerate(spec.data)]
        start.table(["sample", *names], rows)
        start.say("Batches: " + ("all samples at once (full batch)." if spec.batch is None
                                 else f"{spec.batch} sample{'s' if spec.batch != 1 else ''} "
                                      "per step, in this order."))
    run = StepBuilder("The optimizer")
    # a weight decay of 0 (the default) is no option worth stating
    options = [part for key, value in spec.options
               if key in SYMBOLS and not (key == "weight_decay" and value == 0)
               for part in (", ", m.eq(SYMBOLS[key], m.num(value)))][1:]
    length = f"{spec.steps} step{'s' if spec.steps != 1 else ''}" if spec.epochs is None \
        else f"{spec.epochs} epoch{'s' if spec.epochs != 1 else ''}"
    run.say(f"{NAMES[spec.optimizer]}, {length}, with ", *options, ".")
    return model.build(), start.build(), run.build()

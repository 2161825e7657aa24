"""The data of a complexity-curve problem as its question sheet shows it: the regression
task and the models the experiment fits (the exam's sketch questions need no more)."""

from __future__ import annotations

from examsolve.derivation import Cell, Step, StepBuilder
from examsolve.kinds.complexity_curve.spec import ComplexityCurveSpec
from examsolve.mathmodel import Call, Sym, add, eq


def question(spec: ComplexityCurveSpec) -> tuple[Step, ...]:
    """y = f(x) + ε with its noise, sizes and seed; the degrees, repeats and ridge strengths."""
    design = spec.design
    task = design.task
    step = StepBuilder("The task")
    step.say("A 1-D regression task: ", eq(Sym("y"), add(Call("f", (Sym("x"),)), Sym("ε"))),
             " with")
    step.eq(Call("f", (Sym("x"),)), task.function.expr)
    degrees = design.degrees
    rows: list[list[Cell]] = [["noise", f"Gaussian, standard deviation {task.noise:g}"],
            [Sym("x"), f"uniform on [{task.domain[0]:g}, {task.domain[1]:g}]"],
            ["training points", str(task.train)],
            ["test points", str(task.test)],
            ["seed", str(task.seed)],
            ["models", f"least-squares polynomials of degree {degrees[0]} to {degrees[-1]}"
             if list(degrees) == list(range(degrees[0], degrees[-1] + 1)) else
             "least-squares polynomials of degree " + ", ".join(map(str, degrees))],
            ["training sets", f"{design.repeats} (to measure the bias and the variance)"]]
    if design.strengths:
        rows.append(["ridge strengths", ", ".join(f"{s:g}" for s in design.strengths)])
    if design.more_train:
        rows.append(["a larger training set", f"{design.more_train} points"])
    step.table(["setting", "value"], rows)
    return (step.build(),)

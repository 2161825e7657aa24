"""Question sheets: a problem's statement and data, numbered like its solution, with its
marks, and nothing of the solution.

A question sheet is written in the same model as a solution — a Derivation, with no answers
— so every printer that sets a solution sets a sheet. Its steps are the kind's own
picture of the data (`question.py` in the kind's package, through `kinds.question`); a kind
without one gets its statement alone, which is how an exam states it anyway. The problem is
solved first all the same: the sheet's marks name answer keys, and a key the problem does
not answer is bad input on the sheet too.
"""

from __future__ import annotations

from fractions import Fraction

from examsolve import kinds
from examsolve.derivation import Cell, Derivation, Mark, Step, StepBuilder, marks_text
from examsolve.problem import Problem, solve


def sheet(problem: Problem) -> Derivation:
    """The question sheet of a loaded problem (solving it to check its marks)."""
    return question_of(problem, solve(problem))


def question_of(problem: Problem, solution: Derivation) -> Derivation:
    """The question sheet of a problem whose solution is `solution` (its marks are taken
    from there, already checked against the answers)."""
    common = problem.common
    own = kinds.question(common.kind, problem.spec)
    steps = list(own) if own is not None else data_as_written(problem)
    if solution.marks:
        steps.append(marks_step(solution.marks, solution.total_marks()))
    elif common.statement is None:  # nothing says what is asked (a variant drops a
        steps.append(asked_step(solution))  # statement that writes the original's numbers)
    return Derivation(kind=common.kind, title=common.title, steps=tuple(steps), answers=(),
                      statement=common.statement, source=common.source,
                      marks=solution.marks)


def data_as_written(problem: Problem) -> list[Step]:
    """For a kind without its own sheet: the spec's data keys (the kind's KEYS, never
    `expected`) as the spec writes them, in a YAML block."""
    import yaml

    common = problem.common
    try:
        data = yaml.safe_load(open(common.file, encoding="utf-8"))
    except (OSError, yaml.YAMLError):  # a spec given as text: the statement alone
        return []
    keys = kinds.kind(common.kind).KEYS
    shown = {k: v for k, v in data.items() if k in keys} if isinstance(data, dict) else {}
    if not shown:
        return []
    step = StepBuilder("The data")
    step.code(yaml.safe_dump(shown, sort_keys=False, allow_unicode=True).rstrip(), "yaml")
    return [step.build()]


def asked_step(solution: Derivation) -> Step:
    """What to find, for a sheet with no statement: the boxed answers' keys as `expected`
    writes them (the names only, never a value)."""
    keys = [a.key for a in solution.answers if a.boxed] or [a.key for a in solution.answers]
    step = StepBuilder("To find")
    step.say("Give " + ", ".join(keys) + ".")
    return step.build()


def marks_step(marks: tuple[Mark, ...], total: Fraction | None) -> Step:
    """A table of each part's answers, by their keys as written in `expected` (plain words:
    `dL/dW` is a key, not a formula), and its marks."""
    step = StepBuilder("Marks")
    rows: list[list[Cell]] = []
    for mark in marks:
        rows.append([mark.label or "", ", ".join(mark.keys),
                     marks_text(mark.value) if mark.value is not None else ""])
    if total is not None:
        rows.append(["total", "", marks_text(total)])
    step.table(["part", "answers", "marks"], rows)
    return step.build()

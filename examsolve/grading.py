"""`examsolve grade SPEC submissions/ --csv marks.csv`: every student's answer file marked
(verdict.py) and scored, one CSV row per student with the first wrong step.

The points per answer come from the spec's `points:` mapping (answer key → points) when it
has one, else one point per answer the problem gives. An answer that is right or follows
from the student's own earlier answers (error carried forward) earns its points; a wrong or
missing one earns none. A submission that cannot be read is a row with its error, not the
end of the run.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from examsolve.derivation import Derivation
from examsolve.errors import SpecError
from examsolve.numbers import format_number
from examsolve.problem import Problem
from examsolve.spec import compose_file
from examsolve.verdict import Verdict, check_answers

MAX_SUBMISSIONS = 2000


@dataclass(frozen=True)
class Grade:
    student: str
    points: tuple[tuple[str, Fraction], ...]  # per graded key
    verdict: Verdict | None
    error: str | None = None

    @property
    def total(self) -> Fraction:
        return sum((p for _, p in self.points), Fraction(0))


def points_of(problem: Problem, derivation: Derivation) -> tuple[tuple[str, Fraction], ...]:
    """The spec's `points:` (answer key → points) if present, else 1 per answer."""
    node = compose_file(Path(problem.file))
    if "points" in node and node["points"].is_mapping:
        out = []
        for key, child in node["points"].items():
            value = child.number()
            if not isinstance(value, Fraction) or value < 0:
                raise child.error("expected points ≥ 0 (a whole number or a fraction)")
            out.append((key, value))
        return tuple(out)
    return tuple((a.key, Fraction(1)) for a in derivation.answers)


def grade(problem: Problem, derivation: Derivation, folder: Path) -> tuple[
        tuple[tuple[str, Fraction], ...], list[Grade]]:
    """Every *.yaml/*.yml in `folder` (in name order), marked and scored."""
    scheme = points_of(problem, derivation)
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise SpecError("no *.yaml or *.yml answer files in this folder", str(folder))
    if len(files) > MAX_SUBMISSIONS:
        raise SpecError(f"{len(files)} submissions; at most {MAX_SUBMISSIONS} at once",
                        str(folder))
    grades = []
    for file in files:
        try:
            verdict = check_answers(problem, derivation, file)
        except SpecError as exc:
            grades.append(Grade(file.stem, tuple((k, Fraction(0)) for k, _ in scheme), None,
                                str(exc)))
            continue
        ok = {row.key for row in verdict.rows if row.ok}
        grades.append(Grade(file.stem, tuple((k, p if k in ok else Fraction(0))
                                             for k, p in scheme), verdict))
    return scheme, grades


def marks_csv(scheme: tuple[tuple[str, Fraction], ...], grades: list[Grade]) -> str:
    """student, total, out of, one column per graded answer, first wrong step, error."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "total", "out_of", *(k for k, _ in scheme), "first_wrong",
                     "error"])
    out_of = sum((p for _, p in scheme), Fraction(0))
    for g in grades:
        first = g.verdict.first_wrong if g.verdict is not None else None
        where = "" if first is None else \
            f"{first.key} (step {first.step})" if first.step else first.key
        writer.writerow([g.student, format_number(g.total), format_number(out_of),
                         *(format_number(p) for _, p in g.points), where, g.error or ""])
    return out.getvalue()

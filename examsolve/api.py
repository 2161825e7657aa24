"""The Python API: `examsolve.solve(path_or_yaml) -> Solution`, for notebooks and scripts.

A thin shell over load → solve → render, like the CLI: the same loader, solvers and
renderers, the same SpecError messages. `Solution` displays itself in Jupyter (Markdown with
$…$ math, or the HTML page's body).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from examsolve.derivation import AnswerValue, Derivation
from examsolve.problem import Problem


@dataclass(frozen=True)
class Solution:
    """A solved spec: its derivation, answers and warnings, and its renderings."""

    problem: Problem
    derivation: Derivation

    @property
    def file(self) -> str:
        return self.problem.file

    @property
    def exact_answers(self) -> dict[str, AnswerValue]:
        """Answer key → value as the solver keeps it: Fractions where exact, nested tuples
        for matrices, strings for words, None for undetermined."""
        return self.derivation.answer_map()

    @property
    def answers(self) -> dict[str, Any]:
        """Answer key → a float, a float numpy array (a column answer is 1-D), a word."""
        return {k: _numeric(v) for k, v in self.exact_answers.items()}

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.derivation.warnings

    def to_markdown(self, answers_only: bool = False) -> str:
        from examsolve.render import Format, document

        return document(Format.markdown, [(self.derivation, self.file)], answers_only,
                        single=True)

    def to_latex(self, standalone: bool = False, answers_only: bool = False) -> str:
        from examsolve.render import Format, document

        return document(Format.latex, [(self.derivation, self.file)], answers_only,
                        standalone, single=True)

    def to_html(self, answers_only: bool = False) -> str:
        """A standalone HTML page, math as MathML, no JavaScript."""
        from examsolve.render import html

        return html.render_document([(self.derivation, self.file)], answers_only)

    def check(self, my_answers: Mapping[str, object] | str | Path) -> "Verdict":
        """Mark answers (a dict, YAML text, or a path to a YAML file) as `examsolve check
        SPEC --answers` does: rows in computation order, the first wrong step, slips."""
        from examsolve.verdict import mark, read_answers

        if isinstance(my_answers, Path) or (isinstance(my_answers, str) and
                                            "\n" not in my_answers and
                                            my_answers.endswith((".yaml", ".yml"))):
            return mark(self.problem, self.derivation, read_answers(Path(my_answers)),
                        str(my_answers))
        if isinstance(my_answers, str):
            text = my_answers
        else:
            import yaml

            text = yaml.safe_dump({k: _yaml_value(v) for k, v in my_answers.items()},
                                  sort_keys=False)
        return mark(self.problem, self.derivation, read_answers(text=text, file="<answers>"),
                    "<answers>")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        from examsolve.render import html

        return html.fragment([(self.derivation, self.file)])


def _numeric(value: AnswerValue) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, tuple):
        arr = np.array(value, dtype=object)
        if any(v is None or isinstance(v, str) for v in arr.reshape(-1)):
            return arr
        return arr.astype(float)
    return float(value)


def _yaml_value(value: object) -> object:
    """A Python/numpy answer as YAML can carry it; floats as their repr, so the digits the
    student typed are the digits marked."""
    if isinstance(value, np.ndarray):
        return _yaml_value(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_yaml_value(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    return str(value)


def solve(path_or_yaml: str | Path) -> Solution:
    """Load and solve a spec: a path to a .yaml file, or the YAML text itself.

    Bad input raises examsolve.SpecError with the CLI's one-line message."""
    from examsolve.problem import load, load_string, solve as solve_problem

    looks_like_text = isinstance(path_or_yaml, str) and ("\n" in path_or_yaml or
                                                          ":" in path_or_yaml and
                                                          not Path(path_or_yaml).exists())
    problem = load_string(path_or_yaml) if looks_like_text else load(path_or_yaml)
    import warnings

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return Solution(problem, solve_problem(problem))


def kinds() -> dict[str, str]:
    """Every problem kind and the one line on what it solves (also `examsolve.kinds()`)."""
    from examsolve.kinds import summaries

    return summaries()


if TYPE_CHECKING:
    from examsolve.verdict import Verdict

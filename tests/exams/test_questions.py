"""Question sheets: the data of every spec, numbered like the solutions, and nothing of them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.derivation import answer_display
from examsolve.problem import load, solve
from examsolve.questions import question_of
from examsolve.render import Format, document
from examsolve.render.latex_math import latex_math
from examsolve.render.textmath import linear

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"
SPECS = sorted(PROBLEMS.glob("*.yaml"))
runner = CliRunner()


def _solved(path: Path):
    problem = load(path)
    solution = solve(problem)
    return solution, question_of(problem, solution)


def _given_keys(path: Path) -> set[str]:
    """Names the spec itself gives values for (a check-mode network's W1, b1, …): such an
    answer is data, which the sheet must show."""
    def walk(node: object) -> set[str]:
        if isinstance(node, dict):
            return {str(k) for k in node} | set().union(*map(walk, node.values()))
        return set()
    spec = yaml.safe_load(path.read_text())
    return set().union(*(walk(v) for k, v in spec.items()
                         if k not in ("expected", "marks", "parts")))


def _printed_forms(solution, given: set[str] = frozenset()) -> list[str]:
    """Every boxed answer as the terminal and LaTeX print it (`e = 1`, `X[4,1] = 1`)."""
    forms = []
    for answer in solution.answers:
        if answer.key in given:
            continue
        forms.append(linear(answer_display(answer)))
        forms.append(latex_math(answer_display(answer)).strip())
    return forms


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_sheet_shows_no_answer_in_any_format(path):
    solution, sheet = _solved(path)
    assert sheet.answers == () and sheet.steps, "a sheet has data and no answers"
    for fmt in (Format.rich, Format.markdown, Format.latex, Format.json):
        out = _squash(document(fmt, [(sheet, None)]))
        for form in _printed_forms(solution, _given_keys(path)):
            assert _squash(form) not in out, (fmt, form)
        assert "Answers" not in out and "boxed" not in out


def test_oracle_of_the_leak_check_catches_a_solution():
    # the same search finds the answers in the solution document: the check can fail
    solution, _ = _solved(PROBLEMS / "2-conv-recovery.yaml")
    out = _squash(document(Format.latex, [(solution, None)]))
    assert any(_squash(f) in out for f in _printed_forms(solution))


def test_sheet_data_are_the_spec_values():
    # conv-recovery: the matrices as the spec gives them, lost entries by name
    _, sheet = _solved(PROBLEMS / "2-conv-recovery.yaml")
    out = document(Format.latex, [(sheet, None)])
    assert r"X &= \begin{bmatrix} X[1,1] & X[1,2] & X[1,3] & X[1,4] \\ 1 & 2 & -1 & -2 \\ " \
        r"3 & -1 & 1 & 2 \\ X[4,1] & 0 & 0 & X[4,4] \end{bmatrix}" in out
    assert r"W &= \begin{bmatrix} e & e \\ f & f \end{bmatrix}" in out
    # backprop: the model lines as math, the class by its name
    _, sheet = _solved(PROBLEMS / "3-backprop-two-headed.yaml")
    text = document(Format.rich, [(sheet, None)])
    assert "L = nll(p₁, sanguine) + bce(p₂, 0)" in text and "k = W·x + b" in text


def test_sheet_numbered_like_the_solutions():
    runs = [runner.invoke(app, ["run", str(PROBLEMS), "-f", "markdown"] + extra)
            for extra in ([], ["--questions"])]
    headings = [re.findall(r"^## (Problem \d+: .*)$", r.output, re.M) for r in runs]
    assert headings[0] == headings[1] and len(headings[0]) == len(SPECS)
    assert runs[1].output.startswith("# Questions\n")


def test_sheet_hides_spec_paths_unless_asked(tmp_path):
    spec = str(PROBLEMS / "2-conv-recovery.yaml")
    hidden = runner.invoke(app, ["run", spec, "--questions", "-f", "markdown"])
    shown = runner.invoke(app, ["run", spec, "--questions", "-f", "markdown", "--show-source"])
    assert "2-conv-recovery.yaml" not in hidden.output
    assert "2-conv-recovery.yaml" in shown.output


def test_title_and_page_break():
    result = runner.invoke(app, ["run", str(PROBLEMS), "--questions", "-f", "latex",
                                 "--title", "Sheet 3 & more", "--page-break"])
    assert result.exit_code == 0
    assert r"{\LARGE\bfseries Sheet 3 \& more}" in result.output
    assert result.output.count(r"\clearpage") == len(SPECS) - 1


@pytest.mark.parametrize("args, message", [
    (["--questions", "--answers-only"], "--questions prints no answers"),
    (["--page-break", "-f", "markdown"], "--page-break starts pages in LaTeX"),
])
def test_sheet_option_misuse_exit_2(args, message):
    result = runner.invoke(app, ["run", str(PROBLEMS / "2-conv-recovery.yaml"), *args])
    assert result.exit_code == 2 and message in result.output


def test_marks_table_on_the_sheet(tmp_path):
    spec = tmp_path / "m.yaml"
    spec.write_text((PROBLEMS / "2b-conv-recovery-1d-joint.yaml").read_text()
                    + 'parts: {(a): ["X[2]", "X[3]"], (b): ["Y[1]", "Y[4]"]}\n'
                      'marks: {(a): 3, (b): 1}\n')
    out = runner.invoke(app, ["run", str(spec), "--questions", "-f", "markdown"]).output
    assert "| (a) | X[2], X[3] | 3 marks |" in out
    assert "| total |   | 4 marks |" in out


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_standalone_sheet_of_every_problem_compiles(tmp_path):
    sheet = tmp_path / "sheet.tex"
    result = runner.invoke(app, ["run", str(PROBLEMS), "--questions", "--standalone",
                                 "--page-break", "-o", str(sheet)])
    assert result.exit_code == 0, result.output
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                          sheet.name], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "sheet.pdf").stat().st_size > 1000


def test_a_sheet_without_a_statement_says_what_to_find(tmp_path):
    """A variant drops a statement that writes the original's numbers; its sheet must still
    say what is asked: the answer keys (names from the spec's `expected`), and no values."""
    text = (PROBLEMS / "7b-optimizer-momentum-network.yaml").read_text()
    spec = yaml.safe_load(text)
    del spec["statement"]
    path = tmp_path / "no-statement.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    solution, sheet = _solved(path)
    asked = sheet.steps[-1]
    assert asked.heading == "To find"
    words = " ".join(str(p) for b in asked.blocks for p in b.parts)
    boxed = [key for key in spec["expected"] if "@1" in key]  # the new weights, v(W1)
    assert boxed and all(key in words for key in boxed), words
    assert "L@0" not in words  # an intermediate value is not what is asked
    assert not re.search(r"=|\d\.\d", words)  # names only, no value
    with_statement = question_of(load(PROBLEMS / "7b-optimizer-momentum-network.yaml"),
                                 solution)
    assert all(s.heading != "To find" for s in with_statement.steps)

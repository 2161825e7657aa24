"""classifier-design through the CLI: exit codes and one-line messages naming the line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

runner = CliRunner()

HEAD = "kind: classifier-design\ntitle: t\n"


def invoke(tmp_path, text, *args):
    path = tmp_path / "spec.yaml"
    path.write_text(HEAD + text)
    return runner.invoke(app, ["run", str(path), *args])


@pytest.mark.parametrize("text, message", [
    ("points: |\n  0 0 a\n  1 1 a\n",
     "spec.yaml:3: points: every point is of class 'a': exactly two classes are needed"),
    ("points: |\n  0 0 a\n  1 1 b\n  2 2 c\n",
     "spec.yaml:6: points: a third class 'c'"),
    ("points: |\n  0 0 a\n  1 b\n",
     "spec.yaml:5: points[2]: this point has 1 coordinate(s), the first has 2"),
    ("points: |\n  0 0 a\n  1 x b\n",
     "spec.yaml:5: points[2][2]: expected a number (a coordinate), got 'x'"),
    ("points: |\n  0 0 a\n  1 1 b\n  0 0 b\n",
     "spec.yaml:6: points: point (0, 0) is on line 4 as 'a' and on line 6 as 'b'"),
    ("points:\n  - [0, 0, a]\n  - [1, oops, b]\n",
     "spec.yaml:5: points[2][2]: expected a number (a coordinate), got 'oops'"),
    ("points: |\n  0\n  1\n", "spec.yaml:4: points[1]: a point needs its coordinates"),
    ("points: \"0 nan a; 1 1 b\"\n", "spec.yaml:3: points[1][2]: expected a finite number"),
    ("points: \"0 a; 1 b\"\npositive: c\n", "spec.yaml:4: positive: expected one of a, b"),
    ("points: \"0 a; 1 b\"\nhidden: 0\n", "spec.yaml:4: hidden: expected a whole number ≥ 1"),
    ("points: \"0 0 a; 1 1 b\"\nmodel: {W1: [[1, 2, 3]], b1: [0], w2: [1], b2: 0}\n",
     "spec.yaml:4: model.W1: W1 is H×D: each row needs 2 entries"),
    ("points: \"0 0 a; 1 1 b\"\nmodel: {W1: [[1, 2]], b1: [0, 1], w2: [1], b2: 0}\n",
     "spec.yaml:4: model.b1: b1 needs 1 entry"),
    ("points: \"0 0 a; 1 1 b\"\nmodel: {W1: [[1, 2]], b1: [0], w2: [1]}\n",
     "spec.yaml:4: model: missing required key 'b2'"),
    ("points: \"0 a; 1 b\"\nhidden: 2\nmodel: {W1: [[1]], b1: [0], w2: [1], b2: 0}\n",
     "spec.yaml:4: hidden: hidden is 2 but the model has 1 hidden units"),
    ("points: \"0 a; 1 b\"\npoint: 3\n", "spec.yaml:4: point: unknown key 'point'"),
])
def test_bad_input_exit_2_names_the_line(tmp_path, text, message):
    result = invoke(tmp_path, text)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("examsolve: ")
    assert message in lines[0]


def test_one_unit_for_xor_is_unsolvable_exit_1(tmp_path):
    result = invoke(tmp_path, "points: |\n  0 0 o\n  1 1 o\n  0 1 x\n  1 0 x\nhidden: 1\n")
    assert result.exit_code == 1
    assert "one hidden unit cannot classify these points" in result.output


def test_wrong_student_model_is_a_result_exit_0():
    result = runner.invoke(app, ["run", "problems/1b-classifier-check.yaml", "--format",
                                 "json"])
    assert result.exit_code == 0
    answers = json.loads(result.output)["answers"]
    assert answers["correct"] == 4


def test_exam_spec_runs_and_checks():
    result = runner.invoke(app, ["run", "problems/1-classifier-design.yaml"])
    assert result.exit_code == 0
    assert "x₁ − x₂ = 0" in result.output and "All 5 points are classified correctly" in \
        result.output
    result = runner.invoke(app, ["check", "problems/1-classifier-design.yaml",
                                 "problems/1b-classifier-check.yaml"])
    assert result.exit_code == 0, result.output


def test_template_runs_and_checks():
    result = runner.invoke(app, ["check", "examsolve/kinds/classifier_design/template.yaml"])
    assert result.exit_code == 0, result.output

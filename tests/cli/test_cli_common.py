"""The CLI's shared behaviour: exit codes and one-line errors for bad input."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.kinds import KINDS

runner = CliRunner()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_kinds_lists_every_registered_kind():
    result = runner.invoke(app, ["kinds"])
    assert result.exit_code == 0
    for kind in KINDS:
        assert kind in result.output


@pytest.mark.parametrize("text, message", [
    ("kind: conv-recovry\ntitle: t\n",
     "bad.yaml:1: kind: unknown kind 'conv-recovry'; did you mean 'conv-recovery'?"),
    ("kind: [\n", "bad.yaml:2: invalid YAML"),
    ("title: t\n", "bad.yaml:1: missing required key 'kind'"),
])
def test_run_bad_input_is_one_line_exit_2(tmp_path, text, message):
    path = write(tmp_path, "bad.yaml", text)
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("examsolve: ")
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_missing_file_exit_2(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_empty_folder_exit_2(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path)])
    assert result.exit_code == 2
    assert "no *.yaml or *.yml specs in this folder" in result.output


def test_debug_re_raises(tmp_path):
    path = write(tmp_path, "bad.yaml", "title: t\n")
    result = runner.invoke(app, ["run", str(path), "--debug"])
    assert result.exit_code != 0 and result.exception is not None
    assert "missing required key 'kind'" in str(result.exception)


def test_unknown_format_is_a_usage_error(tmp_path):
    path = write(tmp_path, "x.yaml", "kind: backprop\ntitle: t\n")
    result = runner.invoke(app, ["run", str(path), "--format", "pdf"])
    assert result.exit_code == 2


def test_list_marks_invalid_specs_and_exits_2(tmp_path):
    write(tmp_path, "a.yaml", open("problems/3-backprop-two-headed.yaml").read())
    write(tmp_path, "b.yaml", "kind: nope\ntitle: t\n")
    # Listed as valid only if `run` can read it: a shape error in a model line is caught.
    write(tmp_path, "c.yaml", open("problems/3-backprop-two-headed.yaml").read().replace(
        "k = W @ x + b", "k = W @ W + b"))
    result = runner.invoke(app, ["list", str(tmp_path)], env={"COLUMNS": "250"})
    assert result.exit_code == 2
    assert "Two-headed" in result.output and "Midterm" in result.output
    assert result.output.count("│ invalid") == 2 and "cannot multiply W" in result.output


def test_run_draws_a_complexity_curve_figure(tmp_path):
    out = tmp_path / "curve.svg"
    result = runner.invoke(app, ["run", "problems/6-complexity-curve.yaml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith("<?xml") and "<svg" in out.read_text()


def test_a_figure_of_another_kind_is_bad_input(tmp_path):
    result = runner.invoke(app, ["run", "problems/2-conv-recovery.yaml", "-o",
                                 str(tmp_path / "x.png")])
    assert result.exit_code == 2
    assert "has no chart to draw" in result.output


def test_run_json_one_object_and_an_array_for_several():
    import json

    one = runner.invoke(app, ["run", "problems/2-conv-recovery.yaml", "--format", "json"])
    assert one.exit_code == 0
    doc = json.loads(one.stdout)
    assert list(doc) == ["file", "kind", "title", "answers", "warnings", "steps"]
    assert doc["answers"]["X[1,1]"] is None  # undetermined is null, not a guess
    assert doc["answers"]["e"] == 1 and doc["answers"]["b"] == -1  # the key's values
    both = runner.invoke(app, ["run", "problems/2-conv-recovery.yaml",
                               "problems/3-backprop-two-headed.yaml", "--format", "json"])
    assert both.exit_code == 0
    assert [d["kind"] for d in json.loads(both.stdout)] == ["conv-recovery", "backprop"]


def test_check_mismatch_exits_1(tmp_path):
    text = open("problems/2-conv-recovery.yaml").read()
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(text.replace('"X[4,4]": -2', '"X[4,4]": 2'))
    assert '"X[4,4]": 2' in wrong.read_text()
    result = runner.invoke(app, ["check", str(wrong)])
    assert result.exit_code == 1
    assert "✗" in result.output and result.output.rstrip().endswith("check: 5 passed, 1 failed")


def test_check_names_an_expected_key_the_problem_does_not_answer(tmp_path):
    text = open("problems/2-conv-recovery.yaml").read()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("expected: {", "expected: {g: 3, "))
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 2
    assert "expected.g: no answer named 'g'" in result.output


def test_list_defaults_to_problems_and_shows_sources():
    result = runner.invoke(app, ["list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "2-conv-recovery.yaml" in result.output and "Midterm, problem 2" in result.output


def test_unsolvable_errors_name_their_file(tmp_path):
    spec = write(tmp_path, "incons.yaml", "kind: conv-recovery\ntitle: t\n"
                 "input: [[1, 2, 3]]\noutput: [[3, 6]]\nkernel: [[a, a]]\n")
    result = runner.invoke(app, ["run", str(spec)])
    assert result.exit_code == 1
    assert result.output.startswith(f"examsolve: {spec}: ")


def test_an_internal_error_is_one_line_exit_1(tmp_path, monkeypatch):
    import examsolve.problem

    def broken(problem):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(examsolve.problem, "solve", broken)
    spec = write(tmp_path, "x.yaml", open("problems/2-conv-recovery.yaml").read())
    result = runner.invoke(app, ["run", str(spec)])
    assert result.exit_code == 1
    assert result.output == (f"examsolve: {spec}: internal error (ZeroDivisionError: boom); "
                             "this is a bug in examsolve: --debug shows the traceback\n")


def test_check_keeps_checking_after_an_unknown_expected_key(tmp_path):
    text = open("problems/2-conv-recovery.yaml").read()
    bad = write(tmp_path, "bad.yaml", text.replace("expected: {", "expected: {g: 3, "))
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 2
    assert result.output.rstrip().endswith("check: 6 passed, 1 failed")


def test_check_says_when_there_is_nothing_to_check(tmp_path):
    text = open("problems/2-conv-recovery.yaml").read()
    spec = write(tmp_path, "plain.yaml", text[:text.index("expected:")])
    result = runner.invoke(app, ["check", str(spec)])
    assert result.exit_code == 0
    assert "nothing to check" in result.output


def test_every_command_takes_debug():
    assert runner.invoke(app, ["kinds", "--debug"]).exit_code == 0


def test_run_refuses_to_overwrite_its_own_spec(tmp_path):
    spec = write(tmp_path, "v.yaml", open("problems/2-conv-recovery.yaml").read())
    result = runner.invoke(app, ["run", str(spec), "-o", str(spec), "-f", "json"])
    assert result.exit_code == 2 and "is one of the specs being solved" in result.output
    assert spec.read_text().startswith("kind:")


def test_a_figure_to_a_missing_folder_is_bad_input(tmp_path):
    result = runner.invoke(app, ["run", "problems/6-complexity-curve.yaml", "-o",
                                 str(tmp_path / "missing" / "c.svg")])
    assert result.exit_code == 2 and "cannot write" in result.output


def test_check_counts_a_spec_it_could_not_read_as_failed(tmp_path):
    write(tmp_path, "a.yaml", open("problems/2-conv-recovery.yaml").read())
    write(tmp_path, "b.yaml", "kind: [\n")
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "1 spec(s) could not be checked" in result.output
    assert result.output.rstrip().endswith("check: 6 passed, 1 failed")


def test_expected_key_typos_get_a_hint(tmp_path):
    text = open("problems/2-conv-recovery.yaml").read()
    spec = write(tmp_path, "t.yaml", text.replace('"X[4,1]": 1,', '"X[4, 1]": 1,'))
    result = runner.invoke(app, ["check", str(spec)])
    assert "no answer named 'X[4, 1]'; did you mean 'X[4,1]'?" in result.output


def test_version_and_short_help():
    assert runner.invoke(app, ["--version"]).output.startswith("examsolve ")
    assert "Usage" in runner.invoke(app, ["-h"]).output

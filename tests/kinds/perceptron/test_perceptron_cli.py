"""perceptron through the CLI: bad input is exit 2 with one line naming file, line and path;
a run that does not converge is still exit 0, with its warning."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

runner = CliRunner()

HEAD = "kind: perceptron\ntitle: t\n"


def invoke(tmp_path, text, *args):
    path = tmp_path / "spec.yaml"
    path.write_text(HEAD + text)
    return runner.invoke(app, ["run", str(path), *args])


@pytest.mark.parametrize("text, message", [
    ("epochs: 1\n", "spec.yaml:1: give the training set as points"),
    ("truth_table: xor\npoints: \"0 0 1\"\n", "spec.yaml:1: give the training set as points "
     "(inputs, then the target, one point per line) or as truth_table (and, or, nand, …), "
     "not both"),
    ("truth_table: xorr\n", "spec.yaml:3: truth_table: expected one of and, or, nand, nor, "
     "xor, xnor, majority, got 'xorr'; did you mean 'xor'?"),
    ("truth_table: majority\ninputs: 2\n",
     "spec.yaml:4: inputs: majority needs an odd number of inputs, got 2"),
    ("truth_table: and\ninputs: 11\n", "spec.yaml:4: inputs: expected a whole number ≤ 10"),
    ("points: |\n  0 0 1\n  1 1 2\n",
     "spec.yaml:5: points[2][3]: the target (last entry) is 2; binary targets are 0 or 1"),
    ("points: |\n  0 0 1\n  1 1\n", "spec.yaml:5: points[2]: ragged matrix"),
    ("points: |\n  0 x 1\n", "spec.yaml:4: points[1][2]: expected a number, got 'x'"),
    ("points: \"0 nan 1\"\n", "spec.yaml:3: points[1][2]: expected a finite number"),
    ("points: \"0 0 1; 1 1 -1\"\nencoding: binary\n",
     "spec.yaml:3: points[2][3]: the target (last entry) is -1; binary targets are 0 or 1"),
    ("points: \"0 0 1; 1 1 -1\"\nactivation: step\n",
     "spec.yaml:4: activation: step outputs 0 or 1, but the targets are -1 and 1 (bipolar): "
     "use activation: sign"),
    ("points: [1, 0]\n", "spec.yaml:3: points: expected one point per line"),
    ("points: \"1 1\"\ninputs: 1\n", "spec.yaml:4: inputs: inputs goes with truth_table"),
    ("truth_table: and\nat_zero: -1\n", "spec.yaml:4: at_zero: step(0) is 1 or 0"),
    ("truth_table: and\nat_zero: 2\n", "spec.yaml:4: at_zero: expected a whole number ≤ 1"),
    ("truth_table: and\nweights: [1, 2, 3]\n",
     "spec.yaml:4: weights: weights needs 2 entries (one per input), got 3"),
    ("truth_table: and\nweights: [[1, 2], [3, 4]]\n",
     "spec.yaml:4: weights: weights is a vector, got a 2×2 matrix"),
    ("truth_table: and\nbias: 1\nthreshold: 1\n",
     "spec.yaml:5: threshold: give bias (net = w·x + b) or threshold"),
    ("truth_table: and\nlearn_threshold: false\n",
     "spec.yaml:4: learn_threshold: learn_threshold goes with threshold"),
    ("truth_table: and\nthreshold: 1\nlearn_threshold: no way\n",
     "spec.yaml:5: learn_threshold: expected true or false"),
    ("truth_table: and\nlr: 0\n", "spec.yaml:4: lr: the learning rate must be > 0, got 0"),
    ("truth_table: and\nlr: inf\n", "spec.yaml:4: lr: expected a finite number"),
    ("truth_table: and\nepochs: 2\nuntil: converged\n",
     "spec.yaml:4: epochs: give epochs (run exactly that many) or until: converged"),
    ("truth_table: and\nrule: delta\nuntil: converged\n",
     "spec.yaml:5: until: converged is the perceptron rule's stopping test; the delta "
     "rule has none"),
    ("truth_table: and\nrule: hebb\nuntil: converged\n",
     "spec.yaml:5: until: converged is the perceptron rule's stopping test; Hebb's "
     "rule has none (it updates on every presentation): give epochs"),
    ("truth_table: and\nmax_epochs: 5\nepochs: 2\n",
     "spec.yaml:4: max_epochs: give epochs (run exactly that many) or max_epochs"),
    ("truth_table: and\nrule: hebb\nmax_epochs: 5\n",
     "spec.yaml:5: max_epochs: max_epochs bounds the perceptron rule's run until converged"),
    ("truth_table: and\nuntil: forever\n",
     "spec.yaml:4: until: expected one of converged, got 'forever'"),
    ("truth_table: and\nepochs: 0\n", "spec.yaml:4: epochs: expected a whole number ≥ 1"),
    ("truth_table: and\nrule: delta\nepochs: 600\n",
     "spec.yaml:5: epochs: 4 points × 600 epochs = 2400 presentations: the delta rule is run "
     "for at most 2000"),
    ("truth_table: and\nepochs: 60000\n",
     "spec.yaml:4: epochs: 4 points × 60000 epochs = 240000 presentations: the perceptron "
     "rule is run for at most 200000"),
    ("truth_table: and\nuntil: converged\nmax_epochs: 60000\n",
     "spec.yaml:5: max_epochs: 4 points × 60000 epochs"),
    ("truth_table: and\nlr: 1e-300\n",
     "spec.yaml:4: lr: the numbers' common denominator has about 300 digits"),
    ("truth_table: and\nrule: perceptrn\n",
     "spec.yaml:4: rule: expected one of perceptron, hebb, delta, got 'perceptrn'; did you "
     "mean 'perceptron'?"),
    ("truth_table: and\nepoch: 3\n", "spec.yaml:4: epoch: unknown key 'epoch'; did you mean "
     "'epochs'?"),
    ("points: |\n  1 1\n  -100 1\nrule: delta\nlr: 1\nepochs: 1000\n",
     "spec.yaml:8: epochs: the delta rule's exact net input passed 1500 digits at "
     "presentation"),
])
def test_bad_input_exit_2_names_the_line(tmp_path, text, message):
    result = invoke(tmp_path, text)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("examsolve: "), result.output
    assert message in lines[0]


def test_not_converging_is_exit_0_with_a_warning(tmp_path):
    result = invoke(tmp_path, "truth_table: xnor\nencoding: bipolar\nuntil: converged\n"
                    "max_epochs: 7\n", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["answers"]["converged"] is False and out["answers"]["epochs"] == 7
    assert out["warnings"] == ["not converged after 7 epochs: the classes are not linearly "
                               "separable"]


def test_expected_booleans_are_checked(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(HEAD + "truth_table: or\nexpected:\n  converged: false\n")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1 and "0 passed, 1 failed" in result.output
    path.write_text(HEAD + "truth_table: or\nexpected:\n  converged: true\n")
    assert runner.invoke(app, ["check", str(path)]).exit_code == 0


def test_a_yes_no_answer_is_not_a_number(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(HEAD + "truth_table: or\nexpected:\n  converged: 1\n")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1 and "0 passed, 1 failed" in result.output


def test_weights_past_the_largest_float_still_get_their_picture(tmp_path):
    """The review's crash: a diverging delta rule (η = 5) on 2 inputs grew weights past
    1.8e308, and the region chart's float() raised OverflowError (exit 1, internal error)."""
    from fractions import Fraction

    text = ("points: |\n  0 0 -1\n  1 1 1\nweights: [0, 0]\n"
            "bias: 0\nrule: delta\nlr: 5\nepochs: 400\nactivation: sign\n")
    result = invoke(tmp_path, text, "--format", "json")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.output)["answers"]
    # The rule by hand, in fractions: w ← w + η(t − net)x, b ← b + η(t − net).
    w, b = [Fraction(0), Fraction(0)], Fraction(0)
    for _ in range(400):
        for x, t in (((0, 0), -1), ((1, 1), 1)):
            err = 5 * (t - (w[0] * x[0] + w[1] * x[1] + b))
            w = [w[0] + err * x[0], w[1] + err * x[1]]
            b += err
    assert abs(b) > Fraction(10) ** 309
    assert Fraction(answers["b"]) == b and [Fraction(v) for v in answers["w"]] == w
    out = tmp_path / "sheet.md"
    assert invoke(tmp_path, text, "-o", str(out)).exit_code == 0
    assert list((tmp_path / "sheet_files").glob("*.svg"))

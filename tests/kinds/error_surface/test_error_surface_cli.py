"""Bad error-surface specs through the CLI: exit 2 and one line naming the file, the line and
the path inside the spec, with what to do about it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

runner = CliRunner()

BASE = "kind: error-surface\ntitle: t\nparameters: [x, y]\n"


def fails(tmp_path, body: str, head: str = BASE) -> str:
    spec = tmp_path / "bad.yaml"
    spec.write_text(head + body)
    result = runner.invoke(app, ["run", str(spec)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0].removeprefix(f"examsolve: {spec}:")


@pytest.mark.parametrize("function, message", [
    ("exp(x) + y**2", "4: function: not allowed in the function: the function call 'exp(x)': "
                      "error-surface finds stationary points exactly, which needs a polynomial"),
    ("x**0.5 + y", "4: function: not allowed in the function: the exponent 0.5 (a polynomial "
                   "needs a whole number from 0 to 40)"),
    ("x**-1 + y", "the exponent -1 (a polynomial needs a whole number"),
    ("x/y", "4: function: not allowed in the function: division by an expression of the "
            "parameters"),
    ("x**y", "the exponent y (a polynomial needs a whole number"),
    ("x^2 + y", "not allowed in the function: '^' (write powers as **, e.g. x**2)"),
    ("x**2 + z", "not allowed in the function: the name 'z' (the parameters are x, y)"),
    ("x**2 +", "cannot parse the function 'x**2 +'"),
    ("__import__('os')", "not allowed in the function: the function call"),
    ("x.real", "attribute access (.)"),
    ("(x + y)**41", "the exponent 41"),
    ("x**4*y", "degree 5 in 2 variables is more than 4"),
    ("x**3*y + 100*x", "the coefficient 100 has more than 2 digits"),
    ("x/0", "division by zero"),
])
def test_bad_functions(tmp_path, function, message):
    line = fails(tmp_path, f"function: \"{function}\"\n")
    assert message in line
    assert line.startswith("4: function: ")


@pytest.mark.parametrize("body, message", [
    ("function: x*y\nlr: 0\n", "5: lr: expected a learning rate η > 0, got 0"),
    ("function: x*y\nlr: -0.1\n", "5: lr: expected a learning rate η > 0, got -0.1"),
    ("function: x*y\nlr: inf\n", "5: lr: expected a learning rate η > 0, got inf"),
    ("function: x*y\nat: {x: 1}\n", "5: at: missing required key 'y'"),
    ("function: x*y\nat: {x: 1, y: 2, z: 3}\n", "5: at.z: unknown key 'z'; expected one of: x, y"),
    ("function: x*y\nat: [1, 2, 3]\n", "5: at: expected 2 coordinates (x, y), got 3"),
    ("function: x*y\nat: {x: 1, y: nan}\n", "5: at.y: expected a finite number, got nan"),
    ("function: x*y\nstart: [1, 2]\n", "5: start: start is where gradient descent starts: "
                                       "give lr as well"),
    ("function: x*y\nlearning_rate: 0.1\n", "5: learning_rate: unknown key 'learning_rate'"),
])
def test_bad_keys(tmp_path, body, message):
    assert fails(tmp_path, body).startswith(message)


@pytest.mark.parametrize("params, message", [
    ("[x, x]", "3: parameters[2]: the parameter 'x' is listed twice"),
    ("[]", "3: parameters: expected at least one parameter name"),
    ("[a, b, c, d, e, f, g]", "3: parameters: at most 6 parameters, got 7"),
    ("[x, 2y]", "3: parameters[2]: expected a name (letters, digits, _), got '2y'"),
    ("[x, lr]", "3: parameters[2]: 'lr' names something else in the derivation"),
])
def test_bad_parameters(tmp_path, params, message):
    head = f"kind: error-surface\ntitle: t\nparameters: {params}\n"
    assert fails(tmp_path, "function: x\n", head).startswith(message)


def test_a_one_variable_degree_above_the_limit(tmp_path):
    line = fails(tmp_path, "function: x**25 + y**2\n")
    assert line.startswith("4: function: degree 25 in x is more than 24")


def test_too_many_terms_once_multiplied_out(tmp_path):
    head = "kind: error-surface\ntitle: t\nparameters: [a, b, c, d, e, g]\n"
    line = fails(tmp_path, "function: (a + b + c + d + e + g + 1)**8\n", head)
    assert "more than 400 terms once multiplied out" in line


def test_no_stationary_point_checks_against_an_empty_list(tmp_path):
    spec = tmp_path / "none.yaml"
    spec.write_text(BASE + "function: x**2 + y\nexpected:\n  stationary: []\n  minimum: null\n"
                           "  argmin: null\n")
    result = runner.invoke(app, ["check", str(spec)])
    assert result.exit_code == 0 and "check: 3 passed, 0 failed" in result.output
    spec.write_text(BASE + "function: x**2 + y**2\nexpected:\n  stationary: []\n")
    assert runner.invoke(app, ["check", str(spec)]).exit_code == 1  # (0, 0) is one

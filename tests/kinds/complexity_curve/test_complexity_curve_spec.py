"""complexity-curve input: the whitelisted function parser and every bad spec → exit 2."""

from __future__ import annotations

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.render.textmath import linear
from examsolve.kinds.complexity_curve.target import ExpressionError, parse_function

X = np.linspace(0.05, 0.95, 19)


@pytest.mark.parametrize("text, reference, shown", [
    ("sin(2*pi*x)", lambda x: np.sin(2 * math.pi * x), "sin(2·π·x)"),
    ("x**3 - x + 1", lambda x: x ** 3 - x + 1, "x³ − x + 1"),
    ("-x/2", lambda x: -x / 2, "−x/2"),
    ("+x - -1", lambda x: x + 1, "x − (−1)"),
    ("exp(-x)*cos(6*x)", lambda x: np.exp(-x) * np.cos(6 * x), "exp(−x)·cos(6·x)"),
    ("sqrt(abs(x - 0.5)) + log(x) + tanh(e*x)",
     lambda x: np.sqrt(np.abs(x - 0.5)) + np.log(x) + np.tanh(math.e * x),
     "sqrt(|x − 0.5|) + log(x) + tanh(e·x)"),
    ("2**x**2", lambda x: 2 ** (x ** 2), "2^(x²)"),
    ("1e-3*x", lambda x: 1e-3 * x, "0.001·x"),
    ("3", lambda x: np.full_like(x, 3.0), "3"),
])
def test_parse_evaluates_and_shows(text, reference, shown):
    fn = parse_function(text)
    np.testing.assert_allclose(fn(X), reference(X), rtol=1e-15)
    assert fn(X).shape == X.shape
    assert linear(fn.expr) == shown


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('true')", "the function '__import__('os').system'"),
    ("x.real", "attribute access"),
    ("y + 1", "the name 'y'"),
    ("sin", "'sin' without an argument"),
    ("sin(x, 2)", "takes exactly one argument"),
    ("x^2", "write powers as **"),
    ("x % 2", "allowed: + - * / **"),
    ("x if x else 1", "if/else"),
    ("lambda: 1", "lambda"),
    ("'x'", "only real numbers"),
    ("True", "only real numbers"),
    ("1j*x", "only real numbers"),
    ("x[0]", "indexing"),
    ("x < 1", "comparisons"),
    ("not x", "allowed: unary minus"),
    ("sin(x", "cannot parse"),
    ("", "empty"),
    ("x + " * 200 + "x", "longer than"),
    ("(" * 40 + "x" + ")" * 40 + "+1" * 60, "more than"),
    ("1e999*x", "too large"),
])
def test_parse_refuses(text, message):
    with pytest.raises(ExpressionError, match=None) as info:
        parse_function(text)
    assert message in str(info.value)


def test_parse_never_evaluates():
    """A refused expression has no side effects: the call is never made."""
    calls = []
    import builtins

    original = builtins.__import__

    def spy(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    builtins.__import__ = spy
    try:
        with pytest.raises(ExpressionError):
            parse_function("__import__('antigravity')")
    finally:
        builtins.__import__ = original
    assert "antigravity" not in calls


GOOD = """kind: complexity-curve
title: t
task:
  function: sin(2*pi*x)
  noise: 0.3
  train: 20
  test: 100
  seed: 0
models:
  family: polynomial
  degrees: 0..5
repeats: 5
regularisation: [0, 1e-3]
more_data: 40
"""


def run(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["run", str(path), "--format", "json"])
    return result, str(path)


def test_good_spec_runs(tmp_path):
    result, _ = run(tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert '"best_degree"' in result.output


@pytest.mark.parametrize("old, new, where, message", [
    ("function: sin(2*pi*x)", "function: __import__('os')", "4: task.function",
     "not allowed in the function"),
    ("function: sin(2*pi*x)", "function: x^2", "4: task.function", "write powers as **"),
    ("function: sin(2*pi*x)", "function: sin(2*pi*x", "4: task.function", "cannot parse"),
    ("function: sin(2*pi*x)", "function: log(x - 2)", "4: task.function", "is not finite"),
    ("function: sin(2*pi*x)", "function: 1/(x - x)", "4: task.function", "is not finite"),
    ("function: sin(2*pi*x)", "function: exp(exp(10*x))", "4: task.function",
     "too large to square"),
    ("function: sin(2*pi*x)", "function: [1, 2]", "4: task.function", "expected a string"),
    ("  noise: 0.3", "  noise: -1", "5: task.noise", "≥ 0"),
    ("  noise: 0.3", "  noise: lots", "5: task.noise", "expected a number"),
    ("  train: 20", "  train: 1", "6: task.train", "≥ 2"),
    ("  train: 20", "  train: 2.5", "6: task.train", "whole number"),
    ("  test: 100", "  test: 3", "7: task.test", "≥ 10"),
    ("  seed: 0", "  seed: -4", "8: task.seed", "≥ 0"),
    ("  seed: 0", "  sed: 0", "8: task.sed", "did you mean 'seed'"),
    ("  seed: 0", "  seed: 0\n  domain: [1, 0]", "9: task.domain", "a < b"),
    ("  seed: 0", "  seed: 0\n  domain: [0, 1, 2]", "9: task.domain", "expected [a, b]"),
    ("  family: polynomial", "  family: spline", "10: models.family", "expected one of polynomial"),
    ("  degrees: 0..5", "  degrees: 0..50", "11: models.degrees", "up to 40"),
    ("  degrees: 0..5", "  degrees: 5..5", "11: models.degrees", "at least two"),
    ("  degrees: 0..5", "  degrees: a..b", "11: models.degrees", "expected a range like 0..12"),
    ("  degrees: 0..5", "  degrees: [3, 2]", "11: models.degrees[2]", "must increase"),
    ("  degrees: 0..5", "  degrees: [1, -1]", "11: models.degrees[2]", "≥ 0"),
    ("  degrees: 0..5", "  degrees: [4]", "11: models.degrees", "at least two"),
    ("repeats: 5", "repeats: 1", "12: repeats", "≥ 2"),
    ("repeats: 5", "repeats: 10000\nrepeatz: 1", "13: repeatz", "did you mean 'repeats'"),
    ("regularisation: [0, 1e-3]", "regularisation: [-1]", "13: regularisation[1]", "λ ≥ 0"),
    ("regularisation: [0, 1e-3]", "regularisation: [0.1, 0.1]", "13: regularisation[2]",
     "listed twice"),
    ("more_data: 40", "more_data: 10", "14: more_data", "more training points than"),
    ("more_data: 40", "more_data: many", "14: more_data", "expected a number"),
])
def test_bad_input_exits_2_with_the_line(tmp_path, old, new, where, message):
    assert old in GOOD
    result, path = run(tmp_path, GOOD.replace(old, new, 1))
    assert result.exit_code == 2, result.output
    assert f"{path}:{where}: " in result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_task_and_budget(tmp_path):
    result, path = run(tmp_path, "kind: complexity-curve\ntitle: t\n")
    assert result.exit_code == 2 and "missing required key 'task'" in result.output
    result, path = run(tmp_path, GOOD.replace("repeats: 5", "repeats: 10000").replace(
        "test: 100", "test: 100000"))
    assert result.exit_code == 2 and f"{path}:12: repeats: " in result.output
    assert "repeats × test points" in result.output

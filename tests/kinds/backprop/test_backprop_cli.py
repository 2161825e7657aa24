"""Bad backprop specs through the CLI: exit code 2 and a one-line file:line: path: message."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

BASE = """\
kind: backprop
title: bad
given:
  x: [1, 2, 3]
parameters:
  W: [[1, 1, 0], [0, 0, 1]]
  W1: [[1, 0], [1, 0], [0, 1], [1, 0]]
classes:
  p: [a, b, c, d]
model:
  - k = W @ x
  - p = softmax(W1 @ k)
  - L = nll(p, 1)
"""


def run(tmp_path, text: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["run", str(path)])
    return result, str(path)


@pytest.mark.parametrize("old, new, line, message", [
    ("k = W @ x", "k = W @ x[0]", 11,
     "model[1]: k = W @ x[0]: `x[0]`: index 0 is out of range: x has 3 rows, counted 1..3 "
     "(indexing: 1)"),
    ("k = W @ x", "k = W @ x ** x", 11, "`x ** x`: the exponent must be a number, got `x`"),
    ("k = W @ x", "k = W @ x // 2", 11, "`W @ x // 2` is not supported (floor division)"),
    ("k = W @ x", "k = eval(x)", 11, "unknown operation `eval`"),
    ("k = W @ x", "k = x.shape", 11, "`x.shape` is not supported (an attribute other than .T)"),
    ("k = W @ x", "k = W @ W1", 11,
     "model[1]: k = W @ W1: `W @ W1`: cannot multiply W (2×3) by W1 (4×2): inner sizes 3 and 4 "
     "differ"),
    ("k = W @ x", "k = W + x", 11,
     "`W + x`: cannot combine W (2×3) + x (3×1): elementwise operands need the same shape"),
    ("L = nll(p, 1)", "L = nll(p, 5)", 13,
     "model[3]: L = nll(p, 5): class 5 is out of range: p has 4 entries (4×1), so classes run "
     "1..4 (indexing: 1)"),
    ("L = nll(p, 1)", "L = nll(p, 0)", 13, "class 0 is out of range"),
    ("L = nll(p, 1)", 'L = nll(p, "e")', 13, 'unknown class "e"; the classes of p are a, b, c, d'),
    ("k = W @ x", "k = W @ y", 11,
     "model[1]: k = W @ y: `y` is used before it is defined: it is not in `given`, "
     "`parameters` or an earlier line"),
    ("k = W @ x", "k = W @ p", 11, "`p` is used before it is defined"),
    ("k = W @ x", "k = W @ x +", 11, "cannot read `W @ x +`"),
    ("k = W @ x", "W @ x", 11, "model[1]: expected `name = expression`, got `W @ x`"),
    ("k = W @ x", "x = W @ x", 11, "`x` is already defined (as a given)"),
    ("L = nll(p, 1)", "L = nll(p)", 13, "nll needs its argument `class`"),
    ("L = nll(p, 1)", "L = k\nloss: L", 1, None),
    ("L = nll(p, 1)", "L = bce(p, W)", 13, "bce's target `W` must be a number or a `given`"),
    ("L = nll(p, 1)", "L = conv1d(x, k, padding=\"full\")", 13,
     'padding must be "valid", "same" or a whole number, got "full"'),
])
def test_bad_model_lines(tmp_path, old, new, line, message):
    result, path = run(tmp_path, BASE.replace(old, new))
    assert result.exit_code == 2, result.output
    out = result.output.strip()
    assert out.startswith(f"examsolve: {path}:"), out
    assert "Traceback" not in out and len(out.splitlines()) == 1
    if message is None:  # L = k is 2×1
        assert "the loss L must be a single number, it is 2×1" in out
    else:
        assert f"{path}:{line}: " in out and message in out, out


@pytest.mark.parametrize("extra, message", [
    ("wrt: [V]\n", "wrt[1]: 'V' is not a given value, a parameter or a model line"),
    ("wrt: [W, W]\n", "'W' is listed twice"),
    ("loss: q\n", "the loss must be a name assigned in `model`, got 'q'"),
    ("relu_grad_at_zero: 2\n", "relu_grad_at_zero: expected 0 or 1, got 2"),
    ("modle: 1\n", "unknown key 'modle'; did you mean 'model'?"),
])
def test_bad_keys(tmp_path, extra, message):
    result, path = run(tmp_path, BASE + extra)
    assert result.exit_code == 2
    assert message in result.output, result.output


def test_bad_values_and_classes(tmp_path):
    result, _ = run(tmp_path, BASE.replace("x: [1, 2, 3]", "x: [1, two, 3]"))
    assert result.exit_code == 2 and "given.x[2]: expected a number, got 'two'" in result.output
    result, _ = run(tmp_path, BASE.replace("p: [a, b, c, d]", "p: [a, b]"))
    assert result.exit_code == 2 and "classes.p: 2 class names, but p is 4×1" in result.output
    result, _ = run(tmp_path, BASE.replace("  W1:", "  relu:"))
    assert result.exit_code == 2 and "'relu' cannot name a value" in result.output


def test_log_of_a_negative_number_is_unsolvable(tmp_path):
    text = BASE.replace("L = nll(p, 1)", "L = sum(log(k - 5))")
    result, _ = run(tmp_path, text)
    assert result.exit_code == 1
    assert "the model is undefined on these numbers (log of -2)" in result.output


def test_good_spec_exits_0(tmp_path):
    result, _ = run(tmp_path, BASE)
    assert result.exit_code == 0, result.output
    assert "∂L/∂W" in result.output

"""Bad optimizer specs through the CLI: exit code 2 and one line `file:line: path: message`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from examsolve.cli import app

BASE = """\
kind: optimizer
title: bad
parameters: {p: 1}
model:
  - L = (2*p + 3) * (2*p + 3)
optimizer: sgd
lr: 0.1
steps: 3
"""


def run(tmp_path, text: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["run", str(path)])
    return result, str(path)


@pytest.mark.parametrize("old, new, line, message", [
    ("optimizer: sgd", "optimizer: adamm", 6,
     "optimizer: expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, ewma, "
     "got 'adamm'; did you mean 'adam'?"),
    ("lr: 0.1", "lr: 0", 7, "lr: the learning rate must be > 0, got 0"),
    ("lr: 0.1", "lr: -0.5", 7, "lr: the learning rate must be > 0, got −0.5"),
    ("steps: 3", "steps: 2.5", 8, "steps: expected a whole number, got '2.5'"),
    ("steps: 3", "steps: 0", 8, "steps: expected a whole number ≥ 1, got 0"),
    ("steps: 3", "steps: 1000000", 8, "steps: at most 10000 steps, got 1000000"),
    ("lr: 0.1", "lr: 0.1\nbeta1: 0.9", 8,
     "beta1: `beta1` is not an option of sgd; it reads `lr` and `weight_decay`"),
    ("lr: 0.1", "lr: 0.1\nmomentun: 0.9", 8, "unknown key 'momentun'; did you mean 'momentum'?"),
    ("optimizer: sgd", "optimizer: momentum\nconvention: nesterov", 7,
     "convention: expected one of pytorch, ema, classical, got 'nesterov'"),
    ("optimizer: sgd", "optimizer: momentum\nmomentum: 1", 7,
     "momentum: momentum must be in [0, 1), got 1"),
    ("optimizer: sgd", "optimizer: adam\nbias_correction: yes please", 7,
     "bias_correction: expected true or false"),
    ("lr: 0.1\n", "", 1, "missing required key 'lr' (sgd has no default learning rate)"),
    ("steps: 3", "epochs: 3", 8, "epochs: `epochs` counts passes over `data:`"),
    ("steps: 3", "steps: 3\nepochs: 2", 9, "epochs: give `steps` or `epochs`, not both"),
    ("steps: 3", "steps: 3\nbatch: 2", 9, "batch: `batch` needs `data:`"),
    ("steps: 3", "steps: 3\nsequence: [1, 2]", 9, "sequence: `sequence` is for `optimizer: ewma`"),
    ("  - L = (2*p + 3) * (2*p + 3)", "  - L = (2*p + 3) ** p", 5,
     "model[1]: L = (2*p + 3) ** p: "),
    ("parameters: {p: 1}", "parameters: {p: [1, 2]}", 5,
     "model[1]: the last line is the loss and must be a single number; L is 2×1"),
])
def test_bad_spec_is_one_line_naming_file_line_and_path(tmp_path, old, new, line, message):
    assert old in BASE
    result, path = run(tmp_path, BASE.replace(old, new, 1))
    assert result.exit_code == 2, result.output
    out = result.output.strip()
    assert len(out.splitlines()) == 1, out
    assert out.startswith(f"examsolve: {path}:{line}: "), out
    assert message in out, out


DATA = BASE.replace("parameters: {p: 1}", "parameters: {p: 1}\ndata: [{x: 1}, {x: 2}]") \
    .replace("(2*p + 3) * (2*p + 3)", "(2*p + x) * (2*p + x)")


@pytest.mark.parametrize("old, new, line, message", [
    ("data: [{x: 1}, {x: 2}]", "data: [{x: 1}, {y: 2}]", 4,
     "data[2]: every sample needs the same names as the first (x), got y"),
    ("data: [{x: 1}, {x: 2}]", "data: [{x: 1}, {x: [1, 2]}]", 4,
     "data[2].x: x is 2×1 here but 1×1 in the first sample"),
    ("steps: 3", "steps: 3\nbatch: 3", 10, "batch: a batch of 3 but only 2 samples in `data`"),
    ("steps: 3", "steps: 3\nbatch: some", 10, "batch: expected a whole number ≥ 1 or `all`"),
    ("steps: 3", "epochs: 6000", 9, "epochs: 6000 epochs of 2 steps are 12000 updates"),
    ("data: [{x: 1}, {x: 2}]", "data: [{p: 1}]", 4, "data[1].p: 'p' is already a parameter"),
])
def test_bad_data(tmp_path, old, new, line, message):
    assert old in DATA
    result, path = run(tmp_path, DATA.replace(old, new, 1))
    assert result.exit_code == 2, result.output
    out = result.output.strip()
    assert len(out.splitlines()) == 1 and out.startswith(f"examsolve: {path}:{line}: "), out
    assert message in out, out


def test_ewma_rejects_model_keys(tmp_path):
    text = "kind: optimizer\ntitle: t\noptimizer: ewma\nsequence: [1, 2]\nsteps: 2\n"
    result, path = run(tmp_path, text)
    assert result.exit_code == 2
    assert result.output.strip() == (f"examsolve: {path}:5: steps: `steps` is not read by "
                                      "`optimizer: ewma`, which averages a `sequence:` of numbers")


def test_a_model_undefined_on_the_numbers_is_unsolvable(tmp_path):
    text = BASE.replace("(2*p + 3) * (2*p + 3)", "log(p - 1)")
    result, _ = run(tmp_path, text)
    assert result.exit_code == 1 and "undefined" in result.output

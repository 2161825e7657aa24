"""Inputs at float64's edges: reported in one line, never an internal error or a warning."""

from __future__ import annotations

from typer.testing import CliRunner

from examsolve.cli import app

runner = CliRunner()


def run(tmp_path, given: str, model: str):  # type: ignore[no-untyped-def]
    spec = tmp_path / "edge.yaml"
    spec.write_text(f"kind: backprop\ntitle: edge\ngiven:\n  x: {given}\nparameters:\n"
                    f"  w: [[1, 1]]\nmodel:\n" + "".join(f"  - {m}\n" for m in model))
    return runner.invoke(app, ["run", str(spec), "--format", "json"])


def test_a_value_beyond_float64_is_an_unsolvable_model(tmp_path):
    result = run(tmp_path, "[1e200, 1]", ["s = w @ x", "L = mse(s, 0)"])
    assert result.exit_code == 1
    assert "exceeds float64's range" in result.output and "internal error" not in result.output


def test_a_log_of_a_value_that_underflows_is_an_unsolvable_model(tmp_path):
    result = run(tmp_path, '["1e-400", 0]', ["s = w @ x", "L = sum(log(s))"])
    assert result.exit_code == 1
    assert "internal error" not in result.output


def test_an_absurd_padding_is_refused_at_once(tmp_path):
    spec = tmp_path / "pad.yaml"
    spec.write_text("kind: backprop\ntitle: pad\ngiven:\n  x: [1, 2, 3]\nparameters:\n"
                    "  w: [1, 0, 1]\nmodel:\n  - s = conv1d(x, w, padding=10000000)\n"
                    "  - L = sum(s)\n")
    result = runner.invoke(app, ["run", str(spec)])
    assert result.exit_code == 2
    assert "padding must be at most 1000, got 10000000" in result.output


def test_numpy_warnings_stay_off_the_terminal(tmp_path):
    result = run(tmp_path, "[1000, 1]", ["s = w @ x", "L = sum(exp(s))"])
    assert "RuntimeWarning" not in result.output

"""Issue 17 item 24: an unnamed class is a number in every format (JSON 1, not "1")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from examsolve.cli import app

runner = CliRunner()


def answers(tmp_path, text: str) -> dict:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["run", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["answers"]


def test_unnamed_sigmoid_label_is_a_number(tmp_path):
    text = ("kind: backprop\ntitle: t\ngiven: {x: [1, 2], y: 1}\nparameters: {w: [[1, -2]], "
            "b: 4}\nmodel:\n  - p = sigmoid(w @ x + b)\n  - L = bce(p, y)\nwrt: [w]\n")
    got = answers(tmp_path, text)["prediction(p)"]
    s = 1 * 1 + -2 * 2 + 4  # the oracle: σ(1) > 0.5, so label 1
    assert s > 0 and got == 1 and isinstance(got, int)


def test_unnamed_softmax_class_is_its_number_counting_from_the_base(tmp_path):
    W = [[1, 0], [0, 3], [2, 1]]
    x = [1, 2]
    text = (f"kind: backprop\ntitle: t\ngiven: {{x: {x}}}\nparameters: {{W: {W}}}\n"
            "model:\n  - p = softmax(W @ x)\n  - L = nll(p, 1)\nwrt: [W]\n")
    got = answers(tmp_path, text)["prediction(p)"]
    scores = np.array(W) @ np.array(x)
    assert (scores == scores.max()).sum() == 1  # no tie
    oracle = int(np.argmax(scores)) + 1  # indices count from 1
    assert got == oracle == 2 and isinstance(got, int)


def test_a_window_with_a_lost_input_under_a_zero_weight_is_counted_and_said_complete():
    """Item 24: the count of complete windows includes a window whose lost input meets a
    weight of 0, and the definition says so. Oracle: brute force over the windows."""
    from conftest import all_text, solve_text

    x, y, kernel = [1, 2, None, 4], [2, 4, None], ["k", 0]
    complete = [i for i in range(len(y)) if y[i] is not None and all(
        x[i + u] is not None or kernel[u] == 0 for u in range(len(kernel)))]
    assert complete == [0, 1]
    text = all_text(solve_text("kind: conv-recovery\ntitle: t\ninput: [1, 2, ?, 4]\n"
                               "output: [2, 4, ?]\nkernel: [k, 0]\n"))
    assert f"There are {len(complete)} complete windows" in text
    assert "or lost under a kernel weight of 0, which adds nothing" in text
    assert "the other complete window must agree" in text


SOFTMAX = "problems/4-softmax-overflow.yaml"


def test_a_shape_reads_the_same_in_the_answers_check_and_a_verdict(tmp_path):
    """Item 24: W.shape is 3 × 2 in the answer box, in `check` (expected and got) and in a
    student's verdict — never the column vector [3 2]ᵀ; JSON keeps the list [3, 2]."""
    root = Path(__file__).resolve().parents[2]
    spec = str(root / SOFTMAX)
    boxed = runner.invoke(app, ["run", spec, "--answers-only"]).stdout
    assert "W.shape = 3 × 2" in boxed and "b.shape = 3 × 1" in boxed
    checked = runner.invoke(app, ["check", spec]).stdout
    row = next(line for line in checked.splitlines() if "W.shape" in line)
    assert row.count("3 × 2") == 2 and "ᵀ" not in row, row
    mine = tmp_path / "mine.yaml"
    mine.write_text("W.shape: [3, 3]\nb.shape: [3, 1]\n", encoding="utf-8")
    verdict = runner.invoke(app, ["check", spec, "--answers", str(mine)]).stdout
    assert "you have 3 × 3; it is W.shape = 3 × 2" in " ".join(verdict.split())
    doc = json.loads(runner.invoke(app, ["run", spec, "-f", "json"]).stdout)
    assert doc["answers"]["W.shape"] == [3, 2] and doc["answers"]["b.shape"] == [3, 1]
    latex = runner.invoke(app, ["run", spec, "-f", "latex", "--answers-only"]).stdout
    assert r"\text{W.shape} = 3 \times 2" in latex


def test_architecture_shapes_in_check_read_as_in_the_answers():
    root = Path(__file__).resolve().parents[2]
    checked = runner.invoke(app, ["check", str(root / "problems/7-architecture-cnn.yaml")]).stdout
    row = next(line for line in checked.splitlines() if "shape[3]" in line)
    assert row.count("16 × 16 × 16") == 2 and "ᵀ" not in row, row


"""Marking a student's answers: computation order, error carried forward, and the first wrong
step — every expected value and every carried-forward value comes from torch float64 code
written here (autograd on the exam's problem 3), never from examsolve's solver."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.problem import load, solve
from examsolve.verdict import mark, read_answers

ROOT = Path(__file__).resolve().parents[2]
PROBLEM_3 = ROOT / "problems" / "3-backprop-two-headed.yaml"


def t(values):
    return torch.tensor(np.array(values, dtype=float), dtype=torch.float64)


def problem3(h_override=None, dh_override=None):
    """Problem 3 in torch: forward values and gradients, optionally from a student's h
    (forward) or ∂L/∂h (pushed back by autograd from there)."""
    W = t([[1, 1, 0], [0, 0, 1]]).requires_grad_()
    b = t([[0], [0]]).requires_grad_()
    W1 = t([[1, 0], [1, 0], [0, 1], [1, 0]]).requires_grad_()
    b1 = t([[0]] * 4).requires_grad_()
    W2 = t([[1, -1]]).requires_grad_()
    b2 = t([[0]]).requires_grad_()
    x = t([[1], [2], [3]])
    k = W @ x + b
    h = torch.relu(k)
    h_used = t(h_override).reshape(2, 1).requires_grad_() if h_override is not None else h
    s1 = W1 @ h_used + b1
    s1.retain_grad()
    p1 = torch.softmax(s1, dim=0)
    s2 = W2 @ h_used + b2
    p2 = torch.sigmoid(s2)
    L = -torch.log(p1[0, 0]) - torch.log(1 - p2[0, 0])
    if dh_override is not None:
        torch.autograd.backward(h, t(dh_override).reshape(2, 1))
    else:
        L.backward()
    L = L.detach()
    return {"k": k, "h": h_used, "s1": s1, "p1": p1, "s2": s2, "p2": p2, "L": L,
            "dL/dW": W.grad, "dL/db1": b1.grad, "dL/dW1": W1.grad, "dL/ds1": s1.grad}


def flat(x):
    return [float(v) for v in np.asarray(x.detach().numpy(), dtype=float).reshape(-1)]


def written(x, digits=6):
    """A value as a student writes it: 6 significant digits."""
    if isinstance(x, list):
        return [written(v, digits) for v in x]
    return f"{x:.{digits}g}"


def verdict_of(answers: dict):
    problem = load(PROBLEM_3)
    text = yaml.safe_dump(answers, sort_keys=False)
    return mark(problem, solve(problem), read_answers(text=text, file="mine.yaml"))


def test_rows_come_in_computation_order_and_intermediates_need_no_wrt():
    truth = problem3()
    answers = {"dL/dW": [written(r) for r in truth["dL/dW"].tolist()],
               "L": written(float(truth["L"])),
               "dL/db1": written(flat(truth["dL/db1"])),  # b1 is not in the spec's wrt
               "h": written(flat(truth["h"])),
               "p1": written(flat(truth["p1"]))}
    verdict = verdict_of(answers)
    assert [r.key for r in verdict.rows] == ["h", "p1", "L", "dL/db1", "dL/dW"]
    assert all(r.status == "right" for r in verdict.rows), verdict.rows
    assert verdict.first_wrong is None


def test_a_wrong_h_carries_forward_through_the_forward_pass():
    mine_h = [3, 5]
    ecf = problem3(h_override=mine_h)
    verdict = verdict_of({"h": mine_h, "s1": written(flat(ecf["s1"])),
                          "L": written(float(ecf["L"]))})
    rows = {r.key: r for r in verdict.rows}
    assert rows["h"].status == "wrong"
    assert rows["s1"].status == "carried" and rows["s1"].carried_from == "h"
    assert rows["L"].status == "carried"
    assert verdict.first_wrong.key == "h"


def test_a_wrong_gradient_carries_backward_and_the_first_wrong_step_points_at_it():
    mine_dh = [-0.25, 0.25]  # the branch via s2 forgotten
    ecf = problem3(dh_override=mine_dh)
    truth = problem3()
    verdict = verdict_of({"dL/ds1": written(flat(truth["dL/ds1"])), "dL/dh": mine_dh,
                          "dL/dW": [written(r) for r in ecf["dL/dW"].tolist()]})
    rows = {r.key: r for r in verdict.rows}
    assert rows["dL/ds1"].status == "right"
    assert rows["dL/dh"].status == "wrong"
    assert rows["dL/dW"].status == "carried" and rows["dL/dW"].carried_from == "dL/dh"
    first = verdict.first_wrong
    assert (first.key, first.heading) == ("dL/dh", "Backward pass")
    assert first.slip is not None and first.slip.name == "missing branch"
    from examsolve.render.verdict import first_wrong_text

    text = first_wrong_text(first)
    assert text.startswith("First wrong step: step 3 (Backward pass), ∂L/∂h: you have "
                           "[−0.25, 0.25]; it is ∂L/∂h = W₁ᵀ·∂L/∂s₁ + W₂ᵀ·∂L/∂s₂")
    assert "via s₂ is missing" in text


def test_an_answer_wrong_in_its_own_right_is_not_carried():
    truth = problem3()
    verdict = verdict_of({"h": [3, 5], "L": "1.2345"})
    assert [r.status for r in verdict.rows] == ["wrong", "wrong"]
    assert verdict.rows[1].slip is None  # a random value: no slip named
    assert float(truth["L"]) != pytest.approx(1.2345)


def _cli(*args):
    return CliRunner().invoke(app, ["check", *map(str, args)])


def test_cli_answers_exit_codes_and_json(tmp_path):
    truth = problem3()
    good = tmp_path / "good.yaml"
    good.write_text("L: 2.079\nh: [3, 3]\n", encoding="utf-8")
    result = _cli(PROBLEM_3, "--answers", good)
    assert result.exit_code == 0, result.stdout
    assert "marks: 2 of 2" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("L: -2.079\ndL/dh: [-0.25, 0.25]\n", encoding="utf-8")
    result = _cli(PROBLEM_3, "--answers", bad, "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["first_wrong"]["key"] == "L" and doc["first_wrong"]["step"] == 2
    assert [(r["key"], r["status"], r["slip"]) for r in doc["rows"]] == [
        ("L", "wrong", "sign error"), ("dL/dh", "wrong", "missing branch")]
    assert doc["rows"][0]["expected"] == pytest.approx(float(truth["L"]))


def test_cli_bad_answers_are_one_line_errors(tmp_path):
    typo = tmp_path / "typo.yaml"
    typo.write_text("L: 2.079\ndL/dW3: 1\n", encoding="utf-8")
    result = _cli(PROBLEM_3, "--answers", typo)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(
        f"examsolve: {typo}:2: dL/dW3: no answer or quantity named 'dL/dW3'; did you mean")
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n", encoding="utf-8")
    result = _cli(PROBLEM_3, "--answers", listed)
    assert result.exit_code == 2 and "expected a mapping" in result.stderr
    result = _cli(ROOT / "problems", "--answers", listed)
    assert result.exit_code == 2 and "one SPEC file" in result.stderr


def test_a_kind_without_marking_points_only_at_an_equation_that_ends_in_the_value():
    """softmax-regression shows the direct code's p = [nan 0 nan] before the robust p; the
    pointer must be the robust one (numpy's own softmax, written here, is the value)."""
    problem = load(ROOT / "problems" / "4-softmax-overflow.yaml")
    s = np.array([710.0, 705.0, 715.0])
    p = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    text = yaml.safe_dump({"p": [f"{v:.4g}" for v in (p[0], p[1] * 300, p[2])]})
    verdict = mark(problem, solve(problem), read_answers(text=text, file="mine.yaml"))
    (row,) = verdict.rows
    assert row.status == "wrong" and row.reason.startswith("p[2]: ")
    assert row.heading.startswith("The robust computation")

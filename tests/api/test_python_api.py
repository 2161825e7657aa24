"""The Python API (docs/python-api.md): answers against torch computed here, the verdict, the
renderings, SpecError's message, and `import examsolve` staying cheap."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch

import examsolve

ROOT = Path(__file__).resolve().parents[2]
PROBLEM_3 = ROOT / "problems" / "3-backprop-two-headed.yaml"


def torch_problem3():
    W = torch.tensor([[1., 1, 0], [0, 0, 1]], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([[1.], [2], [3]], dtype=torch.float64)
    W1 = torch.tensor([[1., 0], [1, 0], [0, 1], [1, 0]], dtype=torch.float64)
    W2 = torch.tensor([[1., -1]], dtype=torch.float64)
    h = torch.relu(W @ x)
    p1 = torch.softmax(W1 @ h, dim=0)
    L = -torch.log(p1[0, 0]) - torch.log(1 - torch.sigmoid(W2 @ h)[0, 0])
    L.backward()
    return float(L.detach()), W.grad.numpy(), p1.detach().numpy().reshape(-1)


def test_solve_answers_as_floats_and_arrays():
    sol = examsolve.solve(PROBLEM_3)
    L, dW, p1 = torch_problem3()
    assert isinstance(sol.answers["L"], float) and sol.answers["L"] == pytest.approx(L, 1e-12)
    assert isinstance(sol.answers["dL/dW"], np.ndarray)
    np.testing.assert_allclose(sol.answers["dL/dW"], dW, rtol=1e-12)
    np.testing.assert_allclose(sol.answers["p1"], p1, rtol=1e-12)
    assert sol.exact_answers["p2"] == Fraction(1, 2)
    assert sol.warnings == ()


def test_solve_yaml_text_and_spec_error():
    sol = examsolve.solve(PROBLEM_3.read_text(encoding="utf-8"))
    assert sol.answers["p2"] == 0.5
    with pytest.raises(examsolve.SpecError) as err:
        examsolve.solve("kind: backprob\ntitle: t\n")
    assert str(err.value) == "<spec>:1: kind: unknown kind 'backprob'; did you mean 'backprop'?"


def test_check_names_the_first_wrong_step():
    sol = examsolve.solve(PROBLEM_3)
    verdict = sol.check({"h": [3, 3], "L": -2.079, "dL/dh": [-0.25, 0.25]})
    assert [r.status for r in verdict.rows] == ["right", "wrong", "wrong"]
    assert (verdict.first_wrong.key, verdict.first_wrong.slip.name) == ("L", "sign error")
    assert verdict.rows[2].slip.name == "missing branch"


def test_renderings_and_jupyter_reprs():
    sol = examsolve.solve(PROBLEM_3)
    assert sol.to_markdown().startswith("# Two-headed classifier")
    assert "\\frac{\\partial L}{\\partial W}" in sol.to_latex()
    page = sol.to_html()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert sol._repr_markdown_() == sol.to_markdown()
    assert "<math" in sol._repr_html_() and "<html" not in sol._repr_html_()


def test_kinds():
    assert examsolve.kinds()["backprop"].startswith("Forward pass")
    assert examsolve.kinds.KINDS["backprop"] == "examsolve.kinds.backprop"  # still the registry
    assert callable(examsolve.numerics.softmax)


def test_import_examsolve_stays_cheap():
    code = ("import sys, examsolve; "
            "print(sorted(m for m in ('numpy', 'yaml', 'rich', 'typer', 'examsolve.api') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"

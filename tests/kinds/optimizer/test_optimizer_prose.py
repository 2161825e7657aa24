"""What the derivation says is true of the numbers beside it: the written-out chain rule
evaluates (by a walk over the math written here) to the gradient torch computes; prose
holds its math as math nodes; the kind imports no renderer and no other kind; long runs
are capped with a warning."""

from __future__ import annotations

import ast
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
import torch

from examsolve import mathmodel as m
from examsolve.derivation import Equation, Para
from examsolve.problem import load, load_string, solve

ROOT = Path(__file__).resolve().parents[3]
KIND = ROOT / "examsolve/kinds/optimizer"
MATH_AS_TEXT = re.compile(
    r"[\u2080-\u209c\u2070-\u207f²³¹\u0391-\u03a9\u03b1-\u03c9Σ∑∂√≤≥≈≠∈×·\u0302−]"
    r"|(?<![\w.])[A-Za-z]_[A-Za-z0-9]|\^")


def evaluate(e: m.Expr) -> float:
    """The value of a math node made of numbers (an oracle for what the derivation wrote)."""
    if isinstance(e, m.Num):
        return float(e.value)
    if isinstance(e, m.Paren):
        return evaluate(e.arg)
    if isinstance(e, m.Neg):
        return -evaluate(e.arg)
    if isinstance(e, m.Add):
        return sum(evaluate(t) for t in e.terms)
    if isinstance(e, m.Mul):
        return math.prod(evaluate(f) for f in e.factors)
    if isinstance(e, m.Div):
        return evaluate(e.num) / evaluate(e.den)
    if isinstance(e, m.Pow):
        return evaluate(e.base) ** evaluate(e.exp)
    if isinstance(e, m.Call):
        x = evaluate(e.args[0])
        return {"σ": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "exp": math.exp,
                "log": math.log}[e.fn](x)
    raise TypeError(type(e).__name__)


@pytest.mark.parametrize("line, torch_loss", [
    ("(2*p + 3) * (2*p + 3)", lambda p, q: (2 * p + 3) ** 2),
    ("p * q - 3 * q + sigmoid(p * q)", lambda p, q: p * q - 3 * q + torch.sigmoid(p * q)),
    ("tanh(p - q) * exp(q) - log(p * p + 1)",
     lambda p, q: torch.tanh(p - q) * torch.exp(q) - torch.log(p * p + 1)),
    ("-(p * (q - p)) + 5", lambda p, q: -(p * (q - p)) + 5),
])
def test_the_written_chain_rule_evaluates_to_torchs_gradient(line, torch_loss):
    text = (f"kind: optimizer\ntitle: t\nparameters: {{p: 0.5, q: -1.5}}\nmodel:\n"
            f"  - L = {line}\noptimizer: sgd\nlr: 0.1\nsteps: 2\n")
    derivation = solve(load_string(text))
    p = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    q = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
    grads = torch.autograd.grad(torch_loss(p, q), (p, q), allow_unused=True)
    gp, gq = (torch.tensor(0.0) if g is None else g for g in grads)
    chains = [b.expr for b in derivation.steps[2].blocks
              if isinstance(b, Equation) and isinstance(b.expr.parts[0], m.Deriv)]
    assert len(chains) == 2, "one written chain rule per parameter"
    for chain, want in zip(chains, (gp.item(), gq.item())):
        assert len(chain.parts) == 4  # ∂L/∂p = the rule = the rule with numbers = the value
        assert evaluate(chain.parts[2]) == pytest.approx(want, rel=1e-9, abs=1e-12)
        assert evaluate(chain.parts[3]) == pytest.approx(want, rel=1e-3, abs=1e-4)


def test_a_batch_mean_is_written_with_each_samples_loss():
    text = ("kind: optimizer\ntitle: t\nparameters: {w: 1}\ndata: [{x: 1}, {x: 2}, {x: 3}]\n"
            "batch: all\nmodel:\n  - L = (w * x - 1) * (w * x - 1)\noptimizer: sgd\nlr: 0.1\n"
            "steps: 1\n")
    derivation = solve(load_string(text))
    mean = next(b.expr for b in derivation.steps[2].blocks if isinstance(b, Equation))
    assert evaluate(mean.parts[2]) == pytest.approx((0 + 1 + 4) / 3)
    assert derivation.answer_map()["L@0"] == Fraction(5, 3)


SPECS = sorted((ROOT / "problems").glob("7*-optimizer-*.yaml")) + [KIND / "template.yaml"]


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_prose_holds_no_math_as_text(path):
    derivation = solve(load(path))
    for step in derivation.steps:
        for block in step.blocks:
            if isinstance(block, Para):
                for part in block.parts:
                    if isinstance(part, str):
                        text = re.sub(r"`[^`]*`", "", part)
                        assert not MATH_AS_TEXT.search(text), (path.name, text)


def test_the_kind_imports_no_renderer_and_no_other_kind():
    for source in KIND.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not name.startswith("examsolve.render"), (source.name, name)
                assert not name.startswith("examsolve.kinds.") or \
                    name.startswith("examsolve.kinds.optimizer"), (source.name, name)


def test_a_long_run_on_big_parameters_keeps_the_final_answers_and_warns():
    rows = "\n".join("    " + " ".join(["0.01"] * 40) for _ in range(40))
    text = (f"kind: optimizer\ntitle: t\nparameters:\n  W: |\n{rows}\ngiven: {{x: {[1] * 40}}}\n"
            "model:\n  - r = W @ x\n  - L = sum(r * r)\noptimizer: adam\nlr: 0.01\nsteps: 30\n")
    derivation = solve(load_string(text))
    answers = derivation.answer_map()
    assert "W@30" in answers and "W@1" not in answers and "m(W)@30" not in answers
    assert all(f"L@{t}" in answers for t in range(31))
    assert any("parameters after the last step only" in w for w in derivation.warnings)
    headings = [s.heading for s in derivation.steps]
    assert "Step 3" in headings and "Step 30" in headings and "Step 10" not in headings

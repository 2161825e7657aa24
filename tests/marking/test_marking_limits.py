"""Marking stays within the promise (anything accepted: under 10 s): a sheet of every answer
wrong, each one re-run for error carried forward, on the largest problems that are still
re-run (conv-recovery's MAX_RERUN_LOST lost inputs, perceptron's MAX_RERUN_PRESENTATIONS,
architecture's MAX_RERUN_LAYERS, optimizer's MAX_RERUN_EVALUATIONS), and a larger conv grid
that is marked without re-runs."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import yaml

from examsolve.kinds.architecture.marking import MAX_RERUN_LAYERS
from examsolve.kinds.conv_recovery.marking import MAX_RERUN_LOST
from examsolve.kinds.perceptron.marking import MAX_RERUN_PRESENTATIONS
from examsolve.problem import load_string, solve
from examsolve.verdict import MAX_ANSWERS, mark, read_answers

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 10.0  # seconds, as promised in the README


def conv_spec(n: int, lost: int) -> str:
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, size=(n, n)).astype(object)
    k = np.array([[1, 2, 1], [0, 1, 0], [1, 0, 2]])
    y = [[int(np.sum(k * x[i:i + 3, j:j + 3])) for j in range(n - 2)] for i in range(n - 2)]
    for cell in rng.choice(n * n, lost, replace=False):
        x[cell // n, cell % n] = "?"
    return yaml.safe_dump({
        "kind": "conv-recovery", "title": "big",
        "input": "\n".join(" ".join(str(v) for v in row) for row in x),
        "output": "\n".join(" ".join(str(v) for v in row) for row in y),
        "kernel": "a b a\n0 1 0\na 0 c"})


def all_wrong(text: str) -> float:
    """Seconds to mark a sheet with every answer (up to MAX_ANSWERS) off by one."""
    problem = load_string(text, "big.yaml")
    derivation = solve(problem)

    def off(v):  # type: ignore[no-untyped-def]
        if isinstance(v, tuple):
            return [off(e) for e in v]
        if isinstance(v, (int, Fraction, float)) and not isinstance(v, bool):
            return str(Fraction(v).limit_denominator(10**6) + 1)
        return v

    answers = {k: off(v) for k, v in list(derivation.answer_map().items())[:MAX_ANSWERS]
               if v is not None}
    sheet = read_answers(text=yaml.safe_dump(answers), file="mine.yaml")
    start = time.perf_counter()
    verdict = mark(problem, derivation, sheet)
    took = time.perf_counter() - start
    assert verdict.first_wrong is not None
    return took


@pytest.mark.parametrize("n, lost", [(60, MAX_RERUN_LOST), (120, 300)])
def test_conv_recovery_marks_within_budget(n, lost):
    assert all_wrong(conv_spec(n, lost)) < BUDGET


def test_perceptron_marks_within_budget():
    epochs = MAX_RERUN_PRESENTATIONS // 4
    text = ("kind: perceptron\ntitle: xor\ntruth_table: xor\nuntil: converged\n"
            f"max_epochs: {epochs}\n")
    assert all_wrong(text) < BUDGET


def test_architecture_marks_within_budget():
    layers = "".join(f"  - linear: {{out: {10 + i % 5}}}\n" for i in range(MAX_RERUN_LAYERS))
    text = f"kind: architecture\ntitle: deep\ninput: [10]\nlayers:\n{layers}"
    assert all_wrong(text) < BUDGET


def test_optimizer_marks_within_budget():
    from examsolve.kinds.optimizer.marking import MAX_RERUN_EVALUATIONS

    text = (ROOT / "problems" / "7d-optimizer-adam-neuron.yaml").read_text(encoding="utf-8")
    text = text.split("expected:")[0].replace("steps: 2", f"steps: {MAX_RERUN_EVALUATIONS}")
    assert all_wrong(text) < BUDGET

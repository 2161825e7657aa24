"""Marking perceptron answers: rows presentation by presentation, the run carried forward
from a student's wrong output, and sign(0) taken the other way — every value from the
perceptron rule written out here in plain Python, never from examsolve's trainer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from examsolve.problem import load, solve
from examsolve.verdict import mark, read_answers

ROOT = Path(__file__).resolve().parents[2]
NAND = ROOT / "problems" / "7-perceptron-nand-bipolar.yaml"
POINTS = [((-1, -1), 1), ((-1, 1), 1), ((1, -1), 1), ((1, 1), -1)]


def sign(net, at_zero):
    return 1 if net > 0 else -1 if net < 0 else at_zero


def perceptron(at_zero=1, outputs=None):
    """One epoch of w ← w + (t − y)x, b ← b + (t − y) from 0; `outputs` forces y@k."""
    w, b, out = np.zeros(2), 0.0, {}
    for k, (x, t) in enumerate(POINTS, start=1):
        net = float(w @ np.array(x)) + b
        y = sign(net, at_zero) if outputs is None or k not in outputs else outputs[k]
        w, b = w + (t - y) * np.array(x), b + (t - y)
        out.update({f"net@{k}": net, f"y@{k}": y, f"w@{k}": [int(v) for v in w],
                    f"b@{k}": int(b)})
    out["w"], out["b"] = list(out["w@4"]), out["b@4"]
    return out


def verdict_of(answers):
    problem = load(NAND)
    text = yaml.safe_dump(answers, sort_keys=False)
    return mark(problem, solve(problem), read_answers(text=text, file="mine.yaml"))


def test_rows_come_presentation_by_presentation():
    truth = perceptron()
    keys = ["w", "b@4", "y@4", "net@4", "w@1", "y@1", "errors@1"]
    answers = {k: truth.get(k, 1) for k in keys}
    verdict = verdict_of(answers)
    assert [r.key for r in verdict.rows] == ["y@1", "w@1", "net@4", "y@4", "b@4", "errors@1",
                                             "w"]
    assert all(r.status == "right" for r in verdict.rows), verdict.rows


def test_a_wrong_output_carries_into_the_weights_after_it():
    mine = perceptron(outputs={4: -1})  # y@4 written −1: no update, the weights stay 0
    verdict = verdict_of({k: mine[k] for k in ("y@4", "w@4", "b@4", "w", "b")})
    rows = {r.key: r for r in verdict.rows}
    assert rows["y@4"].status == "wrong"
    assert rows["w@4"].status == "carried" and rows["w@4"].carried_from == "y@4"
    assert rows["b@4"].status == "carried"
    assert rows["w"].status == "carried" and rows["w"].carried_from == "w@4"
    assert verdict.first_wrong.heading == "Epoch 1"


def test_sign_at_zero_taken_the_other_way():
    slipped = perceptron(at_zero=-1)  # every net in the first three presentations is 0
    assert slipped["w@1"] != perceptron()["w@1"]
    (row,) = verdict_of({"w@1": slipped["w@1"]}).rows
    assert row.status == "wrong" and row.slip is not None
    assert row.slip.name == "sign(0) taken the other way"
    (row,) = verdict_of({"b": slipped["b"]}).rows
    assert row.slip is not None and row.slip.name == "sign(0) taken the other way"


def test_a_random_wrong_weight_is_no_slip():
    rng = np.random.default_rng(7)
    for _ in range(10):
        value = [int(v) for v in rng.integers(3, 9, size=2)]
        (row,) = verdict_of({"w@2": value}).rows
        assert row.status == "wrong" and row.slip is None

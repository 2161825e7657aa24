"""Marking optimizer answers: rows in the order the steps compute them, the "no bias
correction" slip, and an EWMA's error carried forward. True values come from torch.optim.Adam
(float64); slipped and carried values from Adam and the EWMA written out in numpy here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import yaml

from examsolve.problem import load, solve
from examsolve.verdict import mark, read_answers

ROOT = Path(__file__).resolve().parents[2]
ADAM = ROOT / "problems" / "7d-optimizer-adam-neuron.yaml"  # x = [1, 2], y = 1, w = [0.5, −1], b = 0
EWMA = ROOT / "problems" / "7e-optimizer-ewma.yaml"  # θ = 10, 12, 8, 14; β = 0.9, corrected
X, Y, LR, B1, B2, EPS = np.array([1.0, 2.0]), 1.0, 0.01, 0.9, 0.999, 1e-8
THETA, BETA = [10, 12, 8, 14], 0.9


def written(x):
    if isinstance(x, (list, tuple, np.ndarray)):
        return [written(v) for v in x]
    return f"{float(x):.6g}"


def verdict_of(path, answers):
    problem = load(path)
    text = yaml.safe_dump(answers, sort_keys=False)
    return mark(problem, solve(problem), read_answers(text=text, file="mine.yaml"))


def diagnosis(path, key, value):
    (row,) = verdict_of(path, {key: written(value)}).rows
    assert row.status == "wrong", row
    return row.slip.name if row.slip is not None else None


def torch_adam(steps):
    """w and b after each Adam step, torch.optim.Adam in float64."""
    w = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=LR, betas=(B1, B2), eps=EPS)
    x = torch.tensor(X, dtype=torch.float64)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        q = torch.sigmoid(w @ x + b)
        loss = torch.nn.functional.binary_cross_entropy(q, torch.tensor(Y, dtype=torch.float64))
        loss.backward()
        opt.step()
        out.append((w.detach().numpy().copy(), float(b)))
    return out


def numpy_adam_uncorrected(steps):
    """Adam with m̂ = m and v̂ = v: each step's (m_w, v_w, w, b)."""
    w, b = np.array([0.5, -1.0]), 0.0
    m = {"w": np.zeros(2), "b": 0.0}
    v = {"w": np.zeros(2), "b": 0.0}
    out = []
    for _ in range(steps):
        q = 1 / (1 + np.exp(-(w @ X + b)))
        g = {"w": (q - Y) * X, "b": q - Y}
        for k in ("w", "b"):
            m[k] = B1 * m[k] + (1 - B1) * g[k]
            v[k] = B2 * v[k] + (1 - B2) * g[k] ** 2
        w = w - LR * m["w"] / (np.sqrt(v["w"]) + EPS)
        b = b - LR * m["b"] / (np.sqrt(v["b"]) + EPS)
        out.append((m["w"].copy(), v["w"].copy(), w.copy(), b))
    return out


def test_rows_come_in_step_order_and_agree_with_torch():
    (w1, b1), (w2, b2) = torch_adam(2)
    verdict = verdict_of(ADAM, {"w@2": written(w2), "b@1": written(b1), "w@1": written(w1),
                                "b@2": written(b2), "L@1": "1.66883"})
    assert [r.key for r in verdict.rows] == ["w@1", "b@1", "L@1", "w@2", "b@2"]
    assert all(r.status == "right" for r in verdict.rows), verdict.rows


def test_no_bias_correction_in_adam():
    slipped = numpy_adam_uncorrected(2)
    assert diagnosis(ADAM, "mhat(w)@1", slipped[0][0]) == "no bias correction"
    assert diagnosis(ADAM, "vhat(w)@1", slipped[0][1]) == "no bias correction"
    assert diagnosis(ADAM, "w@2", slipped[1][2]) == "no bias correction"
    assert diagnosis(ADAM, "b@2", slipped[1][3]) == "no bias correction"


def test_no_bias_correction_points_at_the_corrected_equation():
    slipped = numpy_adam_uncorrected(1)
    row = verdict_of(ADAM, {"mhat(w)@1": written(slipped[0][0])}).first_wrong
    assert row.heading == "Step 1" and row.equation is not None
    from examsolve.render.verdict import first_wrong_text

    assert "m̂_w⁽¹⁾ = m_w⁽¹⁾/(1 − β₁¹)" in first_wrong_text(row)


def test_a_random_wrong_adam_value_is_no_slip():
    rng = np.random.default_rng(13)
    for _ in range(10):
        assert diagnosis(ADAM, "w@2", rng.uniform(-2, 2, size=2)) is None


def ewma(thetas, beta, start=0.0):
    v, out = start, []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return out


def test_no_bias_correction_in_an_ewma_and_a_random_value_is_no_slip():
    v = ewma(THETA, BETA)
    for t in (2, 3, 4):
        assert diagnosis(EWMA, f"vhat@{t}", v[t - 1]) == "no bias correction"
    assert diagnosis(EWMA, "vhat@3", 7.123) is None


def test_an_ewma_carries_a_wrong_average_forward():
    v2 = 2.3  # wrong: v@2 is 2.1
    v3 = BETA * v2 + (1 - BETA) * THETA[2]
    v4 = BETA * v3 + (1 - BETA) * THETA[3]
    verdict = verdict_of(EWMA, {"v@4": written(v4), "vhat@3": written(v3 / (1 - BETA ** 3)),
                                "v@3": written(v3), "v@2": v2})
    rows = {r.key: r for r in verdict.rows}
    assert [r.key for r in verdict.rows] == ["v@2", "v@3", "vhat@3", "v@4"]
    assert rows["v@2"].status == "wrong"
    assert rows["v@3"].status == "carried" and rows["v@3"].carried_from == "v@2"
    assert rows["vhat@3"].carried_from == "v@3" and rows["v@4"].carried_from == "v@3"


def test_a_wrong_parameter_carries_into_the_next_step():
    """The student's w@1 substituted into torch.optim.Adam after its first step (m and v
    as torch has them): w@2, b@2 and L@1 follow from it."""
    mine_w1 = [0.52, -0.98]
    w = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=LR, betas=(B1, B2), eps=EPS)
    x, y = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)

    def loss():
        return torch.nn.functional.binary_cross_entropy(torch.sigmoid(w @ x + b), y)

    for step in (1, 2):
        opt.zero_grad()
        value = loss()
        value.backward()
        opt.step()
        if step == 1:
            with torch.no_grad():
                w.copy_(torch.tensor(mine_w1, dtype=torch.float64))
            with torch.no_grad():
                l1 = float(loss())
    verdict = verdict_of(ADAM, {"w@1": mine_w1, "L@1": written(l1),
                                "w@2": written(w.detach().numpy()), "b@2": written(float(b))})
    rows = {r.key: r for r in verdict.rows}
    assert rows["w@1"].status == "wrong"
    for key in ("L@1", "w@2"):
        assert rows[key].status == "carried" and rows[key].carried_from == "w@1", rows[key]
    assert rows["b@2"].ok  # Adam's early steps are ≈ η·sign(g): b@2 barely moves

"""SGD over `data:` against a hand-written torch loop (batch 1 cycling, a batch size that
leaves a smaller last batch, full batch, epochs), and exactness where the math is rational."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch

from examsolve.problem import load_string, solve

DATA = [(1, 2), (2, 3.5), (-1, 0), (0.5, 1), (3, 7)]


def spec(batch: str, count: str, optimizer: str = "sgd", extra: str = "") -> str:
    data = ", ".join(f"{{x: {x}, y: {y}}}" for x, y in DATA)
    return (f"kind: optimizer\ntitle: t\noptimizer: {optimizer}\nlr: 0.05\n{count}\n{batch}\n"
            f"{extra}parameters: {{w: 0.5, b: -0.25}}\ndata: [{data}]\n"
            "model:\n  - r = w * x + b - y\n  - L = r * r\n")


def torch_loop(batch: int, updates: int, momentum: float = 0.0):
    """Plain torch: batches in order (the last one smaller), the mean loss, w -= lr·v."""
    w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-0.25, dtype=torch.float64, requires_grad=True)
    xs = torch.tensor([x for x, _ in DATA], dtype=torch.float64)
    ys = torch.tensor([y for _, y in DATA], dtype=torch.float64)
    chunks = [slice(i, min(i + batch, len(DATA))) for i in range(0, len(DATA), batch)]
    out, vw, vb = [], 0.0, 0.0
    for t in range(updates):
        sl = chunks[t % len(chunks)]
        loss = ((w * xs[sl] + b - ys[sl]) ** 2).mean()
        gw, gb = torch.autograd.grad(loss, (w, b))
        vw, vb = momentum * vw + gw, momentum * vb + gb
        with torch.no_grad():
            w -= 0.05 * (vw if momentum else gw)
            b -= 0.05 * (vb if momentum else gb)
        out.append((loss.item(), gw.item(), w.item(), b.item()))
    return out


@pytest.mark.parametrize("batch_key, count, size, updates", [
    ("batch: 1", "steps: 7", 1, 7),  # cycles back to the first sample after the fifth
    ("", "steps: 3", 1, 3),  # batch 1 is the default
    ("batch: 2", "epochs: 2", 2, 6),  # batches of 2, 2, 1 per epoch
    ("batch: all", "steps: 4", 5, 4),
    ("batch: all", "epochs: 3", 5, 3),
])
def test_sgd_over_data_matches_a_torch_loop(batch_key, count, size, updates):
    got = solve(load_string(spec(batch_key, count))).answer_map()
    for t, (loss, gw, w, b) in enumerate(torch_loop(size, updates), start=1):
        assert float(got[f"L@{t - 1}"]) == pytest.approx(loss, rel=1e-12, abs=1e-12)
        assert float(got[f"dL/dw@{t - 1}"]) == pytest.approx(gw, rel=1e-12, abs=1e-12)
        assert float(got[f"w@{t}"]) == pytest.approx(w, rel=1e-12, abs=1e-12)
        assert float(got[f"b@{t}"]) == pytest.approx(b, rel=1e-12, abs=1e-12)
    assert f"w@{updates + 1}" not in got


def test_momentum_over_data_matches_a_torch_loop():
    got = solve(load_string(spec("batch: 2", "steps: 4", "momentum", "momentum: 0.9\n"))) \
        .answer_map()
    for t, (_, _, w, b) in enumerate(torch_loop(2, 4, momentum=0.9), start=1):
        assert float(got[f"w@{t}"]) == pytest.approx(w, rel=1e-12)
        assert float(got[f"b@{t}"]) == pytest.approx(b, rel=1e-12)


def test_sgd_on_data_stays_exact():
    got = solve(load_string(spec("batch: all", "steps: 3"))).answer_map()
    assert all(isinstance(got[f"w@{t}"], Fraction) for t in range(4))


def test_the_issues_polynomial_is_exact():
    text = ("kind: optimizer\ntitle: t\nparameters: {p: 1}\nmodel:\n"
            "  - L = (2*p + 3) * (2*p + 3)\noptimizer: sgd\nlr: 0.1\nsteps: 3\n")
    got = solve(load_string(text)).answer_map()
    p, want = Fraction(1), []
    for _ in range(3):  # dL/dp = 4(2p + 3), by hand
        p -= Fraction(1, 10) * 4 * (2 * p + 3)
        want.append(p)
    assert [got[f"p@{t}"] for t in (1, 2, 3)] == want == [-1, Fraction(-7, 5), Fraction(-37, 25)]
    assert got["L@0"] == 25 and got["dL/dp@0"] == 20 and got["L@3"] == (2 * p + 3) ** 2


def test_matrices_keep_their_shape():
    text = ("kind: optimizer\ntitle: t\nparameters: {W: [[1, 2, 3], [4, 5, 6]], c: [1, 2]}\n"
            "given: {x: [1, 0, -1]}\nmodel:\n  - r = W @ x + c\n  - L = sum(r * r)\n"
            "optimizer: sgd\nlr: 0.1\nsteps: 2\n")
    got = solve(load_string(text)).answer_map()
    assert np.array(got["W@2"]).shape == (2, 3)
    assert np.array(got["c@2"]).shape == (2,)  # a column is a flat list, as in backprop
    assert np.array(got["dL/dW@1"]).shape == (2, 3)

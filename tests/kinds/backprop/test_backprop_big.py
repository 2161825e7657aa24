"""A network too big for exact arithmetic: its weights are read as float64 (fast path) and
the gradients must still match torch autograd."""

from __future__ import annotations

import numpy as np
import torch
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.problem import load_string, solve


def block(a: np.ndarray) -> str:
    return "|\n" + "\n".join("    " + " ".join(f"{v:.4f}" for v in row) for row in a)


def big_spec(W: np.ndarray, x: np.ndarray, bad: str | None = None) -> str:
    w_block = block(W)
    if bad is not None:
        w_block = w_block.replace(f"{W[3, 5]:.4f}", bad, 1)
    return (f"kind: backprop\ntitle: big\ngiven:\n  x: {block(x)}\nparameters:\n"
            f"  W: {w_block}\nmodel:\n  - s = W @ x\n  - L = cross_entropy(s, 2)\n")


def test_big_network_matches_torch():
    rng = np.random.default_rng(1)
    W = np.round(rng.normal(0, 0.1, (150, 150)), 4)  # 22,500 entries > the exact limit
    x = np.round(rng.uniform(0, 1, (150, 1)), 4)
    answers = solve(load_string(big_spec(W, x), "big.yaml")).answer_map()
    Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    s = Wt @ torch.tensor(x, dtype=torch.float64)
    loss = torch.nn.functional.cross_entropy(s.view(1, -1), torch.tensor([1]))
    loss.backward()
    assert abs(float(answers["L"]) - loss.item()) < 1e-9
    np.testing.assert_allclose(np.array(answers["dL/dW"], dtype=float), Wt.grad.numpy(),
                               rtol=1e-6, atol=1e-9)


def test_a_bad_entry_in_a_big_block_is_still_named_with_its_line(tmp_path):
    rng = np.random.default_rng(2)
    W = np.round(rng.normal(0, 0.1, (150, 150)), 4)
    x = np.round(rng.uniform(0, 1, (150, 1)), 4)
    text = big_spec(W, x, bad="oops")
    spec = tmp_path / "big.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(app, ["run", str(spec), "--format", "json"])
    assert result.exit_code == 2
    line = 1 + next(i for i, ln in enumerate(text.splitlines()) if "oops" in ln)
    assert f"big.yaml:{line}: parameters.W[4][6]: expected a number, got 'oops'" in result.output

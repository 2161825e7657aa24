"""Backprop through time (issue 12): a 50-step tanh RNN with 32 hidden units.

Forward + BPTT + the sampled finite-difference check + the JSON document, in process
(target ≤ 1 s), and its ratio to the 784-256-10 MLP benchmark of bench_backprop.py timed in
the same run; the whole `examsolve run --format json` command for reference.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_backprop import mlp_spec
from common import EXAMSOLVE, median_time, time_command

STEPS, HIDDEN, FEATURES = 50, 32, 4


def rnn_spec(path: Path) -> None:
    """h[t] = tanh(W·h[t−1] + U·x[:, t] + b), y = V·h[50], L = mse(y, 1); seeded weights."""
    rng = np.random.default_rng(0)

    def block(a: np.ndarray) -> str:
        return "|\n" + "\n".join("    " + " ".join(f"{v:.3f}" for v in r) for r in a)

    W = rng.normal(0, 0.3 / np.sqrt(HIDDEN), (HIDDEN, HIDDEN))
    U = rng.normal(0, 0.5, (HIDDEN, FEATURES))
    V = rng.normal(0, 0.3, (1, HIDDEN))
    x = rng.uniform(-1, 1, (FEATURES, STEPS))
    path.write_text(
        "kind: backprop\ntitle: RNN 50 steps, 32 hidden\n"
        f"given:\n  x: {block(x)}\n  h0: {block(np.zeros((HIDDEN, 1)))}\n  target: 1\n"
        f"parameters:\n  W: {block(W)}\n  U: {block(U)}\n  b: {block(np.zeros((HIDDEN, 1)))}\n"
        f"  V: {block(V)}\n"
        "model:\n  - h[0] = h0\n"
        f"  - for t in 1..{STEPS}:\n      - h[t] = tanh(W @ h[t-1] + U @ x[:, t] + b)\n"
        f"  - y = V @ h[{STEPS}]\n  - L = mse(y, target)\n")


def in_process(spec: Path) -> float:
    from examsolve.problem import load, solve
    from examsolve.render.json_render import to_json

    problem = load(spec)

    def work() -> str:
        return json.dumps(to_json(solve(problem), str(spec)))

    work()  # warm
    return median_time(work, repeats=3)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rnn, mlp = Path(tmp) / "rnn.yaml", Path(tmp) / "mlp.yaml"
        rnn_spec(rnn)
        mlp_spec(mlp)
        t_rnn = in_process(rnn)
        t_mlp = in_process(mlp)
        t_cli = median_time(lambda: time_command([EXAMSOLVE, "run", str(rnn), "--format",
                                                  "json"]), 3)
    verdict = "ok" if t_rnn <= 1.0 else "OVER TARGET"
    print(f"RNN {STEPS} steps x {HIDDEN} hidden: forward + BPTT + FD check + JSON "
          f"{t_rnn * 1000:.0f} ms (target <= 1 s) {verdict}; = {t_rnn / t_mlp:.2f}x the "
          f"MLP 784-256-10 ({t_mlp * 1000:.0f} ms, same run); whole `examsolve run --format "
          f"json` {t_cli * 1000:.0f} ms")


if __name__ == "__main__":
    start = time.perf_counter()
    main()

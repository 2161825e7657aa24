"""Optimizer figures (issue 13), as same-run ratios.

1. Start-up: `examsolve run problems/7-optimizer-sgd-polynomial.yaml --format json` vs
   `python -c "import numpy"` (target ≤ 2.0×).
2. 100 Adam steps on a 784→256→10 ReLU MLP with cross_entropy, `--format json`: the solve
   and the JSON document in process (target ≤ 3 s), printed as a ratio to one forward +
   backward pass of the same model; the YAML load timed apart, and the whole command.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import EXAMSOLVE, ROOT, median_ratio, median_time, time_command


def mlp_spec(path: Path, steps: int = 100) -> None:
    """A 784→256→10 ReLU MLP with random decimal weights (seeded), trained by Adam."""
    rng = np.random.default_rng(0)

    def block(a: np.ndarray) -> str:
        rows = a.reshape(a.shape[0], -1)
        return "|\n" + "\n".join("    " + " ".join(f"{v:.3f}" for v in r) for r in rows)

    W1 = rng.normal(0, 0.05, (256, 784))
    W2 = rng.normal(0, 0.1, (10, 256))
    x = rng.uniform(0, 1, (784, 1))
    path.write_text(
        "kind: optimizer\ntitle: Adam on an MLP 784-256-10\n"
        f"optimizer: adam\nlr: 0.001\nsteps: {steps}\n"
        f"given:\n  x: {block(x)}\n"
        f"parameters:\n  W1: {block(W1)}\n  b1: {block(np.zeros((256, 1)))}\n"
        f"  W2: {block(W2)}\n  b2: {block(np.zeros((10, 1)))}\n"
        "model:\n  - h = relu(W1 @ x + b1)\n  - s = W2 @ h + b2\n  - L = cross_entropy(s, 3)\n")


def main() -> None:
    spec_7 = str(ROOT / "problems" / "7-optimizer-sgd-polynomial.yaml")
    ma, mb, ratio = median_ratio([EXAMSOLVE, "run", spec_7, "--format", "json"],
                                 [sys.executable, "-c", "import numpy"])
    print(f"start-up {Path(spec_7).name}: {ma * 1000:.0f} ms vs import numpy {mb * 1000:.0f} "
          f"ms = {ratio:.2f}x (target <= 2.0x) {'ok' if ratio <= 2.0 else 'OVER TARGET'}")

    from examsolve.kinds.optimizer.gradient import as_array, batch_gradient, constants
    from examsolve.problem import load, solve
    from examsolve.render.json_render import to_json

    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "mlp.yaml"
        mlp_spec(spec)
        start = time.perf_counter()
        problem = load(spec)
        parse = time.perf_counter() - start
        opt = problem.spec
        given = constants(opt, exact=False)
        params = {name: as_array(mx, False) for name, mx in opt.parameters}

        def one_pass() -> object:
            return batch_gradient(opt, given, params, (), exact=False)

        def work() -> str:
            return json.dumps(to_json(solve(problem), str(spec)))

        work()  # warm
        t_work = median_time(work, repeats=3)
        t_pass = median_time(one_pass, repeats=15)
        t_cli = median_time(lambda: time_command([EXAMSOLVE, "run", str(spec), "--format",
                                                  "json"]), 3)
        verdict = "ok" if t_work <= 3.0 else "OVER TARGET"
        print(f"MLP 784-256-10, 100 Adam steps + JSON: {t_work * 1000:.0f} ms (target <= 3 s) "
              f"{verdict}; = {t_work / t_pass:.0f}x one forward+backward "
              f"({t_pass * 1000:.1f} ms)")
        print(f"MLP 784-256-10: YAML load {parse * 1000:.0f} ms; whole `examsolve run "
              f"--format json` {t_cli * 1000:.0f} ms = {t_cli / t_pass:.0f}x one "
              "forward+backward")


if __name__ == "__main__":
    main()

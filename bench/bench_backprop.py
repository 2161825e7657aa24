"""Backprop figures (issue 3), as same-run ratios.

1. Start-up: `examsolve run problems/3-backprop-two-headed.yaml --format json` vs
   `python -c "import numpy"` (target ≤ 2.5×).
2. An MLP 784→256→10 with cross_entropy and one input: forward + backward + the sampled
   finite-difference check + the JSON document, in process (target ≤ 1 s; also shown as a
   ratio to `import numpy`), with the YAML parse of its 203,530 numbers timed apart, and the
   whole `examsolve run --format json` command for reference.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import EXAMSOLVE, ROOT, median_time, startup_ratio, time_command


def mlp_spec(path: Path) -> None:
    """A 784→256→10 ReLU MLP with random decimal weights (seeded)."""
    rng = np.random.default_rng(0)

    def block(a: np.ndarray) -> str:
        rows = a.reshape(a.shape[0], -1)
        return "|\n" + "\n".join("    " + " ".join(f"{v:.3f}" for v in r) for r in rows)

    W1 = rng.normal(0, 0.05, (256, 784))
    W2 = rng.normal(0, 0.1, (10, 256))
    x = rng.uniform(0, 1, (784, 1))
    path.write_text(
        "kind: backprop\ntitle: MLP 784-256-10\n"
        f"given:\n  x: {block(x)}\n"
        f"parameters:\n  W1: {block(W1)}\n  b1: {block(np.zeros((256, 1)))}\n"
        f"  W2: {block(W2)}\n  b2: {block(np.zeros((10, 1)))}\n"
        "model:\n  - h = relu(W1 @ x + b1)\n  - s = W2 @ h + b2\n  - L = cross_entropy(s, 3)\n")


def main() -> None:
    print(startup_ratio(str(ROOT / "problems" / "3-backprop-two-headed.yaml")))
    from examsolve.problem import load, solve
    from examsolve.render.json_render import to_json

    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "mlp.yaml"
        mlp_spec(spec)
        start = time.perf_counter()
        problem = load(spec)
        parse = time.perf_counter() - start

        def work() -> str:
            return json.dumps(to_json(solve(problem), str(spec)))

        work()  # warm
        t_work = median_time(work, repeats=3)
        t_numpy = median_time(lambda: time_command([sys.executable, "-c", "import numpy"]), 5)
        t_cli = median_time(lambda: time_command([EXAMSOLVE, "run", str(spec), "--format",
                                                  "json"]), 3)
        verdict = "ok" if t_work <= 1.0 else "OVER TARGET"
        print(f"MLP 784-256-10: forward + backward + FD check + JSON {t_work * 1000:.0f} ms "
              f"(target <= 1 s) {verdict}; = {t_work / t_numpy:.1f}x import numpy "
              f"({t_numpy * 1000:.0f} ms)")
        print(f"MLP 784-256-10: YAML load of 203,530 numbers {parse * 1000:.0f} ms; whole "
              f"`examsolve run --format json` {t_cli * 1000:.0f} ms = {t_cli / t_numpy:.1f}x "
              "import numpy")


if __name__ == "__main__":
    main()

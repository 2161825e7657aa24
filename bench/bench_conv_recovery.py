"""Scale of the conv-recovery solver (issue 2): `examsolve run SPEC --format json` on an
n×n input with a 3×3 kernel of 9 distinct names plus a bias name, 5% of the inputs and 5% of
the outputs lost, for n = 64, 128, 256.

Targets: every determined value recovered in ≤ 2 s at 256×256, and time growing about
linearly with the area (256/64 is 16× the area; a ratio well under 16 means the fixed
start-up cost still dominates, well over 16 means something superlinear).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import EXAMSOLVE, ROOT  # noqa: E402

SIZES = (64, 128, 256)
LOST = 0.05


def make_spec(n: int, seed: int = 0) -> tuple[str, dict[str, int]]:
    """A random problem as YAML text, and the true value of every parameter."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, size=(n, n))
    w = rng.integers(-3, 4, size=(3, 3))
    b = int(rng.integers(-5, 6))
    y = sum(w[u, v] * x[u:u + n - 2, v:v + n - 2] for u in range(3) for v in range(3)) + b
    x_text = np.where(rng.random(x.shape) < LOST, "?", x.astype(str))
    y_text = np.where(rng.random(y.shape) < LOST, "?", y.astype(str))
    names = [f"w{u + 1}{v + 1}" for u in range(3) for v in range(3)]
    truth = {name: int(w.flat[k]) for k, name in enumerate(names)} | {"b": b}

    def block(rows: np.ndarray) -> str:
        return "\n".join("  " + " ".join(r) for r in rows)

    text = (f"kind: conv-recovery\ntitle: Scale test {n}x{n}\n"
            f"input: |\n{block(x_text)}\noutput: |\n{block(y_text)}\n"
            "kernel: |\n  w11 w12 w13\n  w21 w22 w23\n  w31 w32 w33\nbias: b\n")
    return text, truth


def run_once(path: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run([EXAMSOLVE, "run", str(path), "--format", "json"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - start, json.loads(done.stdout)


def main() -> None:
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            text, truth = make_spec(n)
            path = Path(tmp) / f"scale-{n}.yaml"
            path.write_text(text)
            runs = [run_once(path) for _ in range(3)]
            times[n] = statistics.median(t for t, _ in runs)
            answers = runs[0][1]["answers"]
            wrong = [k for k, v in truth.items() if answers.get(k) != v]
            found = sum(v is not None for v in answers.values())
            print(f"conv-recovery {n}x{n}: {times[n] * 1000:.0f} ms, {found} of "
                  f"{len(answers)} answers determined, kernel and bias "
                  f"{'correct' if not wrong else 'WRONG: ' + ', '.join(wrong)}")
    ratio = times[256] / times[64]
    verdict = "ok" if times[256] <= 2.0 else "OVER TARGET"
    print(f"conv-recovery 256x256 in {times[256]:.2f} s (target <= 2 s) {verdict}; "
          f"time 256/64 = {ratio:.1f}x for 16x the area "
          f"({'about linear or better' if ratio <= 20 else 'SUPERLINEAR'})")


if __name__ == "__main__":
    main()

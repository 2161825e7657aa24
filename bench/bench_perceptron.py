"""perceptron: the perceptron rule on 1,000 points × 100 epochs, against a plain numpy loop.

Issue 14's target: ≤ 1 s for the whole solve (training in exact integers plus the
derivation), with the ratio to a plain float64 numpy loop over the same presentations
measured in this run (timings interleaved, medians of 5). The points are random 2-D
integers with random labels, so no epoch is clean and all 100 epochs run.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Callable

import numpy as np

from common import ROOT, startup_ratio

POINTS, EPOCHS, REPEATS = 1_000, 100, 5


def random_spec(seed: int = 1) -> tuple[str, np.ndarray, np.ndarray]:
    rng = random.Random(seed)
    rows = [(rng.randint(-9, 9), rng.randint(-9, 9), rng.choice((-1, 1))) for _ in range(POINTS)]
    text = ("kind: perceptron\ntitle: bench\npoints: |\n" +
            "\n".join(f"  {a} {b} {t}" for a, b, t in rows) +
            f"\nlr: 1\nepochs: {EPOCHS}\n")
    X = np.array([r[:2] for r in rows], dtype=float)
    T = np.array([r[2] for r in rows], dtype=float)
    return text, X, T


def numpy_loop(X: np.ndarray, T: np.ndarray) -> np.ndarray:
    """The perceptron rule as anyone would write it in numpy: one presentation at a time."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(EPOCHS):
        for x, t in zip(X, T):
            y = 1.0 if w @ x + b >= 0 else -1.0
            if y != t:
                w += (t - y) * x
                b += t - y
    return w


def medians(contenders: dict[str, Callable[[], object]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(REPEATS):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def main() -> None:
    from examsolve.problem import load_string, solve
    from examsolve.kinds.perceptron.learning import train

    text, X, T = random_spec()
    problem = load_string(text)
    answers = solve(problem).answer_map()
    assert answers["epochs"] == EPOCHS
    w = numpy_loop(X, T)
    assert [float(v) for v in answers["w"]] == list(w), "examsolve and numpy must agree"
    got = medians({"solve": lambda: solve(problem), "train": lambda: train(problem.spec),
                   "load": lambda: load_string(text), "numpy": lambda: numpy_loop(X, T)})
    ratio = got["solve"] / got["numpy"]
    verdict = "ok" if got["solve"] <= 1 else "OVER TARGET"
    print(f"perceptron rule, {POINTS} points x {EPOCHS} epochs: solve {got['solve']:.2f} s "
          f"(training alone {got['train']:.2f} s, reading the spec {got['load']:.2f} s) vs "
          f"a plain numpy loop {got['numpy']:.2f} s = {ratio:.2f}x; target <= 1 s {verdict}")
    print(startup_ratio(str(ROOT / "problems" / "7-perceptron-nand-bipolar.yaml")))


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

"""softmax-regression: the robust batched loss against the direct numpy expression and torch.

Issue 5's targets, all measured in this run, timings interleaved, medians of 7:
- numerics.softmax_cross_entropy_batch on N = 10⁶ points, C = 10 classes costs at most 1.3×
  the direct (unstable) numpy expression on the same data;
- and at most 1.5× torch.nn.functional.cross_entropy on the CPU;
- `examsolve run` on the exam spec at most 2.5× `python -c "import numpy"`.
Every contender starts from the same X, y, W, b and includes the scores S = W Xᵀ + b.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable

import numpy as np
import torch

from common import ROOT, startup_ratio
from examsolve.numerics import softmax_cross_entropy_batch

N, C, D = 10**6, 10, 20
REPEATS = 7


def direct_loss(X: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
    """The direct expression, −log(exp(s_y) / Σ_j exp(s_j)), batched as in the library."""
    S = W @ X.T + b
    E = np.exp(S)
    return float(np.mean(-np.log(E[y - 1, np.arange(len(y))] / np.sum(E, axis=0))))


def interleaved_medians(contenders: dict[str, Callable[[], float]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for fn in contenders.values():
        fn()  # warm up (allocator, BLAS threads)
    for _ in range(REPEATS):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x (target <= {target}x) {'ok' if ratio <= target else 'OVER TARGET'}"


def main() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N, D))
    W = rng.standard_normal((C, D))
    b = rng.standard_normal((C, 1))
    y = rng.integers(1, C + 1, N)
    Xt, Wt, bt, yt = (torch.from_numpy(a) for a in (X, W, b.ravel(), y - 1))

    contenders = {
        "robust": lambda: softmax_cross_entropy_batch(X, y, W, b),
        "direct": lambda: direct_loss(X, y, W, b),
        "torch": lambda: torch.nn.functional.cross_entropy(Xt @ Wt.T + bt, yt).item(),
    }
    losses = {name: fn() for name, fn in contenders.items()}
    spread = max(losses.values()) - min(losses.values())
    assert spread < 1e-9, f"the three disagree: {losses}"  # same data, same answer

    t = interleaved_medians(contenders)
    print(f"batched loss, N = {N:,}, C = {C}, D = {D}, float64, {torch.get_num_threads()} "
          f"torch threads: robust {t['robust'] * 1000:.0f} ms, direct "
          f"{t['direct'] * 1000:.0f} ms, torch {t['torch'] * 1000:.0f} ms")
    print(f"robust / direct numpy: {verdict(t['robust'] / t['direct'], 1.3)}")
    print(f"robust / torch.nn.functional.cross_entropy: "
          f"{verdict(t['robust'] / t['torch'], 1.5)}")
    print(startup_ratio(str(ROOT / "problems" / "4-softmax-overflow.yaml")))


if __name__ == "__main__":
    main()

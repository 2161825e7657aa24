"""Shared timing helpers for the benchmarks: medians and same-run ratios.

Machines are shared and noisy, so every target is a ratio of two timings taken in the same
run (interleaved), never an absolute time asserted in the tests.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXAMSOLVE = str(BIN / "examsolve")


def time_command(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, env={**os.environ, "NO_COLOR": "1"})
    return time.perf_counter() - start


def median_ratio(argv_a: list[str], argv_b: list[str], repeats: int = 7) -> tuple[float, float, float]:
    """Median wall times of two commands, interleaved, and a/b."""
    a, b = [], []
    time_command(argv_a), time_command(argv_b)  # warm the file cache
    for _ in range(repeats):
        a.append(time_command(argv_a))
        b.append(time_command(argv_b))
    ma, mb = statistics.median(a), statistics.median(b)
    return ma, mb, ma / mb


def startup_ratio(spec: str, repeats: int = 7) -> str:
    """`examsolve run SPEC --format json` vs `python -c "import numpy"`; target ≤ 2.5."""
    ma, mb, ratio = median_ratio([EXAMSOLVE, "run", spec, "--format", "json"],
                                 [sys.executable, "-c", "import numpy"], repeats)
    verdict = "ok" if ratio <= 2.5 else "OVER TARGET"
    return (f"start-up {Path(spec).name}: {ma * 1000:.0f} ms vs import numpy "
            f"{mb * 1000:.0f} ms = {ratio:.2f}x (target <= 2.5x) {verdict}")


def median_time(fn: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

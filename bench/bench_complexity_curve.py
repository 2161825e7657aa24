"""complexity-curve: the exam example (200 repeats, degrees 0..12, two ridge strengths and a
second training size) end to end.

Issue 7's target: `examsolve run problems/6-complexity-curve.yaml --format json` in ≤ 2 s.
Printed as the median wall time and as a ratio to `python -c "import numpy"` measured in the
same run (interleaved, medians of 7), plus the in-process load + solve time for reference.
"""

from __future__ import annotations

import sys

from common import EXAMSOLVE, ROOT, median_ratio, median_time

SPEC = "problems/6-complexity-curve.yaml"
TARGET_SECONDS = 2.0


def main() -> None:
    from examsolve.problem import load, solve

    wall, numpy_start, ratio = median_ratio([EXAMSOLVE, "run", SPEC, "--format", "json"],
                                            [sys.executable, "-c", "import numpy"])
    verdict = "ok" if wall <= TARGET_SECONDS else "OVER TARGET"
    print(f"run {SPEC} --format json: {wall:.2f} s (target <= {TARGET_SECONDS:g} s) {verdict}; "
          f"= {ratio:.1f}x `python -c \"import numpy\"` ({numpy_start * 1000:.0f} ms)")
    path = ROOT / SPEC
    inside = median_time(lambda: solve(load(path)))
    print(f"load + solve in process: {inside:.2f} s = {inside / numpy_start:.1f}x import numpy; "
          f"{inside / wall:.0%} of the command's wall time")


if __name__ == "__main__":
    main()

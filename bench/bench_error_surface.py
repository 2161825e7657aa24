"""error-surface: start-up without sympy, and the time to solve the exam's quartic.

Issue 13's targets, measured in this run (medians, interleaved where two commands race):
- start-up ≤ 2.0 × `python -c "import numpy"`: sympy is loaded only when a spec is solved,
  so `examsolve list` on the error-surface specs (which validates each one fully) is timed
  against `import numpy`; `examsolve run` of the quartic (which does load sympy) is printed
  beside it as a ratio too, with `python -c "import numpy, sympy"` as its fair baseline;
- the solve of problems/7-error-surface-quartic.yaml in-process (load + solve, sympy
  already imported), as seconds and as a ratio to one `import numpy`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from common import EXAMSOLVE, ROOT, median_ratio, median_time

QUARTIC = ROOT / "problems" / "7-error-surface-quartic.yaml"


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x (target <= {target}x) {'ok' if ratio <= target else 'OVER TARGET'}"


def main() -> None:
    numpy = [sys.executable, "-c", "import numpy"]
    with tempfile.TemporaryDirectory() as folder:
        for spec in sorted((ROOT / "problems").glob("7*-error-surface*.yaml")):
            shutil.copy(spec, folder)
        ma, mb, ratio = median_ratio([EXAMSOLVE, "list", folder], numpy)
    print(f"start-up (examsolve list of the error-surface specs, no sympy): {ma * 1000:.0f} ms "
          f"vs import numpy {mb * 1000:.0f} ms = {verdict(ratio, 2.0)}")
    ma, mb, ratio = median_ratio([EXAMSOLVE, "run", str(QUARTIC), "--format", "json"],
                                 [sys.executable, "-c", "import numpy, sympy"])
    _, numpy_ms, to_numpy = median_ratio([EXAMSOLVE, "run", str(QUARTIC), "--format", "json"],
                                         numpy, repeats=5)
    print(f"run {QUARTIC.name} --format json (loads sympy): {ma * 1000:.0f} ms = {ratio:.2f}x "
          f"import numpy, sympy ({mb * 1000:.0f} ms), {to_numpy:.2f}x import numpy")

    import sympy  # noqa: F401  (the solve below is timed with sympy already loaded)
    from examsolve.problem import load, solve

    solve(load(QUARTIC))  # warm sympy's caches of the kind's first call
    seconds = median_time(lambda: solve(load(QUARTIC)), repeats=7)
    print(f"solve {QUARTIC.name} in-process: {seconds * 1000:.0f} ms "
          f"= {seconds / (numpy_ms or 1):.2f}x one import numpy ({numpy_ms * 1000:.0f} ms)")


if __name__ == "__main__":
    main()

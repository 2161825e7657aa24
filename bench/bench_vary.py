"""`examsolve vary SPEC -n 100` on the exam's conv-recovery and backprop problems (issue 15):
wall time of the whole command, variants/s and the rejection rate per niceness rule.

Target: ≤ 10 s each on this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import EXAMSOLVE, ROOT  # noqa: E402

SPECS = ("problems/2-conv-recovery.yaml", "problems/3-backprop-two-headed.yaml")
TARGET = 10.0


def main() -> None:
    for spec in SPECS:
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            run = subprocess.run([EXAMSOLVE, "vary", spec, "-n", "100", "--seed", "7", "-o",
                                  out], cwd=ROOT, capture_output=True, text=True,
                                 env={**os.environ, "NO_COLOR": "1"})
            seconds = time.perf_counter() - start
        verdict = "ok" if run.returncode == 0 and seconds <= TARGET else "OVER TARGET"
        print(f"vary {Path(spec).name} -n 100: {seconds:.1f} s (target <= {TARGET:g} s) "
              f"{verdict}; {run.stderr.strip()}")


if __name__ == "__main__":
    main()

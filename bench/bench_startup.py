"""Start-up: `examsolve run problems/2-conv-recovery.yaml --format json` vs `import numpy`.

Target ≤ 2.5× (issue 2). Both commands are timed interleaved in the same run.
"""

from __future__ import annotations

from common import ROOT, startup_ratio


def main() -> None:
    print(startup_ratio(str(ROOT / "problems" / "2-conv-recovery.yaml")))


if __name__ == "__main__":
    main()

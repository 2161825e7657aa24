"""classifier-design: start-up on the exam's set, and time to a correct net on random 2-D sets.

Targets (issue 4): `examsolve run` of the exam spec ≤ 2.5× `python -c "import numpy"`, and a
correct net for 20 random points in ≤ 2 s. Random labels rarely admit a net with ≤ 3 units,
so the big sets mostly time the whole search plus the construction — the worst case.
"""

from __future__ import annotations

import random
import statistics
import time

from common import ROOT, startup_ratio

SIZES = (8, 12, 20, 40)
SEEDS = (1, 2, 3)


def random_spec(n: int, seed: int) -> str:
    rng = random.Random(seed)
    points: dict[tuple[int, int], str] = {}
    while len(points) < n:
        points[(rng.randint(-6, 6), rng.randint(-6, 6))] = rng.choice(["o", "x"])
    labels = list(points.values())
    if len(set(labels)) < 2:  # two classes, always
        points[next(iter(points))] = "o" if labels[0] == "x" else "x"
    lines = "\n".join(f"  {a / 2} {b / 2} {label}" for (a, b), label in points.items())
    return f"kind: classifier-design\ntitle: random {n}\npoints: |\n{lines}\n"


def main() -> None:
    from examsolve.problem import load_string, solve

    print(startup_ratio(str(ROOT / "problems" / "1-classifier-design.yaml")))
    for n in SIZES:
        times, hidden, constructed = [], [], 0
        for seed in SEEDS:
            problem = load_string(random_spec(n, seed))
            start = time.perf_counter()
            derivation = solve(problem)
            times.append(time.perf_counter() - start)
            answers = derivation.answer_map()
            assert answers["correct"] == n, "the design must classify every point"
            hidden.append(int(answers["hidden"]))
            constructed += any("Constructing" in s.heading for s in derivation.steps)
        median = statistics.median(times)
        verdict = ""
        if n == 20:
            verdict = "  (target <= 2 s) " + ("ok" if median <= 2 else "OVER TARGET")
        print(f"random 2-D, {n:2d} points: median {median:.2f} s to a correct net, "
              f"hidden units {hidden} ({constructed} of {len(SEEDS)} by construction){verdict}")


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

"""classifier-design: proving the minimum for 12 random 2-D points (issue 14, target ≤ 2 s).

The points are random on a half-integer grid, labelled by the parity of their sides of 3 or
4 random lines (an XOR of half-planes: not separable as a rule, so the proof has work to do).
Sets whose found minimum is above 4 are skipped (the issue's H ≤ 4).
Each set is designed in full (`solve`: grid search, exact proof over cut patterns, the
derivation) and timed; the figure is the median, with how many minima were proved and the
solve time without the proof for comparison (the ratio is the proof's cost).

A second line, beyond the issue's target, does the same for 12 points with random labels:
they need more units and the proof's limits are reached on some (reported, not a target).
"""

from __future__ import annotations

import random
import statistics
import time

SEEDS = range(1, 16)
POINTS = 12


def teacher_spec(seed: int) -> str:
    rng = random.Random(seed)
    lines = [(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1))
             for _ in range(rng.choice((3, 4)))]
    points: dict[tuple[int, int], str] = {}
    while len(points) < POINTS:
        x = (rng.randint(-6, 6), rng.randint(-6, 6))
        sides = sum(a * x[0] + b * x[1] + 3 * c > 0 for a, b, c in lines)
        points[x] = "x" if sides % 2 else "o"
    labels = list(points.values())
    if len(set(labels)) < 2:
        points[next(iter(points))] = "o" if labels[0] == "x" else "x"
    lines = "\n".join(f"  {a / 2} {b / 2} {label}" for (a, b), label in points.items())
    return f"kind: classifier-design\ntitle: teacher {seed}\npoints: |\n{lines}\n"


def random_labels_spec(seed: int) -> str:
    rng = random.Random(seed)
    points: dict[tuple[int, int], str] = {}
    while len(points) < POINTS:
        points[(rng.randint(-6, 6), rng.randint(-6, 6))] = rng.choice("xo")
    if len(set(points.values())) < 2:
        points[next(iter(points))] = "xo"[list(points.values())[0] == "x"]
    lines = "\n".join(f"  {a / 2} {b / 2} {label}" for (a, b), label in points.items())
    return f"kind: classifier-design\ntitle: random {seed}\npoints: |\n{lines}\n"


def _run(make, seeds, skip: bool = True
         ) -> tuple[list[float], list[int], list[bool], list[int]]:
    """(solve times, hidden units, proved flags, the seeds kept): sets above H = 4 are
    skipped unless `skip` is False."""
    from examsolve.problem import load_string, solve

    times, hidden, proved, kept = [], [], [], []
    for seed in seeds:
        problem = load_string(make(seed))
        start = time.perf_counter()
        answers = solve(problem).answer_map()
        elapsed = time.perf_counter() - start
        assert answers["correct"] == POINTS
        if skip and answers["hidden"] > 4:
            continue
        kept.append(seed)
        times.append(elapsed)
        hidden.append(int(answers["hidden"]))
        proved.append(answers["hidden_proved"] is True)
    return times, hidden, proved, kept


def main() -> None:
    from examsolve.kinds.classifier_design import derive
    from examsolve.problem import load_string, solve

    solve(load_string(teacher_spec(0)))  # imports (highspy included) out of the timing
    times, hidden, flags, kept = _run(teacher_spec, SEEDS)
    keep = derive._prove_fewest
    derive._prove_fewest = lambda *args: (None, None, None)  # the same solves without the proof
    try:
        plain = _run(teacher_spec, kept, skip=False)[0]
    finally:
        derive._prove_fewest = keep
    median, base = statistics.median(times), statistics.median(plain)
    hard = [t for t, h in zip(times, hidden) if h >= 3]  # where the proof enumerates patterns
    hard_proved = sum(f for f, h in zip(flags, hidden) if h >= 3)
    verdict = "ok" if median <= 2 else "OVER TARGET"
    print(f"minimum for {POINTS} random 2-D points (H <= 4): median {median:.2f} s "
          f"(target <= 2 s) {verdict}; without the proof {base:.2f} s, ratio "
          f"{median / base:.1f}x; hidden units {hidden}, {sum(flags)} of {len(times)} proved")
    if hard:
        print(f"  the {len(hard)} sets with H >= 3: median {statistics.median(hard):.2f} s, "
              f"slowest {max(hard):.2f} s, {hard_proved} proved")
    times, hidden, flags, kept = _run(random_labels_spec, SEEDS)
    slowest = kept[times.index(max(times))]
    print(f"  beyond the target, {POINTS} points with random labels (H <= 4): median "
          f"{statistics.median(times):.2f} s, slowest {max(times):.2f} s (seed {slowest}); "
          f"hidden units {hidden}, {sum(flags)} of {len(times)} proved"
          + ("" if all(flags) else " (the rest say which limit stopped the proof)"))


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

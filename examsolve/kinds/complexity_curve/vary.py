"""What `examsolve vary` changes in a complexity-curve spec, and what must survive.

By default: the data's seed (0..999), the noise's standard deviation (half to double the
original's, in quarters) and the training-set size (three quarters to one and a half of the
original's). The rule `a U-shaped curve`: the degree with the least test
error lies strictly inside the degree range, as in the original — the curve still shows
both underfitting and overfitting.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from examsolve.vary.nice import rates_near


def plan(spec: Any) -> dict[str, object]:
    task = spec.design.task
    train = int(task.train)
    return {"seed": "int 0..999",
            "noise": rates_near(Fraction(str(task.noise))),
            "train": sorted({max(5, train * k // 4) for k in (3, 4, 5, 6)})}


def u_shaped(o: Any, original: Any, c: Any, candidate: Any) -> bool:
    """The best degree strictly inside the range whenever the original's was."""
    def inside(problem: Any, solution: Any) -> bool:
        degrees = list(problem.spec.design.degrees)
        best = solution.answer_map().get("best_degree")
        return best is not None and degrees[0] < best < degrees[-1]
    return inside(c, candidate) or not inside(o, original)


RULES = {"a U-shaped curve": u_shaped}

"""What `examsolve vary` changes in an error-surface spec, and what must survive.

By default: the point `at` where f, its gradient and Hessian are asked for, and gradient
descent's start and learning rate (the start written out as the origin when the spec
leaves it implicit; whole numbers of the original's magnitude, at least −4..4; rates from
half to double the original's, nice numbers). The function stays: its stationary points
are the problem. The shared rule `same structure` keeps the regime (a rate that converged,
oscillated or diverged does so again), and `small denominators` keeps the numbers nice.
"""

from __future__ import annotations

from typing import Any

from examsolve.vary.nice import rates_near


def plan(spec: Any) -> dict[str, object]:
    # at least −4..4: a 2-D `at` within −2..2 has only 24 other points
    values = [abs(v) for v in (spec.at or ()) + (spec.start or ()) if v.denominator == 1]
    m = max([4] + [int(v) for v in values])
    out: dict[str, object] = {"at": f"int {-m}..{m}"}
    if spec.lr is not None:
        out["start"] = f"int {-m}..{m}"
        out["lr"] = rates_near(spec.lr)
    return out


def explicit(spec: Any) -> dict[str, object]:
    """Gradient descent's start, the origin unless the spec says otherwise."""
    if spec.lr is None:
        return {}
    return {"start": 0 if len(spec.names) == 1 else {n: 0 for n in spec.names}}

"""Why one hidden unit cannot work: a point in both classes' convex hulls, found exactly.

With one hidden unit s = v·ReLU(w·x + b) + b2 is a monotone function of w·x, so the net
predicts by a threshold on w·x: the classes must be strictly separable by a hyperplane. They
are not exactly when their convex hulls meet, i.e. when

    Σ_i λ_i p_i = Σ_j μ_j n_j,   Σ λ_i = 1,   Σ μ_j = 1,   λ, μ ≥ 0

has a solution (p_i the positive points, n_j the negative ones). Phase 1 of the simplex
method (Bland's rule, so it terminates) in Fractions finds a basic solution — at most D + 2
nonzero weights — which the derivation writes out as the proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from examsolve.geometry import convex_hulls_meet
from examsolve.kinds.classifier_design.net import Vector


@dataclass(frozen=True)
class HullMeet:
    """Convex weights over the positive and the negative points with the same average."""

    positive: tuple[tuple[int, Fraction], ...]  # (index into the points, weight > 0)
    negative: tuple[tuple[int, Fraction], ...]
    point: Vector


def hulls_meet(xs: list[Vector], ys: list[int]) -> HullMeet | None:
    """A point common to both convex hulls, or None when the classes are separable (the exact
    simplex search is examsolve.geometry's); indices are into the whole point list."""
    pos = [i for i, y in enumerate(ys) if y > 0]
    neg = [i for i, y in enumerate(ys) if y < 0]
    meet = convex_hulls_meet([xs[i] for i in pos], [xs[i] for i in neg])
    if meet is None:
        return None
    return HullMeet(tuple((pos[i], v) for i, v in meet.first),
                    tuple((neg[j], v) for j, v in meet.second), meet.point)

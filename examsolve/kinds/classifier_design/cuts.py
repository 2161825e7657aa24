"""The cuts a single unit can make on a finite point set: its linear dichotomies, exactly.

A unit with pre-activation z = w·x + b is active on S = {i : z_i > 0}. Which sets S occur?
Exactly the sets strictly separable from their complement by a hyperplane: lowering b a
little makes the complement strictly negative, and any strictly separating (w, b) gives S.

In the plane every such S (other than none and all) is also cut by a line through two of the
points, with the points on that line split at one place along it: translate a separating
line until it touches a point, then turn it about that point until it touches a second one;
no point crosses on the way, and on the final line z restricted to the line is affine, so the
points of S on it are those on one side of one place along the line (a prefix or a suffix in
the line's order). Conversely each such set is a cut (turn the line slightly about the place,
then shift it a little). So, for every ordered pair of distinct points (i, j):

    S = {k : n·(x_k − x_i) > 0}  ∪  (a prefix or a suffix of the points on the line by d·x),

with d = x_j − x_i and n = d turned by 90°, plus none and all. On a line (D = 1) the cuts are
the prefixes and suffixes in sorted order. In three or more dimensions, up to MAX_BRUTE
points (a 3-input truth table's 8 rows), every subset is tested: S is a cut exactly when the
convex hulls of S and its complement do not meet (examsolve.geometry, exact). Sets are
bitmasks over the point indices; the points must be distinct. Larger sets in three or more
dimensions are not enumerated here (None).
"""

from __future__ import annotations

from fractions import Fraction

Vector = tuple[Fraction, ...]
MAX_BRUTE = 8  # 256 subsets, each an exact hull test: about 0.2 s


def linear_dichotomies(xs: list[Vector]) -> tuple[int, ...] | None:
    """Every cut {i : w·x_i + b > 0} of the distinct points `xs` as a bitmask (bit i for
    point i), sorted, including 0 (none) and all; None when D > 2 and there are more than
    MAX_BRUTE points (module docstring)."""
    n = len(xs)
    everything = (1 << n) - 1
    found = {0, everything}
    if len(xs[0]) == 1:
        order = sorted(range(n), key=lambda i: xs[i][0])
        _add_splits(found, 0, order)
        return tuple(sorted(found))
    if len(xs[0]) != 2:
        return _every_subset(xs) if n <= MAX_BRUTE else None
    for i, xi in enumerate(xs):
        for j, xj in enumerate(xs):
            if i == j:
                continue
            d = (xj[0] - xi[0], xj[1] - xi[1])
            normal = (-d[1], d[0])
            side, on_line = 0, []
            for k, x in enumerate(xs):
                z = normal[0] * (x[0] - xi[0]) + normal[1] * (x[1] - xi[1])
                if z > 0:
                    side |= 1 << k
                elif z == 0:
                    on_line.append(k)
            on_line.sort(key=lambda k: d[0] * xs[k][0] + d[1] * xs[k][1])
            _add_splits(found, side, on_line)
    return tuple(sorted(found))


def _every_subset(xs: list[Vector]) -> tuple[int, ...]:
    """The cuts of a few points in any dimension: every subset whose hull and its
    complement's hull do not meet (module docstring)."""
    from examsolve.geometry import convex_hulls_meet

    n = len(xs)
    found = []
    for mask in range(1 << n):
        inside = [x for i, x in enumerate(xs) if mask >> i & 1]
        outside = [x for i, x in enumerate(xs) if not mask >> i & 1]
        if not inside or not outside or convex_hulls_meet(inside, outside) is None:
            found.append(mask)
    return tuple(found)


def _add_splits(found: set[int], base: int, order: list[int]) -> None:
    """base ∪ each prefix and each suffix of `order` (none and all included)."""
    prefix = 0
    masks = [0]
    for k in order:
        prefix |= 1 << k
        masks.append(prefix)
    whole = masks[-1]
    for mask in masks:
        found.add(base | mask)
        found.add(base | (whole & ~mask))

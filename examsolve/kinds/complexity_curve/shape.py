"""The shape of a measured test-error curve, read off its numbers by stated rules.

Every sentence the derivation writes about the curve — the best degree, the regions, whether
it is U-shaped, where it rises and falls — is one of these facts, so it is true of the table
it sits next to. The rules (the narration states them):

    d*         the degree with the lowest mean test MSE; on a tie within the rounding floor,
               the simplest
    good fit   a test MSE within the band: ≤ (1 + GOOD_FIT_BAND) · min + floor
    underfit   every degree below the first good fit
    overfit    every degree above the last good fit: the error has left the band and stays out
    neither    a degree outside the band between two good fits (a bump; no region claimed)

The curve is U-shaped when it has both an underfitting and an overfitting region and no bump.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A degree whose test MSE is within this fraction of the minimum counts as a good fit.
GOOD_FIT_BAND = 0.10


@dataclass(frozen=True)
class Regions:
    """One curve's regions by the module's rules; degrees, not indices, except `best`."""

    best: int  # index of the minimum (simplest on a tie)
    limit: float  # the top of the good-fit band
    floor: float  # errors closer than this are equal up to rounding
    under: tuple[int, ...]
    good: tuple[int, ...]
    bumps: tuple[int, ...]  # outside the band between good fits
    over: tuple[int, ...]

    @property
    def u_shaped(self) -> bool:
        return bool(self.under and self.over and not self.bumps)

    def label(self, degree: int, best_degree: int) -> str:
        """The table's region column."""
        if degree == best_degree:
            return "best"
        if degree in self.under:
            return "underfit"
        if degree in self.over:
            return "overfit"
        return "good fit" if degree in self.good else "neither"


def simplest_best(errors: np.ndarray, floor: float) -> int:
    """The first (simplest) index whose error is within `floor` of the smallest error."""
    return int(np.argmax(errors <= np.min(errors) + floor))


def find_regions(errors: np.ndarray, degrees: tuple[int, ...], floor: float,
                 band: float = GOOD_FIT_BAND) -> Regions:
    """The regions of one curve (module docstring)."""
    best = simplest_best(errors, floor)
    limit = (1 + band) * float(errors[best]) + floor
    inside = np.flatnonzero(errors <= limit)
    first, last = int(inside[0]), int(inside[-1])
    return Regions(
        best=best, limit=limit, floor=floor,
        under=tuple(degrees[:first]),
        good=tuple(degrees[i] for i in inside),
        bumps=tuple(degrees[i] for i in range(first, last + 1) if errors[i] > limit),
        over=tuple(degrees[last + 1:]))


@dataclass(frozen=True)
class Steps:
    """The consecutive pairs (d, d′) of a stretch of the curve, by what the error does; a
    change no larger than the rounding floor is `level`, neither a rise nor a fall."""

    rises: tuple[tuple[int, int], ...]
    falls: tuple[tuple[int, int], ...]
    level: tuple[tuple[int, int], ...]


def steps(errors: np.ndarray, degrees: tuple[int, ...], start: int, stop: int,
          floor: float) -> Steps:
    """The steps between indices start..stop."""
    out: dict[str, list[tuple[int, int]]] = {"rises": [], "falls": [], "level": []}
    for i in range(start + 1, stop + 1):
        change = float(errors[i] - errors[i - 1])
        kind = "level" if abs(change) <= floor else "rises" if change > 0 else "falls"
        out[kind].append((degrees[i - 1], degrees[i]))
    return Steps(**{k: tuple(v) for k, v in out.items()})

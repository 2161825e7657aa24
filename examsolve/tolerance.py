"""When a written number agrees with the true value: the rule people round by.

An answer written with d ≥ 3 significant digits agrees when it is the true value rounded to
d digits — within half a unit of its last written digit (`2.079` for 2.0794415, `-350.0` for
-349.98). Otherwise (fewer digits, `2.1` or `0.00009`; no digit count at all, a fraction or a
value from code; or 17 digits that float64 cannot all match) it must lie within `tolerance`
*relative* to the true value. Only a true value of
exactly 0 has an absolute floor (|got| ≤ tolerance): relative to 0 nothing could pass.

The same rule judges a spec's `expected` (the spec's text against the solver's value) and a
student's answers (the student's text against the solver's value).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

# Fewer significant digits than this only pass within the relative tolerance.
MIN_DIGITS = 3

_DECIMAL = re.compile(r"^[+-]?(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?$")


@dataclass(frozen=True)
class Written:
    """How a number was written: its significant digits and the place of its last digit
    (`2.079` has 4 digits, last place 10⁻³). An integer's digits all count (`360`: 3)."""

    digits: int
    last_place: int  # the exponent of the last written digit's unit

    @property
    def half_unit(self) -> Fraction:
        """Half a unit in the last written place: the widest rounding error d digits allow."""
        return Fraction(1, 2) * Fraction(10) ** self.last_place


def written(text: str | None) -> Written | None:
    """The significant digits of a decimal literal (`0.006693` → 4, `4.509e-5` → 4); None
    for a fraction, a word, inf/nan, or a number with no nonzero digit."""
    if text is None:
        return None
    m = _DECIMAL.match(text.strip().replace("\u2212", "-"))
    if m is None or not (m["int"] or m["frac"]):
        return None
    whole, frac = m["int"] or "", m["frac"] or ""
    mantissa = (whole + frac).lstrip("0")
    if not mantissa:
        return None
    exponent = int(m["exp"] or 0)
    return Written(len(mantissa), exponent - len(frac))


@dataclass(frozen=True)
class Agreement:
    ok: bool
    note: str = ""  # why not, when it helps: "give at least 3 significant digits"


def agrees(got: float | Fraction, true: float | Fraction, tolerance: float,
           text: str | None = None) -> Agreement:
    """Does `got` (written as `text`, when known) agree with `true`? The module's rule."""
    g, t = _number(got), _number(true)
    if isinstance(g, float) and math.isnan(g) or isinstance(t, float) and math.isnan(t):
        return Agreement(isinstance(g, float) and math.isnan(g) and
                         isinstance(t, float) and math.isnan(t))
    if isinstance(g, float) and math.isinf(g) or isinstance(t, float) and math.isinf(t):
        return Agreement(g == t)
    gq, tq = Fraction(g), Fraction(t)
    if tq == 0:
        return Agreement(abs(gq) <= Fraction(tolerance))
    form = written(text)
    if form is not None and form.digits >= MIN_DIGITS and abs(gq - tq) <= form.half_unit:
        return Agreement(True)
    ok = abs(gq - tq) <= Fraction(tolerance) * abs(tq)
    if not ok and form is not None and abs(gq - tq) <= form.half_unit:
        return Agreement(False, f"right to the {form.digits} digit(s) written; give at least "
                                f"{MIN_DIGITS} significant digits")
    return Agreement(ok)


def _number(value: object) -> float | Fraction:
    if isinstance(value, (Fraction, float)):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return float(value)  # type: ignore[arg-type]

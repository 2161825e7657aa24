"""How the floats of a softmax-regression derivation are written: rounded, but never looking exact.

examsolve writes floats to 4 significant digits (a rounded one keeps its trailing zeros, so
−0.9999549 is `−1.000`), which is right for most numbers but hides what this derivation is
about: 4.509e−5 − 1 = −1.000 does not show the 5 in the fifth digit.
Here a rounded float shows at least 4 significant digits that are not dropped zeros — one
more digit at a time, up to 8 — so those read −0.99995, −349.98, 0.49999. The value is a
Fraction holding that decimal, which the renderers print digit for digit; the answers
themselves keep full precision.

The entries of one matrix share one number of significant digits, the most any entry
needs (2.3424 beside −349.98, not 2.342), except those printed in e-notation, which always
show 4; and the terms of a sum are written so that they add up to its total as written.

Two steps also chain roundings, L = log Z − (s_y − m): Z is written with enough digits for
log(Z as written) to give the log Z as written (to within 1 in its last digit), and L is
written as exactly log Z (as written) − (s_y − m), so each printed step checks by hand.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from examsolve.mathmodel import Expr, Num, add
from examsolve.numbers import format_number

AT_LEAST, AT_MOST = 4, 8  # significant digits of a rounded float


def rounded(value: float, digits: int) -> Fraction | float:
    """value to `digits` significant digits, as a decimal Fraction where examsolve prints it
    as a decimal (1e−4 ≤ |value| < 1e15, at most 8 digits); else the float, whose own
    printing (4 digits, `4.54e−5`) is then used."""
    value = float(value)
    if not math.isfinite(value) or value == 0 or not 1e-4 <= abs(value) < 1e15:
        return value
    q = Fraction(f"{value:.{digits - 1}e}")
    return q if "/" not in format_number(q) else value


def shown_digits(q: Fraction | float) -> int:
    """How many significant digits the printed number shows: 0.00676 and 350 show 3."""
    text = format_number(q).lstrip("-")
    digits = text.replace(".", "").lstrip("0") if "." in text else text.strip("0")
    return len(digits)


def honest(value: object, dtype: type = float, at_least: int = AT_LEAST) -> Fraction | float:
    """A float as a derivation writes it: exact if some short decimal is exactly this float
    (in its dtype), else at least `at_least` significant digits rounded to, 4 of them not
    dropped zeros, and at least every digit of its whole part."""
    value = float(value)  # type: ignore[arg-type]
    if value == 0:
        return Fraction(0)  # exact, so that 0 − (−1000) = 1000 checks by hand
    # Never round into the whole part: 10006 must not read 10010.
    whole = len(str(int(abs(value)))) if math.isfinite(value) and abs(value) >= 1 else 0
    low, start = max(AT_LEAST, whole), max(at_least, whole)
    # A decimal holds at most 8 digits after its leading zeros (0.000907978 is too many):
    # give the entry fewer digits than asked rather than a float's 4 (0.000908).
    while start > low and isinstance(rounded(value, start), float):
        start -= 1
    for digits in range(start, max(AT_MOST, start) + 1):
        q = rounded(value, digits)
        if isinstance(q, float):
            return q  # printed as a float: inf, nan, 0, or in e-notation
        if dtype(float(q)) == dtype(value) or shown_digits(q) >= AT_LEAST:
            return q
    return q


def digits_needed(values: object) -> int:
    """The most significant digits `honest` gives any rounded decimal entry of `values`."""
    needed = [shown_digits(q) for v in np.ravel(np.asarray(values, dtype=float))
              if isinstance(q := honest(v), Fraction) and float(q) != v]
    return max(needed, default=AT_LEAST)


def honest_all(values: np.ndarray, at_least: int | None = None) -> np.ndarray:
    """`honest` entry by entry, keeping the shape (for mat), every rounded entry to the
    same number of significant digits: `at_least`, or else the most any entry needs."""
    kind = values.dtype.type
    digits = digits_needed(values) if at_least is None else at_least
    out = np.empty(values.shape, dtype=object)
    for index, v in np.ndenumerate(values):
        out[index] = honest(v, kind, digits)
    return out


def printed_value(q: Fraction | float) -> float:
    """The number a reader sees: 4.54e−5 for the float 4.539993e−5."""
    return float(format_number(q)) if isinstance(q, float) else float(q)


def addends(values: np.ndarray, total: Fraction | float) -> np.ndarray:
    """The terms of a sum written with the digits (the same for all) that make them add up,
    as printed, to `total` as printed: 0.0067379 + 4.54e−5 + 1 ≈ 1.0067833, not
    0.006738 + 4.54e−5 + 1, which adds up to 1.0067834."""
    half = unit(total) / 2 * (1 + 1e-9)
    start = digits_needed(values)
    for digits in range(start, AT_MOST + 1):
        terms = honest_all(values, digits)
        if abs(sum(printed_value(q) for q in terms.ravel()) - printed_value(total)) <= half:
            return terms
    return honest_all(values, start)  # the e-notation terms' 4 digits cannot do better


def log_pair(Z: float, dtype: type = float) -> tuple[Expr, Fraction | float]:
    """(Z, log Z) as written, so that log(Z as written) ≈ log Z as written.

    log Z is `honest`; Z gets digits until the log of the written Z differs from the written
    log Z by at most 1 in its last digit (a rounding a student will accept). A Z too close
    to 1 for 8 digits is written 1 + (Z − 1), since log(1 + ε) ≈ ε.
    """
    log_Z = honest(math.log(Z))
    last = unit(log_Z)
    for digits in range(AT_LEAST, AT_MOST + 1):
        written = rounded(Z, digits)
        if isinstance(written, float):
            break  # Z past 1e15: printed as a float, however many digits
        # against log Z as printed: 1.671e−5, not the float 1.6707e−5 behind it
        if abs(math.log(written) - printed_value(log_Z)) <= last and \
                (dtype(float(written)) == dtype(Z) or shown_digits(written) >= AT_LEAST):
            return Num(written), log_Z
    if 1 < Z < 1 + 1e-4:
        return add(Num(1), Num(honest(Z - 1))), log_Z
    return Num(honest(Z, dtype)), log_Z


def unit(q: Fraction | float) -> float:
    """One unit in the last printed place: 0.00676 → 1e−5, 4.54e−5 → 1e−7, 350 → 1."""
    text = format_number(q).lstrip("-")
    if not math.isfinite(float(q)):
        return 0.0
    mantissa, _, exponent = text.partition("e")
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 10.0 ** (int(exponent or 0) - places)


def loss_written(log_Z: Fraction | float, z_y: object, loss: float) -> Fraction | float:
    """L = log Z − (s_y − m) with log Z as written, when that prints as a decimal (so the
    line checks by hand: 0.00676 − (−10) = 10.00676); else L itself, `honest`."""
    if isinstance(log_Z, Fraction) and isinstance(z_y, (int, Fraction)):
        q = log_Z - Fraction(z_y)
        if "/" not in format_number(q):
            return q
    return honest(loss)

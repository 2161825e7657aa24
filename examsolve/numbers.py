"""Exact numbers and how they are written.

Rational work stays in `fractions.Fraction`; floats appear only where exp/log force them.
Printing rules (STYLE §5): integers as `2`, terminating decimals as `0.25`, other rationals
as `1/3`, floats to 4 significant digits.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext
from fractions import Fraction
from numbers import Integral, Real

import numpy as np

Scalar = int | Fraction | float

# A terminating decimal longer than this is written as a fraction instead.
_MAX_DECIMAL_DIGITS = 8
# A fraction with more digits than this (numerator and denominator together) is written in
# scientific notation, as a float would be: exactness no reader can use is noise.
_MAX_EXACT_DIGITS = 24


# A number in a spec is written by hand: more digits than this, or a decimal exponent beyond
# float64's range, is refused before any exact arithmetic (10**100000000 as a Fraction takes
# minutes; Python refuses int() of more than 4,300 digits).
MAX_NUMBER_CHARS = 400
MAX_EXPONENT = 400
_EXPONENT = re.compile(r"[eE]([+-]?\d+)\s*$")


class NumberRangeError(ValueError):
    """A number too long, or with an exponent beyond float64's range: its message says so."""


def check_number_text(text: str) -> None:
    """Raise NumberRangeError if `text` is too long to be a number a spec could mean, or its
    exponent is beyond float64's range (checked on the text, before any arithmetic)."""
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberRangeError(f"too long: a number of {len(text):,} characters (at most "
                               f"{MAX_NUMBER_CHARS})")
    found = _EXPONENT.search(text)
    if found is not None and abs(int(found.group(1))) > MAX_EXPONENT:
        size = "large" if int(found.group(1)) > 0 else "small"
        raise NumberRangeError(f"too {size}: exponent {int(found.group(1))} is beyond "
                               f"float64's range (|exponent| ≤ {MAX_EXPONENT})")


def parse_number(text: str) -> Fraction | float:
    """Read `2`, `-1/2`, `0.25`, `1e-3` exactly; `inf`, `-inf`, `nan` as floats.

    Raises ValueError for anything else (NumberRangeError, with its reason, for a number too
    long or too far out of range to read).
    """
    check_number_text(text)
    cleaned = text.strip().replace("\u2212", "-")  # accept a typographic minus
    lowered = cleaned.lower().lstrip("+")
    if lowered in ("inf", ".inf", "infinity", "-inf", "-.inf", "-infinity", "nan", ".nan"):
        return float(lowered.replace(".", ""))
    if not cleaned or cleaned.count("/") > 1:
        raise ValueError(text)
    return Fraction(cleaned)


def exact(value: object) -> Fraction | float:
    """A Python/numpy number as a Fraction when it is integral or already rational."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (bool, np.bool_)):
        return Fraction(int(value))
    if isinstance(value, (Integral, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (Real, np.floating)):
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def is_terminating(q: Fraction) -> bool:
    """True when q has a finite decimal expansion (denominator 2^a 5^b)."""
    d = q.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def format_number(value: object, digits: int = 4) -> str:
    """Write a number the way a model solution does (see the module docstring)."""
    if isinstance(value, (Fraction, Integral, np.integer, bool, np.bool_)):
        q = Fraction(int(value)) if not isinstance(value, Fraction) else value
        if _digits(q.numerator) + _digits(q.denominator) > _MAX_EXACT_DIGITS:
            return _scientific(q, digits)
        if q.denominator == 1:
            return str(q.numerator)
        if is_terminating(q):
            text = _decimal(q)
            if len(text.replace("-", "").replace("0.", "").replace(".", "")) <= _MAX_DECIMAL_DIGITS:
                return text
        return f"{q.numerator}/{q.denominator}"
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.{digits}g}"
    if float(text) != x:
        # Rounded: keep the trailing zeros, so a rounded value never looks exact —
        # σ(10) = 0.9999546 is 1.000 (not 1), 19.9995 is 20.00, −349.98 is −350.0.
        text = f"{x:#.{digits}g}".rstrip(".").replace(".e", "e")
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def _digits(n: int) -> int:
    """About how many decimal digits |n| has, without str() (refused past 4,300 digits)."""
    bits = abs(n).bit_length()
    return len(str(abs(n))) if bits < 64 else int(bits * 0.30103) + 1


def _scientific(q: Fraction, digits: int) -> str:
    """A huge or very fine exact number to `digits` significant digits: 1.235e300."""
    with localcontext() as ctx:
        ctx.prec = digits
        d = Decimal(q.numerator) / Decimal(q.denominator)
    mantissa, _, exponent = f"{d:.{digits}e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}" if int(exponent) else mantissa


def _decimal(q: Fraction) -> str:
    sign = "-" if q < 0 else ""
    q = abs(q)
    whole, rest = divmod(q.numerator, q.denominator)
    digits = []
    while rest:
        rest *= 10
        d, rest = divmod(rest, q.denominator)
        digits.append(str(d))
    return f"{sign}{whole}." + "".join(digits)


def to_float(value: object) -> float:
    """Any scalar examsolve handles, as a float."""
    return float(value)  # type: ignore[arg-type]


def is_exact(value: object) -> bool:
    return isinstance(value, (Fraction, Integral, np.integer))

"""What the direct softmax cross-entropy really does on a problem's numbers.

`trace_naive` runs the lines of `numerics.naive_softmax_cross_entropy` one at a time, in the
problem's dtype, with numpy's floating-point warnings switched on and recorded (never shown
on the terminal), so the derivation can say which line overflowed and what numpy said.
The tests check that the trace ends where the function itself ends.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np


@dataclass(frozen=True)
class Limits:
    """Where exp leaves a float type: exp(t) = inf above `overflow`, 0 below `zero`."""

    dtype: str
    max: float
    overflow: float  # ln(max): ≈ 709.78 (float64), ≈ 88.72 (float32)
    smallest: float  # the smallest positive (subnormal) number
    tiny: float  # the smallest normal number: below it, fewer significant digits
    zero: float  # exp(t) rounds to 0 below ln(smallest / 2): ≈ −745.1, ≈ −104.0


def limits(dtype: str) -> Limits:
    info = np.finfo(np.dtype(dtype))
    smallest = float(info.smallest_subnormal)
    return Limits(dtype, float(info.max), math.log(float(info.max)), smallest,
                  float(info.tiny), math.log(smallest) - math.log(2))


@dataclass(frozen=True)
class NaiveTrace:
    """The values of each line of the direct code and numpy's warnings on each line."""

    s: np.ndarray  # (C, 1) scores in the dtype
    e: np.ndarray  # exp(s)
    total: float  # Σ e
    p: np.ndarray  # e / Σ e
    p_y: float
    loss: float  # −log p_y
    said: dict[str, tuple[str, ...]]  # line of code → numpy's warnings on it, in order


NAIVE_LINES = ("s = W @ x + b", "e = np.exp(s)", "p = e / np.sum(e)",
               "return -np.log(p[y - 1, 0])")


def trace_naive(x: np.ndarray, y: int, W: np.ndarray, b: np.ndarray) -> NaiveTrace:
    """Run the direct code line by line (y counts from 1, as in the code)."""
    said: dict[str, tuple[str, ...]] = {}
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")

        def heard(line: str) -> None:
            said[line] = tuple(dict.fromkeys(str(w.message) for w in caught))
            caught.clear()

        s = W @ x + b
        heard(NAIVE_LINES[0])
        e = np.exp(s)
        heard(NAIVE_LINES[1])
        total = np.sum(e)
        p = e / total
        heard(NAIVE_LINES[2])
        p_y = p[y - 1, 0]
        loss = float(-np.log(p_y))
        heard(NAIVE_LINES[3])
    return NaiveTrace(s, e, float(total), p, float(p_y), loss, said)


def true_exp(t: Fraction) -> str | None:
    """exp(t) to 4 significant digits even where floats underflow (`2.576e-869`).

    None when even the decimal module's exponent range cannot hold it (|t| beyond ~2·10⁶).
    """
    with localcontext() as ctx:
        ctx.prec = 12
        value = (Decimal(t.numerator) / Decimal(t.denominator)).exp()
        if value == 0 or value.is_infinite():
            return None
        mantissa, exponent = f"{value:.3e}".split("e")
    return f"{mantissa}e{int(exponent)}"

"""How numbers are written: STYLE §5's rules, checked on hand-picked values."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from examsolve.numbers import format_number, parse_number


@pytest.mark.parametrize("value, text", [
    (2, "2"), (Fraction(4, 2), "2"), (Fraction(1, 4), "0.25"), (Fraction(-1, 8), "-0.125"),
    (Fraction(1, 3), "1/3"), (Fraction(-7, 6), "-7/6"), (Fraction(1, 2**20), "1/1048576"),
    (2.0794415416798357, "2.079"), (0.9999546021312976, "1.000"), (-19.99951, "-20.00"),
    (-349.98, "-350.0"), (5045.97, "5046"), (0.30000000000000004, "0.3000"),
    (4.5399929762484854e-05, "4.540e-5"), (12344.6, "1.234e4"), (0.1, "0.1"), (2.5, "2.5"), (0.5, "0.5"), (3.0, "3"), (-0.0, "0"),
    (float("inf"), "inf"), (float("-inf"), "-inf"), (float("nan"), "nan"),
    (1e308, "1e308"), (Fraction(10**300), "1e300"), (Fraction(-12345 * 10**296), "-1.234e300"),
    (Fraction(1, 3 * 10**30), "3.333e-31"), (Fraction(2**64), "18446744073709551616"), (1.234e-7, "1.234e-7"), (np.float64(0.1), "0.1"), (np.int64(-3), "-3"),
])
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("text, value", [
    ("2", Fraction(2)), ("-1/2", Fraction(-1, 2)), ("1e-3", Fraction(1, 1000)),
    ("0.25", Fraction(1, 4)), ("−3", Fraction(-3)), (" 3/4 ", Fraction(3, 4)),
])
def test_parse_number_is_exact(text, value):
    assert parse_number(text) == value


def test_parse_number_non_finite_and_garbage():
    assert parse_number("inf") == float("inf")
    assert np.isnan(parse_number("nan"))
    for bad in ("", "1/2/3", "abc", "[1]"):
        with pytest.raises(ValueError):
            parse_number(bad)

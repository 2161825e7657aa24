"""`check`'s comparison: tolerance, shapes, undetermined, words and non-finite values."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from examsolve.check import compare, expected_value
from examsolve.spec import compose_text


@pytest.mark.parametrize("expected, got, ok", [
    (Fraction(2), Fraction(2), True),
    (2.0794, 2.0794415416798357, True),  # within the default 1e-4
    (2.079, 2.0794415416798357, False),
    (-2.0794, 2.0794415416798357, False),  # the key's sign slip is caught
    (None, None, True),
    (None, Fraction(1), False),
    (Fraction(1), None, False),
    ("cross", "cross", True),
    ("cross", "circle", False),
    (float("inf"), float("inf"), True),
    (float("nan"), float("nan"), True),
    (float("inf"), 1e308, False),
    (np.array([[1], [2]], dtype=object), ((Fraction(1),), (Fraction(2),)), True),
    (np.array([[1], [2]], dtype=object), ((Fraction(1), Fraction(2)),), True),  # flat vs row
    (np.array([[1], [2]], dtype=object), ((Fraction(1),), (Fraction(3),)), False),
    (np.array([[1, 2], [3, 4]], dtype=object), ((1, 3), (2, 4)), False),
    (np.array([[1, 2], [3, 4]], dtype=object), ((1, 2, 3, 4),), False),
    (Fraction(5), ((Fraction(5),),), True),  # a 1×1 matrix answers a scalar
])
def test_compare(expected, got, ok):
    assert compare(expected, got, 1e-4)[0] is ok


def test_expected_values_from_yaml():
    node = compose_text('a: 1/3\nb: "inf"\nc: [[1, 2]]\nd: ~\ne: cross\n', "t.yaml")
    assert expected_value(node["a"]) == Fraction(1, 3)
    assert expected_value(node["b"]) == float("inf")
    assert expected_value(node["c"]).tolist() == [[1, 2]]
    assert expected_value(node["d"]) is None
    assert expected_value(node["e"]) == "cross"


def test_expected_block_string_is_a_matrix():
    node = compose_text('a: |\n  1 2\n  3 4\nb: "0.25; ?"\nc: two words\n', "t.yaml")
    assert expected_value(node["a"]).tolist() == [[1, 2], [3, 4]]
    assert expected_value(node["b"]).tolist() == [[Fraction(1, 4)], [None]]
    assert expected_value(node["c"]) == "two words"


def test_an_empty_expected_list_matches_only_an_empty_answer():
    node = compose_text("a: []\n", "t.yaml")
    assert expected_value(node["a"]) == ()
    assert compare(expected_value(node["a"]), (), 1e-4)[0]
    assert not compare(expected_value(node["a"]), ((1, 2),), 1e-4)[0]
    assert not compare(expected_value(node["a"]), None, 1e-4)[0]

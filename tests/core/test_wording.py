"""wording.py: the one copy of lists, plurals, numbers in prose and "did you mean"."""

from fractions import Fraction

from hypothesis import given, strategies as st

from examsolve.wording import did_you_mean, hint, listing, number, plural


def test_listing():
    assert listing([]) == ""
    assert listing(["a"]) == "a"
    assert listing(["a", "b"]) == "a and b"
    assert listing(["a", "b", "c"]) == "a, b and c"
    assert listing(iter(["w1", "w2", "w3", "b"])) == "w1, w2, w3 and b"


@given(st.lists(st.text(alphabet="xyz", min_size=1, max_size=3), min_size=2, max_size=8))
def test_listing_keeps_every_item_in_order(items):
    # Independent of listing's own code: undo the English by its two separators.
    head, last = listing(items).rsplit(" and ", 1)
    assert head.split(", ") + [last] == items


def test_plural():
    assert plural(1, "zero") == "1 zero"
    assert plural(0, "zero") == "0 zeros"
    assert plural(3, "window") == "3 windows"
    assert plural(2, "matrix", "matrices") == "2 matrices"


def test_number_uses_a_typographic_minus():
    assert number(Fraction(-1, 2)) == "−0.5"
    assert number(Fraction(1, 3)) == "1/3"
    assert number(-2) == "−2"
    assert number(2.0794415416798357) == "2.079"
    assert number(10.006763, 7) == "10.00676"


def test_did_you_mean_and_hint():
    kinds = ["conv-recovery", "backprop", "classifier-design"]
    assert did_you_mean("backprob", kinds) == "backprop"
    assert did_you_mean("zzz", kinds) is None
    assert hint("backprob", kinds) == "; did you mean 'backprop'?"
    assert hint("zzz", kinds, "; known kinds: …") == "; known kinds: …"
    assert did_you_mean("kinf", ["kind"], cutoff=0.75) == "kind"

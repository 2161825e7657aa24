"""The spec loader: every matrix notation, every error with file, line and path."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest

from examsolve.errors import SpecError
from examsolve.problem import load, load_string
from examsolve.spec import UNKNOWN, compose_text


def node_of(text: str):
    return compose_text(text, "t.yaml")


def grid_of(text: str, **kw):
    return node_of(text)["m"].grid(**kw)


def test_block_string_rows_and_unknowns():
    g = grid_of("m: |\n  ? 1 2\n  3, -1/2, 1e-3\n", unknown=True)
    assert g.rows == ((UNKNOWN, 1, 2), (3, Fraction(-1, 2), Fraction(1, 1000)))
    assert not g.flat


def test_semicolon_rows_in_one_line():
    assert grid_of('m: "1 2; 3 4"').rows == ((1, 2), (3, 4))


def test_nested_lists_and_every_unknown_spelling():
    # A bare ? in a flow list is YAML for the mapping {null: null}.
    g = grid_of('m: [[?, "?", null], [1, ~, 2.5]]', unknown=True)
    assert g.rows == ((UNKNOWN, UNKNOWN, UNKNOWN), (1, UNKNOWN, Fraction(5, 2)))


def test_flat_list_is_a_column_vector():
    g = grid_of("m: [1, 2, 3]")
    assert g.flat and g.shape == (3, 1)


def test_scalar_and_names():
    assert grid_of("m: 3").scalar
    assert grid_of("m: |\n  e e\n  f 2\n", names=True).rows == (("e", "e"), ("f", 2))


def test_yaml_float_is_exact():
    assert grid_of("m: [0.1]").rows == ((Fraction(1, 10),),)


@pytest.mark.parametrize("text, line, path, message", [
    ("m: |\n  1 2\n  3 x\n", 3, "m[2][2]", "expected a number, got 'x'"),
    ("m: [[1, 2], [3]]\n", 1, "m[2]", "ragged matrix"),
    ("m:\n  - [1, 2]\n  - [3, [4]]\n", 3, "m[2][2]", "expected a number, got a list"),
    ("m: [1, ?]\n", 1, "m[2]", "got an unknown (?)"),
    ("m: |\n  1 2\n  3\n", 3, "m[2]", "ragged matrix: this row has 1 entries, the first has 2"),
    ("m: true\n", 1, "m", "expected a number, got a boolean (true)"),
    ("m: {a: 1}\n", 1, "m", "expected a matrix"),
])
def test_grid_errors_name_line_and_path(text, line, path, message):
    with pytest.raises(SpecError) as err:
        grid_of(text)
    assert err.value.line == line and err.value.path == path
    assert message in err.value.message
    assert str(err.value).startswith(f"t.yaml:{line}: {path}: ")


def test_names_rejected_where_not_allowed():
    with pytest.raises(SpecError, match="expected a number or a name, got '1x'"):
        grid_of("m: [[1x]]", names=True)


def test_unknown_kind_has_a_hint():
    with pytest.raises(SpecError) as err:
        load_string("kind: conv-recovry\ntitle: t\n", "p.yaml")
    assert str(err.value) == ("p.yaml:1: kind: unknown kind 'conv-recovry'; "
                              "did you mean 'conv-recovery'?")


def test_unknown_key_has_a_hint():
    with pytest.raises(SpecError) as err:
        load_string("kind: backprop\ntitle: t\nexpectd: {}\n", "p.yaml")
    assert str(err.value) == "p.yaml:3: expectd: unknown key 'expectd'; did you mean 'expected'?"


def test_duplicate_key_is_an_error():
    with pytest.raises(SpecError, match="duplicate key 'title' \\(first on line 2\\)"):
        load_string("kind: backprop\ntitle: t\ntitle: u\n", "p.yaml")


@pytest.mark.parametrize("text, message", [
    ("title: t\n", "missing required key 'kind'"),
    ("kind: backprop\n", "missing required key 'title'"),
    ("- 1\n- 2\n", "a spec is a mapping"),
    ("", "the spec is empty"),
    ("kind: [\n", "invalid YAML"),
    ("kind: backprop\ntitle: t\nindexing: 2\n", "expected 0 or 1, got 2"),
    ("kind: backprop\ntitle: t\ntolerance: abc\n", "expected a number, got 'abc'"),
    ("kind: backprop\ntitle: t\nexpected: [1]\n", "expected a mapping of answer keys"),
])
def test_common_key_errors(text, message):
    with pytest.raises(SpecError, match=message.replace("(", "\\(")):
        load_string(text, "p.yaml")


def test_missing_file_is_bad_input(tmp_path):
    with pytest.raises(SpecError) as err:
        load(tmp_path / "nope.yaml")
    assert err.value.exit_status == 2 and "no such file" in str(err.value)


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "kind: backprop\ntitle: t\n" + "\n".join(lines) + "\n"
    start = time.perf_counter()
    with pytest.raises(SpecError, match="aliases"):
        load_string(text, "bomb.yaml")
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("text, path", [
    ("m: [1, 1e400]\n", "m[2]"),
    ("m: |\n  1 -2e999\n", "m[1][2]"),
    ("m: 1e309\n", "m[1][1]"),  # YAML reads 1e309 as a string: a one-entry block
])
def test_numbers_beyond_float64_are_refused(text, path):
    with pytest.raises(SpecError) as err:
        grid_of(text)
    assert err.value.path == path and "too large" in err.value.message


def test_number_beyond_float64_is_refused():
    with pytest.raises(SpecError, match="too large"):
        node_of('n: "1e400"\n')["n"].number()


@pytest.mark.parametrize("text, message", [
    ("kind: backprop\ntitle: t\nx:\n\t- 1\n", "(indent with spaces: YAML does not allow tabs there)"),
    ("kind: backprop\ntitle: t: with colon\n", "(a value containing ': ' must be quoted)"),
    ("kind: conv-recovery\ntitle: t\nfind: [e, X[4,1]]\n", 'e.g. "X[4,1]"'),
])
def test_common_yaml_slips_get_a_hint(text, message):
    with pytest.raises(SpecError) as err:
        load_string(text, "p.yaml")
    assert message in str(err.value)


def test_a_misspelt_kind_key_is_named():
    with pytest.raises(SpecError) as err:
        load_string("Kind: backprop\ntitle: t\n", "p.yaml")
    assert str(err.value) == "p.yaml:1: Kind: unknown key 'Kind'; did you mean 'kind'?"


@pytest.mark.parametrize("cell, value", [
    ("12.375", Fraction(12375, 1000)), ("-0.05", Fraction(-1, 20)), ("+3", Fraction(3)),
    ("7.", Fraction(7)), ("-.5", Fraction(-1, 2)), ("1e-3", Fraction(1, 1000)),
    ("3/4", Fraction(3, 4)), ("−2", Fraction(-2)),
])
def test_every_number_spelling_in_a_block_is_exact(cell, value):
    assert grid_of(f'm: "{cell} 0"').rows == ((value, 0),)


def test_float_grid_reads_plain_blocks_and_declines_the_rest():
    import numpy as np

    node = node_of("a: |\n  1 2.5\n  -3e2 4\nb: |\n  1 ?\n  2 3\nc: |\n  1 3/4\n  2 3\n"
                   "d: [[1, 2]]\ne: |\n  1 1e400\n  2 3\nf: |\n  1 2\n  3\n")
    assert np.array_equal(node["a"].float_grid(), np.array([[1, 2.5], [-300, 4]]))
    for key in "bcdef":  # unknowns, fractions, lists, overflow, ragged: read exactly instead
        assert node[key].float_grid() is None
    assert node["a"].entry_count() == 4 and node["d"].entry_count() == 2


@pytest.mark.parametrize("text, message", [
    ("kind: conv-recovery\ntitle: t\ninput: [1, 2, 3\n", "(a bracket or brace is never closed)"),
    ("kind: conv-recovery\ntitle: t\nexpected: {X[4,1]: 1}\n", 'e.g. "X[4,1]": 1)'),
    ("kind: conv-recovery\ntitle: t\n---\nkind: x\n", "remove the '---' line"),
])
def test_more_yaml_slips_get_a_hint(text, message):
    with pytest.raises(SpecError) as err:
        load_string(text, "p.yaml")
    assert message in str(err.value)


def test_names_may_be_greek_but_not_booleans():
    assert grid_of("m: [[α, 1]]", names=True).rows == (("α", 1),)
    with pytest.raises(SpecError, match="got a boolean"):
        grid_of("m: [[yes, 1]]", names=True)

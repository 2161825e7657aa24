"""conv-recovery: the reasons given for what the data leave open, the no-unknowns case, and
load errors that point at the entry at fault.

Each oracle is worked out by hand in the comments (the windows' equations written out), never
the solver's own output.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.problem import load_string, solve

from conftest import json_text as all_text

runner = CliRunner()
FALSE_REASON = "no window with a known output"


def derive(text: str):  # type: ignore[no-untyped-def]
    return solve(load_string(textwrap.dedent(text), "t.yaml"))


def run_cli(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(text))
    return path, runner.invoke(app, ["run", str(path)])


# ---- finding 1: a relation fixed by a complete window is named -------------------------------
def test_kernel_relation_from_a_complete_window_is_named() -> None:
    # X = [?, 1, 2], W = [a, b]: Y[2] = a·1 + b·2 = 5 is complete, so a + 2b = 5 is fixed;
    # Y[1] = a·X[1] + b·1 is lost, so no known output involves X[1] at all.
    d = derive("""
        kind: conv-recovery
        title: t
        input: [[?, 1, 2]]
        output: [[?, 5]]
        kernel: [[a, b]]
        """)
    assert d.answer_map() == {"a": None, "b": None, "X[1]": None, "Y[1]": None}
    kernel = [w for w in d.warnings if w.startswith("a and b are not determined")]
    assert len(kernel) == 1 and kernel[0].endswith("only a + 2·b = 5")
    (x1,) = [w for w in d.warnings if "X[1]" in w]
    assert x1 == "X[1] is not determined: no window with a known output covers it"
    assert "Y[1] is not determined" in " ".join(d.warnings)
    text = all_text(d)
    assert "it depends on a, b and X[1]" in text  # the lost output names every open factor
    assert "[a  b] = [5  0] + t[−2  1]" in text


def test_complete_window_relation_joins_the_joint_solve() -> None:
    # W = [a, b, 1] over [1, 1, 1, ?]: Y[1] = a + b + 1 = 5 gives a + b = 4; Y[2] = a + b +
    # X[4] = 7, so X[4] = 7 − 4 = 3 although neither a nor b is known.
    d = derive("""
        kind: conv-recovery
        title: t
        input: [[1, 1, 1, ?]]
        output: [[5, 7]]
        kernel: [[a, b, 1]]
        """)
    assert d.answer_map() == {"a": None, "b": None, "X[4]": 3}
    assert d.warnings == ("a and b are not determined (step 4): only a + b = 4",)


def test_a_lost_output_fixed_by_the_kernel_relation() -> None:
    # W = [a, b] over [1, 1, 1]: Y[1] = a + b = 3, and the lost Y[2] = a + b is that sum.
    d = derive("""
        kind: conv-recovery
        title: t
        input: [1, 1, 1]
        output: [3, ?]
        kernel: [a, b]
        """)
    assert d.answer_map() == {"a": None, "b": None, "Y[2]": 3}


# ---- finding 2: an open kernel is named first, relations once ----------------------------------
def test_open_kernel_named_first_and_relations_deduplicated() -> None:
    # W = [a, a] over [1, ?, 1]: both windows read a·1 + a·X[2] = 3, one relation.
    d = derive("""
        kind: conv-recovery
        title: t
        input: [[1, ?, 1]]
        output: [[3, 3]]
        kernel: [[a, a]]
        """)
    assert d.answer_map() == {"a": None, "X[2]": None}
    assert d.warnings == ("a is not determined, nor is X[2] (step 3): only "
                          "a + a·X[2] = 3",)
    text = all_text(d)
    assert FALSE_REASON not in text
    assert "The kernel is not determined here (a), so a·X[2] cannot be split" in text
    assert "the 0 lost" not in text


# ---- finding 3: inputs inside products are in their group's relations ---------------------------
def test_diagonal_inputs_under_an_open_kernel() -> None:
    # X = [[?,1,2],[3,?,4],[5,6,?]], W = [[a,b],[c,d]], bias 0; the four windows:
    #   Y[1,1] = a·X[1,1] + b·1 + c·3 + d·X[2,2] = 1
    #   Y[1,2] = a·1 + b·2 + c·X[2,2] + d·4 = 2
    #   Y[2,1] = a·3 + b·X[2,2] + c·5 + d·6 = 3
    #   Y[2,2] = a·X[2,2] + b·4 + c·6 + d·X[3,3] = 4
    d = derive("""
        kind: conv-recovery
        title: t
        input: |
          ? 1 2
          3 ? 4
          5 6 ?
        output: |
          1 2
          3 4
        kernel: |
          a b
          c d
        """)
    assert all(v is None for v in d.answer_map().values())
    (warning,) = d.warnings
    assert warning.startswith("a, b, c and d are not determined, nor are X[1,1], X[2,2] and "
                              "X[3,3] (step 3): only ")
    relations = warning.split("): only ")[1]
    assert relations == ("b + 3·c + a·X[1,1] + d·X[2,2] = 1, a + 2·b + 4·d + c·X[2,2] = 2, "
                         "3·a + 5·c + 6·d + b·X[2,2] = 3 and 1 more relation")
    assert FALSE_REASON not in all_text(d)


def test_zero_weights_and_zero_inputs_are_the_reasons_given() -> None:
    # W = [a, 0, 1] over [0, ?, ?, 0]: Y[1] = a·0 + 0·X[2] + 1·X[3] = 2 fixes X[3] = 2 and
    # says nothing of X[2] (weight 0) or of a (it multiplies the 0 at X[1]); Y[2] = a·X[2] +
    # 0·X[3] + 1·0 is lost.
    d = derive("""
        kind: conv-recovery
        title: t
        input: [0, ?, ?, 0]
        output: [2, ?]
        kernel: [a, 0, 1]
        """)
    got = d.answer_map()
    assert got == {"a": None, "X[2]": None, "X[3]": 2, "Y[2]": None}
    assert "a is not determined: every window with a known output multiplies it by 0" \
        in d.warnings
    assert ("X[2] is not determined: every window with a known output that covers it gives "
            "it the weight 0") in d.warnings


# ---- finding 5: nothing unknown ----------------------------------------------------------------
def test_nothing_unknown_says_every_window_checks() -> None:
    # Y = [1+2, 2+3] = [3, 5]: both windows check.
    d = derive("""
        kind: conv-recovery
        title: t
        input: [1, 2, 3]
        output: [3, 5]
        kernel: [1, 1]
        """)
    assert d.answer_map() == {"check": "nothing is unknown: every window checks"}
    text = all_text(d)
    assert "Y[1] = 1·1 + 1·2 = 3" in text and "Y[2] = 1·2 + 1·3 = 5" in text
    assert "the 0 lost" not in text and not d.warnings


def test_nothing_unknown_but_inconsistent(tmp_path: Path) -> None:
    # Y[2] = 2 + 3 = 5, not 6.
    path, result = run_cli(tmp_path, """
        kind: conv-recovery
        title: t
        input: [1, 2, 3]
        output: [3, 6]
        kernel: [1, 1]
        """)
    assert result.exit_code == 1
    assert result.output == (f"examsolve: {path}: the data are inconsistent: window Y[2] "
                             "computes 5, but Y[2] = 6 is given\n")


# ---- finding 4: nan and inf point at their entry -----------------------------------------------
@pytest.mark.parametrize("value, shown", [("nan", "nan"), (".nan", "nan"), (".inf", "inf"),
                                          ("-.inf", "-inf"), ("inf", "inf")])
@pytest.mark.parametrize("layout, where", ids=["block", "nested", "semicolons", "flat"],
                         argvalues=[
    ("input: |\n  1 2 3\n\n  # a comment line\n  4 5 {v}\noutput: |\n  6 7\n  8 9\n"
     "kernel: [[1, 1]]\n", "7: input[2][3]"),
    ("input: [[1, 2, 3], [4, {v}, 6]]\noutput: [[3, 5], [9, 11]]\nkernel: [[1, 1]]\n",
     "3: input[2][2]"),
    ("input: 1 2 3; 4 5 6\noutput: 3 5; 9 11\nkernel: 1 {v}\n", "5: kernel[1][2]"),
    ("input: [1, 2, 3]\noutput: [3, {v}]\nkernel: [1, 1]\n", "4: output[2]"),
])
def test_non_finite_entries_are_located(tmp_path: Path, value: str, shown: str, layout: str,
                                        where: str) -> None:
    path, result = run_cli(tmp_path, "kind: conv-recovery\ntitle: t\n" +
                           layout.replace("{v}", value))
    assert result.exit_code == 2, result.output
    assert result.output == f"examsolve: {path}:{where}: expected a finite number, got {shown}\n"


# ---- finding 6: a flat list is a column ------------------------------------------------------
def test_flat_list_mixed_with_rows_gets_a_hint(tmp_path: Path) -> None:
    path, result = run_cli(tmp_path, """
        kind: conv-recovery
        title: t
        input: [[1, 2, 3]]
        output: [3, 5]
        kernel: [[1, 1]]
        """)
    assert result.exit_code == 2
    assert result.output == (
        f"examsolve: {path}:5: output: the output is 2×1, but a 1×2 kernel with stride 1 and "
        "padding 0 over the 1×3 input gives 1×2 (a flat list is a column vector, so output: "
        "[3, 5] is 2×1; write the row as output: [[3, 5]])\n")


def test_no_flat_hint_without_a_flat_list(tmp_path: Path) -> None:
    _path, result = run_cli(tmp_path, """
        kind: conv-recovery
        title: t
        input: [[1, 2, 3]]
        output: [[3, 5, 7]]
        kernel: [[1, 1]]
        """)
    assert result.exit_code == 2 and "gives length 2\n" in result.output
    assert "flat list" not in result.output


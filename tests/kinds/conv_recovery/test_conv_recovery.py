"""conv-recovery: the exam's problem against its key, the spec notations, the error paths,
undetermined and jointly determined values, and the size of big derivations.

The oracles are the exam key's numbers and values worked out by hand in the comments, never
the solver's own output.
"""

from __future__ import annotations

import json
import re
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examsolve.cli import app
from examsolve.errors import SpecError, UnsolvableError
from examsolve.problem import load, load_string, solve

from conftest import json_text as all_text

ROOT = Path(__file__).resolve().parents[3]
EXAM = ROOT / "problems" / "2-conv-recovery.yaml"
runner = CliRunner()

# The key (midterm, problem 2): e = 1, f = 2, b = −1, x₄,₁ = 1, x₄,₄ = −2; Y[2,2] follows
# from the window 2·1 + (−1)·1 + (−1)·2 + 1·2 − 1 = 0.
KEY = {"e": 1, "f": 2, "b": -1, "X[4,1]": 1, "X[4,4]": -2, "Y[2,2]": 0}

EXAM_BODY = """
kind: conv-recovery
title: exam
kernel: |
  e e
  f f
bias: b
"""


def spec(text: str, file: str = "t.yaml"):  # type: ignore[no-untyped-def]
    return load_string(textwrap.dedent(text), file)


def answers(text: str) -> dict:
    return solve(spec(text)).answer_map()


# ---- the exam -------------------------------------------------------------------------------
def test_exam_answers_match_the_key() -> None:
    got = solve(load(EXAM)).answer_map()
    for key, value in KEY.items():
        assert got[key] == value, key
    for c in range(1, 5):  # the first row is only known through sums of neighbours
        assert got[f"X[1,{c}]"] is None


def test_exam_derivation_reads_like_the_key() -> None:
    derivation = solve(load(EXAM))
    text = all_text(derivation)
    assert "cross-correlation" in text and "without being flipped" in text
    # one sentence: how many complete windows, which (the key names them 0-based), and what
    # they give; nothing after the solution says there is nothing more to check
    assert ("There are 3 complete windows, Y[2,1], Y[2,3] and Y[3,2] (positions (1,0), (1,2) "
            "and (2,1) when counted from 0): 3 equations in 3 unknowns.") in text
    assert "nothing is left to cross-check" not in text
    assert "3e + 2f + b = 6" in text and "−3e + 3f + b = 2" in text
    assert "(3) gives b = −1 directly." in text
    # a one-coefficient division is written on the line, not as a step of its own
    assert "5f = 10 ⇒ f = 2" in text and "Divide" not in text
    assert "3e + 2·2 = 7 ⇒ 3e = 3 ⇒ e = 1" in text
    assert "Y[3,1] = 1·3 + 1·(−1) + 2·X[4,1] + 2·0 − 1 = 3" in text
    assert "2X[4,1] + 1 = 3 ⇒ 2X[4,1] = 2 ⇒ X[4,1] = 1" in text
    assert "Y[2,2] = 1·2 + 1·(−1) + 2·(−1) + 2·1 − 1 = 0" in text
    # find puts the asked-for answers first, boxed; the rest are listed, undetermined last
    assert [a.key for a in derivation.answers if a.boxed] == ["e", "f", "b", "X[4,1]", "X[4,4]"]
    assert [a.key for a in derivation.answers if not a.boxed] == [
        "Y[2,2]", "X[1,1]", "X[1,2]", "X[1,3]", "X[1,4]"]
    assert derivation.title == "Recover a tied 2×2 kernel from a noisy channel"


def test_exam_conventions_read_plainly() -> None:
    text = all_text(solve(load(EXAM)))
    assert ("Indices count from 1 (row, column): X[1,1] is the top-left entry of X, and the "
            "taps run over u, v ∈ {1, 2}.") in text
    assert "indexing:" not in text  # the spec key is not the reader's business
    assert "Y[i,j] = Σᵤ,ᵥ W[u,v] X[i+u−1, j+v−1] + b" in text
    # one notation: entries are X[4,1], Y[2,2] everywhere, never x₄,₁ or Y₂,₂
    assert not re.search(r"[xXY][₀-₉]", text), re.findall(r".{20}[xXY][₀-₉].{10}", text)
    assert "the 6 lost inputs X[1,1], X[1,2], X[1,3], X[1,4], X[4,1] and X[4,4]" in text
    assert "the lost output Y[2,2]" in text
    assert "Y = [7  2  −5; 6  Y[2,2]  2; 3  −1  −2]" in text  # a lost output is named too


def test_exam_open_row_shows_its_windows_substituted() -> None:
    """Step 5 writes each window of the first row with its numbers, as every other window:
    by hand, row 2 is [1, 2, −1, −2] under f = 2 and b = −1, so Y[1,1] = 7 leaves
    X[1,1] + X[1,2] = 7 − (2·1 + 2·2 − 1) = 2, Y[1,2] = 2 leaves 2 − (2·2 − 2·1 − 1) = 1 and
    Y[1,3] = −5 leaves −5 − (−2·1 − 2·2 − 1) = 2."""
    derivation = solve(load(EXAM))
    (step,) = [s for s in derivation.steps if s.heading == "What the data leave open"]
    text = all_text(derivation)
    assert "Y[1,1] = 1·X[1,1] + 1·X[1,2] + 2·1 + 2·2 − 1 = 7" in text
    assert "X[1,1] + X[1,2] + 5 = 7 ⇒ X[1,1] + X[1,2] = 2" in text
    assert "Y[1,2] = 1·X[1,2] + 1·X[1,3] + 2·2 + 2·(−1) − 1 = 2" in text
    assert "X[1,2] + X[1,3] + 1 = 2 ⇒ X[1,2] + X[1,3] = 1" in text
    assert "X[1,3] + X[1,4] − 7 = −5 ⇒ X[1,3] + X[1,4] = 2" in text
    assert "so only these sums are fixed; no single value is." in text
    assert "cannot tell" not in text and "rank" not in text
    number = derivation.steps.index(step) + 1
    (warning,) = derivation.warnings
    assert warning == (f"X[1,1], X[1,2], X[1,3] and X[1,4] are not determined (step {number}): "
                       "only X[1,1] + X[1,2] = 2, X[1,2] + X[1,3] = 1 and X[1,3] + X[1,4] = 2")


def test_exam_zero_based_keys() -> None:
    text = EXAM.read_text().replace("kind: conv-recovery", "kind: conv-recovery\nindexing: 0")
    text = text.replace('"X[4,1]", "X[4,4]"]', '"X[3,0]", "X[3,3]"]').split("\nexpected")[0]
    derivation = solve(load_string(text, "zero.yaml"))
    got = derivation.answer_map()
    assert (got["X[3,0]"], got["X[3,3]"], got["Y[1,1]"]) == (1, -2, 0)
    assert "Indices count from 0" in all_text(derivation)


def test_cli_check_and_json() -> None:
    result = runner.invoke(app, ["check", str(EXAM)])
    assert result.exit_code == 0, result.output
    assert result.output.count("✓") == 6 and "✗" not in result.output
    result = runner.invoke(app, ["run", str(EXAM), "--format", "json"])
    doc = json.loads(result.output)
    assert doc["answers"]["X[1,1]"] is None and doc["answers"]["X[4,4]"] == -2
    assert doc["kind"] == "conv-recovery" and len(doc["warnings"]) == 1


# ---- notations ------------------------------------------------------------------------------
@pytest.mark.parametrize("grids", [
    # nested lists with flow `?` (parsed by YAML as {null: null}), "?" and null
    """
    input: [[?, "?", null, ?], [1, 2, -1, -2], [3, -1, 1, 2], [?, 0, 0, ?]]
    output: [[7, 2, -5], [6, ?, 2], [3, -1, -2]]
    """,
    # block rows split by `;`, entries by commas
    """
    input: "?, ?, ?, ?; 1, 2, -1, -2; 3, -1, 1, 2; ?, 0, 0, ?"
    output: "7 2 -5; 6 ? 2; 3 -1 -2"
    """,
    # block lists, one row per item
    """
    input:
      - [null, null, null, null]
      - [1, 2, -1, -2]
      - [3, -1, 1, 2]
      - ["?", 0, 0, "?"]
    output:
      - [7, 2, -5]
      - [6, "?", 2]
      - ["3", "-1", "-2"]
    """,
])
def test_exam_in_every_notation(grids: str) -> None:
    got = answers(EXAM_BODY + textwrap.dedent(grids))
    assert {k: got[k] for k in KEY} == KEY


def test_fractions_and_numbers_in_the_kernel() -> None:
    # 1-D, kernel [1/2, a], bias 1: windows 1/2·2 + a·4 + 1 = 6 → a = 1; 1/2·4 + 1·x₃ + 1 = 5
    got = answers("""
        kind: conv-recovery
        title: t
        input: [2, 4, ?]
        output: [6, 5]
        kernel: ["1/2", a]
        bias: 1
        """)
    assert got == {"a": 1, "X[3]": 2}


def test_one_d_columns_and_same_padding() -> None:
    # X = [1, x₂, 3], W = [1, w, 1], same padding: Y₁ = 0 + w·1 + x₂, Y₂ = 1 + w·x₂ + 3,
    # Y₃ = x₂ + 3w + 0. With w = 2, x₂ = −1: Y = [1, 2, 5].
    got = answers("""
        kind: conv-recovery
        title: t
        input: [[1], [?], [3]]
        output: [[1], [2], [5]]
        kernel: [[1], [w], [1]]
        padding: same
        """)
    assert got == {"w": 2, "X[2]": -1}


def test_joint_solve_when_no_window_has_a_single_unknown() -> None:
    # Padded [0, x₁, x₂, 0] with W = [1, 2, 3]: 2x₁ + 3x₂ = 8 and x₁ + 2x₂ = 5 → x = (1, 2).
    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: [?, ?]
        output: [8, 5]
        kernel: [1, 2, 3]
        padding: 1
        """))
    assert derivation.answer_map() == {"X[1]": 1, "X[2]": 2}
    assert "several windows fix together" in all_text(derivation)


def test_joint_problem_reads_plainly() -> None:
    """problems/2b: the statement and the derivation use the same W, X, Y; the lost outputs
    show their padding taps and name the inputs found before substituting them. By hand, the
    padded input is [0, 3, 1, −1, 1, 0]: Y[1] = 1·0 + 2·3 + 3·1 = 9, Y[4] = 1·(−1) + 2·1 +
    3·0 = 1."""
    path = ROOT / "problems" / "2b-conv-recovery-1d-joint.yaml"
    derivation = solve(load(path))
    text = all_text(derivation)
    assert "X = [3, ?, ?, 1]" in (derivation.statement or "")
    assert "the length-3 kernel W" in text and "length-4 input X" in text
    assert "taps run over u ∈ {1, 2, 3}" in text
    assert "Y[1] = 1·0 + 2·3 + 3·X[2] = 1·0 + 2·3 + 3·1 = 9" in text
    assert "Y[4] = 1·X[3] + 2·1 + 3·0 = 1·(−1) + 2·1 + 3·0 = 1" in text
    assert "2X[2] + 3X[3] + 3 = 2 ⇒ 2X[2] + 3X[3] = −1" in text
    assert "which together fix both values" in text
    assert "rank" not in text and "every solution" not in text
    # r2 review: no "left" before anything was used up, the general sentence said once, the
    # bias named next to the formula, −X[3] = 1 solved on its line
    assert ("No window with a known output holds a single unknown, so none gives a value "
            "alone.") in text
    assert "window left" not in text and "solved together" not in text
    assert "giving the length-4 output Y (no bias: b = 0):" in text
    assert "−X[3] = 1 ⇒ X[3] = −1" in text and "Multiply" not in text


def test_one_unknown_with_a_coefficient_is_divided_inline() -> None:
    # No bias, W = [a, c] over [1, 1, 0, 2]: Y[2] = a·1 + c·0 = 1 and Y[3] = a·0 + c·2 = 4,
    # so a = 1 and c = 4/2 = 2; Y[1] = a·1 + c·1 = 3.
    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: [1, 1, 0, 2]
        output: [?, 1, 4]
        kernel: [a, c]
        """))
    assert derivation.answer_map() == {"a": 1, "c": 2, "Y[1]": 3}
    text = all_text(derivation)
    assert "(1) gives a = 1 directly." in text and "(2) gives c = 2 (divide by 2)." in text
    assert "There are 2 complete windows, Y[2] and Y[3]: 2 equations in 2 unknowns." in text


def test_a_found_input_is_named_before_it_is_used() -> None:
    # W = [1, 1]: Y[1] = 1 + X[2] = 3 gives X[2] = 2; then Y[2] = X[2] + X[3] = 5 uses it:
    # 2 + X[3] = 5, X[3] = 3.
    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: [1, ?, ?]
        output: [3, 5]
        kernel: [1, 1]
        """))
    assert derivation.answer_map() == {"X[2]": 2, "X[3]": 3}
    text = all_text(derivation)
    assert "Y[2] = 1·X[2] + 1·X[3] = 1·2 + 1·X[3] = 5" in text
    assert "X[3] + 2 = 5 ⇒ X[3] = 3" in text


def test_open_combinations_that_are_not_sums() -> None:
    # W = [1, 2] over [?, ?]: only X[1] + 2·X[2] = 4 is fixed.
    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: [?, ?]
        output: [4]
        kernel: [1, 2]
        """))
    assert derivation.answer_map() == {"X[1]": None, "X[2]": None}
    text = all_text(derivation)
    assert "Y[1] = 1·X[1] + 2·X[2] = 4" in text
    assert "only these combinations are fixed; no single value is." in text
    assert "1 equation in 2 unknowns, one too few to fix them all" in text
    (warning,) = derivation.warnings
    assert warning.endswith("only X[1] + 2·X[2] = 4")


def test_stride_two_with_a_lost_output() -> None:
    # W = [[1, 0], [0, a]] stride 2 over a 4×4 X: Y = X[1,1] + a·X[2,2] (window at (1,1)), …
    got = answers("""
        kind: conv-recovery
        title: t
        input: |
          1 9 2 9
          9 3 9 ?
          4 9 5 9
          9 1 9 2
        output: |
          7 ?
          6 9
        kernel: [[1, 0], [0, a]]
        stride: 2
        """)
    # a = (7 − 1)/3 = 2 (window (1,1)); window (2,1): 4 + 2·1 = 6 ✓; window (2,2): 5 + 2·2 = 9;
    # x₂,₄ is under the weight a in window (1,2) whose output is lost: undetermined.
    assert got == {"a": 2, "X[2,4]": None, "Y[1,2]": None}


def test_unused_parameter_is_reported_not_guessed() -> None:
    # The second kernel column always meets zeros: b is not determined; 4a = 4.
    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: |
          1 0 0 0
          3 0 0 0
        output: [[4, 0, 0]]
        kernel: [[a, b], [a, b]]
        """))
    got = derivation.answer_map()
    assert got["a"] == 1 and got["b"] is None
    assert any("b is not determined" in w for w in derivation.warnings)


def test_lost_output_fixed_by_a_relation_between_open_inputs() -> None:
    # W = [1, 1, 1] over the padded [0, x₁, x₂, 0]: both windows are x₁ + x₂. Y₁ = 3 fixes the
    # sum, not x₁ or x₂, and the lost Y₂ is that same sum: 3.
    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: [?, ?]
        output: [3, ?]
        kernel: [1, 1, 1]
        padding: 1
        """))
    assert derivation.answer_map() == {"X[1]": None, "X[2]": None, "Y[2]": 3}
    assert any("X[1] + X[2] = 3" in w for w in derivation.warnings)
    assert "The windows fix this combination" in all_text(derivation)


# ---- inconsistent data: exit 1, windows named ------------------------------------------------
def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_inconsistent_after_the_kernel(tmp_path: Path) -> None:
    # With X[4,4] = 1 given, window Y[3,3] computes 1·1 + 1·2 + 2·0 + 2·1 − 1 = 4, not −2.
    text = EXAM.read_text().replace("? 0 0 ?", "? 0 0 1").replace(', "X[4,4]"]', "]")
    path = write(tmp_path, text.split("\nexpected")[0])
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"examsolve: {path}: the data are inconsistent: window Y[3,3] computes 4 with e = 1, "
        "f = 2, b = −1 (found from Y[2,1], Y[2,3] and Y[3,2]), but Y[3,3] = −2 is given\n")


def test_a_complete_window_that_disagrees_with_the_kernel(tmp_path: Path) -> None:
    # Both windows are a·1 + a·1: Y[1] = 2 gives a = 1, and then Y[2] must be 2, not 3.
    path = write(tmp_path, """
        kind: conv-recovery
        title: t
        input: [1, 1, 1]
        output: [2, 3]
        kernel: [a, a]
        """)
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 1
    assert "window Y[2] computes 2 with a = 1 (found from Y[1]), but Y[2] = 3" in result.output


def test_complete_windows_that_contradict_each_other(tmp_path: Path) -> None:
    # a + b = 2 and a + b = 3: rank 1 for two unknowns, and no a, b satisfies both.
    path = write(tmp_path, """
        kind: conv-recovery
        title: t
        input: [1, 1, 1]
        output: [2, 3]
        kernel: [a, b]
        """)
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 1
    assert "windows Y[1] and Y[2] contradict each other" in result.output


def test_contradiction_inside_a_group() -> None:
    # As above, both windows are x₁ + x₂: they cannot be 1 and 2 at once.
    with pytest.raises(UnsolvableError, match=r"windows Y\[1\] and Y\[2\] contradict each "
                                              r"other \(no values of X\[1\] and X\[2\]"):
        solve(spec("""
            kind: conv-recovery
            title: t
            input: [?, ?]
            output: [1, 2]
            kernel: [1, 1, 1]
            padding: 1
            """))


# ---- bad input: exit 2 with file:line: path ---------------------------------------------------
@pytest.mark.parametrize("change, message", [
    (("output: |", "output: |\n  1 2 3"), "output: the output is 4×3, but a 2×2 kernel with "
                                          "stride 1 and padding 0 over the 4×4 input gives 3×3"),
    (("stride: 1", "stride: 2"), "the output is 3×3, but a 2×2 kernel with stride 2"),
    (("padding: 0", 'padding: "same"'), 'padding: padding "same" needs an odd kernel size'),
    (("padding: 0", "padding: -1"), "padding: expected a whole number ≥ 0, got -1"),
    (("padding: 0", "padding: wide"), "padding: expected a whole number ≥ 0 or \"same\""),
    (("stride: 1", "stride: 0"), "stride: expected a whole number ≥ 1, got 0"),
    (("bias: b", "bias: e"), "bias: the bias name 'e' is also a kernel entry"),
    (("bias: b", "bias: \"?\""), "bias: an unknown bias needs a name"),
    (("  e e\n", "  e ?\n"), "kernel[1][2]: expected a number or a name, got an unknown (?)"),
    (('"X[4,1]"', '"X[4,2]"'), "find[4]: 'X[4,2]' is given (X[4,2] = 0), not an unknown"),
    (('"X[4,1]"', '"X[0,1]"'), "find[4]: 'X[0,1]' is not an unknown of this problem"),
    (("kernel: |", "kernal: |"), "unknown key 'kernal'; did you mean 'kernel'?"),
    (("  3 -1 1 2\n", "  3 -1 x 2\n"), "input[3][3]: expected a number or ?, got 'x'"),
])
def test_bad_input_exits_2(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = EXAM.read_text()
    assert change[0] in text
    path = write(tmp_path, text.replace(change[0], change[1], 1))
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert f"{path}:" in result.output  # file:line: comes first


def test_kernel_larger_than_the_input() -> None:
    with pytest.raises(SpecError, match="kernel: a 3×3 kernel .* does not fit in the 2×2 input"):
        spec("""
            kind: conv-recovery
            title: t
            input: [[1, 2], [3, 4]]
            output: [[1]]
            kernel: [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
            """)


# ---- a large problem keeps a short derivation --------------------------------------------------
def test_big_problem_is_summarised() -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    n = 40
    x = rng.integers(-4, 5, size=(n, n))
    w = np.array([[1, -2, 3], [2, 0, -1], [1, 1, 2]])
    y = sum(w[u, v] * x[u:u + n - 2, v:v + n - 2] for u in range(3) for v in range(3)) - 3
    xs = np.where(rng.random(x.shape) < 0.05, "?", x.astype(str))
    ys = np.where(rng.random(y.shape) < 0.05, "?", y.astype(str))
    rows = lambda a: "\n".join("  " + " ".join(r) for r in a)  # noqa: E731
    derivation = solve(load_string(
        f"kind: conv-recovery\ntitle: big\ninput: |\n{rows(xs)}\noutput: |\n{rows(ys)}\n"
        "kernel: |\n  a b c\n  d e f\n  g h i\nbias: z\n", "big.yaml"))
    got = derivation.answer_map()
    assert [got[k] for k in "abcdefghi"] == w.flatten().tolist() and got["z"] == -3
    lost = [(r, c) for r in range(n) for c in range(n) if xs[r, c] == "?"]
    for r, c in lost:
        value = got[f"X[{r + 1},{c + 1}]"]
        assert value is None or value == x[r, c]
    assert sum(got[f"X[{r + 1},{c + 1}]"] is not None for r, c in lost) >= 0.9 * len(lost)
    blocks = sum(len(s.blocks) for s in derivation.steps)
    assert blocks < 120, blocks
    assert "more, each found from one window in the same way" in all_text(derivation)
    assert Fraction(got["z"]) == -3


def test_group_after_a_single_says_the_windows_still_open() -> None:
    # Padded [0, 3, X2, X3, 1, X5, 0], W = [1, 2, 3]: Y[5] = 1 + 2·X5 = 5 gives X5 = 2 alone;
    # then Y[2] = 3 + 2·X2 + 3·X3 = 2 and Y[3] = X2 + 2·X3 + 3 = 2 give X2 = 1, X3 = −1;
    # Y[1] = 0 + 6 + 3 = 9 and Y[4] = −1 + 2 + 6 = 7.
    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: [3, ?, ?, 1, ?]
        output: [?, 2, 2, ?, 5]
        kernel: [1, 2, 3]
        padding: same
        """))
    assert derivation.answer_map() == {"X[2]": 1, "X[3]": -1, "X[5]": 2, "Y[1]": 9, "Y[4]": 7}
    text = all_text(derivation)
    assert ("Every window still open holds two or more unknowns, so no single window gives a "
            "value.") in text
    assert "No window with a known output holds a single unknown" not in text


# ---- one relation per window, long sums elided in the model ----------------------------------
def test_a_long_window_sum_is_elided_in_the_model_not_by_width() -> None:
    # Thirteen ones over [1, 2, 3, 4, 5, 6, X7, 8, …, 13]: the known entries sum to
    # 91 − 7 = 84, so 84 + X[7] = 100 gives X[7] = 16. Thirteen terms are too many to write
    # out: the sum keeps its first two and last two terms and the unknown one, and each gap
    # says how many terms it leaves out (issue 17: a short sum is never elided).
    from examsolve.derivation import Equation
    from examsolve.mathmodel import Text
    from examsolve.render.textmath import linear

    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: [[1, 2, 3, 4, 5, 6, ?, 8, 9, 10, 11, 12, 13]]
        output: [[100]]
        kernel: [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]
        """))
    assert derivation.answer_map() == {"X[7]": 16}
    lines = [linear(b.expr) for s in derivation.steps for b in s.blocks
             if isinstance(b, Equation)]
    assert ("Y[1] = 1·1 + 1·2 + (4 more terms) + 1·X[7] + (4 more terms) + 1·12 + 1·13 = 100"
            in lines)
    assert "X[7] + 84 = 100 ⇒ X[7] = 16" in lines
    (window,) = [b.expr for s in derivation.steps for b in s.blocks
                 if isinstance(b, Equation) and linear(b.expr).startswith("Y[1] = 1·1")]
    assert [t.text for t in window.parts[1].terms if isinstance(t, Text)] == \
        ["(4 more terms)", "(4 more terms)"]


def test_a_3x3_window_sum_is_written_in_full() -> None:
    """Issue 17 item 24: nine taps and a bias are every number substituted, no `…`."""
    from examsolve.derivation import Equation
    from examsolve.render.textmath import linear

    derivation = solve(spec("""
        kind: conv-recovery
        title: t
        input: [[1, 2, 0], [0, 1, 1], [2, 0, ?]]
        output: [[9]]
        kernel: [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
        bias: 1
        """))
    # The oracle: 1 + 2 + 0 + 0 + 1 + 1 + 2 + 0 + X + 1 = 9, so X = 1.
    assert derivation.answer_map() == {"X[3,3]": 1}
    lines = [linear(b.expr) for s in derivation.steps for b in s.blocks
             if isinstance(b, Equation)]
    window = next(ln for ln in lines if ln.startswith("Y[1,1] = "))
    assert "…" not in window and "more term" not in window
    assert window.count("·") == 9


def test_prose_names_are_math_nodes() -> None:
    """Every symbol the prose names (X[4,1], e, b = −1) is a math part, never pasted text."""
    from examsolve.derivation import Para
    from examsolve.mathmodel import Sym

    derivation = solve(load(EXAM))
    paras = [b for s in derivation.steps for b in s.blocks if isinstance(b, Para)]
    for para in paras:
        for part in para.parts:
            if isinstance(part, str):
                assert not re.search(r"\b[XY]\[\d", part), part
                assert not re.search(r"\b[efb] = ", part), part
    math = {str(m) for p in paras for m in p.math}
    assert str(Sym("X[4,1]")) in math and str(Sym("e")) in math

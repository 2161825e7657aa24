"""What a softmax-regression derivation claims in words is true of the numbers.

"It works here" (the direct code is right) is said only where a numpy run of the direct
formula, written here, gives torch's loss, and its reasons (logsumexp(s) below the overflow,
log p_y above the underflow) are checked against torch. Scores inside exp's range are not
enough: for s = [709, −700], p₂ = exp(−1409) underflows to 0 and L = inf. Also: the terms of
Z add up to Z as written, the entries of a matrix share one digit count, ties are named, and
prose writes subscripts as Unicode.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from examsolve.problem import load, load_string, solve
from examsolve.render.json_render import to_json

ROOT = Path(__file__).resolve().parents[3]
SPECS = [ROOT / "problems/4-softmax-overflow.yaml", ROOT / "problems/4b-softmax-small.yaml",
         ROOT / "examsolve/kinds/softmax_regression/template.yaml"]
OVERFLOW, ZERO = 709.78, -745.13  # ln(max float64), ln(smallest subnormal / 2)


def steps(source: Path | str) -> list[list[dict]]:
    problem = load(source) if isinstance(source, Path) else load_string(source)
    return [s["blocks"] for s in to_json(solve(problem), "f")["steps"]]


def prose(blocks: list[dict]) -> str:
    return " ".join(b["text"] for b in blocks if b.get("type") == "text")


def spec(s: list[float], y: int) -> str:
    return f"kind: softmax-regression\ntitle: t\nx: [1]\nW: {[[v] for v in s]}\ny: {y}\n"


def direct_loss(s: list[float], y: int) -> float:
    """The direct formula in numpy, float64: −log(exp(s_y) / Σ exp(s_j))."""
    with np.errstate(all="ignore"):
        e = np.exp(np.array(s, dtype=np.float64))
        return float(-np.log((e / e.sum())[y - 1]))


def number(text: str) -> float:
    return float(text.replace("−", "-"))


# ---- "it works here" only where it does ---------------------------------------------------

def test_scores_within_exps_range_are_not_called_safe_when_p_y_underflows() -> None:
    s = [709, -700]
    assert math.isinf(direct_loss(s, 2))  # p₂ = exp(−1409) underflows: the oracle
    direct = steps(spec(s, 2))[1]
    words = prose(direct)
    assert "It works here" not in words and "neither overflows nor underflows" not in words
    assert "p₂ = 0, as log(p₂) = s₂ − logsumexp(s) ≈ −1409 < −745.1" in words
    assert "log(0) = −inf, so the loss comes out as +inf" in words
    hazards = [r for b in steps(spec(s, 2))[2] if b.get("type") == "table" for r in b["rows"]]
    assert any("s₂ − logsumexp(s) < −745.1" in r[2] for r in hazards)  # y = 2, by number


def test_a_zero_elsewhere_is_named_as_harmless_not_denied() -> None:
    s = [709, -700]
    assert direct_loss(s, 1) == 0.0  # right: the true loss is log(1 + e^−1409) ≈ 0
    words = prose(steps(spec(s, 1))[1])
    assert "It works here" in words and "no inf, 0" not in words
    assert "p₂ = 0, as log(p₂) = s₂ − logsumexp(s) ≈ −1409 < −745.1: harmless" in words


def test_an_exp_of_the_true_class_that_underflows_is_blamed() -> None:
    s = [-740, -746]
    assert math.isinf(direct_loss(s, 2))
    words = prose(steps(spec(s, 2))[1])
    assert "p₂ = 0, as exp(s₂) underflowed (s₂ < −745.1)" in words
    # exp(−740) ≈ 4.2e−322 is subnormal (below 2.2e−308 = e^−708.4): few digits, and said so
    assert "exp(sᵢ) is subnormal" in words and "sᵢ < −708.4 (approx.): here s₁ = −740" in words


def test_a_sum_that_overflows_with_no_exp_overflowing_is_explained() -> None:
    s = [709.5, 709.5]
    assert math.isinf(direct_loss(s, 1))
    words = prose(steps(spec(s, 1))[1])
    assert "no exp overflowed, but their sum did: logsumexp(s) ≈ 710.2 > 709.78" in words


SCORES = [-2000, -800, -746, -740, -700, -3, 0, 2, 700, 709, 709.5, 710, 2000]
WORKS = re.compile(r"logsumexp\(s\) ≈ (\S+) is below 709\.78, .* log\(p(\S)\) = s\2 − "
                   r"logsumexp\(s\) (?:≈|=) (\S+) is above −745\.1")


@settings(max_examples=60, deadline=None)
@given(s=st.lists(st.sampled_from(SCORES), min_size=2, max_size=4), data=st.data())
def test_it_works_here_exactly_when_the_direct_formula_gives_the_loss(
        s: list[float], data: st.DataObject) -> None:
    y = data.draw(st.integers(1, len(s)))
    t = torch.tensor(s, dtype=torch.float64)
    lse = float(torch.logsumexp(t, 0))
    true = lse - s[y - 1]
    direct = direct_loss(s, y)
    right = math.isfinite(direct) and math.isclose(direct, true, rel_tol=1e-4, abs_tol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        words = prose(steps(spec(s, y))[1])
    claim = WORKS.search(words)
    assert ("It works here" in words) == right == (claim is not None), (words, direct, true)
    if claim:
        assert claim.group(2) == "₁₂₃₄"[y - 1]
        assert abs(number(claim.group(1)) - lse) <= 1e-3 * max(1, abs(lse))
        assert abs(number(claim.group(3)) - (s[y - 1] - lse)) <= 1e-3 * max(1, abs(true))
        assert lse < OVERFLOW and s[y - 1] - lse > ZERO  # the reasons hold


# ---- the numbers written --------------------------------------------------------------------

def math_lines(source: Path | str, step: int) -> list[str]:
    return [b["text"] for b in steps(source)[step - 1] if b.get("type") == "math"]


def significant(text: str) -> int:
    digits = text.replace("−", "").replace(".", "").lstrip("0")
    return len(digits)


@settings(max_examples=25, deadline=None)
@given(s=st.lists(st.integers(-40, 40), min_size=2, max_size=4))
def test_the_terms_of_Z_add_up_to_Z_as_written(s: list[int]) -> None:
    lines = math_lines(spec(s, 1), 4)
    z_line = next(t for t in lines if t.startswith("Z = "))
    terms, _, total = z_line.split(" = ")[-1].rpartition(" ≈ ")
    if not terms or " + " in total:  # Z = 1 exactly, or written 1 + ε
        return
    written = [number(v) for v in terms.split(" + ")]
    places = len(total.split(".")[1]) if "." in total else 0
    assert abs(sum(written) - number(total)) <= 0.5 * 10.0 ** -places * (1 + 1e-9), z_line
    assert abs(number(total) - float(torch.exp(torch.tensor(s, dtype=torch.float64)
                                               - max(s)).sum())) <= 10.0 ** -places
    e_line = next(t for t in lines if t.startswith("exp(s − m)"))
    entries = e_line[e_line.rindex("[") + 1:e_line.rindex("]")].split()
    assert [number(v) for v in entries] == written  # the vector shows the same terms


def test_exam_Z_terms_add_up() -> None:
    assert "Z = Σⱼ exp(sⱼ − m) = 0.0067379 + 4.540e−5 + 1 ≈ 1.0067833" in math_lines(SPECS[0], 4)


def test_a_matrix_shares_one_digit_count() -> None:
    for source in SPECS[:2]:
        for line in math_lines(source, 5):
            last = line[line.rindex("[") + 1:line.rindex("]")]
            decimals = [v for v in re.split(r";\s*|\s+", last.strip()) if "e" not in v
                        and "." in v]
            assert len({significant(v) for v in decimals}) <= 1, line
    grad = math_lines(SPECS[2], 5)[1]
    # 0.000907978 needs more than a decimal's 8 digits: it keeps 5, not a float's 0.000908
    assert grad.endswith("[19.9995  24.9994; 0.00090798  0.00113497; −20.0005  −25.0006]")


# ---- the words ------------------------------------------------------------------------------

def test_ties_for_the_largest_score_are_named() -> None:
    s = [1, 0, 1]  # problem 4b's scores: classes 1 and 3 tie
    assert np.flatnonzero(np.array(s) == max(s)).tolist() == [0, 2]
    robust = steps(SPECS[1])[3]
    assert "m = max(sᵢ) = s₁ = s₃ = 1" in [b["text"] for b in robust if b.get("type") == "math"]
    assert "Classes 1 and 3 tie for the largest score" in prose(robust)
    assert "so Z ≥ 2" in prose(robust)


def test_prose_writes_subscripts_in_unicode_and_says_why_digits_vary() -> None:
    for source in SPECS:
        words = " ".join(prose(blocks) for blocks in steps(source))
        table = " ".join(str(b.get("rows")) for blocks in steps(source) for b in blocks)
        assert not re.search(r"\b[spxbWe]_[ij]|Σ_j|max_j|W_ij", words + table), source
        assert words.count("On digits:") == 1
    words = prose(steps(SPECS[0])[1])
    assert "the largest argument of exp that float64 can hold" in words
    assert "the largest argument of exp that float32 can hold" in prose(steps(SPECS[2])[1])

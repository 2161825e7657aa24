"""How a softmax-regression derivation writes its numbers and reads as a model answer.

Rounded floats must not look exact (4.509e−5 − 1 is −0.99995, not −1), each printed step of
L = log Z − (s_y − m) must check by hand, the answers box reads ∂L/∂W and L, and the
reference code printed is the code that runs. Printed numbers are checked against values
computed here (torch, math), never against the solver's own answers.
"""

from __future__ import annotations

import ast
import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from examsolve import numerics
from examsolve.derivation import answer_display
from examsolve.numbers import format_number
from examsolve.problem import load, load_string, solve
from examsolve.render.json_render import to_json
from examsolve.render.textmath import linear
from examsolve.kinds.softmax_regression.digits import honest

ROOT = Path(__file__).resolve().parents[3]
EXAM, SMALL = ROOT / "problems/4-softmax-overflow.yaml", ROOT / "problems/4b-softmax-small.yaml"
TEMPLATE = ROOT / "examsolve/kinds/softmax_regression/template.yaml"


def blocks(path_or_text: Path | str, step: int) -> list[dict]:
    problem = load(path_or_text) if isinstance(path_or_text, Path) else \
        load_string(path_or_text)
    return to_json(solve(problem), "f")["steps"][step - 1]["blocks"]


def texts(path: Path | str, step: int, kind: str = "math") -> list[str]:
    return [b["text"] for b in blocks(path, step) if b.get("type") == kind]


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def unit(text: str) -> float:
    """One unit in the last printed place: 0.00676 → 1e−5, 4.54e−5 → 1e−7, 350 → 1."""
    text = text.replace("−", "-").lstrip("-")
    mantissa, _, exponent = text.partition("e")
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 10.0 ** (-places + int(exponent or 0))


def significant(text: str) -> int:
    mantissa = text.replace("−", "-").lstrip("-").partition("e")[0]
    return len(mantissa.replace(".", "").lstrip("0").rstrip("0") if "." not in mantissa
               else mantissa.replace(".", "").lstrip("0"))


def assert_honest(text: str, true: float, slack: float = 0.0) -> None:
    """`text` is `true` correctly rounded (to within `slack`, the float error of the value
    printed), and does not pass for exact when it is not."""
    assert abs(number(text) - true) <= 0.5 * unit(text) * (1 + 1e-9) + slack, (text, true)
    if number(text) != true and "e" not in text and significant(text) < 4:
        # allowed only when 8 significant digits (the most shown) cannot tell them apart
        assert f"{number(text):.7e}" == f"{true:.7e}", f"{text} looks exact but is {true!r}"


# ---- the rule for rounded floats -----------------------------------------------------------

@pytest.mark.parametrize("value, printed", [
    (-0.9999549059587637, "-0.99995"), (-349.9842170855673, "-349.98"),
    (-359.9837661451549, "-359.98"), (19.999546, "19.9995"), (24.999434, "24.999"),
    (0.49998868, "0.49999"), (2.3423921908062497, "2.342"), (0.8619948040582512, "0.86199"),
    (1.0, "1"), (0.25, "0.25"), (math.inf, "inf"), (4.5094041236354885e-05, "4.509e-5"),
])
def test_rounded_floats_do_not_look_exact(value: float, printed: str) -> None:
    assert format_number(honest(value)) == printed


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.floats(-1e6, 1e6, allow_nan=False),
                 st.integers(-2000, 2000).map(lambda k: k / 8 + 1e-6),  # just off a round number
                 st.integers(-2000, 2000).map(lambda k: k / 4 - 3e-5)))
def test_honest_rounds_correctly_and_never_passes_for_exact(value: float) -> None:
    assert_honest(format_number(honest(value)), value)


# ---- every printed step checks by hand -----------------------------------------------------

LOGSUMEXP = re.compile(r"= (\S+) \+ log\((1 \+ \S+|\S+)\) (=|≈) \1 \+ (\S+)$")
LOSS = re.compile(r"(=|≈) (\S+) − \(?(\S+?)\)? (=|≈) (\S+)$")


def check_robust_lines(source: Path | str, loss: float, log_Z: float) -> str:
    """The printed steps check by hand, and agree with the true values to within their last
    digit plus float64's own error in log Z (log of a Z within 1e−16 of 1 is off by ~1e−16)."""
    slack = 4 * 2.2e-16 * max(1.0, abs(loss))
    lines = texts(source, 4)
    lse = next(LOGSUMEXP.search(t) for t in lines if t.startswith("logsumexp"))
    Z_w, log_Z_w = lse.group(2), lse.group(4)
    log_of_Z_w = math.log1p(number(Z_w[4:])) if Z_w.startswith("1 + ") else \
        math.log(number(Z_w))  # Z close to 1 is written 1 + ε
    assert abs(log_of_Z_w - number(log_Z_w)) <= unit(log_Z_w), lse.group(0)
    assert_honest(log_Z_w, log_Z, slack)
    L = next(LOSS.search(t) for t in lines if t.startswith("L = "))
    a, b, sign, total = L.group(2, 3, 4, 5)
    assert abs(number(total) - loss) <= unit(total) + slack, (L.group(0), loss)
    if sign == "=":  # 0.00676 − (−10) = 10.00676, digit for digit
        assert Fraction(a.replace("−", "-")) - Fraction(b.replace("−", "-")) == \
            Fraction(total.replace("−", "-")), L.group(0)
    else:  # L has more digits than a decimal is printed with: rounded, and said so
        assert abs(number(a) - number(b) - number(total)) <= unit(total), L.group(0)
    return L.group(0)


@pytest.mark.parametrize("path, s, y", [(EXAM, [710, 705, 715], 2), (SMALL, [1, 0, 1], 2)])
def test_logsumexp_and_loss_lines_check_by_hand(path: Path, s: list, y: int) -> None:
    t = torch.tensor(s, dtype=torch.float64)
    loss = float(torch.logsumexp(t - t[y - 1], 0))
    line = check_robust_lines(path, loss, float(torch.logsumexp(t - t.max(), 0)))
    assert line == {EXAM: "≈ 0.0067604 − (−10) = 10.0067604",
                    SMALL: "≈ 0.86199 − (−1) = 1.86199"}[path]


@settings(max_examples=25, deadline=None)
@given(s=st.lists(st.integers(-60, 60), min_size=2, max_size=4), data=st.data())
def test_random_scores_print_consistent_lines(s: list[int], data: st.DataObject) -> None:
    y = data.draw(st.integers(1, len(s)))
    text = (f"kind: softmax-regression\ntitle: t\nx: [1]\nW: {[[v] for v in s]}\n"
            f"y: {y}\n")
    t = torch.tensor(s, dtype=torch.float64)
    # s − s_y is exact on integers, so torch's logsumexp gives L without cancellation
    check_robust_lines(text, float(torch.logsumexp(t - t[y - 1], 0)),
                       float(torch.logsumexp(t - t.max(), 0)))


def test_a_log_Z_printed_in_e_notation_checks_as_printed() -> None:
    # log Z = 1.6707e−5 prints 1.671e−5, and log(1.0000167) = 1.66999e−5 is off by more than
    # its last digit: Z is written 1 + 1.671e−5 instead
    s = [13, 21, 32]
    text = f"kind: softmax-regression\ntitle: t\nx: [1]\nW: {[[v] for v in s]}\ny: 1\n"
    t = torch.tensor(s, dtype=torch.float64)
    check_robust_lines(text, float(torch.logsumexp(t - t[0], 0)),
                       float(torch.logsumexp(t - t.max(), 0)))


def matrix_numbers(math_text: str) -> list[str]:
    """The entries of the last [..] of a math line."""
    last = math_text[math_text.rindex("[") + 1:math_text.rindex("]")]
    return re.split(r";\s*|\s{2,}", last.strip())


@pytest.mark.parametrize("path, x, W, b, y, dtype", [
    (EXAM, [350, 360], [[1, 1], [2, 0], [0, 2]], [0, 5, -5], 2, torch.float64),
    (TEMPLATE, [40, 50], [[1, 1], [2, 0], [0, 2]], [0, 0, -10], 3, torch.float32),
])
def test_gradients_are_printed_honestly(path: Path, x: list, W: list, b: list, y: int,
                                        dtype: torch.dtype) -> None:
    Wt = torch.tensor(W, dtype=dtype, requires_grad=True)
    bt = torch.tensor(b, dtype=dtype, requires_grad=True)
    s = Wt @ torch.tensor(x, dtype=dtype) + bt
    torch.nn.functional.cross_entropy(s[None, :], torch.tensor([y - 1])).backward()
    ds, dW = bt.grad.numpy().astype(float), Wt.grad.numpy().astype(float)
    lines = texts(path, 5)
    for text, want in [(lines[0], ds), (lines[1], dW), (lines[2], ds)]:
        got = matrix_numbers(text)
        assert len(got) == want.size
        for printed, true in zip(got, want.ravel()):
            assert_honest(printed, true)
    assert "−0.99995" in lines[0] if path == EXAM else "−0.50001" in lines[0]


# ---- the answers box -----------------------------------------------------------------------

def test_answers_keep_their_keys_and_read_like_the_derivation() -> None:
    d = solve(load(EXAM))
    assert [a.key for a in d.answers] == ["W.shape", "b.shape", "s", "p", "loss",
                                          "naive.loss", "dL/dW", "dL/db"]
    shown = {a.key: linear(answer_display(a)) for a in d.answers}
    assert shown["loss"] == "L = 10.0067604"
    assert shown["naive.loss"] == "L (direct code) = inf"
    # one number of significant digits per matrix: 2.3424 beside −349.98, not 2.342
    assert shown["dL/dW"] == "∂L/∂W = [2.3424  2.4093; −349.98  −359.98; 347.64  357.57]"
    assert shown["dL/db"] == "∂L/∂b = [0.0066925  −0.99995  0.99326]ᵀ"


# ---- the words ------------------------------------------------------------------------------

def table_rows(path: Path, step: int) -> list[list[str]]:
    return [r for b in blocks(path, step) if b.get("type") == "table" for r in b["rows"]]


def test_hazards_are_named_and_thresholds_read_plainly() -> None:
    rows = table_rows(EXAM, 3)
    assert len(rows) == 7
    assert all(len(r[0]) <= 20 for r in rows)  # a line number and a short quote, no wrapping
    assert ["2: np.exp(s)", "underflow: exp(sᵢ) = 0 (harmless alone)",
            "sᵢ < −745.1 (approx.)"] in rows
    words = " ".join(texts(EXAM, 3, "text"))
    assert "exp overflowing and log(0), have one cure" in words
    assert "‹" not in str(rows) and "< ≈" not in str(rows)


def test_prose_says_NaN_and_states_the_class_convention_in_words() -> None:
    prose = [t for step in range(1, 7) for t in texts(TEMPLATE, step, "text")]
    assert any("inf/inf = NaN" in t for t in prose)
    assert not any(re.search(r"\bnan\b", t) for t in prose)
    first = " ".join(texts(EXAM, 1, "text"))
    assert "classes count from 1" in first and "indexing" not in first
    zero = load_string("kind: softmax-regression\ntitle: t\nx: [1]\nW: [[1], [2]]\ny: 0\n"
                       "indexing: 0\n")
    words = " ".join(b["text"] for b in to_json(solve(zero), "f")["steps"][0]["blocks"]
                     if b.get("type") == "text")
    assert "classes count from 0 here" in words and "given y = 1" in words


def test_the_ordinary_case_is_short() -> None:
    direct = " ".join(texts(SMALL, 2, "text"))
    assert "It works here" in direct and "numpy warns" not in direct
    assert len(table_rows(SMALL, 3)) == 3
    assert len(" ".join(texts(SMALL, 3, "text"))) < len(" ".join(texts(EXAM, 3, "text")))
    assert len(blocks(SMALL, 2)) <= len(blocks(EXAM, 2)) / 2
    assert [b["type"] for b in blocks(SMALL, 6)].count("code") == 1


# ---- the reference code --------------------------------------------------------------------

def test_reference_code_prints_what_the_loss_and_gradients_call() -> None:
    step = blocks(SMALL, 6)
    code = next(b["source"] for b in step if b.get("type") == "code")
    tree = ast.parse(code)
    defined = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    called = {name: {c.func.id for c in ast.walk(f) if isinstance(c, ast.Call)
                     and isinstance(c.func, ast.Name)} for name, f in defined.items()}
    library = {name for name in dir(numerics) if callable(getattr(numerics, name))}
    for name, calls in called.items():  # every library function called is shown ...
        assert calls & library <= set(defined) | {"check_point"}, name
    entry = {"softmax_cross_entropy", "softmax_cross_entropy_gradients"}
    for name in defined:  # ... and nothing shown goes uncalled
        assert name in entry or any(name in c for c in called.values()), name
    for name in defined:
        assert getattr(numerics, name).__doc__.strip() in code  # the library's own source
    # check_point is said to validate before the code that calls it; no module or test trivia
    said = [b["text"] for b in step if b.get("type") == "text"]
    assert len(said) == 1 and "check_point" in said[0]
    assert [b["type"] for b in step] == ["text", "code"]
    assert not re.search(r"examsolve|tests?\b|PyTorch|1e308", said[0])
    assert len(said[0].split()) < 60


# ---- the template's expected answers are float32's -----------------------------------------

def test_template_expected_answers_are_torch_float32() -> None:
    spec = yaml.safe_load(TEMPLATE.read_text())
    assert spec["dtype"] == "float32" and "float32" in TEMPLATE.read_text().split("expected")[0]
    want = spec["expected"]
    dt = torch.float32
    Wt = torch.tensor(spec["W"] if isinstance(spec["W"], list) else
                      [[float(v) for v in r.split()] for r in spec["W"].splitlines()],
                      dtype=dt, requires_grad=True)
    bt = torch.tensor(spec["b"], dtype=dt, requires_grad=True)
    s = Wt @ torch.tensor(spec["x"], dtype=dt) + bt
    loss = torch.nn.functional.cross_entropy(s[None, :], torch.tensor([spec["y"] - 1]))
    loss.backward()
    f32 = lambda v: np.asarray(v, dtype=np.float32)  # noqa: E731
    np.testing.assert_array_max_ulp(f32(want["p"]), torch.softmax(s.detach(), 0).numpy(), 1)
    np.testing.assert_array_max_ulp(f32(want["loss"]), f32(loss.item()), 1)
    np.testing.assert_array_max_ulp(f32(want["dL/dW"]), Wt.grad.numpy(), 1)
    np.testing.assert_array_max_ulp(f32(want["dL/db"]), bt.grad.numpy(), 1)


def test_an_underflowed_exp_is_not_written_as_equal_to_0() -> None:
    text = ("kind: softmax-regression\ntitle: t\nx: [1000, 2000]\n"
            "W: [[1, 0], [0, 1], [1, 1]]\ny: 2\n")
    lines = texts(text, 4)
    assert "exp(s − m) = [exp(−2000)  exp(−1000)  exp(0)]ᵀ ≈ [0  0  1]ᵀ" in lines
    assert "p = exp(s − m)/Z ≈ [0  0  1]ᵀ" in lines  # e^−1000/Z is tiny, not 0
    assert lines[-2].endswith("= 0 − (−1000) = 1000")  # log 1 = 0 exactly
    assert texts(text, 5)[0].endswith("≈ [0  −1  1]ᵀ")

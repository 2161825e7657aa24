"""The softmax-regression solver: answers against torch (float64 autograd, float32), the
direct code's failures reported (never raised, never leaked as warnings), the derivation."""

from __future__ import annotations

import inspect
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from examsolve import numerics
from examsolve.problem import load, load_string, solve
from examsolve.render.json_render import to_json
from examsolve.kinds.softmax_regression.direct import NAIVE_LINES, trace_naive

ROOT = __import__("pathlib").Path(__file__).resolve().parents[3]


def spec_text(x: list, W: list, y: object, b: list | None = None, extra: str = "") -> str:
    lines = ["kind: softmax-regression", "title: t", f"x: {x}", f"W: {W}", f"y: {y}"]
    if b is not None:
        lines.append(f"b: {b}")
    return "\n".join(lines) + "\n" + extra


def run(text: str):  # type: ignore[no-untyped-def]
    """Solve with every Python warning turned into an error: nothing may leak."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return solve(load_string(text))


def torch_answers(x: list, W: list, b: list, y: int, dtype: torch.dtype) -> dict:
    """p, loss, dL/dW, dL/db from torch autograd; naive loss from the direct formula."""
    xt = torch.tensor(x, dtype=dtype).reshape(-1, 1)
    Wt = torch.tensor(W, dtype=dtype, requires_grad=True)
    bt = torch.tensor(b, dtype=dtype, requires_grad=True)
    s = (Wt @ xt).ravel() + bt
    loss = torch.nn.functional.cross_entropy(s[None, :], torch.tensor([y - 1]))
    loss.backward()
    sd = s.detach()
    naive = -torch.log(torch.exp(sd)[y - 1] / torch.exp(sd).sum())
    return {"p": torch.softmax(sd, 0).numpy(), "loss": loss.item(), "naive": naive.item(),
            "dW": Wt.grad.numpy(), "db": bt.grad.numpy()}


def floats(value: object) -> np.ndarray:
    return np.array(value, dtype=float)


# ---- answers against torch ----------------------------------------------------------------

small = st.integers(-6, 6).map(Fraction) | st.fractions(-6, 6, max_denominator=4)


@settings(max_examples=40, deadline=None)
@given(C=st.integers(1, 4), D=st.integers(1, 3), scale=st.sampled_from([1, 200]),
       data=st.data())
def test_answers_match_torch_float64(C: int, D: int, scale: int, data: st.DataObject) -> None:
    x = data.draw(st.lists(small, min_size=D, max_size=D))
    W = [[scale * v for v in data.draw(st.lists(small, min_size=D, max_size=D))]
         for _ in range(C)]
    b = data.draw(st.lists(small, min_size=C, max_size=C))
    y = data.draw(st.integers(1, C))
    quote = lambda vs: "[" + ", ".join(f'"{v}"' for v in vs) + "]"  # noqa: E731
    text = spec_text(quote(x), "[" + ", ".join(quote(r) for r in W) + "]", y, quote(b))
    answers = run(text).answer_map()

    s_exact = [sum(w * v for w, v in zip(row, x)) + c for row, c in zip(W, b)]
    assert answers["s"] == tuple(s_exact)  # exact Fractions
    assert answers["W.shape"] == (C, D) and answers["b.shape"] == (C, 1)
    want = torch_answers([float(v) for v in x], [[float(v) for v in r] for r in W],
                         [float(v) for v in b], y, torch.float64)
    np.testing.assert_allclose(floats(answers["p"]), want["p"], rtol=1e-9, atol=1e-12)
    assert answers["loss"] == pytest.approx(want["loss"], rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(floats(answers["dL/dW"]), want["dW"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(floats(answers["dL/db"]), want["db"], rtol=1e-9, atol=1e-12)
    naive = answers["naive.loss"]
    assert (math.isnan(naive) and math.isnan(want["naive"])) or \
        naive == pytest.approx(want["naive"], rel=1e-9, abs=1e-9)


def test_float32_answers_match_torch_float32() -> None:
    x, W, b, y = [40, 50], [[1, 1], [2, 0], [0, 2]], [0, 0, -10], 3
    answers = run(spec_text(x, W, y, b, "dtype: float32\n")).answer_map()
    want = torch_answers(x, W, b, y, torch.float32)
    assert math.isnan(answers["naive.loss"]) and math.isnan(want["naive"])
    assert answers["loss"] == pytest.approx(want["loss"], rel=1e-6)
    np.testing.assert_allclose(floats(answers["dL/dW"]), want["dW"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("file", ["problems/4-softmax-overflow.yaml",
                                  "problems/4b-softmax-small.yaml",
                                  "examsolve/kinds/softmax_regression/template.yaml"])
def test_shipped_specs_pass_their_expected_answers(file: str) -> None:
    from examsolve.check import check

    problem = load(ROOT / file)
    rows = check(problem, solve(problem))
    assert len(rows) == 8 and all(r.ok for r in rows), [r for r in rows if not r.ok]


def test_a_wrong_expected_answer_is_caught() -> None:
    from examsolve.check import check

    text = (ROOT / "problems/4b-softmax-small.yaml").read_text()
    text = text.replace("\n  loss: 1.861994804058251", "\n  loss: 1.863")
    problem = load_string(text)
    bad = [r.key for r in check(problem, solve(problem)) if not r.ok]
    assert bad == ["loss"]


# ---- the conventions: indexing and class names --------------------------------------------

def test_indexing_zero_and_class_names_pick_the_same_class() -> None:
    base = dict(x=[1, 2], W=[[1, 0], [0, 1], [1, 1]], b=[0, 0, 0])
    one = run(spec_text(**base, y=2)).answer_map()
    zero = run(spec_text(**base, y=1, extra="indexing: 0\n")).answer_map()
    named = run(spec_text(**base, y="dog", extra="classes: [cat, dog, fox]\n")).answer_map()
    assert one == zero == named
    assert one["dL/db"][1] < 0  # the true class is the one whose gradient is p − 1


# ---- extremes: finite, correct, and the direct code's failure reported -------------------

@pytest.mark.parametrize("x, W, y, loss, naive", [
    ([1], [[5], [5], [5], [5]], 3, math.log(4), math.log(4)),          # all equal
    ([1], [[1e308], [0], [-5]], 1, 0.0, math.nan),                     # one +1e308
    ([1], [[1e308], [0], [-5]], 2, 1e308, math.inf),
    ([1], [[-1e308], [-1e308], [-1e308]], 2, math.log(3), math.nan),  # all −1e308
    ([3, 4], [[1000, 2000]], 1, 0.0, math.nan),                       # C = 1
    ([1000], [[1], [2]], 1, 1000.0, math.nan),                         # D = 1
    ([1000], [[0], [-1]], 2, 1000.0, math.inf),
])
def test_extremes(x: list, W: list, y: int, loss: float, naive: float) -> None:
    answers = run(spec_text(x, W, y)).answer_map()
    assert math.isfinite(answers["loss"])
    assert answers["loss"] == pytest.approx(loss, rel=1e-12, abs=1e-12)
    assert all(math.isfinite(v) for v in answers["p"])
    got = answers["naive.loss"]
    assert (math.isnan(got) and math.isnan(naive)) or got == pytest.approx(naive)


def test_scores_beyond_float32_fall_back_to_float64_with_a_warning() -> None:
    d = run(spec_text([1e39], [[1], [2]], 1, extra="dtype: float32\n"))
    answers = d.answer_map()
    assert answers["loss"] == pytest.approx(1e39)
    assert math.isnan(answers["naive.loss"])
    assert any("does not fit in float32" in w for w in d.warnings)


# ---- the trace of the direct code ----------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(s=st.lists(st.sampled_from([-2000.0, -800.0, -1.0, 0.0, 3.0, 705.0, 710.0, 2000.0]),
                  min_size=1, max_size=4), data=st.data())
def test_trace_ends_where_the_direct_function_ends(s: list[float], data: st.DataObject) -> None:
    C = len(s)
    y = data.draw(st.integers(1, C))
    args = (np.ones((1, 1)), y, np.array(s).reshape(C, 1), np.zeros((C, 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = numerics.naive_softmax_cross_entropy(*args)
    traced = trace_naive(*args).loss
    assert (math.isnan(direct) and math.isnan(traced)) or direct == traced


def test_the_traced_lines_are_the_direct_functions_lines() -> None:
    body = inspect.getsource(numerics.naive_softmax_cross_entropy)
    assert [line for line in NAIVE_LINES if line in body] == list(NAIVE_LINES)


# ---- the derivation reads right ------------------------------------------------------------

def text_of(d) -> str:  # type: ignore[no-untyped-def]
    doc = to_json(d, "f")
    return "\n".join(b.get("text") or b.get("source") or str(b.get("rows"))
                     for s in doc["steps"] for b in s["blocks"])


def test_exam_derivation_names_what_overflows_and_why() -> None:
    d = solve(load(ROOT / "problems/4-softmax-overflow.yaml"))
    assert [s.heading for s in d.steps] == [
        "Shapes", "The direct implementation, run in float64",
        "Where the direct code can fail, in general", "The robust computation, in float64",
        "Gradients", "The reference implementation"]
    text = text_of(d)
    assert "≈ 709.78" in text and "s₁ = 710, s₃ = 715" in text
    assert "“overflow encountered in exp”" in text
    assert "“invalid value encountered in divide”" in text
    assert "“divide by zero encountered in log”" in text
    assert "L = −log(p₂) = −log(0) = inf" in text
    assert "m = max(sᵢ) = s₃ = 715" in text
    assert "s − m = [710 − 715  705 − 715  715 − 715]ᵀ = [−5  −10  0]ᵀ" in text
    assert d.warnings == ()


def test_float32_derivation_uses_float32_limits() -> None:
    text = text_of(solve(load(ROOT / "examsolve/kinds/softmax_regression/template.yaml")))
    assert "ln(3.403e38) ≈ 88.72" in text and "−log(nan) = nan" in text


def test_underflow_is_shown_with_its_true_size() -> None:
    text = text_of(run(spec_text([1000, 2000], [[1, 0], [0, 1], [1, 1]], 2)))
    # beyond any float, so written as a power of ten (math, typeset by each printer)
    assert "exp(−2000) ≈ 2.577 × 10⁻⁸⁶⁹" in text  # e^−2000 = 2.5765…·10^−869
    assert "exp(−1000) ≈ 5.076 × 10⁻⁴³⁵" in text


def test_reference_code_is_the_library_source() -> None:
    d = solve(load(ROOT / "problems/4b-softmax-small.yaml"))
    code = [b.source for b in d.steps[-1].blocks if hasattr(b, "source")]
    assert len(code) == 1
    for function in (numerics.log_softmax, numerics.softmax, numerics.softmax_cross_entropy,
                     numerics.softmax_cross_entropy_gradients):
        assert inspect.getsource(function).rstrip() in code[0]
    assert all(len(line) <= 79 for line in code[0].splitlines())


def test_a_score_beyond_float64_is_printed_exact_not_an_internal_error():
    """x₂ = 10³⁰⁸ makes s₂ = 10³⁰⁸ + 1/2 and W's 1·x₂ + 1·x₁ scores past float64's range in
    exact arithmetic (the fuzz test found an OverflowError); torch's float64 logsumexp is
    the oracle for the loss, which is 0 to float precision."""
    import json
    import os
    import tempfile

    import torch
    from typer.testing import CliRunner

    from examsolve.cli import app

    spec = ("kind: softmax-regression\ntitle: t\nx: [1/2, 1.0e+308]\ny: 2\n"
            "W: [[2, 0], [1, 1], [0, -1]]\nb: [0, 1/2, 0]\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.yaml")
        open(path, "w").write(spec)
        result = CliRunner().invoke(app, ["run", path, "-f", "json"])
    assert result.exit_code == 0, result.output
    s = torch.tensor([[2, 0], [1, 1], [0, -1]], dtype=torch.float64) @ \
        torch.tensor([0.5, 1e308], dtype=torch.float64) + \
        torch.tensor([0, 0.5, 0], dtype=torch.float64)
    oracle = float(torch.logsumexp(s, 0) - s[1])
    assert abs(json.loads(result.output)["answers"]["loss"] - oracle) < 1e-6

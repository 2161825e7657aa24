"""examsolve.numerics against PyTorch (float64 and float32) and exact math.

The oracle is torch's own logsumexp / log_softmax / softmax / cross_entropy and autograd,
never numerics itself.
"""

from __future__ import annotations

import math
import warnings
from typing import Callable

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from examsolve.numerics import (log_softmax, logsumexp, naive_softmax_cross_entropy, softmax,
                                softmax_cross_entropy, softmax_cross_entropy_batch,
                                softmax_cross_entropy_gradients)

SETTINGS = settings(max_examples=60, deadline=None)
HUGE = {"float64": 1e308, "float32": 3e38}


@st.composite
def logits(draw: st.DrawFn, dtype: str) -> np.ndarray:
    """C logits in [−1e4, 1e4], sometimes with ties and sometimes with one huge one."""
    width = 64 if dtype == "float64" else 32
    C = draw(st.integers(1, 8))
    values = draw(st.lists(st.floats(-1e4, 1e4, width=width), min_size=C, max_size=C))
    if C > 1 and draw(st.booleans()):  # ties: copy one value over another
        i, j = draw(st.integers(0, C - 1)), draw(st.integers(0, C - 1))
        values[j] = values[i]
    if draw(st.booleans()):  # one huge logit, either sign
        values[draw(st.integers(0, C - 1))] = draw(st.sampled_from([1, -1])) * HUGE[dtype]
    return np.array(values, dtype=dtype).reshape(C, 1)


def tolerance(s: np.ndarray) -> float:
    """A few ulps at the scale of the logits (log-quantities carry their size)."""
    eps = float(np.finfo(s.dtype).eps)
    return 8 * eps * max(1.0, float(np.max(np.abs(s))))


def as_torch(s: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(s.ravel().copy())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@SETTINGS
@given(data=st.data())
def test_logsumexp_log_softmax_softmax_match_torch(dtype: str, data: st.DataObject) -> None:
    s = data.draw(logits(dtype))
    t = as_torch(s)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the robust code never warns on finite logits
        ours_lse, ours_log_p, ours_p = logsumexp(s), log_softmax(s), softmax(s)
    assert ours_lse.shape == (1, 1) and ours_log_p.shape == ours_p.shape == s.shape
    assert ours_p.dtype == ours_log_p.dtype == np.dtype(dtype)
    tol = tolerance(s)
    np.testing.assert_allclose(ours_lse[0, 0], torch.logsumexp(t, 0).item(), rtol=0, atol=tol)
    np.testing.assert_allclose(ours_log_p.ravel(), torch.log_softmax(t, 0).numpy(), rtol=0,
                               atol=tol)
    np.testing.assert_allclose(ours_p.ravel(), torch.softmax(t, 0).numpy(), rtol=0,
                               atol=8 * float(np.finfo(s.dtype).eps))
    assert np.all(np.isfinite(ours_p)) and np.all(np.isfinite(ours_log_p))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@SETTINGS
@given(data=st.data())
def test_loss_matches_torch_cross_entropy(dtype: str, data: st.DataObject) -> None:
    s = data.draw(logits(dtype))
    C = s.shape[0]
    y = data.draw(st.integers(1, C))
    # D = 1, x = 1, b = 0 makes the scores exactly the drawn logits.
    x, b = np.ones((1, 1), dtype), np.zeros((C, 1), dtype)
    ours = softmax_cross_entropy(x, y, s, b)
    want = torch.nn.functional.cross_entropy(as_torch(s)[None, :], torch.tensor([y - 1]))
    assert math.isfinite(ours)
    assert ours == pytest.approx(want.item(), rel=0, abs=tolerance(s))


@SETTINGS
@given(data=st.data())
def test_float32_loss_is_accurate_against_float64_truth(data: st.DataObject) -> None:
    """Past ±88.72 the float32 loss is still right to float32 precision."""
    s = data.draw(logits("float32"))
    y = data.draw(st.integers(1, s.shape[0]))
    ours = softmax_cross_entropy(np.ones((1, 1), np.float32), y, s,
                                 np.zeros_like(s))
    truth = torch.nn.functional.cross_entropy(
        torch.from_numpy(s.ravel().astype(np.float64))[None, :], torch.tensor([y - 1])).item()
    eps32 = float(np.finfo(np.float32).eps)
    assert abs(ours - truth) <= 4 * eps32 * (1 + abs(truth))


@SETTINGS
@given(C=st.integers(1, 5), D=st.integers(1, 4), scale=st.sampled_from([1.0, 1e3]),
       data=st.data())
def test_gradients_match_torch_autograd(C: int, D: int, scale: float,
                                        data: st.DataObject) -> None:
    numbers = st.floats(-10, 10)
    x = np.array(data.draw(st.lists(numbers, min_size=D, max_size=D))).reshape(D, 1)
    W = scale * np.array(data.draw(st.lists(numbers, min_size=C * D, max_size=C * D)))
    W = W.reshape(C, D)
    b = np.array(data.draw(st.lists(numbers, min_size=C, max_size=C))).reshape(C, 1)
    y = data.draw(st.integers(1, C))
    dW, db = softmax_cross_entropy_gradients(x, y, W, b)

    Wt = torch.tensor(W, requires_grad=True)
    bt = torch.tensor(b.ravel(), requires_grad=True)
    s = (Wt @ torch.tensor(x)).ravel() + bt
    torch.nn.functional.cross_entropy(s[None, :], torch.tensor([y - 1])).backward()
    assert dW.shape == (C, D) and db.shape == (C, 1)
    np.testing.assert_allclose(dW, Wt.grad.numpy(), rtol=1e-10, atol=1e-10 * max(1, abs(x).max()))
    np.testing.assert_allclose(db.ravel(), bt.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_batch_matches_torch_mean_cross_entropy(dtype: str) -> None:
    rng = np.random.default_rng(5)
    N, C, D = 500, 7, 4
    X = rng.normal(size=(N, D)).astype(dtype)
    W = (rng.normal(size=(C, D)) * 300).astype(dtype)  # scores well past 88.72 and 709.78
    b = rng.normal(size=(C, 1)).astype(dtype)
    y = rng.integers(1, C + 1, N)
    S = torch.from_numpy(X) @ torch.from_numpy(W).T + torch.from_numpy(b.ravel())
    want = torch.nn.functional.cross_entropy(S, torch.from_numpy(y - 1)).item()
    ours = softmax_cross_entropy_batch(X, y, W, b)
    assert math.isfinite(ours)
    assert ours == pytest.approx(want, rel=1e-5 if dtype == "float32" else 1e-12)
    one_by_one = np.mean([softmax_cross_entropy(X[i].reshape(D, 1), int(y[i]), W, b)
                          for i in range(N)])
    assert ours == pytest.approx(one_by_one, rel=1e-5 if dtype == "float32" else 1e-12)


# ---- extremes: exact answers by hand ------------------------------------------------------

def loss_of(s: list[float], y: int) -> float:
    C = len(s)
    return softmax_cross_entropy(np.ones((1, 1)), y, np.array(s).reshape(C, 1),
                                 np.zeros((C, 1)))


def test_all_logits_equal() -> None:
    assert loss_of([3.0] * 5, 2) == pytest.approx(math.log(5), abs=1e-15)
    assert loss_of([1e308] * 4, 4) == pytest.approx(math.log(4), abs=1e-15)
    np.testing.assert_allclose(softmax(np.full((5, 1), 1e308)), np.full((5, 1), 0.2))


def test_one_logit_1e308() -> None:
    s = [1e308, 0.0, -5.0]
    assert loss_of(s, 1) == 0.0
    assert loss_of(s, 2) == pytest.approx(1e308)
    assert loss_of(s, 3) == pytest.approx(1e308)
    np.testing.assert_array_equal(softmax(np.array(s).reshape(3, 1)).ravel(), [1, 0, 0])


def test_all_logits_minus_1e308() -> None:
    assert loss_of([-1e308] * 3, 1) == pytest.approx(math.log(3), abs=1e-15)
    assert logsumexp(np.full((3, 1), -1e308))[0, 0] == pytest.approx(-1e308)


def test_one_class_and_one_feature() -> None:
    x, W, b = np.array([[1e300]]), np.array([[2.0]]), np.array([[5.0]])
    assert softmax_cross_entropy(x, 1, W, b) == 0.0
    dW, db = softmax_cross_entropy_gradients(x, 1, W, b)
    np.testing.assert_array_equal(dW, [[0.0]])
    np.testing.assert_array_equal(db, [[0.0]])


def test_float32_past_88_72() -> None:
    s = np.array([[90.0], [80.0], [90.0]], np.float32)
    ours = softmax_cross_entropy(np.ones((1, 1), np.float32), 3, s, np.zeros_like(s))
    truth = math.log(2 + math.exp(-10))  # log Σ exp(s − 90) − (s₃ − 90)
    assert ours == pytest.approx(truth, rel=1e-6)


def test_naive_fails_where_the_robust_form_does_not() -> None:
    """The direct formula returns nan/inf (with numpy warnings), it does not raise."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert math.isnan(naive_softmax_cross_entropy(
            np.ones((1, 1)), 1, np.array([[1000.0], [2000.0]]), np.zeros((2, 1))))
        assert naive_softmax_cross_entropy(
            np.ones((1, 1)), 2, np.array([[0.0], [-1000.0]]), np.zeros((2, 1))) == math.inf
    assert any("overflow" in str(w.message) for w in caught)
    assert loss_of([1000.0, 2000.0], 1) == 1000.0
    assert loss_of([0.0, -1000.0], 2) == 1000.0


# ---- shape checks ---------------------------------------------------------------------------

GOOD = dict(x=np.ones((2, 1)), y=1, W=np.ones((3, 2)), b=np.zeros((3, 1)))


@pytest.mark.parametrize("change, message", [
    (dict(x=np.ones(2)), r"x must have shape \(D, 1\), got \(2,\)"),
    (dict(x=np.ones((1, 2))), r"x must have shape \(D, 1\), got \(1, 2\)"),
    (dict(W=np.ones((3, 3))), r"W must have shape \(C, D\) with D = 2 .* got \(3, 3\)"),
    (dict(W=np.ones(2)), r"W must have shape \(C, D\)"),
    (dict(b=np.zeros(3)), r"b must have shape \(C, 1\) = \(3, 1\), got \(3,\)"),
    (dict(y=0), r"y must be a class in \[1, C\] = \[1, 3\], got 0"),
    (dict(y=4), r"y must be a class in \[1, C\] = \[1, 3\], got 4"),
    (dict(y=2.0), r"y must be a whole number in \[1, 3\], got 2.0"),
    (dict(y=True), r"y must be a whole number"),
])
@pytest.mark.parametrize("function", [softmax_cross_entropy, softmax_cross_entropy_gradients])
def test_bad_shapes_raise_clear_errors(function: Callable, change: dict, message: str) -> None:
    args = {**GOOD, **change}
    with pytest.raises(ValueError, match=message):
        function(args["x"], args["y"], args["W"], args["b"])


def test_good_shapes_pass_and_numpy_ints_are_classes() -> None:
    assert softmax_cross_entropy(GOOD["x"], np.int64(3), GOOD["W"], GOOD["b"]) == \
        pytest.approx(math.log(3))


def test_batch_rejects_bad_shapes_and_classes() -> None:
    X, W, b = np.ones((4, 2)), np.ones((3, 2)), np.zeros((3, 1))
    with pytest.raises(ValueError, match="expected X"):
        softmax_cross_entropy_batch(X, np.ones(4, int), W, np.zeros(3))
    with pytest.raises(ValueError, match=r"\[1, C\] = \[1, 3\]"):
        softmax_cross_entropy_batch(X, np.array([1, 2, 3, 4]), W, b)

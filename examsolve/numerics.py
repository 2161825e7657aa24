"""Numerically robust softmax, log-softmax and softmax cross-entropy.

Written to be read: examsolve prints this source as the model answer, and
its tests exercise exactly this code (so its lines stay within 79 columns).

Two rules make it robust:
- shift by the max before exp: every exp(s_i − m) is ≤ 1, so none
  overflows, and the largest is exactly exp(0) = 1, so the sum is ≥ 1 and
  its log is finite;
- take the loss as logsumexp(s) − s_y, never as −log(p_y): p_y may
  underflow to 0.

Shapes follow the exam (problem 4): one point x is a column (D, 1), W is
(C, D), b is (C, 1), the scores s = W x + b and the probabilities p are
(C, 1), and the true class y counts from 1 to C. The batched form keeps
that layout with one column per point: X is stored (N, D), as data usually
is, and the scores S = W Xᵀ + b are (C, N).
"""

from __future__ import annotations

import numpy as np


def logsumexp(s: np.ndarray, axis: int = 0) -> np.ndarray:
    """log Σ_i exp(s_i), computed as m + log Σ_i exp(s_i − m), m = max s."""
    m = np.max(s, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # all −inf must not give nan
    return m + np.log(np.sum(np.exp(s - m), axis=axis, keepdims=True))


def log_softmax(s: np.ndarray, axis: int = 0) -> np.ndarray:
    """log p_i = s_i − logsumexp(s) = (s_i − m) − log Σ_j exp(s_j − m).

    Subtracting m before anything else (rather than adding it back in
    logsumexp) keeps small log-probabilities accurate for large scores.
    """
    z = s - np.max(s, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def softmax(s: np.ndarray, axis: int = 0) -> np.ndarray:
    """p_i = exp(s_i − m) / Σ_j exp(s_j − m); never overflows."""
    e = np.exp(s - np.max(s, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def check_point(x: np.ndarray, y: int, W: np.ndarray,
                b: np.ndarray) -> None:
    """ValueError unless x is (D, 1), W (C, D), b (C, 1), y in [1, C]."""
    if x.ndim != 2 or x.shape[1] != 1:
        raise ValueError(f"x must have shape (D, 1), got {x.shape}")
    D = x.shape[0]
    if W.ndim != 2 or W.shape[1] != D:
        raise ValueError(f"W must have shape (C, D) with D = {D} "
                         f"(the length of x), got {W.shape}")
    C = W.shape[0]
    if b.shape != (C, 1):
        raise ValueError(f"b must have shape (C, 1) = ({C}, 1), "
                         f"got {b.shape}")
    if not isinstance(y, (int, np.integer)) or isinstance(y, bool):
        raise ValueError(f"y must be a whole number in [1, {C}], "
                         f"got {y!r}")
    if not 1 <= y <= C:
        raise ValueError(f"y must be a class in [1, C] = [1, {C}], "
                         f"got {y}")


def softmax_cross_entropy(x: np.ndarray, y: int, W: np.ndarray,
                          b: np.ndarray) -> float:
    """L = −log p_y = logsumexp(s) − s_y, s = W x + b, y counted from 1.

    Computed as log Σ_j exp(s_j − m) − (s_y − m): every exponent is ≤ 0
    and no probability's log is taken, so L is finite for finite scores.
    """
    check_point(x, y, W, b)
    s = W @ x + b                      # (C, 1) class scores
    return float(-log_softmax(s)[y - 1, 0])


def softmax_cross_entropy_gradients(
        x: np.ndarray, y: int, W: np.ndarray,
        b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dL/dW = (p − onehot(y)) xᵀ (C, D) and dL/db = p − onehot(y) (C, 1).

    From L = logsumexp(s) − s_y: dL/ds_i = p_i − [i = y]; s = W x + b.
    """
    check_point(x, y, W, b)
    s = W @ x + b
    dL_ds = softmax(s)                 # p ...
    dL_ds[y - 1, 0] -= 1               # ... − onehot(y)
    return dL_ds @ x.T, dL_ds


def softmax_cross_entropy_batch(X: np.ndarray, y: np.ndarray,
                                W: np.ndarray, b: np.ndarray) -> float:
    """The mean of L over N points: X is (N, D), y holds N classes 1..C.

    The one-point algorithm on S = W Xᵀ + b, shape (C, N); the shift and
    the exp work in place, so it costs hardly more than the direct form.
    """
    N, D = X.shape
    C = W.shape[0]
    if W.shape != (C, D) or b.shape != (C, 1) or y.shape != (N,):
        raise ValueError(f"expected X (N, D), y (N,), W (C, D), b (C, 1);"
                         f" got X {X.shape}, y {y.shape}, W {W.shape}, "
                         f"b {b.shape}")
    if N and not (1 <= y.min() and y.max() <= C):
        raise ValueError(f"every y must be a class in [1, C] = [1, {C}]")
    S = W @ X.T + b                    # (C, N), one column per point
    S -= np.max(S, axis=0)             # z = s − m: every exponent ≤ 0
    z_y = S[y - 1, np.arange(N)]       # taken before exp overwrites S
    log_Z = np.log(np.sum(np.exp(S, out=S), axis=0))
    return float(np.mean(log_Z - z_y))


def naive_softmax_cross_entropy(x: np.ndarray, y: int, W: np.ndarray,
                                b: np.ndarray) -> float:
    """L = −log(exp(s_y) / Σ_j exp(s_j)), typed in as it stands.

    Kept to show what goes wrong: exp overflows, and log meets 0.
    """
    s = W @ x + b                  # line 1
    e = np.exp(s)                  # line 2
    p = e / np.sum(e)              # line 3
    return -np.log(p[y - 1, 0])    # line 4

"""Numerically robust softmax and friends, written to be read: this is model-answer code.

Shift by the max before exp (so no exp overflows) and take the loss as logsumexp(s) − s_y
(so no log of an underflowed 0). Every kind that needs a softmax uses these functions.
"""

from __future__ import annotations

import numpy as np


def logsumexp(s: np.ndarray, axis: int = 0) -> np.ndarray:
    """log Σ_i exp(s_i), computed as m + log Σ_i exp(s_i − m) with m = max_i s_i."""
    m = np.max(s, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # all −inf (or an inf) must not give nan here
    return m + np.log(np.sum(np.exp(s - m), axis=axis, keepdims=True))


def log_softmax(s: np.ndarray, axis: int = 0) -> np.ndarray:
    """log p_i = s_i − logsumexp(s)."""
    return s - logsumexp(s, axis=axis)


def softmax(s: np.ndarray, axis: int = 0) -> np.ndarray:
    """p_i = exp(s_i − m) / Σ_j exp(s_j − m); never overflows."""
    e = np.exp(s - np.max(s, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)

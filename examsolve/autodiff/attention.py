"""Row-wise softmax, scaled dot-product attention, batch/layer normalisation and dropout.

Attention takes one token per **row** of Q, K and V (the papers' and PyTorch's convention):
scores = Q·Kᵀ/√d_k (d_k the number of columns of K), weights = softmax of each row of the
scores (a masked entry, mask 0, gets weight 0), Z = weights·V. It is built from engine ops,
so its gradients are the chain rule through each piece; the scores and weights nodes carry
their names, `scores(Z)` and `weights(Z)`.

batchnorm normalises each row (a feature) over the columns (the examples) with the biased
variance (÷ m), as in training mode: x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β. Its backward pass
goes through the statistics: ∂L/∂x = (1/√(σ² + ε))·(g − mean(g) − x̂·mean(g ⊙ x̂)) with
g = γ·∂L/∂y, means over the same axis. layernorm is the same over each column.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from examsolve import numerics
from examsolve.autodiff.engine import Context, Node, constant, matmul, transpose

LOCAL = {
    "softmax_rows": "each row (or column) is a softmax: ∂L/∂s = p ⊙ (∂L/∂p − Σ p ⊙ ∂L/∂p) "
                    "along it",
    "masked": "a masked score is −∞ and receives no gradient",
    "norm": "through the statistics: ∂L/∂x = (g − mean(g) − x̂·mean(g ⊙ x̂))/√(σ² + ε)",
    "dropout": "∂(m ⊙ h/(1 − p))/∂h = m/(1 − p)",
}


def softmax_each(ctx: Context, s: Node, axis: int) -> Node:
    """softmax of every row (axis 1) or every column (axis 0)."""
    sf = s.value.astype(float)
    p = numerics.softmax(sf, axis=axis)
    if ctx.exact:
        p = p.astype(object)
        for k in range(s.shape[1 - axis]):  # equal scores give exactly 1/n
            line = s.value[k] if axis == 1 else s.value[:, k]
            if all(isinstance(v, Fraction) and v == line[0] for v in line):
                if axis == 1:
                    p[k] = Fraction(1, line.size)
                else:
                    p[:, k] = Fraction(1, line.size)
    out = Node(ctx, p, (s,), "softmax_rows", {"axis": axis})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray]:
        dot = np.sum(p * g, axis=axis, keepdims=True)
        return (p * (g - dot),)

    out.backward_fn = backward_fn
    return out


def masked(ctx: Context, s: Node, mask: Node) -> Node:
    """s where mask is 1, −∞ where it is 0."""
    keep = np.asarray(mask.value != 0, dtype=bool)
    value = np.where(keep, s.value, -math.inf).astype(s.value.dtype)
    out = Node(ctx, value, (s, mask), "masked", {"keep": keep})
    out.backward_fn = lambda g: (np.where(keep, g, 0).astype(g.dtype), None)
    return out


def attention(ctx: Context, Q: Node, K: Node, V: Node, mask: Node | None, name: str) -> Node:
    """softmax(Q·Kᵀ/√d_k, each row)·V, built from engine ops; returns the product node."""
    from examsolve.autodiff.functions import div

    d_k = K.shape[1]
    root = math.isqrt(d_k)
    scale = Fraction(root) if root * root == d_k else math.sqrt(d_k)
    raw = matmul(ctx, Q, transpose(ctx, K))
    scale_node = constant(ctx, scale) if isinstance(scale, Fraction) else \
        Node(ctx, ctx.array([[scale]]), op="const")
    scores = div(ctx, raw, scale_node)
    scores.name = f"scores({name})"
    scores.info["d_k"] = d_k
    source = masked(ctx, scores, mask) if mask is not None else scores
    weights = softmax_each(ctx, source, axis=1)
    weights.name = f"weights({name})"
    out = matmul(ctx, weights, V)
    out.info["attention"] = (scores, weights)
    return out


def normalise(ctx: Context, x: Node, gamma: Node, beta: Node, eps: Fraction,
              axis: int) -> Node:
    """(x − μ)/√(σ² + ε)·γ + β with μ, σ² (biased) over `axis`: 1 for batchnorm (each row
    over the batch), 0 for layernorm (each column over its features)."""
    xf = x.value.astype(float)
    n = x.shape[axis]
    mu = xf.mean(axis=axis, keepdims=True)
    var = ((xf - mu) ** 2).mean(axis=axis, keepdims=True)
    inv = 1 / np.sqrt(var + float(eps))
    xhat = (xf - mu) * inv
    rows = x.shape[0]
    gam = np.broadcast_to(np.asarray(gamma.value, dtype=float).reshape(-1, 1), (rows, 1))
    bet = np.broadcast_to(np.asarray(beta.value, dtype=float).reshape(-1, 1), (rows, 1))
    value = xhat * gam + bet
    kind = object if ctx.exact else float
    out = Node(ctx, value.astype(kind), (x, gamma, beta), "norm",
               {"axis": axis, "mu": mu, "var": var, "xhat": xhat, "eps": eps, "n": n,
                "inv": inv})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray, ...]:
        gf = np.asarray(g, dtype=float)
        gx = gf * gam
        dx = inv * (gx - gx.mean(axis=axis, keepdims=True)
                    - xhat * (gx * xhat).mean(axis=axis, keepdims=True))
        dgamma = (gf * xhat).sum(axis=1, keepdims=True)  # γ and β: one entry per row
        dbeta = gf.sum(axis=1, keepdims=True)
        if gamma.shape == (1, 1):
            dgamma = dgamma.sum(keepdims=True)
        if beta.shape == (1, 1):
            dbeta = dbeta.sum(keepdims=True)
        return (dx.astype(kind), dgamma.reshape(gamma.shape).astype(kind),
                dbeta.reshape(beta.shape).astype(kind))

    out.backward_fn = backward_fn
    return out


def dropout(ctx: Context, h: Node, mask: Node, p: Fraction) -> Node:
    """mask ⊙ h/(1 − p) (inverted dropout) with a given 0/1 mask."""
    keep = 1 - p if ctx.exact else 1 - float(p)
    scale = mask.value / keep
    out = Node(ctx, h.value * scale, (h, mask), "dropout", {"scale": scale, "p": p})
    out.backward_fn = lambda g: (g * scale, None)
    return out

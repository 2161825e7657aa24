"""The layer and loss ops of the backprop engine: convolution, max-pooling and the losses.

Same pattern as engine.py: a forward, a closure applying the local chain rule, and a
LOCAL explanation. Convolutions are cross-correlations, as in PyTorch and the exam:
s[i] = Σ_k x̃[i·stride + k]·w[k] + b with x̃ the zero-padded input, so
∂L/∂w[k] = Σ_i ∂L/∂s[i]·x̃[i·stride + k] (the padded input correlated with the upstream
gradient), ∂L/∂b = Σ_i ∂L/∂s[i], and ∂L/∂x̃[i·stride + k] collects ∂L/∂s[i]·w[k].
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from examsolve import numerics
from examsolve.autodiff.engine import (Context, Node, Through, log_, softmax_values,
                                               total, unbroadcast)
from examsolve.autodiff.parse import conv_padding

LOCAL = {
    "conv1d": "∂L/∂w[k] = Σ_i ∂L/∂s[i]·x̃[i·stride + k] (x̃ the padded input), "
              "∂L/∂b = Σ_i ∂L/∂s[i], ∂L/∂x[j] = Σ_i ∂L/∂s[i]·w[j − i·stride] (on x̃)",
    "conv2d": "∂L/∂K[a,b] = Σ_ij ∂L/∂S[i,j]·X̃[i·stride + a, j·stride + b], "
              "∂L/∂b = Σ_ij ∂L/∂S[i,j]",
    "maxpool1d": "each window's maximum receives the gradient, the other entries 0",
    "maxpool2d": "each window's maximum receives the gradient, the other entries 0",
    "nll": "∂(−log p_c)/∂p = −1/p_c at the class c, 0 elsewhere",
    "cross_entropy": "∂(log Σ_j exp s_j − s_c)/∂s = softmax(s) − onehot(c)",
    "bce": "∂/∂p of −[y log p + (1 − y) log(1 − p)] is (p − y)/(p(1 − p)), averaged over n",
    "mse": "∂/∂ŷ of (1/n) Σ (ŷ − y)² is 2(ŷ − y)/n",
}


def _pad(ctx: Context, flat: np.ndarray, pad: tuple[int, int], fill: object = 0) -> np.ndarray:
    """The vector with `fill` (0 unless pad_value says otherwise) added before and after."""
    before, after = ctx.full((pad[0],), fill), ctx.full((pad[1],), fill)
    return np.concatenate([before, flat, after])


def pad2d(ctx: Context, x: np.ndarray, top: int, bottom: int, left: int, right: int,
          fill: object = 0) -> np.ndarray:
    """The matrix with rows of `fill` above and below and columns left and right."""
    xp = np.concatenate([ctx.full((top, x.shape[1]), fill), x,
                         ctx.full((bottom, x.shape[1]), fill)], axis=0)
    return np.concatenate([ctx.full((xp.shape[0], left), fill), xp,
                           ctx.full((xp.shape[0], right), fill)], axis=1)


def conv1d(ctx: Context, x: Node, w: Node, b: Node, padding: object, stride: int,
           pad_value: object = 0) -> Node:
    """s = x̃ ⋆ w + b (cross-correlation); s keeps x's orientation (column or row); x̃ is
    x padded with pad_value (0 by default)."""
    wf = w.value.reshape(-1)
    k = wf.size
    pad = conv_padding(padding, k)
    xp = _pad(ctx, x.value.reshape(-1), pad, pad_value)
    windows = sliding_window_view(xp, k)[::stride]  # row i: x̃[i·stride : i·stride + k]
    flat = windows @ wf + b.value[0, 0]
    value = flat.reshape(-1, 1) if x.shape[1] == 1 else flat.reshape(1, -1)
    out = Node(ctx, value, (x, w, b), "conv1d",
               {"padded": xp, "pad": pad, "stride": stride, "windows": windows})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray, ...]:
        gf = g.reshape(-1)
        dxp = ctx.full(xp.shape, 0)
        last = stride * (gf.size - 1) + 1
        for j in range(k):
            dxp[j: j + last: stride] = dxp[j: j + last: stride] + gf * wf[j]
        dx = dxp[pad[0]: pad[0] + x.value.size].reshape(x.shape)
        dw = (windows.T @ gf).reshape(w.shape)
        return dx, dw, total(ctx, gf)

    out.backward_fn = backward_fn
    return out


def conv2d(ctx: Context, x: Node, kernel: Node, b: Node, padding: object, stride: int,
           pad_value: object = 0) -> Node:
    """S[i,j] = Σ_ab X̃[i·stride + a, j·stride + b]·K[a,b] + b."""
    kh, kw = kernel.shape
    (top, bottom), (left, right) = conv_padding(padding, kh), conv_padding(padding, kw)
    xp = pad2d(ctx, x.value, top, bottom, left, right, pad_value)
    windows = sliding_window_view(xp, (kh, kw))[::stride, ::stride]
    oh, ow = windows.shape[:2]
    patches = windows.reshape(oh * ow, kh * kw)
    value = (patches @ kernel.value.reshape(-1)).reshape(oh, ow) + b.value[0, 0]
    out = Node(ctx, value, (x, kernel, b), "conv2d",
               {"padded": xp, "pad": (top, left), "stride": stride})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray, ...]:
        dxp = ctx.full(xp.shape, 0)
        for a in range(kh):
            for c in range(kw):
                rows = slice(a, a + stride * (oh - 1) + 1, stride)
                cols = slice(c, c + stride * (ow - 1) + 1, stride)
                dxp[rows, cols] = dxp[rows, cols] + g * kernel.value[a, c]
        dx = dxp[top: top + x.shape[0], left: left + x.shape[1]]
        dk = (patches.T @ g.reshape(-1)).reshape(kh, kw)
        return dx, dk, total(ctx, g)

    out.backward_fn = backward_fn
    return out


def _window_argmax(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First position of each window's maximum (PyTorch's pick) and whether it was a tie."""
    best = np.array([max(range(len(w)), key=lambda i, w=w: (w[i], -i)) for w in windows],
                    dtype=int) if windows.dtype == object else np.argmax(windows, axis=1)
    top = windows[np.arange(len(windows)), best]
    ties = np.array([sum(1 for v in w if v == t) > 1 for w, t in zip(windows, top)], dtype=bool)
    return best, ties


def maxpool(ctx: Context, x: Node, size: int, stride: int | None, two_d: bool,
            padding: int = 0, pad_value: object = None) -> Node:
    """The maximum of each window; ties go to the first maximum (as PyTorch does). With
    padding, the input is first padded with pad_value (−∞ unless given: PyTorch's padding
    never wins a window); a padded entry that wins passes no gradient back."""
    call = ctx.next_call()
    stride = stride or size
    shape = (size, size) if two_d else (size,)
    fill = -math.inf if pad_value is None else pad_value
    if two_d:
        source = pad2d(ctx, x.value, padding, padding, padding, padding, fill)
    else:
        source = _pad(ctx, x.value.reshape(-1), (padding, padding), fill)
    ctx.recorded[call] = source

    def windows_of(a: np.ndarray) -> np.ndarray:
        view = sliding_window_view(a, shape)
        view = view[::stride, ::stride] if two_d else view[::stride]
        return view.reshape(-1, int(np.prod(shape)))

    windows = windows_of(source)
    best, ties = _window_argmax(windows)
    if ctx.pins is not None and call in ctx.pins:
        base_best, base_ties = _window_argmax(windows_of(ctx.pins[call]))
        if np.any(~base_ties & (best != base_best)):
            ctx.crossed = True
        best = np.where(base_ties, base_best, best)
    flat = windows[np.arange(len(windows)), best]
    out_shape = windows_of(source).shape[0]
    if two_d:
        oh = (source.shape[0] - size) // stride + 1
        value = flat.reshape(oh, -1)
        positions = [((i // value.shape[1]) * stride + int(p) // size,
                      (i % value.shape[1]) * stride + int(p) % size) for i, p in enumerate(best)]
    else:
        value = flat.reshape(-1, 1) if x.shape[1] == 1 else flat.reshape(1, -1)
        positions = [(i * stride + int(p),) for i, p in enumerate(best)]
    value = value.astype(object) if ctx.exact else value.astype(float)
    out = Node(ctx, value, (x,), "maxpool2d" if two_d else "maxpool1d",
               {"positions": positions, "ties": ties, "count": out_shape, "pad": padding,
                "padded": source})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray]:
        dx = ctx.full(source.shape, 0)
        for gi, pos in zip(g.reshape(-1), positions):
            dx[pos] = dx[pos] + gi
        if two_d:
            dx = dx[padding: padding + x.shape[0], padding: padding + x.shape[1]]
        else:
            dx = dx[padding: padding + x.value.size]
        return (dx.reshape(x.shape).copy(),)

    out.backward_fn = backward_fn
    return out


def _fused(p: Node, op: str) -> bool:
    """Whether p came straight from `op` (softmax, sigmoid) and was not perturbed since."""
    return p.op == op and not p.info.get("perturbed")


def nll(ctx: Context, p: Node, cls: int) -> Node:
    """−log p_c; for p = softmax(s) in float, −log_softmax(s)_c = logsumexp(s) − s_c, which
    stays finite where p_c underflows to 0, and the gradient at s is p − onehot(c)."""
    pf = p.value.reshape(-1)
    fused = _fused(p, "softmax")
    stable = fused and not isinstance(pf[cls], Fraction)
    if stable:
        s = p.children[0].value.reshape(-1).astype(float)
        value = ctx.array([[-float(numerics.log_softmax(s, axis=0)[cls])]])
    else:
        value = -log_(pf[cls: cls + 1].reshape(1, 1))
    out = Node(ctx, value, (p,), "nll", {"cls": cls, "stable": stable})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray | Through]:
        dp = ctx.full((pf.size,), 0)
        dp[cls] = -g[0, 0] / pf[cls] if pf[cls] != 0 else -math.inf  # inf: fused only
        dp = dp.reshape(p.shape)
        if not fused:
            return (dp,)
        onehot = ctx.full((pf.size,), 0)
        onehot[cls] = onehot[cls] + 1
        return (Through(dp, (p.value - onehot.reshape(p.shape)) * g[0, 0]),)

    out.backward_fn = backward_fn
    return out


def cross_entropy(ctx: Context, s: Node, cls: int) -> Node:
    """log Σ_j exp(s_j) − s_c, with examsolve.numerics.logsumexp (no overflow)."""
    sf = s.value.reshape(-1)
    lse = float(numerics.logsumexp(sf.astype(float), axis=0)[0])
    value = ctx.array([[lse - float(sf[cls])]])
    p = softmax_values(ctx, s.value)
    out = Node(ctx, value, (s,), "cross_entropy", {"cls": cls, "p": p, "lse": lse})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray]:
        onehot = ctx.full((sf.size,), 0)
        onehot[cls] = onehot[cls] + 1
        return ((p - onehot.reshape(s.shape)) * g[0, 0],)

    out.backward_fn = backward_fn
    return out


def _softplus(z: float) -> float:
    """log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)): never overflows."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _bce_slope(p: object, q: object, y: object) -> object:
    """∂/∂p of −[y log p + (1 − y) log q], q = 1 − p, dropping a term of weight 0."""
    slope: object = 0
    if y != 0:
        slope = slope - (y / p if p != 0 else math.inf)  # type: ignore[operator]
    if y != 1:
        slope = slope + ((1 - y) / q if q != 0 else math.inf)  # type: ignore[operator]
    return slope


def bce(ctx: Context, p: Node, y: Node) -> Node:
    """(1/n) Σ −[y log p + (1 − y) log(1 − p)]; a 0 weight drops its log (so y ∈ {0, 1}
    never meets 0·log 0).

    For p = σ(s) in float the terms are taken from the score: −log σ(s) = softplus(−s) and
    −log(1 − σ(s)) = softplus(s), finite where p rounds to 0 or 1; the gradient at s is then
    (p − y)/n with 1 − p taken as σ(−s)."""
    yv = np.broadcast_to(y.value, p.shape)
    n = Fraction(p.value.size) if ctx.exact else float(p.value.size)
    fused = _fused(p, "sigmoid")
    stable = fused and any(not isinstance(v, Fraction) for v in p.value.reshape(-1))
    q = p.info["q"] if fused else 1 - p.value  # 1 − p
    terms = []
    if stable:
        for si, yi in zip(p.children[0].value.reshape(-1), yv.reshape(-1)):
            s_f = float(si)
            terms.append(float(yi) * _softplus(-s_f) + float(1 - yi) * _softplus(s_f))
    else:
        for pi, qi, yi in zip(p.value.reshape(-1), q.reshape(-1), yv.reshape(-1)):
            term = 0
            if yi != 0:
                term = term - yi * log_(np.array([[pi]], dtype=p.value.dtype))[0, 0]
            if yi != 1:
                term = term - (1 - yi) * log_(np.array([[qi]], dtype=p.value.dtype))[0, 0]
            terms.append(term)
    value = ctx.array([[sum(terms) / n]])
    out = Node(ctx, value, (p, y), "bce", {"n": p.value.size, "stable": stable})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray | Through | None, ...]:
        # ∂/∂p = (−y/p + (1 − y)/(1 − p))/n, a 0 weight dropping its term (p = 1 with y = 1
        # has gradient −1, not 0/0); ±inf only in the fused case, where the shortcut is used.
        flat = [_bce_slope(pi, qi, yi) for pi, qi, yi in
                zip(p.value.reshape(-1), q.reshape(-1), yv.reshape(-1))]
        dp = ctx.array(flat).reshape(p.shape) * g[0, 0] / n
        if not fused:
            return (dp, None)
        return (Through(dp, g[0, 0] * ((1 - yv) * p.value - yv * q) / n), None)

    out.backward_fn = backward_fn
    return out


def mse(ctx: Context, yhat: Node, y: Node) -> Node:
    """(1/n) Σ (ŷ − y)², the mean of squared errors (PyTorch's default reduction)."""
    diff = yhat.value - y.value
    n = Fraction(diff.size) if ctx.exact else float(diff.size)
    out = Node(ctx, ctx.array([[np.sum(diff * diff) / n]]), (yhat, y), "mse", {"n": diff.size})

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray, ...]:
        d = 2 * diff / n * g[0, 0]
        return d, unbroadcast(ctx, -d, y.shape)

    out.backward_fn = backward_fn
    return out

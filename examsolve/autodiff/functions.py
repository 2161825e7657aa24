"""The elementwise functions exams write beyond the basic activations, each with its local
derivative.

Division and powers, sqrt, abs, maximum/minimum, log to a base and the activations
leaky_relu, elu, softplus, step and sign. Each op follows engine.py's pattern: the output
node, its children (a tuple) and a closure applying the local chain rule; `info["local"]`
holds the local derivative where it is one array (the narration prints it).

Exact where the math is: a Fraction divided, raised to a whole power, its square root when
it is a perfect square, log₂ 8 = 3, leaky_relu with a rational slope. Conventions follow
PyTorch: abs'(0) = 0; at a tie maximum/minimum split the gradient in half; leaky_relu'(0) is
the slope and elu'(0) is α (the x ≤ 0 branch); step and sign have derivative 0 wherever they
have one. Kinks are pinned in finite-difference runs like ReLU's (engine.Context.pins).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from examsolve.autodiff.engine import (Context, DomainError, Node, elementwise, exp_,
                                       sigmoid_, unbroadcast)

LOCAL = {
    "div": "∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b²",
    "pow": "∂(xⁿ)/∂x = n·xⁿ⁻¹",
    "sqrt": "∂√x/∂x = 1/(2√x)",
    "abs": "∂|x|/∂x = sign(x), and 0 at x = 0 (PyTorch's choice)",
    "maximum": "the larger operand receives the gradient; a tie splits it in half",
    "minimum": "the smaller operand receives the gradient; a tie splits it in half",
    "logb": "∂log_b(x)/∂x = 1/(x·ln b)",
    "leaky_relu": "1 for x > 0, the slope for x ≤ 0 (PyTorch's choice at 0)",
    "elu": "1 for x > 0, α·eˣ for x ≤ 0",
    "softplus": "softplus'(x) = σ(βx)",
    "step": "0 wherever it has a derivative (it jumps at 0)",
    "sign": "0 wherever it has a derivative (it jumps at 0)",
}


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if np.any(np.asarray(b == 0, dtype=bool)):
        raise DomainError("division by 0")
    return a / b


def div(ctx: Context, a: Node, b: Node) -> Node:
    """a / b elementwise (a number divides every entry)."""
    value = _safe_div(a.value, b.value)
    out = Node(ctx, value, (a, b), "div")
    out.backward_fn = lambda g: (unbroadcast(ctx, g / b.value, a.shape),
                                 unbroadcast(ctx, -g * a.value / (b.value * b.value), b.shape))
    return out


def _power1(v: object, n: Fraction) -> object:
    if n.denominator == 1:
        if v == 0 and n < 0:
            raise DomainError(f"0 to the power {n}")
        return v ** int(n)  # exact for a Fraction, float for a float
    if v < 0:  # type: ignore[operator]
        raise DomainError(f"{v} to the power {n}")
    if isinstance(v, Fraction):
        root = _exact_root(v, n.denominator)
        if root is not None:
            return root ** n.numerator if n > 0 or root != 0 else _zero_power(n)
    if v == 0 and n < 0:
        raise DomainError(f"0 to the power {n}")
    return float(v) ** float(n)  # type: ignore[arg-type]


def _zero_power(n: Fraction) -> object:
    raise DomainError(f"0 to the power {n}")


def _exact_root(v: Fraction, k: int) -> Fraction | None:
    """The exact k-th root of a non-negative Fraction, or None when it is irrational."""
    def iroot(n: int) -> int | None:
        r = round(n ** (1 / k))
        for c in (r - 1, r, r + 1):
            if c >= 0 and c ** k == n:
                return c
        return None

    if v.numerator > 10 ** 30 or v.denominator > 10 ** 30:
        return None
    num, den = iroot(v.numerator), iroot(v.denominator)
    return None if num is None or den is None else Fraction(num, den)


def power(ctx: Context, x: Node, exponent: Fraction) -> Node:
    """xⁿ for a number n; local derivative n·xⁿ⁻¹."""
    n = exponent if ctx.exact else float(exponent)
    value = elementwise(x.value, lambda v: _power1(v, exponent),
                        lambda a: _float_power(a, float(exponent)))
    if exponent == 1:
        local = ctx.full(x.shape, 1)
    else:
        local = elementwise(x.value, lambda v: exponent * _power1(v, exponent - 1)
                            if not (v == 0 and exponent > 1) else Fraction(0),
                            lambda a: float(exponent) * _float_power(a, float(exponent) - 1,
                                                                     zero_ok=exponent > 1))
    out = Node(ctx, value, (x,), "pow", {"local": local, "exponent": exponent, "n": n})
    out.backward_fn = lambda g: (g * local,)
    return out


def _float_power(a: np.ndarray, n: float, zero_ok: bool = False) -> np.ndarray:
    if n != int(n) and np.any(a < 0):
        raise DomainError(f"{a[a < 0][0]} to the power {n}")
    if n < 0 and np.any(a == 0) and not zero_ok:
        raise DomainError(f"0 to the power {n}")
    with np.errstate(divide="ignore"):
        out = np.power(a, n)
    return np.where(a == 0, 0.0, out) if zero_ok and n < 0 else out


def sqrt(ctx: Context, x: Node) -> Node:
    """√x (exact for a perfect square); its derivative 1/(2√x) is infinite at 0, so a
    gradient through √0 is refused."""
    value = elementwise(x.value, lambda v: _power1(v, Fraction(1, 2)),
                        lambda a: _float_power(a, 0.5))
    out = Node(ctx, value, (x,), "sqrt")

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray]:
        if np.any(np.asarray(value == 0, dtype=bool) & np.asarray(g != 0, dtype=bool)):
            raise DomainError("the derivative of √x at x = 0 is infinite")
        local = _safe_div(ctx.full(x.shape, 1), 2 * np.where(value == 0, 1, value))
        out.info["local"] = local
        return (g * local,)

    out.backward_fn = backward_fn
    return out


def _sign_array(ctx: Context, a: np.ndarray, at_zero: object) -> np.ndarray:
    signs = np.where(np.asarray(a > 0, dtype=bool), 1, np.where(np.asarray(a < 0, dtype=bool),
                                                                -1, 0))
    out = signs.astype(object) if ctx.exact else signs.astype(float)
    zero = np.asarray(a == 0, dtype=bool)
    if np.any(zero):
        out[zero] = at_zero if ctx.exact else float(at_zero)  # type: ignore[arg-type]
    return out


def abs_(ctx: Context, x: Node) -> Node:
    """|x|; its local derivative sign(x), 0 at x = 0."""
    local = _sign_array(ctx, x.value, 0)
    out = Node(ctx, x.value * local, (x,), "abs", {"local": local})
    out.backward_fn = lambda g: (g * local,)
    return out


def extreme(ctx: Context, a: Node, b: Node, larger: bool) -> Node:
    """maximum(a, b) or minimum(a, b) elementwise; a tie sends half the gradient each way."""
    av, bv = np.broadcast_arrays(a.value, b.value)
    wins = np.asarray(av > bv if larger else av < bv, dtype=bool)
    tie = np.asarray(av == bv, dtype=bool)
    half = Fraction(1, 2) if ctx.exact else 0.5
    share_a = np.where(wins, 1, 0).astype(object if ctx.exact else float)
    share_a[tie] = half
    share_b = 1 - share_a
    value = np.where(wins | tie, av, bv)
    value = value.astype(object) if ctx.exact else value.astype(float)
    out = Node(ctx, value, (a, b), "maximum" if larger else "minimum",
               {"share": (share_a, share_b), "tie": tie})
    out.backward_fn = lambda g: (unbroadcast(ctx, g * share_a, a.shape),
                                 unbroadcast(ctx, g * share_b, b.shape))
    return out


def _log_base1(v: object, base: Fraction) -> object:
    if v <= 0:  # type: ignore[operator]
        raise DomainError(f"log of {v}")
    if isinstance(v, Fraction) and v.numerator < 10 ** 15 and v.denominator < 10 ** 15:
        k = round(math.log(v) / math.log(base))
        if abs(k) < 200 and base ** k == v:
            return Fraction(k)
    return math.log(v) / math.log(base)  # type: ignore[arg-type]


def log_base(ctx: Context, x: Node, base: Fraction) -> Node:
    """log_b(x) = ln x / ln b, exact when x is a whole power of b (log₂ 8 = 3)."""
    value = elementwise(x.value, lambda v: _log_base1(v, base),
                        lambda a: _float_log_base(a, float(base)))
    ln_b = math.log(base)
    local = 1 / (x.value * ln_b) if x.value.dtype != object else \
        np.frompyfunc(lambda v: 1 / (float(v) * ln_b), 1, 1)(x.value).astype(object)
    out = Node(ctx, value, (x,), "logb", {"local": local, "base": base})
    out.backward_fn = lambda g: (g * local,)
    return out


def _float_log_base(a: np.ndarray, base: float) -> np.ndarray:
    if np.any(a <= 0):
        raise DomainError(f"log of {a[a <= 0][0]}")
    return np.log(a) / math.log(base)


def _positive_side(ctx: Context, z: np.ndarray) -> np.ndarray:
    """Where z counts as > 0. In a finite-difference run the unperturbed input decides an
    entry that was exactly 0 (it stays on the convention's side), and a perturbation that
    moved another entry across 0 is recorded."""
    call = ctx.next_call()
    ctx.recorded[call] = z
    base = ctx.pins.get(call) if ctx.pins is not None else None
    positive = np.asarray(z > 0, dtype=bool)
    if base is None:
        return positive
    zero = np.asarray(base == 0, dtype=bool)
    if np.any(~zero & (np.asarray(base > 0, dtype=bool) != positive)):
        ctx.crossed = True
    return positive & ~zero


def leaky_relu(ctx: Context, z: Node, slope: Fraction) -> Node:
    """z for z > 0, slope·z otherwise; the local derivative 1 or the slope."""
    positive = _positive_side(ctx, z.value)
    s = slope if ctx.exact else float(slope)
    local = np.where(positive, 1, 0).astype(object if ctx.exact else float)
    local[~positive] = s
    out = Node(ctx, z.value * local, (z,), "leaky_relu", {"local": local, "slope": slope})
    out.backward_fn = lambda g: (g * local,)
    return out


def elu(ctx: Context, z: Node, alpha: Fraction) -> Node:
    """z for z > 0, α(eᶻ − 1) otherwise; the local derivative 1 or α·eᶻ."""
    positive = _positive_side(ctx, z.value)
    a = alpha if ctx.exact else float(alpha)
    e = exp_(z.value)
    value = np.where(positive, z.value, a * (e - 1))
    local = np.where(positive, 1, a * e)
    kind = object if ctx.exact else float
    out = Node(ctx, value.astype(kind), (z,), "elu", {"local": local.astype(kind),
                                                      "alpha": alpha})
    out.backward_fn = lambda g: (g * out.info["local"],)
    return out


def softplus(ctx: Context, z: Node, beta: Fraction) -> Node:
    """log(1 + e^(βz))/β, computed as max(βz, 0) + log(1 + e^(−|βz|)) (no overflow); the
    local derivative σ(βz)."""
    b = float(beta)
    zf = np.asarray(z.value, dtype=float) * b
    value = (np.maximum(zf, 0) + np.log1p(np.exp(-np.abs(zf)))) / b
    local = sigmoid_(z.value * (beta if ctx.exact else b))
    kind = object if ctx.exact else float
    out = Node(ctx, value.astype(kind), (z,), "softplus", {"local": local, "beta": beta})
    out.backward_fn = lambda g: (g * local,)
    return out


def jump(ctx: Context, z: Node, at_zero: Fraction, signed: bool) -> Node:
    """step(z) (1 above 0, 0 below) or sign(z) (1 above, −1 below), `at_zero` at exactly 0;
    the gradient through it is 0. In a finite-difference run an entry that was exactly 0
    keeps at_zero, and a perturbation that moves another entry across 0 is recorded."""
    call = ctx.next_call()
    ctx.recorded[call] = z.value
    base = ctx.pins.get(call) if ctx.pins is not None else None
    reference = z.value if base is None else base
    if base is not None and np.any(np.asarray(base != 0, dtype=bool) &
                                   (np.asarray(base > 0, dtype=bool) !=
                                    np.asarray(z.value > 0, dtype=bool))):
        ctx.crossed = True
    value = _sign_array(ctx, reference, at_zero)
    if not signed:
        value[np.asarray(reference < 0, dtype=bool)] = 0 if ctx.exact else 0.0
    zero = np.asarray(reference == 0, dtype=bool)
    out = Node(ctx, value, (z,), "sign" if signed else "step",
               {"at_zero": at_zero, "zero": zero, "local": ctx.full(z.shape, 0)})
    out.backward_fn = lambda g: (ctx.full(z.shape, 0),)
    return out

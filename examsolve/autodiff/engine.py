"""A micrograd-style reverse-mode engine on small matrices, exact where it can be.

Every value is a 2-D numpy array. In exact mode it holds Fractions, and an entry becomes a
float only where exp/log force it (σ(0) = 1/2, softmax of equal scores = 1/n and exp(0) = 1
stay exact); in float mode it is float64 throughout (big networks, finite differences).

Each op builds a `Node` holding its value, its children (a tuple: the order, and so the
printed derivation, never varies) and a closure `backward_fn(g)` that applies the local chain
rule: given g = ∂L/∂out it returns ∂L/∂child for each child (None for a child that takes no
gradient, such as a label). `LOCAL` explains each op's local derivative in words.
`backward(loss)` walks the nodes in reverse creation order, a valid reverse topological
order, summing the contributions of every consumer (a value used twice sums its branches).

A loss that reads a probability p = σ(s) or p = softmax(s) (bce, nll) may hand back a
`Through`: ∂L/∂p for the record, plus ∂L/∂s directly (the key's shortcuts p − y and
p − onehot). When p rounds to exactly 0 or 1 in float64, ∂L/∂p overflows and p's local
derivative underflows to 0, but their product, the shortcut, is finite: the p node then
passes only its other consumers' gradient through its local derivative and adds the
shortcut for s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import numpy as np

from examsolve import numerics

HALF = Fraction(1, 2)


class DomainError(ArithmeticError):
    """log of a non-positive number, and the like: the problem's data make the loss undefined."""


@dataclass(frozen=True)
class Through:
    """A fused loss's gradient for its input p = f(s): `dp` = ∂L/∂p (may be ±inf when p
    rounds to 0 or 1) and `ds` = ∂L/∂s, computed without dp."""

    dp: np.ndarray
    ds: np.ndarray


@dataclass
class Context:
    """One evaluation of the model: its nodes in creation order and its conventions.

    `pins` (finite-difference runs only) maps a ReLU's/max-pool's call number to its input in
    the unperturbed run, so kinks sitting exactly on a tie follow the branch the convention
    picks; `crossed` records a perturbation that moved some other input across a kink.
    """

    exact: bool
    relu_grad_at_zero: int = 0
    nodes: list["Node"] = field(default_factory=list)
    pins: dict[int, np.ndarray] | None = None
    recorded: dict[int, np.ndarray] = field(default_factory=dict)
    crossed: bool = False
    _calls: int = 0

    def next_call(self) -> int:
        self._calls += 1
        return self._calls

    def array(self, values: object) -> np.ndarray:
        """A 2-D array of this mode's kind (Fraction objects or float64)."""
        arr = np.array(values, dtype=object if self.exact else float)
        return arr.reshape(1, 1) if arr.ndim == 0 else arr

    def full(self, shape: tuple[int, ...], value: object) -> np.ndarray:
        if self.exact:
            return np.full(shape, Fraction(value) if not isinstance(value, float) else value,
                           dtype=object)
        return np.full(shape, float(value))  # type: ignore[arg-type]


class Node:
    """A value in the graph, the op that made it and how to push a gradient through it."""

    __slots__ = ("value", "children", "op", "info", "backward_fn", "grad", "contribs", "index",
                 "name", "plain", "through")

    def __init__(self, ctx: Context, value: np.ndarray, children: tuple["Node", ...] = (),
                 op: str = "leaf", info: dict | None = None) -> None:
        self.value = value
        self.children = children
        self.op = op
        self.info = info or {}
        self.backward_fn: Callable[[np.ndarray], tuple[np.ndarray | None, ...]] = \
            lambda g: ()
        self.grad: np.ndarray | None = None
        self.contribs: tuple[np.ndarray | None, ...] = ()
        self.plain: np.ndarray | None = None  # the part of grad not delivered as a Through
        self.through: np.ndarray | None = None  # ∂L/∂child delivered by fused consumers
        self.index = len(ctx.nodes)
        self.name: str | None = None
        ctx.nodes.append(self)

    @property
    def shape(self) -> tuple[int, int]:
        return self.value.shape  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"Node({self.name or self.op}, {self.shape})"


def backward(ctx: Context, loss: Node, override: dict[int, np.ndarray] | None = None) -> None:
    """∂loss/∂node for every node the loss depends on (node.grad), and each consumer's
    contribution to its children (node.contribs). `override` (node index → gradient) replaces
    a node's gradient once it is complete, before it flows on: a student's own ∂L/∂h, so
    the gradients behind it are the ones their value implies."""
    for node in ctx.nodes:
        node.grad, node.contribs, node.plain, node.through = None, (), None, None
    loss.grad = loss.plain = ctx.full(loss.shape, 1)
    for node in reversed(ctx.nodes[: loss.index + 1]):
        if override is not None and node.index in override:
            node.grad = node.plain = override[node.index]
            node.through = None
        if node.grad is None or not node.children:
            continue
        if node.through is None:
            contribs = node.backward_fn(node.grad)
        else:  # only the other consumers' gradient meets the local derivative
            rest = node.backward_fn(node.plain) if node.plain is not None else (None,)
            contribs = (node.through if rest[0] is None else rest[0] + node.through,
                        *rest[1:])
        records = []
        for child, c in zip(node.children, contribs):
            if isinstance(c, Through):
                child.through = c.ds if child.through is None else child.through + c.ds
                c = c.dp
            elif c is not None:
                child.plain = c if child.plain is None else child.plain + c
            if c is not None:
                child.grad = c if child.grad is None else child.grad + c
            records.append(c)
        node.contribs = tuple(records)


# ---- exact-aware elementwise functions --------------------------------------------------------

def _exp1(v: object) -> object:
    if v == 0:
        return Fraction(1)
    try:
        return math.exp(v)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf


def _log1(v: object) -> object:
    if v == 1:
        return Fraction(0)
    if v <= 0:  # type: ignore[operator]
        raise DomainError(f"log of {v}")
    return math.log(v)  # type: ignore[arg-type]


def _sigmoid1(v: object) -> object:
    if v == 0:
        return HALF
    if v > 0:  # type: ignore[operator]
        return 1 / (1 + _exp1(-v))  # type: ignore[operator]
    e = _exp1(v)
    return e / (1 + e)  # type: ignore[operator]


def _tanh1(v: object) -> object:
    return Fraction(0) if v == 0 else math.tanh(v)  # type: ignore[arg-type]


def elementwise(a: np.ndarray, exact_fn: Callable[[object], object],
                float_fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    if a.dtype == object:
        return np.frompyfunc(exact_fn, 1, 1)(a).astype(object)
    return float_fn(a)


def _float_log(a: np.ndarray) -> np.ndarray:
    if np.any(a <= 0):
        raise DomainError(f"log of {a[a <= 0][0]}")
    return np.log(a)


def _float_sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))  # never overflows
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def exp_(a: np.ndarray) -> np.ndarray:
    return elementwise(a, _exp1, np.exp)


def log_(a: np.ndarray) -> np.ndarray:
    return elementwise(a, _log1, _float_log)


def sigmoid_(a: np.ndarray) -> np.ndarray:
    return elementwise(a, _sigmoid1, _float_sigmoid)


def tanh_(a: np.ndarray) -> np.ndarray:
    return elementwise(a, _tanh1, np.tanh)


def total(ctx: Context, a: np.ndarray) -> np.ndarray:
    """Σ of every entry, as a 1×1 array."""
    return ctx.array([[np.sum(a) if a.size else 0]])


def unbroadcast(ctx: Context, g: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A 1×1 operand that was broadcast receives the sum of the gradient."""
    return total(ctx, g) if shape == (1, 1) and g.shape != (1, 1) else g


# ---- the ops ------------------------------------------------------------------------------------

LOCAL = {
    "identity": "a renamed value has the same gradient",
    "add": "∂(a + b)/∂a = ∂(a + b)/∂b = 1: the gradient passes through unchanged",
    "sub": "∂(a − b)/∂a = 1, ∂(a − b)/∂b = −1",
    "neg": "∂(−a)/∂a = −1",
    "mul": "∂(a ⊙ b)/∂a = b elementwise (a number times a matrix: summed over the entries)",
    "matmul": "for s = A·B: ∂L/∂A = ∂L/∂s · Bᵀ and ∂L/∂B = Aᵀ · ∂L/∂s",
    "transpose": "the gradient of Aᵀ is transposed back",
    "relu": "ReLU'(z) = 1 for z > 0, 0 for z < 0 (and the stated convention at z = 0)",
    "sigmoid": "σ'(z) = σ(z)(1 − σ(z))",
    "tanh": "tanh'(z) = 1 − tanh²(z)",
    "exp": "exp'(z) = exp(z)",
    "log": "log'(z) = 1/z",
    "softmax": "∂p_i/∂s_j = p_i(δ_ij − p_j), so ∂L/∂s = p ⊙ (∂L/∂p − pᵀ∂L/∂p)",
    "sum": "every entry of x moves the sum by 1",
    "mean": "every entry of x moves the mean by 1/n",
}


def leaf(ctx: Context, value: np.ndarray, name: str) -> Node:
    node = Node(ctx, value)
    node.name = name
    return node


def constant(ctx: Context, value: Fraction) -> Node:
    return Node(ctx, ctx.array([[value if ctx.exact else float(value)]]), op="const")


def identity(ctx: Context, a: Node) -> Node:
    """A line that only renames a value (`h = k`)."""
    out = Node(ctx, a.value, (a,), "identity")
    out.backward_fn = lambda g: (g,)
    return out


def add(ctx: Context, a: Node, b: Node) -> Node:
    out = Node(ctx, a.value + b.value, (a, b), "add")
    out.backward_fn = lambda g: (unbroadcast(ctx, g, a.shape), unbroadcast(ctx, g, b.shape))
    return out


def sub(ctx: Context, a: Node, b: Node) -> Node:
    out = Node(ctx, a.value - b.value, (a, b), "sub")
    out.backward_fn = lambda g: (unbroadcast(ctx, g, a.shape), unbroadcast(ctx, -g, b.shape))
    return out


def neg(ctx: Context, a: Node) -> Node:
    out = Node(ctx, -a.value, (a,), "neg")
    out.backward_fn = lambda g: (-g,)
    return out


def mul(ctx: Context, a: Node, b: Node) -> Node:
    out = Node(ctx, a.value * b.value, (a, b), "mul")
    out.backward_fn = lambda g: (unbroadcast(ctx, g * b.value, a.shape),
                                 unbroadcast(ctx, g * a.value, b.shape))
    return out


def matmul(ctx: Context, a: Node, b: Node) -> Node:
    out = Node(ctx, a.value @ b.value, (a, b), "matmul")
    out.backward_fn = lambda g: (g @ b.value.T, a.value.T @ g)
    return out


def transpose(ctx: Context, a: Node) -> Node:
    out = Node(ctx, a.value.T.copy(), (a,), "transpose")
    out.backward_fn = lambda g: (g.T.copy(),)
    return out


def relu(ctx: Context, z: Node) -> Node:
    """max(0, z); the mask (ReLU'(z)) is 1 where z > 0, 0 where z < 0, and the convention
    relu_grad_at_zero where z = 0 exactly."""
    call = ctx.next_call()
    value = z.value
    ctx.recorded[call] = value
    base = ctx.pins.get(call) if ctx.pins is not None else None
    zero = np.asarray(value == 0 if base is None else base == 0, dtype=bool)
    positive = np.asarray(value > 0, dtype=bool) & ~zero
    if base is not None and np.any(~zero & (np.asarray(base > 0) != positive)):
        ctx.crossed = True  # a perturbation moved an input across the kink
    mask_int = np.where(zero, ctx.relu_grad_at_zero, positive.astype(int))
    mask = mask_int.astype(object) if ctx.exact else mask_int.astype(float)
    # z·mask is max(0, z) away from 0; at a pinned tie it is the convention's linear branch.
    out_value = value * mask
    out = Node(ctx, out_value, (z,), "relu", {"mask": mask, "zero": zero})
    out.backward_fn = lambda g: (g * mask,)
    return out


def sigmoid(ctx: Context, z: Node) -> Node:
    """p = σ(z); its local derivative p(1 − p) takes 1 − p as σ(−z), which keeps its digits
    where p rounds to 1."""
    p = sigmoid_(z.value)
    q = sigmoid_(-z.value)
    out = Node(ctx, p, (z,), "sigmoid", {"local": p * q, "q": q})
    out.backward_fn = lambda g: (g * out.info["local"],)
    return out


def tanh(ctx: Context, z: Node) -> Node:
    t = tanh_(z.value)
    out = Node(ctx, t, (z,), "tanh", {"local": 1 - t * t})
    out.backward_fn = lambda g: (g * out.info["local"],)
    return out


def exp(ctx: Context, z: Node) -> Node:
    e = exp_(z.value)
    out = Node(ctx, e, (z,), "exp", {"local": e})
    out.backward_fn = lambda g: (g * e,)
    return out


def log(ctx: Context, z: Node) -> Node:
    value = log_(z.value)
    local = (1 / z.value) if z.value.dtype != object else \
        np.frompyfunc(lambda v: 1 / v, 1, 1)(z.value).astype(object)
    out = Node(ctx, value, (z,), "log", {"local": local})
    out.backward_fn = lambda g: (g * local,)
    return out


def softmax_values(ctx: Context, s: np.ndarray) -> np.ndarray:
    """softmax of a vector with examsolve.numerics (max-shifted); equal scores give exact 1/n."""
    flat = s.reshape(-1)
    if ctx.exact and all(v == flat[0] for v in flat) and isinstance(flat[0], Fraction):
        return ctx.full(s.shape, Fraction(1, flat.size))
    p = numerics.softmax(flat.astype(float), axis=0).reshape(s.shape)
    return p.astype(object) if ctx.exact else p


def softmax(ctx: Context, s: Node) -> Node:
    p = softmax_values(ctx, s.value)
    out = Node(ctx, p, (s,), "softmax")

    def backward_fn(g: np.ndarray) -> tuple[np.ndarray]:
        dot = np.sum(p * g)  # pᵀ ∂L/∂p
        return (p * (g - dot),)

    out.backward_fn = backward_fn
    return out


def sum_(ctx: Context, x: Node) -> Node:
    out = Node(ctx, total(ctx, x.value), (x,), "sum")
    out.backward_fn = lambda g: (ctx.full(x.shape, 0) + g[0, 0],)
    return out


def mean(ctx: Context, x: Node) -> Node:
    n = x.value.size
    out = Node(ctx, total(ctx, x.value) / n if not ctx.exact else
               ctx.array([[np.sum(x.value) / Fraction(n)]]), (x,), "mean", {"n": n})
    out.backward_fn = lambda g: (ctx.full(x.shape, 0) + g[0, 0] / (Fraction(n) if ctx.exact
                                                                   else n),)
    return out

"""Checks of the chain-rule gradients: central finite differences, and ReLU'(0) = 1.

Finite differences: ∂L/∂θ ≈ (L(θ + ε) − L(θ − ε))/(2ε) in float64 with ε = 1e-6·max(1, |θ|),
on every coordinate of the `wrt` tensors or, past SAMPLE coordinates, on a seeded sample.
Where a ReLU input is exactly 0 the loss has no derivative, and a plain central difference
gives the average of the two one-sided slopes; there both perturbed runs stay on the
convention's side of the kink (the ReLU's mask is pinned), so each difference is the
one-sided slope the derivation claims. A perturbation that pushes some other input across a
kink is retried with a smaller step and, failing that, left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from examsolve.autodiff import engine as eng
from examsolve.kinds.backprop.notation import grad_text
from examsolve.kinds.backprop.model import BackpropSpec, evaluate, leaf_arrays

SAMPLE = 200
NODE_BUDGET = 20_000  # graph nodes the whole check builds, at most (MIN_PER_TENSOR aside)
STEP = 1e-6
MIN_PER_TENSOR = 8


@dataclass(frozen=True)
class FiniteDifferenceCheck:
    checked: int  # coordinates compared
    total: int  # coordinates in the wrt tensors
    largest: float  # the largest |numeric − chain rule|
    # where it occurred: (name, its shape, flat index), e.g. ("W", (2, 2), 1) for ∂L/∂W[1,2]
    worst: tuple[str, tuple[int, int], int] | None
    failures: tuple[str, ...]  # coordinates outside the tolerance
    skipped: int  # coordinates whose step crossed a kink
    pinned: bool  # some ReLU/max-pool tie was followed along the convention's branch

    @property
    def ok(self) -> bool:
        return not self.failures


def sample_coordinates(sizes: dict[str, int], limit: int = SAMPLE,
                       seed: int = 0) -> list[tuple[str, int]]:
    """Every coordinate when there are at most `limit`; else a seeded sample spread over the
    tensors in proportion to their size (at least MIN_PER_TENSOR each)."""
    total = sum(sizes.values())
    if total <= limit:
        return [(name, i) for name, n in sizes.items() for i in range(n)]
    rng = np.random.default_rng(seed)
    picked = []
    for name, n in sizes.items():
        quota = min(n, max(MIN_PER_TENSOR, round(limit * n / total)))
        picked += [(name, int(i)) for i in sorted(rng.choice(n, size=quota, replace=False))]
    return picked


def entry_label(shape: tuple[int, int], index: int, base: int) -> str:
    """`[3]` for a vector entry, `[1,2]` for a matrix entry (per `indexing`)."""
    r, c = divmod(index, shape[1])
    if shape == (1, 1):
        return ""
    if 1 in shape:
        return f"[{index + base}]"
    return f"[{r + base},{c + base}]"


def finite_differences(spec: BackpropSpec, grads: dict[str, np.ndarray],
                       pins: dict[int, np.ndarray],
                       values: dict[str, np.ndarray] | None = None) -> FiniteDifferenceCheck:
    """Compare grads (∂L/∂name for each wrt name, any dtype) with central differences;
    `values` are the float64 leaves (perturbed in place and restored)."""
    values = values if values is not None else leaf_arrays(spec, exact=False)
    base_ctx = eng.Context(exact=False, relu_grad_at_zero=spec.relu_grad_at_zero, pins=pins)
    base = evaluate(spec, values, base_ctx)
    loss0 = float(base.named[spec.loss].value[0, 0])
    shapes = {name: base.named[name].shape for name in spec.wrt}
    # Each coordinate costs two runs of the whole graph: a long graph (an unrolled
    # recurrence) gets fewer sampled coordinates, at least MIN_PER_TENSOR per tensor.
    limit = max(1, min(SAMPLE, NODE_BUDGET // (2 * max(1, len(base_ctx.nodes)))))
    coords = sample_coordinates({name: int(np.prod(shapes[name])) for name in spec.wrt},
                                limit)
    largest, worst, failures, skipped = 0.0, None, [], 0
    for name, index in coords:
        theta = float(base.named[name].value.reshape(-1)[index])
        numeric = None
        for eps in (STEP * max(1.0, abs(theta)), STEP * 1e-3 * max(1.0, abs(theta))):
            numeric = _central(spec, values, pins, (name, index), eps)
            if numeric is not None:
                break
        if numeric is None:
            skipped += 1
            continue
        analytic = float(grads[name].reshape(-1)[index])
        diff = abs(numeric - analytic)
        rounding = 8 * np.finfo(float).eps * max(1.0, abs(loss0)) / eps  # type: ignore[misc]
        if not diff <= 1e-6 + 1e-4 * abs(analytic) + rounding:  # a warning: plain text
            label = grad_text(spec.loss, name) + entry_label(shapes[name], index,
                                                             spec.common.indexing)
            failures.append(f"{label}: chain rule {analytic:.6g}, finite difference "
                            f"{numeric:.6g}")
        if diff >= largest:
            largest, worst = diff, (name, shapes[name], index)
    pinned = any(np.any(np.asarray(v == 0)) for v in pins.values())
    return FiniteDifferenceCheck(len(coords) - skipped, sum(int(np.prod(s)) for s in
                                                            shapes.values()),
                                 largest, worst, tuple(failures), skipped, pinned)


def _central(spec: BackpropSpec, values: dict[str, np.ndarray], pins: dict[int, np.ndarray],
             coordinate: tuple[str, int], eps: float) -> float | None:
    """(L(θ + ε) − L(θ − ε))/(2ε), or None when a step crossed a kink or left log's domain."""
    name, index = coordinate
    leaf = values.get(name)
    losses = []
    for delta in (eps, -eps):
        ctx = eng.Context(exact=False, relu_grad_at_zero=spec.relu_grad_at_zero, pins=pins)
        original = leaf.reshape(-1)[index] if leaf is not None else 0.0
        try:
            if leaf is not None:  # perturb the leaf in place: no copy of a 784×256 matrix
                leaf.reshape(-1)[index] = original + delta
                ev = evaluate(spec, values, ctx)
            else:
                ev = evaluate(spec, values, ctx, perturb=(name, index, delta))
        except eng.DomainError:
            return None
        finally:
            if leaf is not None:
                leaf.reshape(-1)[index] = original
        if ctx.crossed:
            return None
        losses.append(float(ev.named[spec.loss].value[0, 0]))
    return (losses[0] - losses[1]) / (2 * eps)


@dataclass(frozen=True)
class OtherConvention:
    """The backward pass redone with ReLU'(0) taking the other value (0 ↔ 1).

    `changed`: the wrt gradients that differ; `relus`: for each ReLU with an input exactly 0,
    (its node index, ∂L/∂output, the new mask, the new ∂L/∂input)."""

    changed: dict[str, np.ndarray]
    relus: tuple[tuple[int, np.ndarray, np.ndarray, np.ndarray], ...]


def other_convention(spec: BackpropSpec, grads: dict[str, np.ndarray]) -> OtherConvention:
    """The wrt gradients that change when ReLU'(0) takes the other value, and the ReLU
    steps that change them."""
    ctx = eng.Context(exact=spec.exact, relu_grad_at_zero=1 - spec.relu_grad_at_zero)
    ev = evaluate(spec, leaf_arrays(spec, spec.exact), ctx)
    eng.backward(ctx, ev.named[spec.loss])
    changed = {}
    for name in spec.wrt:
        node = ev.named[name]
        other = node.grad if node.grad is not None else ctx.full(node.shape, 0)
        if np.any(np.asarray(other != grads[name], dtype=bool)):
            changed[name] = other
    relus = tuple((n.index, n.grad, n.info["mask"], n.contribs[0]) for n in ctx.nodes
                  if n.op == "relu" and np.any(n.info["zero"]) and n.grad is not None)
    return OtherConvention(changed, relus)


def plain_differences(spec: BackpropSpec, names: list[str],
                      limit: int = 50) -> dict[str, np.ndarray] | None:
    """Central differences without following any convention at the kinks (every coordinate
    of `names`, at most `limit` in all): what a naive check would measure there."""
    try:
        return _plain_differences(spec, names, limit)
    except eng.DomainError:  # a step left log's domain: no naive figure to show
        return None


def _plain_differences(spec: BackpropSpec, names: list[str],
                       limit: int) -> dict[str, np.ndarray] | None:
    values = leaf_arrays(spec, exact=False)
    ctx0 = eng.Context(exact=False, relu_grad_at_zero=spec.relu_grad_at_zero)
    base = evaluate(spec, values, ctx0)
    shapes = {name: base.named[name].shape for name in names}
    if sum(int(np.prod(s)) for s in shapes.values()) > limit:
        return None
    out = {}
    for name in names:
        flat = []
        for index in range(int(np.prod(shapes[name]))):
            theta = float(base.named[name].value.reshape(-1)[index])
            eps = STEP * max(1.0, abs(theta))
            losses = []
            for delta in (eps, -eps):
                ctx = eng.Context(exact=False, relu_grad_at_zero=spec.relu_grad_at_zero)
                leaf = values.get(name)
                if leaf is not None:
                    original = leaf.reshape(-1)[index]
                    leaf.reshape(-1)[index] = original + delta
                    ev = evaluate(spec, values, ctx)
                    leaf.reshape(-1)[index] = original
                else:
                    ev = evaluate(spec, values, ctx, perturb=(name, index, delta))
                losses.append(float(ev.named[spec.loss].value[0, 0]))
            flat.append((losses[0] - losses[1]) / (2 * eps))
        out[name] = np.array(flat).reshape(shapes[name])
    return out

"""The loss and its gradient on the batch a step uses, by the shared reverse-mode engine.

Batches follow PyTorch's DataLoader without shuffling: an epoch walks the samples in the
listed order in batches of `batch` (the last one smaller when the size does not divide the
count), and the next epoch starts again at the first sample; `batch: all` is one batch per
step. The batch loss is the mean of the per-sample losses, so its gradient is the mean of
the per-sample gradients.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from examsolve.autodiff import engine as eng
from examsolve.autodiff import program
from examsolve.kinds.optimizer.spec import OptimizerSpec


def batches(spec: OptimizerSpec) -> list[tuple[int, ...]]:
    """The 0-based sample numbers of every step's batch (() without data)."""
    if not spec.data:
        return [()] * spec.steps
    n = len(spec.data)
    size = n if spec.batch is None else spec.batch
    epoch = [tuple(range(start, min(start + size, n))) for start in range(0, n, size)]
    return [epoch[t % len(epoch)] for t in range(spec.steps)]


@dataclass
class BatchGradient:
    """L and ∂L/∂p on one batch; `evaluation` is the last sample's forward pass (its line
    values are shown when the batch is one sample)."""

    loss: object
    grads: dict[str, np.ndarray]
    evaluation: program.Evaluation
    losses: tuple[object, ...]  # each sample's loss (one entry without data)


def constants(spec: OptimizerSpec, exact: bool) -> dict[str, np.ndarray]:
    """The given values as arrays of this mode's kind."""
    return {name: as_array(mx, exact) for name, mx in spec.given}


def as_array(mx: program.Matrix, exact: bool) -> np.ndarray:
    if exact:
        return np.array(mx, dtype=object)
    return program.to_float(mx) if not isinstance(mx, np.ndarray) else mx.astype(float)


def batch_gradient(spec: OptimizerSpec, given: dict[str, np.ndarray],
                   params: dict[str, np.ndarray], samples: tuple[int, ...],
                   exact: bool) -> BatchGradient:
    """Run the model on each sample of the batch; the mean loss and mean gradients.

    Raises engine.DomainError where the model is undefined (log of 0, …)."""
    leaves = tuple(given) + tuple(name for name, _ in (spec.data[0] if spec.data else ())) \
        + tuple(params)
    total_loss: object = 0
    losses = []
    totals: dict[str, np.ndarray] = {}
    ev = None
    for index in samples or (None,):
        values = dict(given)
        if index is not None:
            values.update({name: as_array(mx, exact) for name, mx in spec.data[index]})
        values.update(params)
        ctx = eng.Context(exact=exact, relu_grad_at_zero=spec.relu_grad_at_zero)
        ev = program.evaluate(leaves, spec.lines, values, ctx)
        loss = ev.named[spec.loss]
        if not np.isfinite(float(loss.value[0, 0])):
            raise eng.DomainError(f"the loss {spec.loss} is {float(loss.value[0, 0])}")
        eng.backward(ctx, loss)
        total_loss = total_loss + loss.value[0, 0]
        losses.append(loss.value[0, 0])
        for name in params:
            node = ev.named[name]
            g = node.grad if node.grad is not None else ctx.full(node.shape, 0)
            totals[name] = g if name not in totals else totals[name] + g
    n = max(len(samples), 1)
    if n > 1:
        scale = Fraction(1, n) if exact else 1.0 / n
        total_loss = total_loss * scale
        totals = {name: g * scale for name, g in totals.items()}
    return BatchGradient(total_loss, totals, ev, tuple(losses))  # type: ignore[arg-type]

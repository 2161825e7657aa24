"""The optimizer kind: steps of SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW on a
model written as equations, and the exponentially weighted average of a sequence.

The kind's cheap face (see examsolve.kinds): `examsolve kinds` and `list` read SUMMARY and
KEYS without importing the solver; `spec.load` validates a spec, `solve.solve` solves it.
"""

from __future__ import annotations

SUMMARY = ("Optimizer steps (SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW) on a "
           "model, with their state; EWMA of a sequence")
KEYS: tuple[str, ...] = ("given", "parameters", "model", "data", "batch", "optimizer", "lr",
                         "steps", "epochs", "momentum", "convention", "beta", "beta1", "beta2",
                         "eps", "eps_inside", "weight_decay", "bias_correction", "sequence",
                         "relu_grad_at_zero")

"""The backprop kind: forward pass, loss and chain-rule gradients of a network written as equations.

The kind's cheap face (see examsolve.kinds): `examsolve kinds` and `list` read SUMMARY and
KEYS without importing the solver; `spec.load` validates a spec, `solve.solve` solves it.
"""

from __future__ import annotations

SUMMARY = "Forward pass, loss and chain-rule gradients of a small network written as equations"
KEYS: tuple[str, ...] = ("given", "parameters", "classes", "model", "loss", "wrt",
                         "relu_grad_at_zero", "derived")
# What `examsolve vary` changes when a spec has no `vary:` (examsolve/vary.py).
VARY: tuple[str, ...] = ("given", "parameters")


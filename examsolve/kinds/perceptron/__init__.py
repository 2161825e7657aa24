"""The perceptron kind: run the perceptron, Hebb or delta (Adaline) rule on points or a truth table.

The kind's cheap face (see examsolve.kinds): `examsolve kinds` and `list` read SUMMARY and
KEYS without importing the solver; `spec.load` validates a spec, `solve.solve` solves it.
"""

from __future__ import annotations

SUMMARY = "Train one threshold unit with the perceptron, Hebb or delta rule, presentation by presentation"
KEYS: tuple[str, ...] = ("points", "truth_table", "inputs", "encoding", "weights", "bias",
                         "threshold", "learn_threshold", "learn_bias", "lr", "epochs", "until",
                         "max_epochs", "rule", "activation", "at_zero")

"""The softmax-regression kind: multiclass logistic regression for one point, direct and robust.

The kind's cheap face (see examsolve.kinds): `examsolve kinds` and `list` read SUMMARY and
KEYS without importing the solver; `spec.load` validates a spec, `solve.solve` solves it.
"""

from __future__ import annotations

SUMMARY = ("Multiclass logistic regression for one point: shapes, overflow, a robust loss "
           "and its gradients")
KEYS: tuple[str, ...] = ("x", "y", "W", "b", "dtype", "classes")
# What `examsolve vary` changes when a spec has no `vary:` (examsolve/vary.py).
VARY: tuple[str, ...] = ("x", "W", "b")

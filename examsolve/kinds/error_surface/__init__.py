"""The error-surface kind: stationary points of a polynomial, their curvature, learning rates.

The kind's cheap face (see examsolve.kinds): `examsolve kinds` and `list` read SUMMARY and
KEYS without importing the solver; `spec.load` validates a spec (no sympy), `solve.solve`
solves it (sympy, imported there and only there).
"""

from __future__ import annotations

SUMMARY = ("Stationary points of a polynomial surface, classified by the Hessian, the minimum, "
           "and gradient descent's learning rates")
KEYS: tuple[str, ...] = ("parameters", "function", "at", "lr", "start")

"""The complexity-curve kind: training vs generalisation error over model complexity, measured.

The kind's cheap face (see examsolve.kinds): `examsolve kinds` and `list` read SUMMARY and
KEYS without importing the solver; `spec.load` validates a spec, `solve.solve` solves it.
"""

from __future__ import annotations

SUMMARY = "Training vs generalisation error over model complexity, with bias² and variance, measured"
KEYS: tuple[str, ...] = ("task", "models", "repeats", "regularisation", "more_data")


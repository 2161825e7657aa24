"""The conv-recovery kind: recover a convolution's kernel, bias and lost values from partial data.

The kind's cheap face (see examsolve.kinds): `examsolve kinds` and `list` read SUMMARY and
KEYS without importing the solver; `spec.load` validates a spec, `solve.solve` solves it.
"""

from __future__ import annotations

SUMMARY = "Recover a convolution kernel, bias and lost inputs/outputs from partial data"
KEYS: tuple[str, ...] = ("input", "output", "kernel", "bias", "stride", "padding", "find")
# What `examsolve vary` changes when a spec has no `vary:` (examsolve/vary.py).
VARY: tuple[str, ...] = ("kernel", "input", "output", "bias")

"""The classifier-design kind: design (or check) a two-layer ReLU/sigmoid net for labelled points.

The kind's cheap face (see examsolve.kinds): `examsolve kinds` and `list` read SUMMARY and
KEYS without importing the solver; `spec.load` validates a spec, `solve.solve` solves it.
"""

from __future__ import annotations

SUMMARY = ("Design (or check) a two-layer ReLU/sigmoid net for labelled points, or a network "
           "of step/sign units for a truth table or a region")
KEYS: tuple[str, ...] = ("points", "positive", "hidden", "model", "activation", "output",
                         "at_zero", "truth_table", "inputs", "encoding", "sop", "region",
                         "inside", "outside", "construction")


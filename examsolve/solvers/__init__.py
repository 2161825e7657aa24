"""The registry of problem kinds: one module per kind, one line each here.

Each module provides `SUMMARY` (one line for `examsolve kinds`), `KEYS` (the spec keys it
reads besides the shared ones), `load(node, common) -> spec` (validate into a frozen
dataclass) and `solve(spec) -> Derivation` (pure: no printing, no files).
`kinds`, `list`, `new` and the loader's "unknown kind, did you mean …" all read KINDS.

The registry names modules rather than importing them: `solver(kind)` imports one on first
use, so `examsolve run` pays start-up only for the kind it solves (importing all five cost
about as much as numpy's own import, against issue 2's start-up target).
"""

from __future__ import annotations

import importlib
from types import ModuleType

KINDS: dict[str, str] = {
    "conv-recovery": "examsolve.solvers.conv_recovery",
    "backprop": "examsolve.solvers.backprop",
    "classifier-design": "examsolve.solvers.classifier_design",
    "softmax-regression": "examsolve.solvers.softmax_regression",
    "complexity-curve": "examsolve.solvers.complexity_curve",
}


def solver(kind: str) -> ModuleType:
    """The module that loads and solves `kind` (a key of KINDS)."""
    return importlib.import_module(KINDS[kind])

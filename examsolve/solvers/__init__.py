"""The registry of problem kinds: one module per kind, one line each here.

Each module provides `SUMMARY` (one line for `examsolve kinds`), `KEYS` (the spec keys it
reads besides the shared ones), `load(node, common) -> spec` (validate into a frozen
dataclass) and `solve(spec) -> Derivation` (pure: no printing, no files).
`kinds`, `list`, `new` and the loader's "unknown kind, did you mean …" all read KINDS.
"""

from __future__ import annotations

from types import ModuleType

from examsolve.solvers import (backprop, classifier_design, complexity_curve, conv_recovery,
                               softmax_regression)

KINDS: dict[str, ModuleType] = {
    "conv-recovery": conv_recovery,
    "backprop": backprop,
    "classifier-design": classifier_design,
    "softmax-regression": softmax_regression,
    "complexity-curve": complexity_curve,
}

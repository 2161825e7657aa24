"""Orchestration of the classifier-design kind: check a given net, or design one."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.kinds.classifier_design.spec import ClassifierSpec


def solve(spec: ClassifierSpec) -> Derivation:
    from examsolve.kinds.classifier_design.derive import check_derivation, design_derivation

    if spec.model is not None:
        return check_derivation(spec)
    return design_derivation(spec)

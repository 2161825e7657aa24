"""Orchestration of the classifier-design kind: check a given net, or design one."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.kinds.classifier_design.spec import ClassifierSpec
from examsolve.kinds.classifier_design.threshold_spec import ThresholdSpec


def solve(spec: ClassifierSpec | ThresholdSpec) -> Derivation:
    from examsolve.kinds.classifier_design.derive import check_derivation, design_derivation
    from examsolve.kinds.classifier_design.threshold_derive import threshold_derivation

    if isinstance(spec, ThresholdSpec):
        return threshold_derivation(spec)
    if spec.model is not None:
        return check_derivation(spec)
    return design_derivation(spec)

"""The classifier-design kind (not built yet): Design (or check) a two-layer ReLU/sigmoid net that classifies labelled points."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.problem import Common
from examsolve.spec import SpecNode

SUMMARY = "Design (or check) a two-layer ReLU/sigmoid net that classifies labelled points"
KEYS: tuple[str, ...] = ()


def load(node: SpecNode, common: Common) -> Common:
    raise node.error("the classifier-design kind is not implemented yet")


def solve(spec: Common) -> Derivation:
    raise NotImplementedError

"""The softmax-regression kind (not built yet): Multiclass logistic regression for one point: shapes, overflow, a robust loss and its gradients."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.problem import Common
from examsolve.spec import SpecNode

SUMMARY = "Multiclass logistic regression for one point: shapes, overflow, a robust loss and its gradients"
KEYS: tuple[str, ...] = ()


def load(node: SpecNode, common: Common) -> Common:
    raise node.error("the softmax-regression kind is not implemented yet")


def solve(spec: Common) -> Derivation:
    raise NotImplementedError

"""The backprop kind (not built yet): Forward pass, loss and chain-rule gradients of a small network written as equations."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.problem import Common
from examsolve.spec import SpecNode

SUMMARY = "Forward pass, loss and chain-rule gradients of a small network written as equations"
KEYS: tuple[str, ...] = ()


def load(node: SpecNode, common: Common) -> Common:
    raise node.error("the backprop kind is not implemented yet")


def solve(spec: Common) -> Derivation:
    raise NotImplementedError

"""The conv-recovery kind (not built yet): Recover a convolution kernel, bias and lost inputs/outputs from partial data."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.problem import Common
from examsolve.spec import SpecNode

SUMMARY = "Recover a convolution kernel, bias and lost inputs/outputs from partial data"
KEYS: tuple[str, ...] = ()


def load(node: SpecNode, common: Common) -> Common:
    raise node.error("the conv-recovery kind is not implemented yet")


def solve(spec: Common) -> Derivation:
    raise NotImplementedError

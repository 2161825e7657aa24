"""The complexity-curve kind (not built yet): Training vs generalisation error over model complexity, with bias² and variance, measured."""

from __future__ import annotations

from examsolve.derivation import Derivation
from examsolve.problem import Common
from examsolve.spec import SpecNode

SUMMARY = "Training vs generalisation error over model complexity, with bias² and variance, measured"
KEYS: tuple[str, ...] = ()


def load(node: SpecNode, common: Common) -> Common:
    raise node.error("the complexity-curve kind is not implemented yet")


def solve(spec: Common) -> Derivation:
    raise NotImplementedError

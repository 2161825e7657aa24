"""What a kind offers for marking a student's answers: its quantities in computation order,
a re-run from substituted values (error carried forward), and the slips it can reproduce.

A kind that can do this has a module `examsolve/kinds/<kind>/marking.py` with

- `quantities(spec) -> tuple[Quantity, ...]`: every checkable value, forward values first,
  then the loss, then gradients from the loss back — the order `check --answers` reports in;
- `recompute(spec, mine) -> dict[str, AnswerValue]`: every quantity again, with the
  student's values `mine` (key → exact or float array, already in the quantity's shape)
  substituted where they are used: the values the student's own earlier answers imply;
- `slips(spec) -> tuple[Slip, ...]`: each common slip, recomputed with the slip made;
- optionally `locate(spec, derivation, key) -> (step, heading, equation) | None`: where the
  derivation computes `key` (step numbered from 1; the equation may be None), for a kind whose
  equations do not start with the quantity's symbol (otherwise the first equation
  `symbol = …`, or one solved for it, `… ⇒ symbol = …`, is the pointer).

Kinds without one are marked on their answers alone, in the derivation's order. This module
imports no kind: verdict.py finds a kind's marking module through the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

from examsolve.derivation import AnswerValue
from examsolve.mathmodel import Expr

S = TypeVar("S")
T = TypeVar("T")


class LastSolved(Generic[S, T]):
    """`compute(spec)` for the spec being marked, computed once: a sheet's answers are
    marked one by one against the same spec object, and each would otherwise solve it again.
    Only the last spec is kept (identity, not equality: specs are frozen but may be big)."""

    def __init__(self, compute: Callable[[S], T]) -> None:
        self._compute = compute
        self._spec: S | None = None
        self._value: T | None = None

    def __call__(self, spec: S) -> T:
        if self._spec is not spec:
            self._value = self._compute(spec)
            self._spec = spec
        return self._value  # type: ignore[return-value]


@dataclass(frozen=True)
class Quantity:
    """One checkable value: its answer key (`h`, `dL/dh`), the true value, the symbol the
    derivation writes it with (so a verdict can point at its equation), and a hint of what
    it is computed from."""

    key: str
    value: AnswerValue
    symbol: Expr
    shape: tuple[int, int]


@dataclass(frozen=True)
class Slip:
    """A common slip, made on purpose: the values of the keys it changes."""

    name: str  # "sign error", "missing branch"
    explanation: str  # one sentence: what was done wrong
    values: tuple[tuple[str, AnswerValue], ...]  # key → the value the slip gives

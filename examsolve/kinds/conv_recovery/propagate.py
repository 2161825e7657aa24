"""Finding unknowns from the windows that touch them, locally.

Two moves, repeated until neither finds anything:

1. *One window, one unknown*: a window equation left with a single unknown (after the values
   found so far are substituted) gives that unknown at once. Substituting it may leave other
   windows with one unknown, so this runs as a work queue — linear in the number of
   (window, unknown) incidences, which keeps a 256×256 grid fast.
2. *Several windows together*: the equations still holding two or more unknowns are split
   into groups that share no unknown (union–find), and each group is solved exactly
   (`rref`). An unknown is determined iff it has the same value in every solution of its
   group; the rest stay open, with the relations the group does fix.

Only groups are ever solved jointly, never the whole grid, so the cost follows the size of
the groups (small when the lost entries are scattered), not the size of the image.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Hashable

from examsolve.kinds.conv_recovery.algebra import (Contradiction, LinEq, Reduced, components,
                                                     rref)
from examsolve.kinds.conv_recovery.system import ConvSystem, exact_div

Atom = Hashable


def is_product(atom: Atom) -> bool:
    """A weight-times-input atom (name, r, c)."""
    return isinstance(atom, tuple) and len(atom) == 3


@dataclass(frozen=True)
class Group:
    """Equations solved together: a snapshot of them and their reduced form."""

    equations: tuple[LinEq, ...]
    reduced: Reduced
    found: tuple[tuple[Atom, Fraction], ...]


class Propagator:
    """Runs the two moves over one round's equations, recording into `system.known`.

    `on_single(atom, value, equation)` is called as each single-window value is found (the
    system's state is then exactly as at that moment, for the display); `on_group(group)`
    for every group that determines something; `on_contradiction(windows, c)` must raise.
    """

    def __init__(self, system: ConvSystem, equations: list[LinEq],
                 on_single: Callable[[Atom, Fraction, LinEq], None],
                 on_group: Callable[[Group], None],
                 on_contradiction: Callable[[Contradiction], None]) -> None:
        self.system = system
        self.equations = equations
        self.on_single, self.on_group, self.on_contradiction = on_single, on_group, \
            on_contradiction
        self.index: dict[Atom, set[int]] = {}
        for k, eq in enumerate(equations):
            for a in eq.terms:
                for key in self._keys(a):
                    self.index.setdefault(key, set()).add(k)
        self.alive = set(range(len(equations)))
        self.queue: deque[int] = deque(k for k, eq in enumerate(equations) if self._single(eq))
        self.param_found = False
        self.open_groups: list[Group] = []  # the last pass's groups that determined nothing

    @staticmethod
    def _keys(atom: Atom) -> tuple[Atom, ...]:
        """A product atom is listed under both its factors, for substitution."""
        return (atom[0], (atom[1], atom[2])) if is_product(atom) else (atom,)  # type: ignore[index]

    @staticmethod
    def _single(eq: LinEq) -> bool:
        return len(eq.terms) == 1 and not is_product(next(iter(eq.terms)))

    def run(self) -> None:
        while True:
            self._drain()
            if not self._joint():
                return

    # ---- move 1 -------------------------------------------------------------------------
    def _drain(self) -> None:
        while self.queue:
            k = self.queue.popleft()
            eq = self.equations[k]
            if k not in self.alive or not self._single(eq):
                continue
            (atom, c), = eq.terms.items()
            value = exact_div(eq.rhs, c)
            self.alive.discard(k)
            self.on_single(atom, value, eq)  # before recording: the display shows it unknown
            self._record(atom, value, eq.windows)
            self._substitute(atom, value)

    def _record(self, atom: Atom, value: Fraction, windows: frozenset) -> None:
        self.system.known[atom] = value
        self.system.source[atom] = windows
        if isinstance(atom, str):
            self.param_found = True

    def _substitute(self, atom: Atom, value: Fraction) -> None:
        for k in sorted(self.index.get(atom, ())):
            if k not in self.alive:
                continue
            eq = self.equations[k]
            c = eq.terms.pop(atom, None)
            if c:
                eq.rhs -= c * value
            for product in [a for a in eq.terms if is_product(a) and atom in self._keys(a)]:
                cm = eq.terms.pop(product)
                other = product[0] if atom != product[0] else (product[1], product[2])  # type: ignore[index]
                v = eq.terms.get(other, 0) + cm * value
                if v:
                    eq.terms[other] = v
                    self.index.setdefault(other, set()).add(k)
                else:
                    eq.terms.pop(other, None)
            if not eq.terms:
                self.alive.discard(k)
                if eq.rhs:
                    self.on_contradiction(Contradiction(eq.windows, eq.rhs))
            elif self._single(eq):
                self.queue.append(k)

    # ---- move 2 -------------------------------------------------------------------------
    def _joint(self) -> bool:
        """Solve each group of equations with ≥ 2 unknowns; True if anything was found."""
        remaining = [self.equations[k] for k in sorted(self.alive) if self.equations[k].terms]
        found_any = False
        self.open_groups = []
        for members in components(remaining):
            snapshot = tuple(LinEq(dict(remaining[m].terms), remaining[m].rhs,
                                   remaining[m].windows) for m in members)
            reduced, contradiction = rref(snapshot, self.system.order)
            if contradiction is not None:
                self.on_contradiction(contradiction)
            found = [(a, v) for a, v in reduced.determined().items() if not is_product(a)]
            group = Group(snapshot, reduced, tuple(found))
            if not found:
                self.open_groups.append(group)
                continue
            self.on_group(group)
            found_any = True
            for atom, value in found:
                self._record(atom, value, reduced.rows[atom].windows)
                self._substitute(atom, value)
        return found_any

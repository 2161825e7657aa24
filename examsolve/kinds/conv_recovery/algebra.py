"""Exact linear algebra for conv-recovery: independent rows, reduced row echelon form,
which unknowns a system determines, and how the rest can move.

A linear equation is `Σ_a c_a · a = rhs` over hashable atoms `a` (a parameter name, a lost
input, or a product of the two treated as one atom). A value is *determined* iff it is the
same in every solution: in the reduced row echelon form (RREF) that is exactly an atom whose
row has no free atom in it. Everything here is exact (int or Fraction); each row carries the
set of windows it was combined from, so a contradiction `0 = c` can name them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Hashable, Iterable, Sequence

Atom = Hashable


@dataclass
class LinEq:
    """Σ terms[a]·a = rhs; `windows` are the window equations it was made from."""

    terms: dict[Atom, Fraction]
    rhs: Fraction
    windows: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Contradiction:
    """A combination of the equations of `windows` reads 0 = rhs with rhs ≠ 0."""

    windows: frozenset
    rhs: Fraction


def select_independent(rows: Sequence[Sequence[int]], rhs: Sequence[int],
                       stop_at_rank: int | None = None
                       ) -> tuple[list[int], Contradiction | None]:
    """Greedy choice of linearly independent integer rows, in order (fraction-free).

    Each candidate is reduced against the rows chosen so far with integer combinations
    (divided by their gcd, so numbers stay small). A candidate that reduces to 0 = 0 is
    dependent and skipped; 0 = c ≠ 0 is a contradiction between it and the chosen rows it
    used. Stops early once `stop_at_rank` rows are chosen (the rest are then only checked
    later, against the solution). Returns the chosen indices and any contradiction.
    """
    basis: list[tuple[int, list[int], int, frozenset]] = []  # (pivot, row, rhs, support)
    chosen: list[int] = []
    for index, (row, b) in enumerate(zip(rows, rhs)):
        vec, r, support = list(row), b, {index}
        for pivot, brow, brhs, bsup in basis:
            if vec[pivot]:
                a, c = brow[pivot], vec[pivot]
                vec = [a * v - c * w for v, w in zip(vec, brow)]
                r = a * r - c * brhs
                support |= bsup
                g = math.gcd(*vec, r)
                if g > 1:
                    vec, r = [v // g for v in vec], r // g
        nonzero = [k for k, v in enumerate(vec) if v]
        if not nonzero:
            if r:
                return chosen, Contradiction(frozenset(support), Fraction(r))
            continue
        basis.append((nonzero[0], vec, r, frozenset(support)))
        chosen.append(index)
        if stop_at_rank is not None and len(chosen) >= stop_at_rank:
            break
    return chosen, None


@dataclass
class Reduced:
    """The RREF of a system: rows keyed by pivot atom, each with its pivot coefficient 1."""

    rows: dict[Atom, LinEq]
    atoms: list[Atom]  # every atom of the system, in the given order

    @property
    def rank(self) -> int:
        return len(self.rows)

    def determined(self) -> dict[Atom, Fraction]:
        """Atoms whose value is the same in every solution."""
        return {p: row.rhs for p, row in self.rows.items() if len(row.terms) == 1}

    def free(self) -> list[Atom]:
        return [a for a in self.atoms if a not in self.rows]

    def null_directions(self) -> list[dict[Atom, Fraction]]:
        """One direction per free atom along which every equation stays satisfied."""
        out = []
        for f in self.free():
            d = {f: Fraction(1)}
            for p, row in self.rows.items():
                c = row.terms.get(f)
                if c:
                    d[p] = -c
            out.append({a: d[a] for a in self.atoms if a in d})
        return out

    def reduce(self, terms: dict[Atom, Fraction], const: Fraction
               ) -> tuple[dict[Atom, Fraction], Fraction]:
        """Σ terms·a + const with every pivot replaced by its row: what is left is free.

        The expression is determined by the system iff nothing is left.
        """
        out, value = dict(terms), const
        for p in [a for a in out if a in self.rows]:
            c = out.pop(p)
            row = self.rows[p]
            value += c * row.rhs
            for a, k in row.terms.items():
                if a != p:
                    v = out.get(a, 0) - c * k
                    if v:
                        out[a] = v
                    else:
                        out.pop(a, None)
        return out, value


def rref(equations: Iterable[LinEq], order: Callable[[Atom], object]
         ) -> tuple[Reduced, Contradiction | None]:
    """Gauss–Jordan elimination with sparse rows (exact). Pivots are the earliest atoms in
    `order`; the first contradiction found is returned with the windows that produced it."""
    rows: dict[Atom, LinEq] = {}
    atoms: set = set()
    for eq in equations:
        atoms.update(eq.terms)
        terms = {a: Fraction(k) for a, k in eq.terms.items()}
        rhs, windows = Fraction(eq.rhs), set(eq.windows)
        for p in [a for a in terms if a in rows]:
            c = terms.pop(p)
            row = rows[p]
            rhs -= c * row.rhs
            windows |= row.windows
            for a, k in row.terms.items():
                if a != p:
                    v = terms.get(a, 0) - c * k
                    if v:
                        terms[a] = v
                    else:
                        terms.pop(a, None)
        if not terms:
            if rhs:
                return Reduced(rows, sorted(atoms, key=order)), \
                    Contradiction(frozenset(windows), rhs)
            continue
        pivot = min(terms, key=order)
        scale = terms[pivot]
        new = LinEq({a: k / scale for a, k in terms.items()}, rhs / scale, frozenset(windows))
        for p, row in rows.items():
            c = row.terms.get(pivot)
            if c:
                for a, k in new.terms.items():
                    v = row.terms.get(a, 0) - c * k
                    if v:
                        row.terms[a] = v
                    else:
                        row.terms.pop(a, None)
                row.rhs -= c * new.rhs
                row.windows = row.windows | new.windows
        rows[pivot] = new
    return Reduced(rows, sorted(atoms, key=order)), None


def components(equations: Sequence[LinEq]) -> list[list[int]]:
    """Group equations that share atoms (union–find), each group in the given order."""
    parent: dict[Atom, Atom] = {}

    def find(a: Atom) -> Atom:
        root = a
        while parent[root] != root:
            root = parent[root]
        while parent[a] != root:
            parent[a], a = root, parent[a]
        return root

    for eq in equations:
        atoms = list(eq.terms)
        for a in atoms:
            parent.setdefault(a, a)
        for a in atoms[1:]:
            ra, rb = find(atoms[0]), find(a)
            if ra != rb:
                parent[rb] = ra
    groups: dict[Atom, list[int]] = {}
    for k, eq in enumerate(equations):
        if eq.terms:
            groups.setdefault(find(next(iter(eq.terms))), []).append(k)
    return list(groups.values())


def scaled_to_integers(terms: dict[Atom, Fraction], rhs: Fraction
                       ) -> tuple[dict[Atom, Fraction], Fraction]:
    """The same equation with whole, coprime coefficients and a positive first coefficient
    (x + y = 2 rather than 2x + 2y = 4), for stating a relation."""
    values = [*terms.values(), rhs]
    den = 1
    for v in values:
        den = den * v.denominator // math.gcd(den, v.denominator)
    nums = [int(v * den) for v in values]
    g = math.gcd(*nums) or 1
    first = next((v for v in terms.values() if v), Fraction(1))
    sign = -1 if first < 0 else 1
    k = Fraction(den * sign, g)
    return {a: v * k for a, v in terms.items()}, rhs * k

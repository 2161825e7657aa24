"""Solving a small square linear system the way a model answer does, step by step.

Exact (Fraction) elimination that reads like the key: an equation with one unknown is solved
at once ("b = −1 from (3)") and substituted into the others; otherwise one unknown is
eliminated by adding or subtracting whole multiples of equations ("add (4) and (5):
5f = 10 ⇒ f = 2", solved on the same line once one unknown is left), and the equations set
aside are solved last by back-substitution
("substitute f = 2 into (4): 3e + 2·2 = 7 ⇒ 3e = 3 ⇒ e = 1"). The input must be independent
and square (one solution); `solve_independent` in the solver checks that first.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Hashable

from examsolve.derivation import StepBuilder
from examsolve.mathmodel import Expr, Mul, Neg, Num, add, eq, rel
from examsolve.numbers import format_number
from examsolve.wording import number

Atom = Hashable


def term_expr(coef: Fraction, atom_expr: Expr) -> Expr:
    """c·a as a model answer writes it: `e`, `−e`, `3e`, `(1/3)e`."""
    if coef == 1:
        return atom_expr
    if coef == -1:
        return Neg(atom_expr)
    return Mul((Num(coef), atom_expr), "")


def linear_expr(terms: dict[Atom, Fraction], symbol: Callable[[Atom], Expr],
                order: Callable[[Atom], object], const: Fraction = Fraction(0)) -> Expr:
    """Σ c·a (+ const), atoms in `order`, zero coefficients left out."""
    parts = [term_expr(c, symbol(a)) for a, c in sorted(terms.items(), key=lambda t: order(t[0]))
             if c]
    if const or not parts:
        parts.append(Num(const))
    return parts[0] if len(parts) == 1 else add(*parts)


@dataclass
class _Row:
    label: str
    terms: dict[Atom, Fraction]
    rhs: Fraction
    solved_inline: bool = False  # its one unknown was already written out (`5f = 10 ⇒ f = 2`)


class Eliminator:
    """Writes the elimination into a step; `limit` caps the equations shown (the rest is
    still computed exactly and summarised in one sentence)."""

    def __init__(self, step: StepBuilder, symbol: Callable[[Atom], Expr],
                 order: Callable[[Atom], object], next_label: Callable[[], str],
                 limit: int = 24) -> None:
        self.step, self.symbol, self.order, self.next_label = step, symbol, order, next_label
        self.limit = limit
        self.shown = 0
        self.hidden = 0

    # ---- display ------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        if self.shown < self.limit:
            self.step.say(text)

    def _math(self, expr: Expr, label: str | None = None) -> None:
        if self.shown < self.limit:
            self.step.math(expr, label)
            self.shown += 1
        else:
            self.hidden += 1

    def _lhs(self, terms: dict[Atom, Fraction]) -> Expr:
        return linear_expr(terms, self.symbol, self.order)

    # ---- the procedure ------------------------------------------------------------------
    def run(self, rows: list[tuple[str, dict[Atom, Fraction], Fraction]]) -> dict[Atom, Fraction]:
        """Solve labelled equations Σ c·a = rhs; returns every value found."""
        active = [_Row(label, {a: Fraction(c) for a, c in terms.items() if c}, Fraction(rhs))
                  for label, terms, rhs in rows]  # Fractions: plain ints would divide to floats
        retired: list[_Row] = []
        solved: dict[Atom, Fraction] = {}
        while active:
            single = next((r for r in active if len(r.terms) == 1), None)
            if single is not None:
                active.remove(single)
                self._solve_single(single, solved)
                self._substitute_into(active, solved)
                continue
            active = [r for r in active if r.terms]
            if not active:
                break
            pivot, atom = self._choose_pivot(active)
            active.remove(pivot)
            retired.append(pivot)
            active = [self._combine(pivot, atom, r) if atom in r.terms else r for r in active]
        for row in reversed(retired):
            self._back_substitute(row, solved)
        if self.hidden:
            self.step.say(f"… {self.hidden} more equations of the elimination, computed the "
                          "same way (exactly), are not shown.")
        return solved

    def _solve_single(self, row: _Row, solved: dict[Atom, Fraction]) -> None:
        (atom, c), = row.terms.items()
        value = row.rhs / c
        solved[atom] = value
        sym = self.symbol(atom)
        if row.solved_inline:
            return
        if c == 1:
            self._say(f"{row.label} gives {self._value_text(atom, value)} directly.")
        else:  # one coefficient: a division, said inline rather than as a step of its own
            self._say(f"{row.label} gives {self._value_text(atom, value)}"
                      + ("." if c == -1 else f" (divide by {number(c)})."))

    def _substitute_into(self, active: list[_Row], solved: dict[Atom, Fraction]) -> None:
        hit = [r for r in active if solved.keys() & r.terms.keys()]
        if not hit:
            return
        names = ", ".join(f"{self._value_text(a, v)}" for a, v in solved.items()
                          if any(a in r.terms for r in hit))
        labels = " and ".join(r.label for r in hit) if len(hit) <= 2 else \
            ", ".join(r.label for r in hit[:-1]) + " and " + hit[-1].label
        self._say(f"Substitute {names} into {labels}:")
        for k, r in enumerate(active):
            if r in hit:
                terms = {a: c for a, c in r.terms.items() if a not in solved}
                rhs = r.rhs - sum((c * solved[a] for a, c in r.terms.items() if a in solved),
                                  Fraction(0))
                new = _Row(self.next_label(), terms, rhs)
                self._math(eq(self._lhs(terms), rhs), new.label)
                active[k] = new

    def _value_text(self, atom: Atom, value: Fraction) -> str:
        from examsolve.render.textmath import linear  # plain text of a symbol, for prose

        return f"{linear(self.symbol(atom))} = {number(value)}"

    def _choose_pivot(self, active: list[_Row]) -> tuple[_Row, Atom]:
        """The unknown and equation whose elimination needs the simplest multiples:
        equal or opposite coefficients first (add/subtract), then whole multiples."""
        best = None
        for position, row in enumerate(active):
            for atom, cp in row.terms.items():
                cost = 0
                for other in active:
                    ct = other.terms.get(atom) if other is not row else None
                    if ct:
                        ratio = ct / cp
                        cost += 0 if abs(ratio) == 1 else 1 if ratio.denominator == 1 else 2
                key = (cost, len(row.terms), abs(cp) != 1, self.order(atom), position)
                if best is None or key < best[0]:
                    best = (key, row, atom)
        assert best is not None
        return best[1], best[2]

    def _combine(self, pivot: _Row, atom: Atom, target: _Row) -> _Row:
        cp, ct = pivot.terms[atom], target.terms[atom]
        lp, lt = pivot.label, target.label
        if ct == -cp:
            a, b, text = Fraction(1), Fraction(1), f"Add {lp} and {lt}:"
        elif ct == cp:
            a, b, text = Fraction(1), Fraction(-1), f"Subtract {lp} from {lt}:"
        elif (ct / cp).denominator == 1:
            k = ct / cp
            a, b = Fraction(1), -k
            text = f"{lt} {'−' if k > 0 else '+'} {format_number(abs(k))}·{lp}:"
        elif all(c.denominator == 1 for c in (cp, ct)):
            from math import gcd

            g = gcd(int(cp), int(ct))
            a, b = Fraction(int(cp) // g), Fraction(-int(ct) // g)
            if a < 0:
                a, b = -a, -b
            text = (f"{format_number(a)}·{lt} {'−' if b < 0 else '+'} "
                    f"{format_number(abs(b))}·{lp}:")
        else:
            k = ct / cp
            a, b = Fraction(1), -k
            text = f"{lt} {'−' if k > 0 else '+'} {format_number(abs(k))}·{lp}:"
        terms: dict[Atom, Fraction] = {}
        for x in {**target.terms, **pivot.terms}:
            v = a * target.terms.get(x, 0) + b * pivot.terms.get(x, 0)
            if v:
                terms[x] = v
        rhs = a * target.rhs + b * pivot.rhs
        self._say(text[:-1] + f" to eliminate {self._atom_text(atom)}:")
        if len(terms) == 1:
            # One unknown left: solved on the same line (`5f = 10 ⇒ f = 2`). No label: in an
            # independent system no other equation is left in this unknown alone, so
            # nothing refers back to this one.
            (last, c), = terms.items()
            chain: list[object] = [self._lhs(terms), "=", rhs]
            if c != 1:
                chain += ["⇒", self.symbol(last), "=", rhs / c]
            self._math(rel(*chain))  # type: ignore[arg-type]
            return _Row("", terms, rhs, solved_inline=True)
        new = _Row(self.next_label(), terms, rhs)
        self._math(eq(self._lhs(terms), rhs), new.label)
        return new

    def _atom_text(self, atom: Atom) -> str:
        from examsolve.render.textmath import linear

        return linear(self.symbol(atom))

    def _back_substitute(self, row: _Row, solved: dict[Atom, Fraction]) -> None:
        known = {a: c for a, c in row.terms.items() if a in solved}
        rest = {a: c for a, c in row.terms.items() if a not in solved}
        if len(rest) != 1:
            return  # nothing left to find here (or, for a singular system, not fixed)
        (atom, c), = rest.items()
        rhs = row.rhs - sum((k * solved[a] for a, k in known.items()), Fraction(0))
        value = rhs / c
        solved[atom] = value
        sym = self.symbol(atom)
        names = ", ".join(self._value_text(a, solved[a]) for a in
                          sorted(known, key=self.order))
        self._say(f"Substitute {names} into {row.label}:")
        parts = []
        for a, k in sorted(row.terms.items(), key=lambda t: self.order(t[0])):
            if a == atom:
                parts.append(term_expr(c, sym))
            else:
                parts.append(Num(solved[a]) if k == 1 else Mul((Num(k), Num(solved[a])), "·"))
        chain: list[object] = [add(*parts), "=", row.rhs]
        if rhs != row.rhs or len(parts) > 1:
            chain += ["⇒", term_expr(c, sym), "=", rhs]
        if c != 1:
            chain += ["⇒", sym, "=", value]
        self._math(rel(*chain))  # type: ignore[arg-type]

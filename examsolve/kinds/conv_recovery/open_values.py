"""What a conv-recovery problem's data leave open, and why.

Every undetermined value is reported with what the data *do* fix about it. A value that
sits in a group of window equations (a parameter, a lost input, or a lost input inside a
product `a·X[2]` with an open weight) gets that group's relations — deduplicated, the first
few then "and N more". Only a value that no window equation involves gets a reason instead,
and that reason is checked to be literally true:

- no output is known at all;
- every window with a known output that covers a lost input gives it the weight 0, or no
  such window exists;
- every window with a known output multiplies a parameter by 0 (zero inputs, padding), or
  by inputs that add up to 0 (a tied weight over 2 and −2).

When the kernel itself is open, it is named first ("a is not determined, nor is X[2]"):
the lost inputs it multiplies cannot be split from it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Hashable, Iterable

import numpy as np

from examsolve.derivation import StepBuilder
from examsolve.mathmodel import Expr, Sym, add, eq, mul, row
from examsolve.kinds.conv_recovery.algebra import Reduced, scaled_to_integers
from examsolve.wording import listing
from examsolve.kinds.conv_recovery.propagate import Group, is_product

if TYPE_CHECKING:  # the report imports this module: no cycle at run time
    from examsolve.kinds.conv_recovery.report import Report

Atom = Hashable
SHOW_OPEN = 3  # undetermined groups shown in the derivation
SHOW_RELATIONS = 3  # relations named in a warning before "and N more"
MAX_WARNINGS = 8


def factors(atoms: Iterable[Atom]) -> list[Atom]:
    """The parameters and lost inputs in some atoms, each once (a product gives both)."""
    out: dict[Atom, None] = {}
    for a in atoms:
        for f in ((a[0], (a[1], a[2])) if is_product(a) else (a,)):  # type: ignore[index]
            out[f] = None
    return list(out)


def _be(items: list) -> str:  # type: ignore[type-arg]
    return "is" if len(items) == 1 else "are"


def _them(items: list) -> str:  # type: ignore[type-arg]
    return "it" if len(items) == 1 else "them"


def _clusters(groups: list[Group]) -> list[list[Group]]:
    """The groups joined when they share a parameter or a lost input, in their order."""
    owner: dict[Atom, int] = {}
    parent = list(range(len(groups)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for k, g in enumerate(groups):
        for a in factors(g.reduced.atoms):
            if a in owner:
                parent[root(k)] = root(owner[a])
            else:
                owner[a] = k
    out: dict[int, list[Group]] = {}
    for k, g in enumerate(groups):
        out.setdefault(root(k), []).append(g)
    return list(out.values())


class OpenValues:
    """The step "What the data leave open" and its warnings."""

    def __init__(self, report: Report) -> None:
        self.r = report
        self.system, self.note = report.system, report.note

    def run(self, open_groups: list[Group]) -> None:
        sysm, r = self.system, self.r
        undetermined = [a for a in [*sysm.names, *sysm.lost_inputs] if a not in sysm.known]
        undetermined_out = [w for w, v in r.output_values.items() if v is None]
        if not undetermined and not undetermined_out:
            return
        warnings: list[str] = []
        in_group: set = set()
        step = r.step("What the data leave open") if undetermined else None
        where = f" (step {r.steps})" if step is not None else ""
        for cluster in _clusters(open_groups):
            # groups that share a factor (a in a·X[1] and in a·X[3]) are told as one
            here = self._sorted({a for g in cluster for a in factors(g.reduced.atoms)
                                 if a not in sysm.known})
            in_group.update(here)
            scaled = [scaled_to_integers(e.terms, e.rhs) for g in cluster for e in g.equations]
            relations = list(dict.fromkeys(self.note.relation_text(*s) for s in scaled))
            if here:
                # a pointer to the step, with the relations (its prose is not repeated)
                warnings.append(f"{self.subject(here)}{where}: only {self.listed(relations)}")
        for k, group in enumerate(open_groups):
            scaled = [scaled_to_integers(e.terms, e.rhs) for e in group.equations]
            if step is not None and k < SHOW_OPEN:
                r._show_group(step, group)
                products = [a for a in group.reduced.atoms if is_product(a)]
                if products:
                    weights = self._sorted({a[0] for a in products})  # type: ignore[index]
                    step.say(f"The kernel is not determined here ({listing(weights)}), so "
                             f"{self.note.keys_text(products)} cannot be split into a weight "
                             "and an input.")
                sums = all(c == 1 for terms, _ in scaled for c in terms.values())
                self.freedom(step, group.reduced, "sums" if sums else "combinations")
        if step is not None and len(open_groups) > SHOW_OPEN:
            step.say(f"… and {len(open_groups) - SHOW_OPEN} more such groups.")
        by_reason: dict[str, list[Atom]] = {}
        for a in undetermined:
            if a not in in_group:
                by_reason.setdefault(self.reason(a), []).append(a)
        for reason, atoms in by_reason.items():
            text = (f"{self.note.keys_text(atoms)} {_be(atoms)} not determined: "
                    + reason.format(it=_them(atoms)))
            warnings.append(text)
            if step is not None:  # a sentence must not start with a (lower-case) name
                step.say(f"Not determined: {self.note.keys_text(atoms)}, since "
                         f"{reason.format(it=_them(atoms))}.")
        if undetermined_out:
            keys = [self.note.window_name(w) for w in undetermined_out]
            warnings.append(f"{listing(keys[:8]) + (' …' if len(keys) > 8 else '')} "
                            f"{_be(keys)} not determined: "
                            f"{'it depends' if len(keys) == 1 else 'they depend'} on values "
                            "the data leave open")
        for text in warnings[:MAX_WARNINGS]:
            r.d.warn(text)
        if len(warnings) > MAX_WARNINGS:
            r.d.warn(f"… and {len(warnings) - MAX_WARNINGS} more groups of undetermined "
                     "values (their answers are null)")

    def _sorted(self, atoms: Iterable[Atom]) -> list[Atom]:
        return sorted(atoms, key=self.system.order)

    def subject(self, atoms: list[Atom]) -> str:
        """`a is not determined, nor is X[2]`: open parameters first, then lost inputs."""
        params = [a for a in atoms if isinstance(a, str)]
        inputs = [a for a in atoms if not isinstance(a, str)]
        if params and inputs:
            return (f"{self.note.keys_text(params)} {_be(params)} not determined, nor "
                    f"{_be(inputs)} {self.note.keys_text(inputs)}")
        return f"{self.note.keys_text(atoms)} {_be(atoms)} not determined"

    @staticmethod
    def listed(relations: list[str]) -> str:
        more = len(relations) - SHOW_RELATIONS
        if more <= 0:
            return listing(relations)
        return (", ".join(relations[:SHOW_RELATIONS]) + f" and {more} more relation"
                + ("s" if more > 1 else ""))

    def reason(self, atom: Atom) -> str:
        """Why no window equation involves `atom` (a template with {it}); each case is
        checked against the windows, so the sentence is literally true."""
        sysm = self.system
        if not sysm.y_known.any():
            return "no output is known, so no window constrains {it}"
        if isinstance(atom, str):
            # Every window has every tap, so windows with a known output use this weight,
            # yet its coefficient is 0 in each: its inputs are 0 (or padding), or cancel.
            if self._meets_only_zeros(atom):
                return "every window with a known output multiplies {it} by 0"
            return "in every window with a known output, the inputs {it} multiplies add up to 0"
        covering = [(i, j, u, v) for i, j, u, v in sysm.windows_of(*atom)
                    if sysm.y_known[i, j]]
        if not covering:
            return "no window with a known output covers {it}"
        if all(sysm.weight(u, v) == 0 for _i, _j, u, v in covering):
            return "every window with a known output that covers {it} gives {it} the weight 0"
        return "the data do not fix {it}"  # not reached: every other case is in a group

    def _meets_only_zeros(self, name: str) -> bool:
        """Whether every tap of weight `name` in a window with a known output meets a 0."""
        sysm = self.system
        nonzero = np.array([[sysm.input(r, c) not in (None, 0) for c in range(sysm.w)]
                            for r in range(sysm.h)], dtype=bool)
        padded = np.pad(nonzero, ((sysm.ph, sysm.ph), (sysm.pw, sysm.pw)))
        s, oh, ow = sysm.stride, sysm.oh, sysm.ow
        for u, row in enumerate(self.r.spec.kernel):
            for v, weight in enumerate(row):
                if weight == name and (padded[u:u + s * (oh - 1) + 1:s,
                                              v:v + s * (ow - 1) + 1:s] & sysm.y_known).any():
                    return False
        return True

    def freedom(self, step: StepBuilder, reduced: Reduced, what: str) -> None:
        """x = particular + t·direction, when the group is small enough to read; `what` the
        relations are (`sums`, `combinations`)."""
        atoms = reduced.atoms
        directions = reduced.null_directions()
        fixed = f"only these {what} are fixed; no single value is."
        if any(is_product(a) for a in atoms) or len(atoms) > 8 or not 0 < len(directions) <= 2:
            step.say(fixed[0].upper() + fixed[1:])
            return
        particular = [reduced.rows[a].rhs if a in reduced.rows else Fraction(0) for a in atoms]
        params = ["t", "s"][:len(directions)]
        parts: list[Expr] = [row(particular)]
        for t, d in zip(params, directions):
            parts.append(mul(Sym(t), row([d.get(a, Fraction(0)) for a in atoms]), op=""))
        step.say("Every solution has the form (for any " + " and ".join(params) + "):")
        step.math(eq(row([self.note.symbol(a) for a in atoms]), add(*parts)))
        step.say("so " + fixed)

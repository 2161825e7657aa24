"""The written-out steps of a conv-recovery derivation, beyond the kernel's elimination.

Large problems stay readable: each kind of step shows its first few equations in full and
then says how many more were solved the same way ("… and 3,117 more"), so a 256×256 grid
gives a derivation of a few dozen lines while every value is still in the answers.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Callable, Hashable

from examsolve.derivation import DerivationBuilder, StepBuilder
from examsolve.mathmodel import Expr, Sym, Text, eq, rel
from examsolve.kinds.conv_recovery.algebra import (Contradiction, LinEq, Reduced,
                                                     scaled_to_integers)
from examsolve.kinds.conv_recovery.notation import Notation
from examsolve.wording import listing
from examsolve.kinds.conv_recovery.elimination import Eliminator, linear_expr, term_expr
from examsolve.kinds.conv_recovery.open_values import factors
from examsolve.kinds.conv_recovery.propagate import Group, is_product
from examsolve.kinds.conv_recovery.spec import ConvSpec
from examsolve.kinds.conv_recovery.system import ConvSystem, Round

Atom = Hashable
SHOW_CHECKS = 2  # other complete windows shown as a check
SHOW_SINGLE = 8  # single-window solutions shown per pass
SHOW_GROUPS = 3  # jointly solved groups shown per pass
SHOW_OUTPUTS = 6  # lost outputs shown
SHOW_EQUATIONS = 4  # equations shown per group (each a window line and its relation)
MAX_BOXED = 12  # without `find`, box every answer only when there are at most this many
SHOW_ALL_CHECKS = 4  # windows shown when nothing is unknown
EVERY_WINDOW_CHECKS = "nothing is unknown: every window checks"


class Report:
    def __init__(self, spec: ConvSpec, system: ConvSystem, note: Notation,
                 d: DerivationBuilder, fail: Callable[[Contradiction], None],
                 next_label: Callable[[], str]) -> None:
        self.spec, self.system, self.note, self.d, self.fail = spec, system, note, d, fail
        self.next_label = next_label
        self.output_values: dict[tuple[int, int], Fraction | None] = {}
        self._pass = 1
        self._single: StepBuilder | None = None
        self._group: StepBuilder | None = None
        self._counts = [0, 0]
        self.steps = 0  # steps written so far, to refer back to one by its number

    def step(self, heading: str) -> StepBuilder:
        """A new step of the derivation (counted)."""
        self.steps += 1
        return self.d.step(heading)

    # ---- the set-up ---------------------------------------------------------------------
    def conventions(self) -> None:
        spec, sysm, note = self.spec, self.system, self.note
        step = self.step("The layer and its unknowns")
        shape = (lambda h, w: f"length-{w}") if spec.one_d else (lambda h, w: f"{h}×{w}")
        zeros = f"{spec.padding[1]} zero{'s' if spec.padding[1] != 1 else ''}"
        pad = f'padding "same" ({zeros} on each side)' if spec.padding_same \
            else f"padding {spec.padding[1]}" if spec.padding[1] else "no padding"
        step.say("A convolution layer in deep learning computes a cross-correlation: the "
                 f"kernel slides over the input without being flipped. Here the "
                 f"{shape(sysm.kh, sysm.kw)} kernel W moves with stride {spec.stride} and "
                 f"{pad} over the {shape(sysm.h, sysm.w)} input X, giving the "
                 f"{shape(sysm.oh, sysm.ow)} output Y"
                 + (" (no bias: b = 0):" if spec.bias == 0 else ":"))
        step.math(note.formula())
        base = spec.common.indexing
        if spec.one_d:
            idx = (f"Indices count from {base}: {spec.input_key(0, 0)} is the first entry of "
                   f"X, and the taps run over u ∈ {_index_set(sysm.kw, base)}.")
        else:
            taps = (f"u, v ∈ {_index_set(sysm.kh, base)}" if sysm.kh == sysm.kw else
                    f"u ∈ {_index_set(sysm.kh, base)} and v ∈ {_index_set(sysm.kw, base)}")
            idx = (f"Indices count from {base} (row, column): {spec.input_key(0, 0)} is the "
                   f"top-left entry of X, and the taps run over {taps}.")
        if spec.padding != (0, 0):
            idx += (" Entries outside X are the padding: known zeros (the ·0 terms in the "
                    "sums below), not unknowns.")
        step.say(idx)
        step.math(eq(Sym("W"), note.kernel_matrix()))
        step.math(eq(Sym("X"), note.input_matrix()))
        step.math(eq(Sym("Y"), note.output_matrix()))
        parts = []
        if sysm.names:
            parts.append(f"the parameter{'s' if len(sysm.names) > 1 else ''} "
                         f"{listing(list(sysm.names))}")
        for what, lost, key in (("input", sysm.lost_inputs, spec.input_key),
                                ("output", sysm.lost_outputs, spec.output_key)):
            if len(lost) == 1:
                parts.append(f"the lost {what} {key(*lost[0])}")
            elif 1 < len(lost) <= 8:
                parts.append(f"the {len(lost)} lost {what}s "
                             f"{listing([key(*p) for p in lost])}")
            elif lost:
                parts.append(f"the {len(lost):,} lost {what}s ("
                             f"{', '.join(key(*p) for p in lost[:3])} and {len(lost) - 3:,} "
                             "more)")
        step.say(("The unknowns: " + "; ".join(parts) + ".") if parts else
                 "Nothing is unknown: the solution only checks that the data agree.")

    # ---- step 1 extras ------------------------------------------------------------------
    def partial_kernel(self, step: StepBuilder, reduced: Reduced, params: list[str]) -> None:
        n, r = len(params), reduced.rank
        step.say(f"These equations have rank {r} < {n}, so they cannot fix all of "
                 f"{listing(params)}. Reduced (exact row reduction):")
        for pivot, lin in reduced.rows.items():
            step.math(eq(linear_expr(lin.terms, self.note.symbol, self.system.order), lin.rhs))
        found = reduced.determined()
        if found:
            step.say(f"So {listing([self.note.key(a) for a in found])} "
                     f"{'is' if len(found) == 1 else 'are'} fixed here; the rest may still "
                     "come from windows with lost inputs.")
        else:
            step.say("No single value is fixed yet; these relations are kept, and with the "
                     "windows that have lost inputs they may fix more.")

    def other_complete_windows(self, step: StepBuilder, others: list[tuple[int, int]],
                               found: dict) -> None:
        if not found:
            return
        if not others:
            return
        shown = list(itertools.islice(
            (w for w in others if not self.system.window_terms(*w)[0]), SHOW_CHECKS))
        step.say(f"Check: the other {len(others)} complete window{'s' if len(others) > 1 else ''}"
                 " must agree with these values (each is checked exactly)"
                 + (", for example:" if shown else "."))
        for w in shown:
            for line in self.note.window_lines(w, self.system.window_terms(*w)[1]):
                step.math(line)

    # ---- step 2: one window at a time, then groups --------------------------------------
    def begin_pass(self, number: int) -> None:
        self._pass, self._single, self._group, self._counts = number, None, None, [0, 0]

    def _heading(self, text: str) -> str:
        return text if self._pass == 1 else f"{text} (pass {self._pass})"

    def single(self, atom: Atom, value: Fraction, _equation: object) -> None:
        if self._single is None:
            self._single = self.step(self._heading("Lost inputs, one window at a time"))
            self._single.say(
                "With the kernel and bias known, a window is linear in the lost inputs it "
                "covers; a window with a single unknown gives it directly:"
                if not self.system.unknown_params() else
                "With everything found so far substituted, a window left with a single "
                "unknown gives it directly:")
        self._counts[0] += 1
        if self._counts[0] > SHOW_SINGLE:
            return
        (w,) = tuple(_equation.windows)  # type: ignore[attr-defined]
        terms, const = self.system.window_terms(*w)
        c, y, sym = terms[atom], self.spec.y[w[0]][w[1]], self.note.symbol(atom)
        collected = linear_expr({atom: c}, self.note.symbol, self.system.order, const)
        chain: list[object] = [collected, "=", y]
        if const and c != 1:
            chain += ["⇒", term_expr(c, sym), "=", y - const]
        if const or c != 1:  # else the line above already reads `X[2] = 0`
            chain += ["⇒", sym, "=", value]
        if self.note.expansion(w) is not None:
            for line in self.note.window_lines(w, y):
                self._single.math(line)
        else:
            chain = [self.note.out_symbol(w), "=", *chain]
        self._single.math(rel(*chain))  # type: ignore[arg-type]

    def group(self, group: Group) -> None:
        if self._group is None:
            self._group = self.step(self._heading("Unknowns that several windows fix "
                                                    "together"))
            # "left" only once windows were used up before (singles, or an earlier pass)
            self._group.say(
                "Every window still open holds two or more unknowns, so no single window "
                "gives a value." if self._counts[0] or self._pass > 1 else
                "No window with a known output holds a single unknown, so none gives a value "
                "alone.")
        self._counts[1] += 1
        if self._counts[1] > SHOW_GROUPS:
            return
        step = self._group
        atoms, n = group.reduced.atoms, len(group.equations)
        if n == len(atoms) == group.reduced.rank <= 4 and not any(map(is_product, atoms)):
            # a small square system: solve it in writing, as the key does
            windows = set().union(*(e.windows for e in group.equations))
            every = "both values" if n == 2 else f"all {n} values"
            step.say(f"The windows {self.note.windows_text(windows)} share "
                     f"{self._atoms_text(atoms)}: {n} equations in {n} unknowns, which "
                     f"together fix {every}.")
            rows = []
            for e in group.equations:
                label = self.next_label()
                self._window_equation(step, e, label)
                rows.append((label, e.terms, e.rhs))
            Eliminator(step, self.note.symbol, self.system.order, self.next_label).run(rows)
            return
        self._show_group(step, group)
        plain = [a for a in atoms if not is_product(a)]
        step.say("Together they fix " + ("every one of them:" if len(group.found) == len(plain)
                                         else "only these (the rest stay open):"))
        for atom, value in group.found:
            step.math(eq(self.note.symbol(atom), value))

    def _window_equation(self, step: StepBuilder, e: LinEq, label: str | None = None) -> None:
        """A window with everything known substituted, then the equation it gives in its
        unknowns, as step 3 writes one (`Y[2] = 1·3 + 2·X[2] + 3·X[3] = 2`, then
        `2X[2] + 3X[3] + 3 = 2 ⇒ 2X[2] + 3X[3] = −1`)."""
        (w,) = tuple(e.windows)
        y = self.spec.y[w[0]][w[1]]
        relation = [linear_expr(e.terms, self.note.symbol, self.system.order), "=", e.rhs]
        lines: list[Expr] = []
        if self.note.expansion(w) is not None:
            lines = self.note.window_lines(w, y)
            terms, const = self.system.window_terms(*w)
            if const or terms != e.terms:  # the known part moves over (or a factor goes)
                relation = [linear_expr(terms, self.note.symbol, self.system.order, const),
                            "=", y, "⇒", *relation]
        else:
            relation = [self.note.out_symbol(w), "=", *relation]
        lines.append(rel(*relation))  # type: ignore[arg-type]
        for line in lines[:-1]:
            step.math(line)
        step.math(lines[-1], label)

    def _show_group(self, step: StepBuilder, group: Group) -> None:
        windows = set().union(*(e.windows for e in group.equations))
        atoms = group.reduced.atoms
        n, m, rank = len(group.equations), len(atoms), group.reduced.rank
        count = f"{n} equation{'s' if n != 1 else ''} in {m} unknowns"
        if rank < n:
            count += f", only {rank} of them independent (the others follow from these)"
        elif rank < m:
            short = m - rank
            count += f", {'one' if short == 1 else short} too few to fix them all"
        step.say(f"The window{'s' if len(windows) > 1 else ''} "
                 f"{self.note.windows_text(windows)} cover{'' if len(windows) > 1 else 's'} "
                 f"{self._atoms_text(atoms)}: {count}.")
        for e in group.equations[:SHOW_EQUATIONS]:
            terms, rhs = scaled_to_integers(e.terms, e.rhs)
            self._window_equation(step, LinEq(terms, rhs, e.windows))
        if len(group.equations) > SHOW_EQUATIONS:
            step.say(f"… and {len(group.equations) - SHOW_EQUATIONS} more equations.")

    def _atoms_text(self, atoms: list[Atom]) -> str:
        return self.note.keys_text(atoms)  # the key is the symbol: X[4,1]

    def end_pass(self) -> None:
        singles, groups = self._counts
        if self._single is not None and singles > SHOW_SINGLE:
            self._single.say(f"… and {singles - SHOW_SINGLE} more, each found from one window "
                             "in the same way.")
        if self._group is not None and groups > SHOW_GROUPS:
            self._group.say(f"… and {groups - SHOW_GROUPS} more groups, solved the same way.")

    # ---- step 3: the lost outputs -------------------------------------------------------
    def outputs(self, final: Round, open_groups: list[Group]) -> None:
        sysm = self.system
        if not sysm.lost_outputs:
            return
        by_atom = {a: g for g in open_groups for a in g.reduced.atoms}
        step = self.step("The lost outputs")
        step.say("Each lost output is its window's sum with everything found substituted:")
        shown = 0
        for w in sysm.lost_outputs:
            simple = w not in final.touched and not any(
                coef[w] for coef in final.param_coef.values())
            if simple:
                value: Fraction | None = Fraction(int(final.known_part[w]), final.known_scale)
                terms: dict = {}
            else:
                terms, const = sysm.window_terms(*w)
                rest, value = dict(terms), const
                for g in {id(by_atom[a]): by_atom[a] for a in terms if a in by_atom}.values():
                    rest, value = g.reduced.reduce(rest, value)
                if rest:
                    value = None
            self.output_values[w] = value
            if shown < SHOW_OUTPUTS:
                shown += 1
                self._show_output(step, w, terms, value)
        if len(sysm.lost_outputs) > SHOW_OUTPUTS:
            step.say(f"… and {len(sysm.lost_outputs) - SHOW_OUTPUTS} more, computed the same "
                     "way.")

    def _show_output(self, step: StepBuilder, w: tuple[int, int], terms: dict,
                     value: Fraction | None) -> None:
        rest: list[object] = []
        if terms:
            const = self.system.window_terms(*w)[1]
            rest.append(linear_expr(terms, self.note.symbol, self.system.order, const))
        rest.append(value)  # None (undetermined) is left out
        for line in self.note.window_lines(w, *rest):
            step.math(line)
        if terms and value is not None:
            step.say("The windows fix this combination even though its terms stay open.")
        elif value is None:
            atoms = sorted(factors(terms), key=self.system.order)
            step.say(f"Not determined: it depends on {self._atoms_text(atoms)}, which the "
                     "data leave open.")

    # ---- what stays open ----------------------------------------------------------------
    def open_values(self, open_groups: list[Group]) -> None:
        """The undetermined values, each with the relations the data do fix (or, for a value
        no relation involves, the literal reason why)."""
        from examsolve.kinds.conv_recovery.open_values import OpenValues

        OpenValues(self).run(open_groups)

    # ---- the answers --------------------------------------------------------------------
    def answers(self) -> None:
        spec, sysm = self.spec, self.system
        values: dict[str, Fraction | None] = {}
        for n in sysm.names:
            values[n] = sysm.known.get(n)
        for r, c in sysm.lost_inputs:
            values[spec.input_key(r, c)] = sysm.known.get((r, c))
        for w in sysm.lost_outputs:
            values[spec.output_key(*w)] = self.output_values.get(w)
        rest = [k for k in values if k not in spec.find]
        # what is found first, the undetermined last: they read as one group
        order = [*spec.find, *(k for k in rest if values[k] is not None),
                 *(k for k in rest if values[k] is None)]
        if not values:
            self.every_window_checks()
            return
        box_all = not spec.find and len(values) <= MAX_BOXED
        for key in order:
            boxed = key in spec.find or box_all or (not spec.find and key in sysm.names)
            self.d.answer(key, values[key], boxed=boxed)

    def every_window_checks(self) -> None:
        """Nothing is unknown: the one result is that the data agree (the solver has
        already checked every window exactly; a mismatch would have stopped it)."""
        windows = [(i, j) for i in range(self.system.oh) for j in range(self.system.ow)]
        n = len(windows)
        step = self.step("Every window checks")
        agree = {1: "It does:", 2: "Both do:"}.get(
            n, f"All {n:,} do" + (":" if n <= SHOW_ALL_CHECKS else ", for example:"))
        step.say("With nothing to solve, each window must reproduce its given output "
                 f"exactly. {agree}")
        for w in windows[:SHOW_ALL_CHECKS]:
            for line in self.note.window_lines(w, self.system.window_terms(*w)[1]):
                step.math(line)
        self.d.answer("check", EVERY_WINDOW_CHECKS, display=Text(EVERY_WINDOW_CHECKS))


def _index_set(n: int, base: int) -> str:
    """The indices of n taps: {1, 2, 3}, or {1, …, 7} when long."""
    if n <= 4:
        return "{" + ", ".join(str(base + k) for k in range(n)) + "}"
    return "{" + f"{base}, …, {base + n - 1}" + "}"

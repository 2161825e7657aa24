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
from examsolve.mathmodel import Expr, Sym, add, eq, mul, rel, row
from examsolve.solvers.conv_recovery_algebra import Contradiction, Reduced, scaled_to_integers
from examsolve.solvers.conv_recovery_display import Notation, join_words, number_text
from examsolve.solvers.conv_recovery_elimination import Eliminator, linear_expr, term_expr
from examsolve.solvers.conv_recovery_propagate import Group, is_product
from examsolve.solvers.conv_recovery_spec import ConvSpec
from examsolve.solvers.conv_recovery_system import ConvSystem, Round

Atom = Hashable
SHOW_CHECKS = 2  # other complete windows shown as a check
SHOW_SINGLE = 8  # single-window solutions shown per pass
SHOW_GROUPS = 3  # jointly solved groups shown per pass
SHOW_OUTPUTS = 6  # lost outputs shown
SHOW_OPEN = 3  # undetermined groups shown
SHOW_EQUATIONS = 6  # equations shown per group
MAX_WARNINGS = 8
MAX_BOXED = 12  # without `find`, box every answer only when there are at most this many


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

    # ---- the set-up ---------------------------------------------------------------------
    def conventions(self) -> None:
        spec, sysm, note = self.spec, self.system, self.note
        step = self.d.step("The layer and its unknowns")
        shape = (lambda h, w: f"length {w}") if spec.one_d else (lambda h, w: f"{h}×{w}")
        zeros = f"{spec.padding[1]} zero{'s' if spec.padding[1] != 1 else ''}"
        pad = f'padding "same" ({zeros} on each side)' if spec.padding_same \
            else f"padding {spec.padding[1]}" if spec.padding[1] else "no padding"
        step.say("A convolution layer in deep learning computes a cross-correlation: the "
                 f"kernel slides over the input without being flipped. Here the "
                 f"{shape(sysm.kh, sysm.kw)} kernel W moves with stride {spec.stride} and "
                 f"{pad} over the {shape(sysm.h, sysm.w)} input X, giving the "
                 f"{shape(sysm.oh, sysm.ow)} output Y:")
        step.math(note.formula())
        base = spec.common.indexing
        first = "X₁" if spec.one_d else "X₁,₁"
        if base == 1:
            idx = (f"Indices count from 1 (`indexing: 1`): {first} is the first entry and the "
                   f"taps run over u{'' if spec.one_d else ', v'} = 1, 2, ….")
        else:
            idx = (f"Indices count from 0 (`indexing: 0`): {first.replace('₁', '₀')} is the "
                   f"first entry and the taps run over u{'' if spec.one_d else ', v'} = 0, 1, ….")
        if spec.padding != (0, 0):
            idx += (" Entries outside X are the padding: known zeros, not unknowns, so they "
                    "drop out of the sums.")
        step.say(idx)
        step.math(eq(Sym("W"), note.kernel_matrix()))
        step.math(eq(Sym("X"), note.input_matrix()))
        step.math(eq(Sym("Y"), note.output_matrix()))
        parts = []
        if sysm.names:
            parts.append(f"the parameter{'s' if len(sysm.names) > 1 else ''} "
                         f"{join_words(list(sysm.names))}")
        if sysm.lost_inputs:
            first_lost = sysm.lost_inputs[0]
            parts.append(f"{len(sysm.lost_inputs)} lost input"
                         f"{'s' if len(sysm.lost_inputs) > 1 else ''}, named by "
                         f"position ({note.text(first_lost)} is {spec.input_key(*first_lost)})")
        if sysm.lost_outputs:
            parts.append(f"{len(sysm.lost_outputs)} lost output"
                         f"{'s' if len(sysm.lost_outputs) > 1 else ''}")
        step.say(("The unknowns: " + "; ".join(parts) + ".") if parts else
                 "Nothing is unknown: the solution only checks that the data agree.")

    # ---- step 1 extras ------------------------------------------------------------------
    def partial_kernel(self, step: StepBuilder, reduced: Reduced, params: list[str]) -> None:
        n, r = len(params), reduced.rank
        step.say(f"These equations have rank {r} < {n}, so they cannot fix all of "
                 f"{join_words(params)}. Reduced (exact row reduction):")
        for pivot, lin in reduced.rows.items():
            step.math(eq(linear_expr(lin.terms, self.note.symbol, self.system.order), lin.rhs))
        found = reduced.determined()
        if found:
            step.say(f"So {join_words([self.note.key(a) for a in found])} "
                     f"{'is' if len(found) == 1 else 'are'} fixed here; the rest may still "
                     "come from windows with lost inputs.")

    def other_complete_windows(self, step: StepBuilder, others: list[tuple[int, int]],
                               found: dict) -> None:
        if not found:
            return
        if not others:
            step.say("These are all the complete windows, so nothing is left to cross-check.")
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
            self._single = self.d.step(self._heading("Lost inputs, one window at a time"))
            self._single.say("With the kernel and bias known, a window is linear in the lost "
                             "inputs it covers; a window with a single unknown gives it "
                             "directly:")
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
        chain += ["⇒", sym, "=", value]
        expanded = self.note.expansion(w)
        if expanded is not None:
            self._single.math(eq(self.note.out_symbol(w), expanded, y))
        else:
            chain = [self.note.out_symbol(w), "=", *chain]
        self._single.math(rel(*chain))  # type: ignore[arg-type]

    def group(self, group: Group) -> None:
        if self._group is None:
            self._group = self.d.step(self._heading("Unknowns that several windows fix "
                                                    "together"))
            self._group.say("Some windows hold two or more unknowns each, shared between "
                            "them. Each such group is solved exactly as one system; a value "
                            "counts as found only if it is the same in every solution (rank "
                            "test).")
        self._counts[1] += 1
        if self._counts[1] > SHOW_GROUPS:
            return
        step = self._group
        atoms, n = group.reduced.atoms, len(group.equations)
        if n == len(atoms) == group.reduced.rank <= 4 and not any(map(is_product, atoms)):
            # a small square system: solve it in writing, as the key does
            windows = set().union(*(e.windows for e in group.equations))
            step.say(f"The windows {self.note.windows_text(windows)} share "
                     f"{self._atoms_text(atoms)}: {n} equations, {n} unknowns.")
            rows = []
            for e in group.equations:
                (w,) = tuple(e.windows)
                expanded = self.note.expansion(w)
                label = self.next_label()
                if expanded is not None:
                    step.math(eq(self.note.out_symbol(w), expanded, self.spec.y[w[0]][w[1]]))
                step.math(eq(linear_expr(e.terms, self.note.symbol, self.system.order), e.rhs),
                          label)
                rows.append((label, e.terms, e.rhs))
            Eliminator(step, self.note.symbol, self.system.order, self.next_label).run(rows)
            return
        self._show_group(step, group)
        step.say("Solving them together:")
        for atom, value in group.found:
            step.math(eq(self.note.symbol(atom), value))

    def _show_group(self, step: StepBuilder, group: Group) -> None:
        windows = set().union(*(e.windows for e in group.equations))
        atoms = group.reduced.atoms
        step.say(f"The windows {self.note.windows_text(windows)} involve "
                 f"{self._atoms_text(atoms)}: {len(group.equations)} equations in "
                 f"{len(atoms)} unknowns, rank {group.reduced.rank}.")
        for e in group.equations[:SHOW_EQUATIONS]:
            terms, rhs = scaled_to_integers(e.terms, e.rhs)
            (w,) = tuple(e.windows)
            step.math(eq(linear_expr(terms, self.note.symbol, self.system.order), rhs),
                      f"({self.note.window_name(w)})")
        if len(group.equations) > SHOW_EQUATIONS:
            step.say(f"… and {len(group.equations) - SHOW_EQUATIONS} more equations.")

    def _atoms_text(self, atoms: list[Atom]) -> str:
        names = [self.note.text(a) for a in atoms[:8]]
        return join_words(names) + (f" and {len(atoms) - 8} more" if len(atoms) > 8 else "")

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
        step = self.d.step("The lost outputs")
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
            atoms = [a for a in terms if not is_product(a)] or list(terms)
            step.say(f"Not determined: it depends on {self._atoms_text(atoms)}, which the "
                     "data leave open.")

    # ---- what stays open ----------------------------------------------------------------
    def open_values(self, open_groups: list[Group]) -> None:
        sysm = self.system
        candidates = [*sysm.names, *sysm.lost_inputs]
        undetermined = [a for a in candidates if a not in sysm.known]
        undetermined_out = [w for w, v in self.output_values.items() if v is None]
        if not undetermined and not undetermined_out:
            return
        warnings: list[str] = []
        in_group: set = set()
        step = self.d.step("What the data leave open") if undetermined else None
        for k, group in enumerate(open_groups):
            atoms = [a for a in group.reduced.atoms if not is_product(a)]
            in_group.update(group.reduced.atoms)
            relations = [self.note.relation_text(*scaled_to_integers(e.terms, e.rhs))
                         for e in group.equations]
            if atoms:
                warnings.append(
                    f"{self.note.keys_text(atoms)} {'is' if len(atoms) == 1 else 'are'} not "
                    f"determined: the data only fix {'; '.join(relations[:4])}"
                    + (f" (and {len(relations) - 4} more relations)" if len(relations) > 4
                       else ""))
            if step is not None and k < SHOW_OPEN:
                self._show_group(step, group)
                self._show_freedom(step, group.reduced)
        if step is not None and len(open_groups) > SHOW_OPEN:
            step.say(f"… and {len(open_groups) - SHOW_OPEN} more such groups.")
        lonely = [a for a in undetermined if a not in in_group]
        if lonely:
            text = (f"{self.note.keys_text(lonely)} {'is' if len(lonely) == 1 else 'are'} not "
                    "determined: no window with a known output depends on "
                    f"{'it' if len(lonely) == 1 else 'them'}")
            warnings.append(text)
            if step is not None:
                step.say(text[0].upper() + text[1:] + ".")
        if undetermined_out:
            keys = [self.note.window_name(w) for w in undetermined_out]
            warnings.append(f"{join_words(keys[:8]) + (' …' if len(keys) > 8 else '')} "
                            f"{'is' if len(keys) == 1 else 'are'} not determined: "
                            f"{'it depends' if len(keys) == 1 else 'they depend'} on values "
                            "the data leave open")
        for text in warnings[:MAX_WARNINGS]:
            self.d.warn(text)
        if len(warnings) > MAX_WARNINGS:
            self.d.warn(f"… and {len(warnings) - MAX_WARNINGS} more groups of undetermined "
                        "values (their answers are null)")

    def _show_freedom(self, step: StepBuilder, reduced: Reduced) -> None:
        """x = particular + t·direction, when the group is small enough to read."""
        atoms = reduced.atoms
        directions = reduced.null_directions()
        if any(is_product(a) for a in atoms) or len(atoms) > 8 or not 0 < len(directions) <= 2:
            step.say("So none of these is determined by the data.")
            return
        particular = [reduced.rows[a].rhs if a in reduced.rows else Fraction(0) for a in atoms]
        params = ["t", "s"][:len(directions)]
        parts: list[Expr] = [row(particular)]
        for t, d in zip(params, directions):
            parts.append(mul(Sym(t), row([d.get(a, Fraction(0)) for a in atoms]), op=""))
        step.say("Every solution has the form (for any " + " and ".join(params) + "):")
        step.math(eq(row([self.note.symbol(a) for a in atoms]), add(*parts)))
        step.say("so these windows cannot tell the values apart: none of them is determined.")

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
        order = [*spec.find, *(k for k in values if k not in spec.find)]
        box_all = not spec.find and len(values) <= MAX_BOXED
        for key in order:
            boxed = key in spec.find or box_all or (not spec.find and key in sysm.names)
            self.d.answer(key, values[key], boxed=boxed)


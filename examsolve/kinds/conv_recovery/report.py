"""The written-out steps of a conv-recovery derivation, beyond the kernel's elimination.

Large problems stay readable: each kind of step shows its first few equations in full and
then says how many more were solved the same way ("… and 3,117 more"), so a 256×256 grid
gives a derivation of a few dozen lines while every value is still in the answers.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Callable, Hashable

from examsolve.derivation import DerivationBuilder, Part, StepBuilder
from examsolve.mathmodel import Num, Sym, Text, eq, rel
from examsolve.kinds.conv_recovery.algebra import (Contradiction, LinEq, Reduced,
                                                     scaled_to_integers)
from examsolve.kinds.conv_recovery.notation import Notation, listed
from examsolve.kinds.conv_recovery.elimination import Eliminator, linear_expr, term_expr
from examsolve.kinds.conv_recovery.groups import show_group, window_equation
from examsolve.kinds.conv_recovery.open_values import OpenValues, factors
from examsolve.kinds.conv_recovery.propagate import Group, is_product
from examsolve.kinds.conv_recovery.spec import ConvSpec
from examsolve.kinds.conv_recovery.system import ConvSystem, Round

Atom = Hashable
SHOW_CHECKS = 2  # other complete windows shown as a check
SHOW_SINGLE = 8  # single-window solutions shown per pass
SHOW_GROUPS = 3  # jointly solved groups shown per pass
SHOW_OUTPUTS = 6  # lost outputs shown
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

    def numbered_step(self, heading: str) -> tuple[StepBuilder, int]:
        """A new step and its number, for a warning that points back to it."""
        return self.step(heading), self.steps

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
                 f"{shape(sysm.kh, sysm.kw)} kernel ", Sym("W"), f" moves with stride "
                 f"{spec.stride} and {pad} over the {shape(sysm.h, sysm.w)} input ", Sym("X"),
                 f", giving the {shape(sysm.oh, sysm.ow)} output ", Sym("Y"),
                 *((" (no bias: ", eq(Sym("b"), 0), "):") if spec.bias == 0 else (":",)))
        step.math(note.formula())
        base = spec.common.indexing
        first = Sym(spec.input_key(0, 0))
        if spec.one_d:
            idx: tuple[Part, ...] = (
                f"Indices count from {base}: ", first, " is the first entry of ", Sym("X"),
                ", and the taps run over ", rel(Sym("u"), "∈", _index_set(sysm.kw, base)), ".")
        else:
            taps: tuple[Part, ...] = (
                (rel(Sym("u, v"), "∈", _index_set(sysm.kh, base)),) if sysm.kh == sysm.kw else
                (rel(Sym("u"), "∈", _index_set(sysm.kh, base)), " and ",
                 rel(Sym("v"), "∈", _index_set(sysm.kw, base))))
            idx = (f"Indices count from {base} (row, column): ", first, " is the top-left entry "
                   "of ", Sym("X"), ", and the taps run over ", *taps, ".")
        if spec.padding != (0, 0):
            idx += (" Entries outside ", Sym("X"), " are the padding: known zeros (the terms "
                    "times 0 in the sums below), not unknowns.")
        step.say(*idx)
        step.math(eq(Sym("W"), note.kernel_matrix()))
        step.math(eq(Sym("X"), note.input_matrix()))
        step.math(eq(Sym("Y"), note.output_matrix()))
        parts: list[tuple[Part, ...]] = []
        if sysm.names:
            parts.append((f"the parameter{'s' if len(sysm.names) > 1 else ''} ",
                          *listed([Sym(n) for n in sysm.names])))
        for what, lost, key in (("input", sysm.lost_inputs, spec.input_key),
                                ("output", sysm.lost_outputs, spec.output_key)):
            symbols = [Sym(key(*p)) for p in lost]
            if len(lost) == 1:
                parts.append((f"the lost {what} ", symbols[0]))
            elif 1 < len(lost) <= 8:
                parts.append((f"the {len(lost)} lost {what}s ", *listed(symbols)))
            elif lost:
                parts.append((f"the {len(lost):,} lost {what}s (", *listed(symbols[:3],
                                                                            len(lost)), ")"))
        if not parts:
            step.say("Nothing is unknown: the solution only checks that the data agree.")
            return
        joined: list[Part] = ["The unknowns: "]
        for k, part in enumerate(parts):
            joined += ["; "] * bool(k) + list(part)
        step.say(*joined, ".")

    # ---- step 1 extras ------------------------------------------------------------------
    def partial_kernel(self, step: StepBuilder, reduced: Reduced, params: list[str]) -> None:
        n, r = len(params), reduced.rank
        step.say("These equations have rank ", rel(Num(r), "<", Num(n)), ", so they cannot "
                 "fix all of ", *listed([Sym(p) for p in params]),
                 ". Reduced (exact row reduction):")
        for pivot, lin in reduced.rows.items():
            step.math(eq(linear_expr(lin.terms, self.note.symbol, self.system.order), lin.rhs))
        found = reduced.determined()
        if found:
            step.say("So ", *listed([self.note.symbol(a) for a in found]),
                     f" {'is' if len(found) == 1 else 'are'} fixed here; the rest may still "
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
        others_text = ("the other complete window" if len(others) == 1 else
                       f"the other {len(others)} complete windows")
        step.say(f"Check: {others_text} must agree with these values (each is checked "
                 "exactly)" + (", for example:" if shown else "."))
        for w in shown:
            step.math(self.note.window_relation(w, self.system.window_terms(*w)[1]))

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
        if self.note.window_sum(w) is not None:
            self._single.math(self.note.window_relation(w, y))
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
            step.say("The windows ", *self.note.windows_math(windows), " share ",
                     *self.note.keys_math(atoms), f": {n} equations in {n} unknowns, which "
                     f"together fix {every}.")
            rows = []
            for e in group.equations:
                label = self.next_label()
                window_equation(step, self.note, self.system, e, label)
                rows.append((label, e.terms, e.rhs))
            Eliminator(step, self.note.symbol, self.system.order, self.next_label).run(rows)
            return
        show_group(step, self.note, self.system, group)
        plain = [a for a in atoms if not is_product(a)]
        step.say("Together they fix " + ("every one of them:" if len(group.found) == len(plain)
                                         else "only these (the rest stay open):"))
        for atom, value in group.found:
            step.math(eq(self.note.symbol(atom), value))

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
        step.math(self.note.window_relation(w, *rest))
        if terms and value is not None:
            step.say("The windows fix this combination even though its terms stay open.")
        elif value is None:
            atoms = sorted(factors(terms), key=self.system.order)
            step.say("Not determined: it depends on ", *self.note.keys_math(atoms),
                     ", which the data leave open.")

    # ---- what stays open ----------------------------------------------------------------
    def open_values(self, open_groups: list[Group]) -> None:
        """The undetermined values, each with the relations the data do fix (or, for a value
        no relation involves, the literal reason why)."""
        OpenValues(self.system, self.note).run(open_groups, self.output_values,
                                               self.numbered_step, self.d.warn)

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
            step.math(self.note.window_relation(w, self.system.window_terms(*w)[1]))
        self.d.answer("check", EVERY_WINDOW_CHECKS, display=Text(EVERY_WINDOW_CHECKS))


def _index_set(n: int, base: int) -> Sym:
    """The indices of n taps as the set's symbol: {1, 2, 3}, or {1, …, 7} when long."""
    if n <= 4:
        return Sym("{" + ", ".join(str(base + k) for k in range(n)) + "}")
    return Sym("{" + f"{base}, …, {base + n - 1}" + "}")

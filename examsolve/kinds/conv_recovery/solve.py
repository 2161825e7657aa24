"""The conv-recovery kind: recover a (tied) kernel, the bias and lost inputs/outputs of a
convolution layer from what survived a noisy channel.

The layer is the deep-learning convolution, a cross-correlation (no kernel flip):
Y[i,j] = Σ_{u,v} W[u,v] · X[s·i + u − p, s·j + v − p] + b. Solved the way the exam's key
does, but generally:

1. *Complete windows* (known output, every input known) are linear in the kernel names and
   the bias. An independent set of them is chosen, shown ("There are 3 complete windows,
   …: 3 equations in 3 unknowns.") and solved by exact elimination; the other complete
   windows are checked.
2. With the kernel known, a window with lost inputs is linear in them: one window with one
   unknown gives it at once ("… + 2·X[4,1] + … = 3 ⇒ X[4,1] = 1"); groups of windows sharing
   unknowns are solved jointly (exact row reduction: a value is determined iff it is the
   same in every solution of the group). Steps 1–2 repeat while anything new is found.
3. Lost outputs are computed from their windows.

What the data do not pin down is reported (answer None plus a warning naming the relations
that are fixed), and data that contradict themselves raise UnsolvableError naming the
windows. Modules: `_spec` (loading), `_system` (windows, vectorised exact sums),
`_algebra` (exact linear algebra), `_propagate` (step 2), `_elimination` (the shown
elimination), `_display` (symbols), `_report` (this derivation's later steps).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Hashable

import numpy as np

from examsolve.derivation import Derivation, DerivationBuilder
from examsolve.errors import UnsolvableError
from examsolve.mathmodel import Num, Sym, eq
from examsolve.problem import Common
from examsolve.kinds.conv_recovery.algebra import (Contradiction, LinEq, rref,
                                                     select_independent)
from examsolve.kinds.conv_recovery.notation import Notation, join_words, listed, number_text
from examsolve.kinds.conv_recovery.elimination import Eliminator, linear_expr
from examsolve.kinds.conv_recovery.propagate import Propagator
from examsolve.kinds.conv_recovery.report import Report
from examsolve.kinds.conv_recovery.spec import ConvSpec
from examsolve.kinds.conv_recovery.system import ConvSystem, Round
from examsolve.spec import SpecNode


Atom = Hashable
MAX_SHOWN_ELIMINATION = 4  # more unknowns than this: the system is shown as a table



def solve(spec: ConvSpec) -> Derivation:
    """The derivation of a conv-recovery problem (pure: no printing, no files)."""
    return _Solver(spec).run()


def solve_system(spec: ConvSpec) -> tuple[Derivation, ConvSystem]:
    """The derivation and the solved system behind it: `system.known` holds every value
    found, in the order found, and `system.source` the windows each came from (marking.py
    re-runs the windows from a student's values with these)."""
    solver = _Solver(spec)
    return solver.run(), solver.system


class _Solver:
    def __init__(self, spec: ConvSpec) -> None:
        common = spec.common
        self.spec = spec
        self.system = ConvSystem(spec)
        self.note = Notation(spec, self.system)
        self.d = DerivationBuilder("conv-recovery", common.title, common.statement,
                                   common.source)
        self._label = 0
        self.report = Report(spec, self.system, self.note, self.d, self.fail, self.next_label)

    def next_label(self) -> str:
        self._label += 1
        return f"({self._label})"

    # ---- the solution -------------------------------------------------------------------
    def run(self) -> Derivation:
        self.report.conventions()
        passes = 0
        while True:
            passes += 1
            rnd = self.system.build()
            self.check(rnd)
            if self.kernel_from_complete_windows(rnd, passes):
                rnd = self.system.build()
                self.check(rnd)
            self.report.begin_pass(passes)
            # While parameters stay open, the complete windows' relations between them join
            # the windows with lost inputs: together they may fix what neither fixes alone.
            equations = sorted([*rnd.equations, *self.open_kernel_relations(rnd)],
                               key=lambda e: min(e.windows))  # in reading order
            propagator = Propagator(self.system, equations, self.report.single,
                                    self.report.group, self.fail)
            propagator.run()
            self.report.end_pass()
            if not propagator.param_found:
                break
        final = self.system.build()
        self.check(final)
        self.report.outputs(final, propagator.open_groups)
        self.report.open_values(propagator.open_groups)
        self.report.answers()
        return self.d.build()

    # ---- step 1: the kernel from the complete windows -----------------------------------
    def kernel_from_complete_windows(self, rnd: Round, passes: int) -> bool:
        """Choose independent complete windows, solve them exactly, record what they fix."""
        params = self.system.unknown_params()
        complete = rnd.complete
        if not params or (passes > 1 and not complete):
            return False
        windows = self.independent_complete(rnd, params)
        equations = []
        for w in windows:
            terms, const = self.system.window_terms(*w)
            equations.append((w, terms, Fraction(self.spec.y[w[0]][w[1]]) - const, const))
        reduced, _ = rref([LinEq(t, r, frozenset([w])) for w, t, r, _ in equations],
                          self.system.order)
        found = reduced.determined()
        if passes > 1 and not found:
            return False
        step = self.report.step("The kernel and bias from the complete windows" +
                           ("" if passes == 1 else f" (pass {passes})"))
        names = listed([Sym(p) for p in params])
        if not complete:
            step.say("No window is complete (each one covers a lost input or has a lost "
                     "output), so ", *names, " must come from the windows with lost inputs.")
            return False
        general = Sym("Y[i]" if self.spec.one_d else "Y[i,j]")
        n, r = len(params), len(windows)
        zero_based = ""
        if self.spec.common.indexing == 1 and not self.spec.one_d and len(windows) <= 4:
            # keys written 0-based (the exam's among them) name these windows differently
            positions = join_words([f"({i},{j})" for i, j in sorted(windows)])
            zero_based = (f" (position{'s' if len(windows) > 1 else ''} {positions} when "
                          "counted from 0)")
        count = (f"{r} equation{'s' if r != 1 else ''} in {n} unknown{'s' if n != 1 else ''}")
        chosen = (*self.note.windows_math(windows), zero_based)
        # A lost input under a weight of 0 adds nothing, so a window covering one is
        # complete too; say so whenever the kernel has such a weight and inputs were lost.
        zero_tap = any(w == 0 for row in self.spec.kernel for w in row
                       if not isinstance(w, str)) and \
            any(v is None for row in self.spec.x for v in row)
        covered = (" (or lost under a kernel weight of 0, which adds nothing)" if zero_tap
                   else "")
        intro = ("A window is named by the output it produces (window ", general, " gives ",
                 general, "). It is complete when that output is known and every input it "
                 f"covers is known{covered}; its equation is then linear in ", *names, ". ")
        if len(windows) == len(complete):  # one sentence: how many, which, what they give
            step.say(*intro, "There is 1 complete window, " if r == 1 else
                     f"There are {r} complete windows, ", *chosen, f": {count}.")
        else:
            which = ((": ", *self.note.windows_math(complete)) if len(complete) <= 8 else ())
            step.say(*intro, f"There are {len(complete)} complete windows", *which,
                     ". Taking them row by row and keeping each one that adds new information "
                     "leaves ", *chosen, f": {count}.")
        labelled = []
        wide = n > MAX_SHOWN_ELIMINATION
        for w, terms, rhs_value, const in equations:
            label = self.next_label()
            labelled.append((label, terms, rhs_value))
            if wide:
                continue
            collected = linear_expr(terms, self.note.symbol, self.system.order, const)
            window = self.note.window_relation(w, collected, self.spec.y[w[0]][w[1]])
            if const:  # move the known part over: the equation the elimination uses
                step.math(window)
                step.math(eq(linear_expr(terms, self.note.symbol, self.system.order),
                             rhs_value), label)
            else:
                step.math(window, label)
        if wide:  # too wide to write out: the system as a table of coefficients
            step.say("Too wide to write out: each row holds the coefficients of ", *names,
                     " in one window and, after `=`, its output minus the known part.")
            step.table(["window", *params, "="],
                       [[self.note.out_symbol(w), *[Num(terms.get(p, 0)) for p in params],
                         Num(rhs_value)]
                        for (_label, terms, rhs_value), (w, *_rest) in zip(labelled, equations)])
        if r == n and not wide:
            shown = Eliminator(step, self.note.symbol, self.system.order, self.next_label,
                               ).run(labelled)
            if shown != found:
                raise RuntimeError("the shown elimination disagrees with the exact RREF")
        elif r == n:
            step.say("Solved exactly by Gauss–Jordan elimination (fractions, no rounding); "
                     "the solution is unique:")
        else:
            self.report.partial_kernel(step, reduced, params)
        for atom, value in found.items():
            self.system.known[atom] = value
            self.system.source[atom] = frozenset(windows)
        if found:
            step.math(eq(Sym("W"), self.note.kernel_matrix(values=True)))
            bias = self.spec.bias
            if isinstance(bias, str) and bias in found:
                step.math(eq(Sym(bias), found[bias]))
        self.report.other_complete_windows(step, [w for w in complete
                                                  if w not in set(windows)], found)
        return bool(found)

    def independent_complete(self, rnd: Round, params: list[str]) -> list[tuple[int, int]]:
        """Complete windows, chosen row by row, whose equations are independent (the others
        follow from them; a complete window that contradicts them is an error)."""
        complete = rnd.complete
        if not complete:
            return []
        mask = rnd.complete_mask
        rows = np.stack([rnd.param_coef[n][mask].astype(object) for n in params], axis=1).tolist()
        rhs = rnd.residual[mask].astype(object).tolist()  # Python ints, exact
        chosen, contradiction = select_independent(rows, rhs, stop_at_rank=len(params))
        if contradiction is not None:
            self.fail(Contradiction(frozenset(complete[k] for k in contradiction.windows),
                                    contradiction.rhs))
        return [complete[k] for k in chosen]

    def open_kernel_relations(self, rnd: Round) -> list[LinEq]:
        """The independent complete windows' equations in the parameters still unknown."""
        params = self.system.unknown_params()
        if not params:
            return []
        out = []
        for w in self.independent_complete(rnd, params):
            terms, const = self.system.window_terms(*w)
            out.append(LinEq(terms, Fraction(self.spec.y[w[0]][w[1]]) - const,
                             frozenset([w])))
        return out

    # ---- consistency --------------------------------------------------------------------
    def check(self, rnd: Round) -> None:
        """Every window with nothing unknown must reproduce its given output exactly."""
        bad = rnd.mismatches()
        if bad:
            self.fail(Contradiction(frozenset(bad[:1]), Fraction(0)))

    def fail(self, contradiction: Contradiction) -> None:
        """Raise UnsolvableError naming the windows (and where the values used came from)."""
        windows = sorted(contradiction.windows)
        if len(windows) == 1:
            raise UnsolvableError(self._window_mismatch(windows[0]))
        involved = set()
        for w in windows:
            involved |= {a for a in self.system.window_terms(*w)[0]}
        unknowns = self.note.keys_text(sorted(involved, key=self.system.order))
        raise UnsolvableError(
            f"the data are inconsistent: the windows {self.note.windows_text(windows, 12)} "
            f"contradict each other (no values of {unknowns or 'the unknowns'} "
            f"satisfy all of their equations){self._sources_text(windows)}")

    def _window_mismatch(self, w: tuple[int, int]) -> str:
        terms, const = self.system.window_terms(*w)
        given = self.spec.y[w[0]][w[1]]
        name = self.note.window_name(w)
        if terms:  # only reachable when a contradiction leaves unknowns: say what it needs
            return (f"the data are inconsistent: window {name} cannot equal {number_text(given)}"
                    f"{self._sources_text([w])}")
        return (f"the data are inconsistent: window {name} computes {number_text(const)}"
                f"{self._sources_text([w])}, but {name} = {number_text(given)} is given")

    def _sources_text(self, windows: list[tuple[int, int]]) -> str:
        """` with e = 1, f = 2 (from windows …)` for the found values these windows use."""
        used: dict[Atom, Fraction] = {}
        for w in windows:
            for u, v, r, c in self.system.taps(*w):
                wt = self.spec.kernel[u][v]
                if isinstance(wt, str) and wt in self.system.known:
                    used[wt] = self.system.known[wt]
                if (r, c) in self.system.known:
                    used[(r, c)] = self.system.known[(r, c)]
            b = self.spec.bias
            if isinstance(b, str) and b in self.system.known:
                used[b] = self.system.known[b]
        if not used:
            return ""
        values = ", ".join(f"{self.note.key(a)} = {number_text(v)}"
                           for a, v in sorted(used.items(), key=lambda t: self.system.order(t[0])))
        sources = set()
        for a in used:
            sources |= self.system.source.get(a, frozenset())
        sources -= set(windows)
        origin = f" (found from {self.note.windows_text(sources, 12)})" if sources else ""
        return f" with {values}{origin}"

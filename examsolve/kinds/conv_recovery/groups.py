"""How a group of window equations is written: each window with its numbers substituted, then
the equation it gives in its unknowns. Shared by the step that solves groups and the step
that shows what stays open, so neither imports the other.
"""

from __future__ import annotations

from examsolve.derivation import StepBuilder
from examsolve.mathmodel import rel
from examsolve.kinds.conv_recovery.algebra import LinEq, scaled_to_integers
from examsolve.kinds.conv_recovery.elimination import linear_expr
from examsolve.kinds.conv_recovery.notation import Notation
from examsolve.kinds.conv_recovery.propagate import Group
from examsolve.kinds.conv_recovery.system import ConvSystem

SHOW_EQUATIONS = 4  # equations shown per group (each a window line and its relation)


def window_equation(step: StepBuilder, note: Notation, system: ConvSystem, e: LinEq,
                    label: str | None = None) -> None:
    """A window with everything known substituted, then the equation it gives in its
    unknowns (`Y[2] = 1·3 + 2·X[2] + 3·X[3] = 2`, then `2X[2] + 3X[3] + 3 = 2 ⇒
    2X[2] + 3X[3] = −1`)."""
    (w,) = tuple(e.windows)
    y = note.spec.y[w[0]][w[1]]
    relation: list[object] = [linear_expr(e.terms, note.symbol, system.order), "=", e.rhs]
    if note.window_sum(w) is not None:
        step.math(note.window_relation(w, y))
        terms, const = system.window_terms(*w)
        if const or terms != e.terms:  # the known part moves over (or a factor goes)
            relation = [linear_expr(terms, note.symbol, system.order, const), "=", y, "⇒",
                        *relation]
    else:
        relation = [note.out_symbol(w), "=", *relation]
    step.math(rel(*relation), label)  # type: ignore[arg-type]


def show_group(step: StepBuilder, note: Notation, system: ConvSystem, group: Group) -> None:
    """Which windows cover which unknowns, how many equations that makes, and the first few
    of them (scaled to whole coefficients)."""
    windows = set().union(*(e.windows for e in group.equations))
    atoms = group.reduced.atoms
    n, m, rank = len(group.equations), len(atoms), group.reduced.rank
    count = f"{n} equation{'s' if n != 1 else ''} in {m} unknowns"
    if rank < n:
        count += f", only {rank} of them independent (the others follow from these)"
    elif rank < m:
        short = m - rank
        count += f", {'one' if short == 1 else short} too few to fix them all"
    step.say(f"The window{'s' if len(windows) > 1 else ''} ", *note.windows_math(windows),
             f" cover{'' if len(windows) > 1 else 's'} ", *note.keys_math(atoms), f": {count}.")
    for e in group.equations[:SHOW_EQUATIONS]:
        terms, rhs = scaled_to_integers(e.terms, e.rhs)
        window_equation(step, note, system, LinEq(terms, rhs, e.windows))
    if len(group.equations) > SHOW_EQUATIONS:
        step.say(f"… and {len(group.equations) - SHOW_EQUATIONS} more equations.")

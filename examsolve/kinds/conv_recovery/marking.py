"""Marking a student's conv-recovery answers: the windows re-run from the student's own values
(error carried forward) and the kernel-flip slip made on purpose (see examsolve/marking.py
for the contract).

Computation order is the derivation's: the parameters (found together from the complete
windows), then the lost inputs in the order the windows give them, then the lost outputs.
Error carried forward solves the windows again with the student's values substituted:
every parameter takes the student's value (a parameter not answered keeps its true value —
the parameters are solved together, so none is said to follow from another), every lost
input the student gave is taken as known, and each lost input not answered is found again,
in the derivation's order, from the very windows the derivation found it from (inputs found
together solved together, exactly). A lost output is then its window's sum over those
values. So "follows from your e" is the windows' own answer from the student's e, not a
guess.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Hashable

import numpy as np

from examsolve.derivation import AnswerValue
from examsolve.errors import UnsolvableError
from examsolve.marking import LastSolved, Quantity, Slip
from examsolve.mathmodel import Sym
from examsolve.kinds.conv_recovery.algebra import LinEq, rref
from examsolve.kinds.conv_recovery.solve import solve_system
from examsolve.kinds.conv_recovery.spec import ConvSpec
from examsolve.kinds.conv_recovery.system import ConvSystem

Atom = Hashable
# Past this many lost inputs the windows are not solved again for each answer (500 answers
# on a 256×256 grid would take minutes): answers are then marked on their own, and a lost
# output still follows from the student's values through its window's sum.
MAX_RERUN_LOST = 100
def _solve(spec: ConvSpec) -> tuple[dict[str, AnswerValue], ConvSystem]:
    derivation, system = solve_system(spec)
    return derivation.answer_map(), system


_solved = LastSolved(_solve)  # the true answers and the system, one solve per spec


def quantities(spec: ConvSpec) -> tuple[Quantity, ...]:
    """Parameters, then lost inputs in the order found (undetermined last), then lost
    outputs."""
    truth, system = _solved(spec)
    found = [a for a in system.known if isinstance(a, tuple) and len(a) == 2]
    inputs = found + [rc for rc in system.lost_inputs if rc not in system.known]
    keys = [*spec.names, *(spec.input_key(*rc) for rc in inputs),
            *(spec.output_key(*w) for w in system.lost_outputs)]
    return tuple(Quantity(key, truth[key], Sym(key), (1, 1)) for key in keys if key in truth)


def recompute(spec: ConvSpec, mine: dict[str, np.ndarray]) -> dict[str, AnswerValue]:
    """Every quantity again from the student's values (the module docstring says how)."""
    truth, system = _solved(spec)
    given = {key: _exact(arr) for key, arr in mine.items()}
    params = {n: given[n] if n in given else truth[n] for n in spec.names}
    inputs = {rc: given.get(spec.input_key(*rc)) for rc in system.lost_inputs}
    rerun = _rerun(spec, system, params, inputs, truth)
    out: dict[str, AnswerValue] = dict(params)
    values: dict[tuple[int, int], Fraction | None] = {}
    for rc in system.lost_inputs:
        key = spec.input_key(*rc)
        if inputs[rc] is not None:
            values[rc] = inputs[rc]
        else:  # not re-found (the windows disagree on the student's values): the truth
            values[rc] = rerun.get(rc, truth[key]) if rerun is not None else truth[key]  # type: ignore[assignment]
        out[key] = values[rc]
    for w in system.lost_outputs:
        out[spec.output_key(*w)] = _window_sum(spec, system, w, params, values)
    return out


def _exact(arr: np.ndarray) -> Fraction | None:
    v = np.asarray(arr, dtype=object).reshape(-1)[0]
    if v is None:
        return None
    return Fraction(str(v)) if isinstance(v, float) else Fraction(v)


def _rerun(spec: ConvSpec, system: ConvSystem, params: dict[str, AnswerValue],
           inputs: dict[tuple[int, int], Fraction | None],
           truth: dict[str, AnswerValue]) -> dict[tuple[int, int], Fraction] | None:
    """The lost inputs the student did not give, found again from the windows the
    derivation found each from — in the derivation's order, each group of inputs found
    together solved together (exact row reduction) — with the student's parameters and
    inputs substituted. A group whose windows disagree on the student's values keeps its
    true values. None when a parameter is left open (nothing to substitute)."""
    if any(v is None for v in params.values()) or len(system.lost_inputs) > MAX_RERUN_LOST:
        return None
    values: dict[tuple[int, int], Fraction] = {}
    moved = any(params[n] != truth[n] for n in spec.names)  # every window changes
    changed: set[tuple[int, int]] = set()  # inputs whose value is not the true one
    for atoms, windows in _groups(system):
        open_ = [rc for rc in atoms if inputs[rc] is None]
        for rc in atoms:
            if inputs[rc] is not None:
                values[rc] = inputs[rc]  # type: ignore[assignment]
                if inputs[rc] != truth[spec.input_key(*rc)]:
                    changed.add(rc)
        if not open_:
            continue
        if not moved and not any((r, c) in changed for w in windows
                                 for _, _, r, c in system.taps(*w)):
            for rc in open_:  # nothing these windows read differs: the true values
                values[rc] = truth[spec.input_key(*rc)]  # type: ignore[assignment]
            continue
        equations = [_window_equation(spec, system, w, params, values, open_, truth)
                     for w in sorted(windows)]
        reduced, contradiction = rref([e for e in equations if e is not None], system.order)
        found = reduced.determined() if contradiction is None else {}
        for rc in open_:
            true = truth[spec.input_key(*rc)]
            values[rc] = found.get(rc, true)  # type: ignore[arg-type]
            if values[rc] != true:
                changed.add(rc)
    return values


def _groups(system: ConvSystem) -> list[tuple[list[tuple[int, int]], frozenset]]:
    """The lost inputs in the order found, those found from the same windows together."""
    out: list[tuple[list[tuple[int, int]], frozenset]] = []
    for atom in system.known:
        if not (isinstance(atom, tuple) and len(atom) == 2):
            continue
        windows = system.source.get(atom, frozenset())
        if out and out[-1][1] == windows:
            out[-1][0].append(atom)  # type: ignore[arg-type]
        else:
            out.append(([atom], windows))  # type: ignore[list-item]
    return out


def _window_equation(spec: ConvSpec, system: ConvSystem, w: tuple[int, int],
                     params: dict[str, AnswerValue], values: dict, open_: list,
                     truth: dict[str, AnswerValue]) -> LinEq | None:
    """Window w's equation Σ W·X + b = Y in the inputs `open_`, everything else
    substituted (the student's value, else the one found, else the true one)."""
    given = spec.y[w[0]][w[1]]
    if given is None:
        return None
    bias = params[spec.bias] if isinstance(spec.bias, str) else spec.bias
    terms: dict[tuple[int, int], Fraction] = {}
    known = Fraction(bias)  # type: ignore[arg-type]
    for u, v, r, c in system.taps(*w):
        weight = spec.kernel[u][v]
        weight = Fraction(params[weight] if isinstance(weight, str) else weight)  # type: ignore[arg-type]
        if (r, c) in open_:
            terms[(r, c)] = terms.get((r, c), Fraction(0)) + weight
            continue
        x = spec.x[r][c] if spec.x[r][c] is not None else \
            values.get((r, c), truth.get(spec.input_key(r, c)))
        if x is None:
            if weight != 0:
                return None  # an input the data leave open: this window fixes nothing
            continue
        known += weight * x  # type: ignore[operator]
    return LinEq({a: k for a, k in terms.items() if k}, given - known, frozenset([w]))


def _window_sum(spec: ConvSpec, system: ConvSystem, w: tuple[int, int],
                params: dict[str, AnswerValue],
                values: dict[tuple[int, int], Fraction | None]) -> Fraction | None:
    """Y[w] = Σ W·X + b over the given values (None when a value it needs is open)."""
    total = Fraction(0)
    for u, v, r, c in system.taps(*w):
        weight = spec.kernel[u][v]
        weight = params[weight] if isinstance(weight, str) else weight
        x = spec.x[r][c] if spec.x[r][c] is not None else values.get((r, c))
        if weight == 0 or x == 0:
            continue
        if weight is None or x is None:
            return None
        total += weight * x  # type: ignore[operator]
    bias = params[spec.bias] if isinstance(spec.bias, str) else spec.bias
    return None if bias is None else total + bias  # type: ignore[operator]


def slips(spec: ConvSpec) -> tuple[Slip, ...]:
    """The kernel flipped before sliding (a true convolution, not deep learning's
    cross-correlation): the whole problem solved again with the flipped kernel."""
    truth, _ = _solved(spec)
    flipped = tuple(tuple(reversed(row)) for row in reversed(spec.kernel))
    if flipped == spec.kernel:
        return ()
    try:
        derivation, _ = solve_system(replace(spec, kernel=flipped, find=()))
    except UnsolvableError:
        return ()
    values = tuple((k, v) for k, v in derivation.answer_map().items()
                   if k in truth and v is not None and v != truth[k])
    if not values:
        return ()
    return (Slip("kernel flipped", ("the kernel was flipped before sliding it, as a "
                                    "convolution in signal processing does; a convolution "
                                    "layer computes a cross-correlation (no flip)",), values),)

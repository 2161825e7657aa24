"""Marking a student's conv-recovery answers: the windows re-run from the student's own values
(error carried forward) and the kernel-flip slip made on purpose (see examsolve/marking.py
for the contract).

Computation order is the derivation's: the parameters (found together from the complete
windows), then the lost inputs in the order the windows give them, then the lost outputs.
Error carried forward re-runs the solver on the problem with the student's values made
data: every parameter takes the student's value (a parameter not answered keeps its true
value — the parameters are solved together, so none is said to follow from another), every
lost input the student gave becomes a known input, and each lost input not answered is
found again from the very windows the derivation found it from. A lost output is then its
window's sum over those values. So "follows from your e" is the windows' own answer from
the student's e, not a guess.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Hashable

import numpy as np

from examsolve.derivation import AnswerValue
from examsolve.errors import UnsolvableError
from examsolve.marking import Quantity, Slip
from examsolve.mathmodel import Sym
from examsolve.kinds.conv_recovery.solve import solve_system
from examsolve.kinds.conv_recovery.spec import ConvSpec
from examsolve.kinds.conv_recovery.system import ConvSystem

Atom = Hashable
_SOLVED: dict[int, tuple[ConvSpec, dict[str, AnswerValue], ConvSystem]] = {}


def _solved(spec: ConvSpec) -> tuple[dict[str, AnswerValue], ConvSystem]:
    """The true answers and the solved system (one solve per spec while marking)."""
    kept = _SOLVED.get(id(spec))
    if kept is None or kept[0] is not spec:
        derivation, system = solve_system(spec)
        _SOLVED.clear()
        kept = _SOLVED[id(spec)] = (spec, derivation.answer_map(), system)
    return kept[1], kept[2]


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
    rerun = _rerun(spec, system, params, inputs)
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
           inputs: dict[tuple[int, int], Fraction | None]) -> dict[Atom, Fraction] | None:
    """The lost inputs the student did not give, found again by the solver from the
    windows the derivation found each from, with the student's parameters and inputs as
    data; None when those windows contradict each other on the student's values."""
    if any(v is None for v in params.values()):
        return None  # a parameter the data leave open: nothing to substitute
    kernel = tuple(tuple(params[w] if isinstance(w, str) else w for w in row)
                   for row in spec.kernel)
    bias = params[spec.bias] if isinstance(spec.bias, str) else spec.bias
    x = tuple(tuple(v if v is not None else inputs.get((r, c))
                    for c, v in enumerate(row)) for r, row in enumerate(spec.x))
    keep: set[tuple[int, int]] = set()
    for rc in system.lost_inputs:
        if inputs[rc] is None and rc in system.known:
            keep |= set(system.source.get(rc, frozenset()))
    y = tuple(tuple(v if (i, j) in keep else None for j, v in enumerate(row))
              for i, row in enumerate(spec.y))
    try:
        _, again = solve_system(replace(spec, kernel=kernel, bias=bias, x=x, y=y, find=()))
    except (UnsolvableError, ZeroDivisionError):
        return None
    return {rc: v for rc, v in again.known.items() if isinstance(rc, tuple) and len(rc) == 2}


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

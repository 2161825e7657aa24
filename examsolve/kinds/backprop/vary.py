"""What `examsolve vary` changes in a backprop spec, and what must survive the change.

By default every whole number under `given` and `parameters` varies `tied` (equal entries
stay equal, opposite ones opposite, zeros zero) within −m..m, m the largest magnitude among
all of them: an exam's numbers are chosen for their pattern — a tie between two scores, a
unit that is dead — and a pattern drawn afresh entry by entry almost never comes back.

Before a candidate is solved, one forward pass (no derivation) checks the pattern that
decides the derivation's shape: a ReLU layer has an input at exactly 0 if and only if the
original's had, and is dead (no positive input) only if the original's was; a softmax has
as many scores tied for the maximum as the original's.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

from examsolve.autodiff import engine as eng
from examsolve.kinds.backprop.model import evaluate, leaf_arrays
from examsolve.autodiff.values import read_values


def plan(spec: Any) -> dict[str, str]:
    """Each matrix under `given` and `parameters`, tied on its own, within the largest
    magnitude among all of them (at least 2)."""
    ints = [abs(int(v)) for _, m in spec.leaves for row in m for v in row
            if isinstance(v, (int, Fraction)) and Fraction(v).denominator == 1]
    m = max(ints + [2])
    return {name: f"int {-m}..{m} tied" for name, _ in spec.leaves}


def forward_pattern(spec: Any) -> tuple:
    """Per ReLU (whether an input is 0, whether none is positive) and per softmax (how many
    scores tie for the maximum), in evaluation order."""
    ctx = eng.Context(exact=spec.exact, relu_grad_at_zero=spec.relu_grad_at_zero)
    evaluate(spec, leaf_arrays(spec, exact=spec.exact), ctx)
    out: list[tuple] = []
    for node in ctx.nodes:
        flat = node.children[0].value.reshape(-1) if node.children else ()
        if node.op == "softmax":
            top = max(flat)
            out.append(("softmax", sum(1 for v in flat if v == top)))
        elif node.op == "relu":
            out.append(("relu", any(v == 0 for v in flat), not any(v > 0 for v in flat)))
    return tuple(out)


_ORIGINAL: list = [None, None]  # the last original's spec and its pattern, computed once


def same_forward_pattern(original: Any, candidate: Any) -> bool:
    """The candidate's forward pass has the original's pattern (see the module docstring);
    a model undefined on the candidate's numbers fails here too."""
    if _ORIGINAL[0] is not original.spec:
        _ORIGINAL[:] = [original.spec, forward_pattern(original.spec)]
    try:
        return _ORIGINAL[1] == forward_pattern(candidate.spec)
    except (eng.DomainError, OverflowError, ValueError, ZeroDivisionError):
        return False


def quick_spec(spec: Any, node: Any) -> Any:
    """The original's spec with the candidate's numbers (`given` and `parameters` read from
    the drawn node tree): enough for the forward pass of PRECHECK, without parsing the
    model lines again. None when a shape changed (it cannot: only numbers are drawn)."""
    names: dict[str, str] = {}
    given = read_values(node.get("given"), "given", names)
    parameters = read_values(node.get("parameters"), "parameter", names)
    if [(n, len(m), len(m[0])) for n, m in given + parameters] != \
            [(n, len(m), len(m[0])) for n, m in spec.leaves]:
        return None
    return dataclasses.replace(spec, given=given, parameters=parameters)


PRECHECK = {"same forward pattern": same_forward_pattern}
# checked again on the solved candidate, loaded in full
RULES = {"same forward pattern": lambda o, _os, c, _cs: same_forward_pattern(o, c)}

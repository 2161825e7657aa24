"""Receptive fields: how many input positions along each spatial axis one output position of
a conv/pool layer sees.

    r ← r + (k − 1)·d·j,   j ← j·s,      from r = j = 1 at the input

(j is the jump: the distance in input positions between neighbouring outputs.) Padding does
not change r. A residual block's field is its longer path's; flatten and global pooling end
the spatial axes.
"""

from __future__ import annotations

from examsolve.mathmodel import Add, Mul, Paren, Neg, Num
from examsolve.kinds.architecture.network import LayerResult
from examsolve.kinds.architecture.symbolic import Dim, Formula, minus, product, shown, total

Field = tuple[tuple[Dim, Dim], ...]  # (r, j) per spatial axis


def annotate(results: list[LayerResult], state: Field | None) -> Field | None:
    """Set `rf` and `rf_steps` on every conv/pool layer (and blocks that hold them); returns
    the (r, j) after the last layer, None once the spatial axes are gone."""
    for res in results:
        state = _one(res, state)
    return state


def _one(res: LayerResult, state: Field | None) -> Field | None:
    op = res.layer.op
    if op in ("flatten", "view", "global_avgpool", "global_maxpool", "last_step") or \
            op.startswith("adaptive"):
        return None
    if op == "repeat":
        before = state
        for copy in res.children:
            state = annotate(copy, state)
        if state is not None and state != before:
            res.rf = tuple(r for r, _ in state)
        return state
    if op == "residual":
        main = annotate(res.children[0], state)
        short = annotate(res.shortcut, state)
        if main is None or short is None:
            return main
        merged = tuple(m if _longer(m[0], s[0]) else s for m, s in zip(main, short))
        if merged != state:
            res.rf = tuple(r for r, _ in merged)
        return merged
    if res.window is None:
        return state
    if state is None or len(state) != len(res.window):
        state = tuple((1, 1) for _ in res.window)
    new, steps = [], []
    names = ("L",) if len(res.window) == 1 else ("H", "W")
    for name, (r, j), (k, s, d) in zip(names, state, res.window):
        grow = product(minus(k, 1), d, j)
        r_new = total(r, grow)
        factors = [Paren(Add((shown(k), Neg(Num(1)))))]
        if d != 1:
            factors.append(shown(d))
        factors.append(shown(j))
        steps.append((name, Formula(r_new, Add((shown(r), Mul(tuple(factors), "·"))))))
        new.append((r_new, product(j, s)))
    res.rf = tuple(r for r, _ in new)
    res.rf_steps = steps
    return tuple(new)


def _longer(a: Dim, b: Dim) -> bool:
    return not (isinstance(a, int) and isinstance(b, int)) or a >= b

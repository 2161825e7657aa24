"""The data of a conv-recovery problem as its question sheet shows it: the kernel, the input
and the output with their lost entries named, the stride, the padding and the bias."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from examsolve.derivation import Step, StepBuilder
from examsolve.kinds.conv_recovery.spec import ConvSpec
from examsolve.mathmodel import Expr, Sym, eq, mat


def question(spec: ConvSpec) -> tuple[Step, ...]:
    """One step: W, X and Y as matrices (a lost entry shown by its name, X[4,1]), then the
    layer's stride, padding and bias in words."""
    step = StepBuilder("The data")
    lost = any(v is None for grid in (spec.x, spec.y) for row in grid for v in row)
    where = "first" if spec.one_d else "top-left"
    step.say("A lost entry is shown by its name. " * lost + f"Indices count from "
             f"{spec.common.indexing}: ", Sym(spec.input_key(0, 0)), f" is the {where} entry "
             "of ", Sym("X"), ".")
    step.math(eq(Sym("W"), _grid(spec, spec.kernel, None)))
    step.math(eq(Sym("X"), _grid(spec, spec.x, spec.input_key)))
    step.math(eq(Sym("Y"), _grid(spec, spec.y, spec.output_key)))
    pad = f'"same" ({spec.padding[1]} on each side)' if spec.padding_same else \
        str(spec.padding[1]) if spec.padding[0] == spec.padding[1] else \
        f"{spec.padding[0]} above and below, {spec.padding[1]} left and right"
    bias: tuple = ("no bias (", eq(Sym("b"), 0), ")") if spec.bias == 0 else \
        ("bias ", _entry(spec.bias))
    step.say(f"Stride {spec.stride}, padding {pad}, ", *bias, ".")
    return (step.build(),)


def _entry(value: Fraction | str) -> Expr | Fraction:
    return Sym(value) if isinstance(value, str) else value


def _grid(spec: ConvSpec, grid: tuple, key) -> Expr:  # type: ignore[no-untyped-def]
    """A grid as a matrix (a row vector in 1-D); None entries become their key's symbol."""
    arr = np.empty((len(grid), len(grid[0])), dtype=object)
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            arr[r, c] = Sym(key(r, c)) if v is None else _entry(v)
    return mat(arr.tolist() if spec.one_d else arr)

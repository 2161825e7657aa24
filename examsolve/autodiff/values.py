"""The named values a model spec gives (`given:`, `parameters:`, a data sample's entries),
read from their SpecNodes: each a new name of the model language and an exact matrix.

backprop and optimizer both write their models in this language, so both read their values
here; every bad name or entry is a SpecError at its line.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from examsolve.spec import NAME_RE, SpecNode

if TYPE_CHECKING:
    import numpy as np

    from examsolve.autodiff.program import Matrix


def read_values(node: SpecNode | None, kind: str, kinds: dict[str, str],
                floats: bool = False) -> tuple[tuple[str, Matrix], ...]:
    """name → matrix (rows of Fractions, or float64 for a big block when `floats`) for a
    mapping such as `given:`; `kinds` records each name as `kind` ("given", "parameter")."""
    if node is None:
        return ()
    if not node.is_mapping:
        raise node.error(f"expected a mapping of names to values, got {node.type_name}")
    node.check_keys(node.keys())  # duplicates
    return tuple((new_name(name, child, kinds, kind), read_matrix(child, floats))
                 for name, child in node.items())


def new_name(name: str, child: SpecNode, kinds: dict[str, str], kind: str) -> str:
    """`name` as a new value of the model language: a valid name, not an operation's, not
    already used (then recorded in `kinds`)."""
    from examsolve.autodiff.parse import NAME_RULE, SIGNATURES

    if not NAME_RE.match(name) or name in SIGNATURES or name == "T":
        raise child.error(f"'{name}' cannot name a value: {NAME_RULE}")
    if name in kinds:
        raise child.error(f"'{name}' is already a {kinds[name]}")
    kinds[name] = kind
    return name


def read_matrix(child: SpecNode, floats: bool) -> Matrix:
    """A value's entries: exact finite numbers, or float64 for a big block when `floats`."""
    fast = child.float_grid() if floats else None
    if fast is not None:
        return fast
    grid = child.grid()
    for row in grid.rows:
        for entry in row:
            if not isinstance(entry, Fraction):
                raise child.error(f"expected finite numbers, got {entry}")
    return grid.rows


def answer_of(arr: "np.ndarray") -> object:
    """A value as an answer in its own shape: 1×1 → a number, n×1 → a flat list, otherwise
    rows (backprop's gradients and the optimizer's steps both answer this way)."""
    if arr.shape == (1, 1):
        return arr[0, 0]
    if arr.shape[1] == 1:
        return arr.reshape(-1)
    return arr

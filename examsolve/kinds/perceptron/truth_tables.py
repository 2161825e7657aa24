"""The Boolean functions a truth table names, row by row in binary counting order.

Rows run 00…0, 00…1, …, 11…1 (the first input is the most significant bit). xor is parity:
1 when an odd number of inputs is 1; xnor is its negation; majority (odd n) is 1 when more
than half of the inputs are 1.
"""

from __future__ import annotations

from itertools import product
from typing import Callable

FUNCTIONS: dict[str, Callable[[tuple[int, ...]], int]] = {
    "and": lambda bits: int(all(bits)),
    "or": lambda bits: int(any(bits)),
    "nand": lambda bits: 1 - int(all(bits)),
    "nor": lambda bits: 1 - int(any(bits)),
    "xor": lambda bits: sum(bits) % 2,
    "xnor": lambda bits: 1 - sum(bits) % 2,
    "majority": lambda bits: int(2 * sum(bits) > len(bits)),
}


def truth_table(name: str, inputs: int) -> list[tuple[tuple[int, ...], int]]:
    """(bits, output) for every row of `name` on `inputs` inputs, in binary counting order."""
    fn = FUNCTIONS[name]
    return [(bits, fn(bits)) for bits in product((0, 1), repeat=inputs)]
